"""Issue #9 item 3: a teacher's ID number cannot be rebuilt from what a role is shown.

An attacker is assumed to know the teacher's county code (6 digits) and gender. The
candidate count enumerates every valid number consistent with everything a persona
can read about one teacher: the teacher page, the roster list, the API, the roster
export and the public verification page of the teacher's transcript (which shows
what the PDF prints).
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.factories import TeacherFactory, UserFactory, grant
from yanxiu.certificates import documents
from yanxiu.certificates.models import DocumentKind, IssuedDocument, content_digest
from yanxiu.certificates.services import issue_document
from yanxiu.orgs import idnumbers
from yanxiu.orgs.models import Group, GroupMembership, School, Teacher, User

pytestmark = pytest.mark.django_db

COUNTY = "330302"
BORN = datetime.date(1985, 3, 14)
# Odd: a man's sequence number.
SEQUENCE = 517
NUMBER = idnumbers.compose(COUNTY, BORN, SEQUENCE)
PREFIX = "3303**************"
# Serving teachers are 18 to 65 years old.
AGES = (18, 65)
MIN_CANDIDATES = 10_000

# An ID number in any masked form: 18 characters of digits and asterisks (X last).
ID_FORM = re.compile(r"(?<![\d*])[\d*]{17}[\dX*](?![\d*X])")
HTML_BIRTH_DATE = re.compile(r"出生日期</dt>\s*<dd>(\d{4}-\d{2}-\d{2})</dd>")
HTML_BIRTH_YEAR = re.compile(r"出生年份</dt>\s*<dd>(\d{4})</dd>")
JSON_BIRTH_DATE = re.compile(r'"birth_date":\s*"(\d{4}-\d{2}-\d{2})"')
JSON_BIRTH_YEAR = re.compile(r'"birth_year":\s*(\d{4})')
CSV_BIRTH_COLUMN = "出生日期"


@dataclass
class Evidence:
    """What one viewer has read about one teacher's number and birth."""

    id_forms: set[str] = field(default_factory=set)
    birth_dates: set[datetime.date] = field(default_factory=set)
    birth_years: set[int] = field(default_factory=set)

    def read_text(self, text: str) -> None:
        self.id_forms.update(ID_FORM.findall(text))
        for pattern in (HTML_BIRTH_DATE, JSON_BIRTH_DATE):
            self.birth_dates.update(map(datetime.date.fromisoformat, pattern.findall(text)))
        for pattern in (HTML_BIRTH_YEAR, JSON_BIRTH_YEAR):
            self.birth_years.update(map(int, pattern.findall(text)))

    def read_csv(self, text: str, name: str) -> None:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        if not rows:
            return
        header, body = rows[0], [row for row in rows[1:] if name in row]
        birth = header.index(CSV_BIRTH_COLUMN)
        for row in body:
            self.id_forms.update(ID_FORM.findall(",".join(row)))
            value = row[birth]
            if len(value) == 4:
                self.birth_years.add(int(value))
            else:
                self.birth_dates.add(datetime.date.fromisoformat(value))


def _birth_candidates(evidence: Evidence, today: datetime.date) -> Iterable[datetime.date]:
    if evidence.birth_dates:
        return evidence.birth_dates
    if evidence.birth_years:
        first, last = min(evidence.birth_years), max(evidence.birth_years)
    else:
        first, last = today.year - AGES[1], today.year - AGES[0]
    day, end = datetime.date(first, 1, 1), datetime.date(last, 12, 31)
    dates = []
    while day <= end:
        dates.append(day)
        day += datetime.timedelta(days=1)
    return dates


def _fits(text: str, forms: set[str], offset: int) -> bool:
    """``text`` (placed at ``offset``) agrees with every shown character of every form."""
    return all(form[offset + i] in ("*", char) for form in forms for i, char in enumerate(text))


