"""Junk in any query or path parameter of any page or API read answers 4xx, never a 500.

The crawl fills a small demo region, then, as a bureau admin and as a teacher:
- finds one real URL per page route by following the links of the pages it sees from the
  home page (routes no link reaches get ids of 1), and records which query parameters each
  page reads (``request.GET`` is watched while the page renders);
- sends every junk value to every parameter a page reads, and to the parameters every page
  shares (year, page, q, format …), one parameter at a time so no early refusal hides a later
  crash;
- sends 0 and a 30-digit number to every integer path parameter;
- does the same for every GET operation of the API from its OpenAPI document;
- checks that every parameter name the source reads by name (grepped) got its junk.
"""

from __future__ import annotations

import datetime
import re
from collections import deque
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone

import yanxiu
from tests.api.conftest import TokenClient
from tests.conftest import login
from tests.factories import SchoolFactory, TeacherFactory
from yanxiu.api.main import api
from yanxiu.api.services import issue_token
from yanxiu.certificates.models import IssuedDocument
from yanxiu.core.params import MIN_YEAR, max_year
from yanxiu.demo.management.commands.demo import DEMO_EXTRAS
from yanxiu.demo.orgs import create_region, demo_teacher_login, plan_region
from yanxiu.orgs.models import (
    Role,
    RoleAssignment,
    School,
    Teacher,
    TeacherPosting,
    User,
    Zone,
)
from yanxiu.projects.models import SchoolProject
from yanxiu.training.models import Course as OnlineCourse
from yanxiu.training.models import Enrollment

pytestmark = pytest.mark.django_db

JUNK = ["0", "-1", "99999", "9" * 30, "abc", "x" * 300, "\x00", "1e9", "2026-13-45", "²"]
HUGE_ID = "9" * 30
SKIPPED = re.compile(r"^/(admin/|media/|static/|i18n/|accounts/logout/|api/)")
HREF = re.compile(r'href="(/[^"#]*)"')
# request.GET.get("x"), request.GET["x"], id_param(request, "x") and the like.
READS_BY_NAME = re.compile(
    r'request\.GET(?:\.get|\.getlist)?[(\[]"(\w+)"|_(?:param|filter)\(request, "(\w+)"'
)


def _names_in_source() -> set[str]:
    names: set[str] = set()
    for module in Path(yanxiu.__file__).parent.rglob("*.py"):
        for match in READS_BY_NAME.finditer(module.read_text(encoding="utf-8")):
            names.add(match.group(1) or match.group(2))
    return names


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


PAGE_ROUTES = {
    route: pattern for route, pattern in _routes(get_resolver()) if not SKIPPED.match("/" + route)
}


def _route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _synthetic(route: str) -> str:
    """A URL for a route no page linked to: every parameter 1 (or "1" for strings)."""
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route)


class ReadParameters:
    """Watches which query parameters a view reads (get, [], getlist, in)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.names: set[str] = set()
        for method in ("get", "__getitem__", "getlist", "__contains__"):
            original = getattr(QueryDict, method)
            monkeypatch.setattr(QueryDict, method, self._watch(original))

    def _watch(self, original: Any) -> Any:
        def watched(query: QueryDict, key: str, *args: Any) -> Any:
            self.names.add(key)
            return original(query, key, *args)

        return watched


def _demo_region(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    create_region(plan_region(60, 1))
    for command in DEMO_EXTRAS:
        call_command(command, stdout=StringIO(), stderr=StringIO())
    # Two revisions of every project open the compare page (whichever project the crawl
    # meets first), and with it the page's ?a= and ?b=.
    author = User.objects.order_by("pk").first()
    assert author is not None
    for project in SchoolProject.objects.all():
        start = project.revisions.count()
        for number in (start + 1, start + 2):
            project.revisions.create(number=number, snapshot={}, submitted_by=author)


def _personas() -> dict[str, User]:
    admin = RoleAssignment.objects.filter(role=Role.BUREAU_ADMIN).order_by("pk").first()
    teacher = demo_teacher_login()
    assert admin is not None
    assert teacher is not None
    return {"bureau_admin": admin.user, "teacher": teacher}


class Crawl:
    def __init__(self, client: Client, reads: ReadParameters) -> None:
        self.client = client
        self.reads = reads
        self.failures: list[str] = []
        self.fed: set[str] = set()

    def get(self, url: str) -> int:
        response = self.client.get(url)
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {url[:160]!r}")
        return response.status_code

    def spider(self) -> dict[str, str]:
        """One URL per page route, found by following links from the home page."""
        found: dict[str, str] = {}
        queue = deque(["/"])
        while queue:
            url = queue.popleft()
            route = _route_of(urlsplit(url).path)
            if route is None or route in found or SKIPPED.match(url):
                continue
            found[route] = url
            response = self.client.get(url)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                queue.extend(HREF.findall(response.content.decode()))
        return found

    def junk_query(self, url: str) -> None:
        """Junk in each parameter the page reads, one at a time, on a page the persona may open.

        Parameters read only on some branch (an export's ``format``) join when first read.
        """
        path = urlsplit(url).path
        self.reads.names.clear()
        if self.get(path) != 200:
            return
        done: set[str] = set()
        while pending := sorted(self.reads.names - done):
            for name in pending:
                done.add(name)
                self.fed.add(name)
                for value in JUNK:
                    self.get(f"{path}?{urlencode({name: value})}")

    def junk_path(self, route: str, url: str) -> None:
        pattern = PAGE_ROUTES[route]
        kwargs = resolve(urlsplit(url).path).kwargs
        for name, converter in pattern.pattern.converters.items():
            if type(converter).__name__ != "IntConverter":
                continue
            for value in ("0", HUGE_ID):
                bad = {**kwargs, name: value}
                self.get(_synthetic_with(route, bad))


def _synthetic_with(route: str, kwargs: dict[str, Any]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)


def _api_path_ids() -> dict[str, int]:
    """A real id for each path parameter name the API's GET operations use."""
    models: dict[str, Any] = {
        "school_id": School,
        "teacher_id": Teacher,
        "course_id": OnlineCourse,
        "project_id": SchoolProject,
        "enrollment_id": Enrollment,
    }
    ids = {
        name: model.objects.order_by("pk").values_list("pk", flat=True).first() or 1
        for name, model in models.items()
    }
    ids["job_id"] = 1
    return ids


def _api_reads() -> Iterator[tuple[str, list[str], list[str]]]:
    """(path template, path parameters, query parameters) of each GET operation."""
    schema = api.get_openapi_schema(path_prefix="/api")
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        parameters = operations["get"].get("parameters", [])
        yield (
            path,
            [p["name"] for p in parameters if p["in"] == "path"],
            [p["name"] for p in parameters if p["in"] == "query"],
        )


# Routes no link leads to get id 1 (_synthetic); PostgreSQL's sequences run on across
# tests, so they are reset for this one, as SQLite's rolled-back ids are.
@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_junk_parameters_never_give_a_server_error(
    settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _demo_region(settings, tmp_path)
    reads = ReadParameters(monkeypatch)
    failures: list[str] = []
    reached: dict[str, int] = {}
    fed: set[str] = set()
    for persona, user in _personas().items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        crawl = Crawl(client, reads)
        found = crawl.spider()
        for route in PAGE_ROUTES:
            url = found.get(route) or _synthetic(route)
            crawl.junk_query(url)
            crawl.junk_path(route, url)
        ids = _api_path_ids()
        for path, path_names, query_names in _api_reads():
            real = path.format(**ids)
            for value in JUNK:
                for name in query_names:
                    crawl.get(f"{real}?{urlencode({name: value})}")
            for name in path_names:
                for value in ("0", HUGE_ID, "abc"):
                    crawl.get(path.format(**{**ids, name: value}))
        failures += [f"{persona}: {f}" for f in crawl.failures]
        reached[persona] = len(found)
        fed |= crawl.fed
    assert not failures, "\n".join(failures)
    # The links lead the admin to most pages, so their junk meets real objects.
    assert reached["bureau_admin"] > 50
    assert reached["teacher"] > 20
    assert _names_in_source() - fed == set()


# ---------------------------------------------------------------- the regressions, one by one

THIRTY_DIGITS = "9" * 30


def _as_teacher(client: Client, teacher: Teacher) -> Client:
    assert teacher.user is not None
    return login(client, teacher.user)


def _token_client(user: User) -> TokenClient:
    _token, key = issue_token(user, name="测试")
    return TokenClient(key)


@pytest.mark.parametrize("year", ["0", "99999", THIRTY_DIGITS, "²"])
def test_a_report_year_out_of_range_is_a_bad_request_that_says_the_range(
    client: Client, bureau_admin: User, zone: Zone, year: str
) -> None:
    login(client, bureau_admin)
    response = client.get(f"/credits/reports/region/{zone.region_id}/?year={year}")
    assert response.status_code == 400
    assert f"年度应为 {MIN_YEAR} 至 {max_year()} 之间的整数" in response.content.decode()


def test_a_report_of_next_year_is_still_shown(
    client: Client, bureau_admin: User, zone: Zone
) -> None:
    login(client, bureau_admin)
    response = client.get(f"/credits/reports/region/{zone.region_id}/?year={max_year()}")
    assert response.status_code == 200


@pytest.mark.parametrize("year", ["0", THIRTY_DIGITS])
def test_the_progress_warnings_refuse_a_year_out_of_range(
    client: Client, bureau_admin: User, year: str
) -> None:
    login(client, bureau_admin)
    assert client.get(f"/credits/warnings/?year={year}").status_code == 400


@pytest.mark.parametrize("year", ["0", THIRTY_DIGITS])
def test_my_credits_refuse_a_year_out_of_range(client: Client, teacher: Teacher, year: str) -> None:
    _as_teacher(client, teacher)
    assert client.get(f"/credits/me/?year={year}").status_code == 400


def test_the_training_calendar_refuses_a_year_of_thirty_digits(
    client: Client, teacher: Teacher
) -> None:
    _as_teacher(client, teacher)
    assert client.get(f"/training/calendar/?year={THIRTY_DIGITS}&month=1").status_code == 400


def test_the_training_calendar_offers_no_link_to_a_month_it_would_refuse(
    client: Client, teacher: Teacher
) -> None:
    _as_teacher(client, teacher)
    page = client.get(f"/training/calendar/?year={MIN_YEAR}&month=1").content.decode()
    assert f"year={MIN_YEAR - 1}" not in page
    assert f"year={MIN_YEAR}&month=2" in page


@pytest.mark.parametrize(
    "url", ["/orgs/teachers/?school=", "/orgs/schools/?zone=", "/credits/entries/?zone="]
)
def test_an_overlong_id_filter_is_a_bad_request(
    client: Client, bureau_admin: User, url: str
) -> None:
    login(client, bureau_admin)
    response = client.get(url + THIRTY_DIGITS)
    assert response.status_code == 400
    assert "应为有效的编号" in response.content.decode()


def test_an_api_year_beyond_next_year_is_refused(bureau_admin: User) -> None:
    response = _token_client(bureau_admin).get(f"/api/credits/policy?year={max_year() + 1}")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "year", "message": f"不能大于 {max_year()}"}]