def candidates(evidence: Evidence, *, gender: str, today: datetime.date) -> int:
    """Valid ID numbers of the county and gender consistent with ``evidence``."""
    forms = evidence.id_forms
    if not _fits(COUNTY, forms, 0):
        return 0
    parity = 1 if gender == "M" else 0
    sequences = [
        f"{s:03d}" for s in range(1000) if s % 2 == parity and _fits(f"{s:03d}", forms, 14)
    ]
    check_shown = any(form[17] != "*" for form in forms)
    count = 0
    for born in _birth_candidates(evidence, today):
        first14 = f"{COUNTY}{born:%Y%m%d}"
        if not _fits(first14[6:], forms, 6):
            continue
        if not check_shown:
            count += len(sequences)
            continue
        count += sum(_fits(idnumbers.check_char(first14 + s), forms, 17) for s in sequences)
    return count


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    return html.unescape(response.content.decode()) if response.status_code == 200 else ""


def _listed_row(page: str, name: str) -> str:
    """The roster list's table row of the teacher called ``name`` (empty if not listed)."""
    rows = re.findall(r"<tr>.*?</tr>", page, flags=re.S)
    return "".join(row for row in rows if f">{name}<" in row)


def _listed_item(client: Client, teacher: Teacher) -> str:
    response = client.get("/api/orgs/teachers", {"name": teacher.name})
    if response.status_code != 200:
        return ""
    return json.dumps([i for i in response.json()["items"] if i["id"] == teacher.pk])


def seen_by(client: Client, teacher: Teacher, document: IssuedDocument) -> Evidence:
    """Everything ``client`` reads about ``teacher`` through pages, API, export and verification."""
    evidence = Evidence()
    for url in (
        reverse("orgs:teacher_detail", args=[teacher.pk]),
        f"/api/orgs/teachers/{teacher.pk}",
        reverse("certificates:verify", args=[document.code]),
    ):
        evidence.read_text(_page(client, url))
    evidence.read_text(_listed_row(_page(client, reverse("orgs:teacher_list")), teacher.name))
    evidence.read_text(_listed_item(client, teacher))
    export = client.get(reverse("roster:export") + "?format=csv")
    if export.status_code == 200:
        evidence.read_csv(export.getvalue().decode(), teacher.name)
    return evidence


@pytest.fixture
def target(school: School, led_group: Group) -> Teacher:
    """The teacher whose number is attacked: in ``school`` and a member of ``led_group``."""
    teacher = TeacherFactory(school=school, id_number=NUMBER, birth_date=BORN, gender="M")
    GroupMembership.objects.create(group=led_group, teacher=teacher)
    return teacher


@pytest.fixture
def transcript(target: Teacher) -> IssuedDocument:
    return issue_document(
        teacher=target,
        year=timezone.localdate().year,
        kind=DocumentKind.TRANSCRIPT,
        by=UserFactory(),
    )


@pytest.fixture
def colleague(school: School) -> User:
    return TeacherFactory(school=school, user=UserFactory(username="colleague")).user


@pytest.mark.parametrize("persona", ["zone_leader", "group_leader", "colleague", None])
def test_a_reader_who_does_not_manage_the_roster_is_left_ten_thousand_candidates(
    request: pytest.FixtureRequest,
    client: Client,
    target: Teacher,
    transcript: IssuedDocument,
    persona: str | None,
) -> None:
    if persona:
        login(client, request.getfixturevalue(persona))
    evidence = seen_by(client, target, transcript)
    assert candidates(evidence, gender="M", today=timezone.localdate()) >= MIN_CANDIDATES


def test_the_candidate_count_finds_the_number_from_the_old_mask_and_birth_date() -> None:
    """The counter itself: today's mask beside the birth date leaves exactly one number."""
    evidence = Evidence(id_forms={idnumbers.mask(NUMBER)}, birth_dates={BORN})
    assert candidates(evidence, gender="M", today=timezone.localdate()) == 1


def test_a_zone_leader_sees_the_area_prefix_and_birth_year_on_the_teacher_page(
    client: Client, zone_leader: User, target: Teacher
) -> None:
    page = _page(login(client, zone_leader), reverse("orgs:teacher_detail", args=[target.pk]))
    assert PREFIX in page
    assert target.id_number_masked not in page
    assert "1985-03-14" not in page
    assert HTML_BIRTH_YEAR.search(page)


def test_a_group_leader_gets_the_area_prefix_and_no_birth_date_from_the_api(
    client: Client, group_leader: User, target: Teacher
) -> None:
    body = login(client, group_leader).get(f"/api/orgs/teachers/{target.pk}").json()
    assert body["id_number_masked"] == PREFIX
    assert body["birth_date"] is None
    assert body["birth_year"] == 1985


def test_a_zone_leaders_export_carries_the_area_prefix_and_birth_year(
    client: Client, zone_leader: User, target: Teacher
) -> None:
    response = login(client, zone_leader).get(reverse("roster:export") + "?format=csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[1][1] == PREFIX
    assert rows[1][3] == "1985"


def test_the_verification_page_shows_the_area_prefix_only(
    client: Client, target: Teacher, transcript: IssuedDocument
) -> None:
    page = _page(client, reverse("certificates:verify", args=[transcript.code]))
    assert PREFIX in page
    assert NUMBER[-4:] not in page


def test_a_transcript_records_the_area_prefix(target: Teacher, transcript: IssuedDocument) -> None:
    assert transcript.content["id_masked"] == PREFIX


def test_a_document_issued_with_the_old_mask_is_shown_with_the_area_prefix(
    client: Client, target: Teacher, transcript: IssuedDocument
) -> None:
    content = {**transcript.content, "id_masked": idnumbers.mask(NUMBER)}
    IssuedDocument.objects.filter(pk=transcript.pk).update(
        content=content, digest=content_digest(content)
    )
    transcript.refresh_from_db()
    page = _page(client, reverse("certificates:verify", args=[transcript.code]))
    assert documents.shown_facts(transcript)["id_masked"] == PREFIX
    assert NUMBER[-4:] not in page


# --- those who manage the roster, and the teacher, keep what they need --------------------


def test_a_school_admin_sees_the_mask_and_birth_date_on_the_teacher_page(
    client: Client, school_admin: User, target: Teacher
) -> None:
    page = _page(login(client, school_admin), reverse("orgs:teacher_detail", args=[target.pk]))
    assert idnumbers.mask(NUMBER) in page
    assert "1985-03-14" in page


@pytest.mark.parametrize("persona", ["school_admin", "center_staff", "bureau_admin"])
def test_a_roster_manager_exports_the_full_number_and_birth_date(
    request: pytest.FixtureRequest, client: Client, target: Teacher, persona: str
) -> None:
    login(client, request.getfixturevalue(persona))
    response = client.get(reverse("roster:export") + "?format=csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[1][1] == NUMBER
    assert rows[1][3] == "1985-03-14"


def test_a_roster_manager_gets_the_mask_and_birth_date_from_the_api(
    client: Client, center_staff: User, target: Teacher
) -> None:
    body = login(client, center_staff).get(f"/api/orgs/teachers/{target.pk}").json()
    assert body["id_number_masked"] == idnumbers.mask(NUMBER)
    assert body["birth_date"] == "1985-03-14"


def test_a_teacher_sees_their_own_mask_and_birth_date(client: Client, target: Teacher) -> None:
    target.user = UserFactory(username="target")
    target.save()
    page = _page(login(client, target.user), reverse("orgs:teacher_detail", args=[target.pk]))
    assert idnumbers.mask(NUMBER) in page
    assert "1985-03-14" in page


def test_a_school_admin_of_one_school_sees_only_the_prefix_of_a_group_member_elsewhere(
    client: Client, school_admin: User, target: Teacher, other_school: School
) -> None:
    """Roster rights are per subtree: leading a group elsewhere does not widen them."""
    member = TeacherFactory(school=other_school)
    group = Group.objects.get(memberships__teacher=target)
    GroupMembership.objects.create(group=group, teacher=member)
    grant(school_admin, "group_leader", group=group)
    body = login(client, school_admin).get(f"/api/orgs/teachers/{member.pk}").json()
    assert body["id_number_masked"] == idnumbers.area_prefix(member.id_number_masked)
    assert body["birth_date"] is None