@pytest.mark.parametrize("year", [0, 1, 1999, 9999])
def test_no_document_is_issued_for_a_year_outside_any_record(
    client: Client, teacher: Teacher, year: int
) -> None:
    _as_teacher(client, teacher)
    response = client.get(f"/certificates/{teacher.pk}/{year}/transcript.pdf")
    assert response.status_code == 404
    assert not IssuedDocument.objects.exists()


def test_no_document_is_issued_for_a_year_before_the_teacher_started(
    client: Client, teacher: Teacher
) -> None:
    _as_teacher(client, teacher)
    year = teacher.teaching_since - 1
    response = client.get(f"/certificates/{teacher.pk}/{year}/transcript.pdf")
    assert response.status_code == 404
    assert "只能出具" in response.content.decode()


def test_a_transcript_of_a_year_on_record_is_still_issued(client: Client, teacher: Teacher) -> None:
    _as_teacher(client, teacher)
    response = client.get(f"/certificates/{teacher.pk}/{teacher.teaching_since}/transcript.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_a_school_zip_of_year_zero_is_not_found(
    client: Client, school_admin: User, school: School
) -> None:
    login(client, school_admin)
    assert client.get(f"/certificates/school/{school.pk}/0.zip").status_code == 404


@pytest.mark.parametrize("on", [0, "1999-12-31", "2999-12-31"])
def test_a_departure_date_out_of_range_is_refused(
    school_admin: User, school: School, on: int | str
) -> None:
    leaving = TeacherFactory(school=school)
    response = _token_client(school_admin).post(
        f"/api/orgs/teachers/{leaving.pk}/deactivate", {"reason": "retired", "on": on}
    )
    assert response.status_code == 422
    assert "日期应在" in response.json()["detail"]
    assert Teacher.objects.get(pk=leaving.pk).is_active


def test_a_departure_before_the_current_posting_began_is_refused(
    school_admin: User, school: School
) -> None:
    leaving = TeacherFactory(school=school)
    TeacherPosting.objects.create(
        teacher=leaving, school=school, start_date=datetime.date(2024, 9, 1)
    )
    response = _token_client(school_admin).post(
        f"/api/orgs/teachers/{leaving.pk}/deactivate", {"reason": "left", "on": "2024-08-31"}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "离岗日期不能早于当前任职的起始日期"


def test_a_departure_planned_within_a_year_is_accepted(school_admin: User, school: School) -> None:
    leaving = TeacherFactory(school=school)
    on = timezone.localdate() + datetime.timedelta(days=365)
    response = _token_client(school_admin).post(
        f"/api/orgs/teachers/{leaving.pk}/deactivate", {"reason": "retired", "on": on.isoformat()}
    )
    assert response.status_code == 200


def test_the_departure_page_shows_the_date_range_as_a_form_error(
    client: Client, school_admin: User, school: School
) -> None:
    leaving = TeacherFactory(school=school)
    login(client, school_admin)
    response = client.post(
        f"/orgs/teachers/{leaving.pk}/deactivate/", {"reason": "retired", "on": "2999-12-31"}
    )
    assert response.status_code == 200
    assert "日期应在" in response.content.decode()
    assert Teacher.objects.get(pk=leaving.pk).is_active


def test_a_transfer_dated_far_ahead_is_refused(bureau_admin: User, school: School) -> None:
    mover = TeacherFactory(school=school)
    target = SchoolFactory(zone=school.zone)
    response = _token_client(bureau_admin).post(
        f"/api/orgs/teachers/{mover.pk}/transfer", {"to_school": target.pk, "on": "2999-12-31"}
    )
    assert response.status_code == 422
    assert "日期应在" in response.json()["detail"]
    assert Teacher.objects.get(pk=mover.pk).school == school
