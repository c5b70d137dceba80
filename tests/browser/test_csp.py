"""Every persona's menu pages run under the enforced Content-Security-Policy without a
violation or a script error: nothing on them needs inline script or eval."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.factories import TeacherFactory
from tests.training.factories import CourseFactory
from yanxiu.training.models import Course, CourseStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Recorded in every page before its own scripts run; Playwright's init scripts are not
# subject to the page's policy.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""

PERSONAS = [
    "bureau_admin",
    "center_staff",
    "zone_leader",
    "school_admin",
    "group_leader",
    "teacher",
]


def _problems_on_every_menu_page(page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url}: {message.text}") if message.type == "error" else None
        ),
    )
    menu = page.locator(".mainnav a").evaluate_all("links => links.map(a => a.href)")
    assert len(menu) > 2
    for url in menu:
        response = page.goto(url)
        assert response is not None, url
        assert response.ok, url
        page.wait_for_load_state("networkidle")
        problems += [f"{url}: {v}" for v in page.evaluate("window.__cspViolations")]
    return problems


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_menu_page_runs_without_a_policy_violation(page, request, persona, school):
    request.getfixturevalue(persona)
    TeacherFactory.create_batch(3, school=school)
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, persona)
    assert _problems_on_every_menu_page(page) == []


def test_the_language_menu_switches_without_inline_script(page, school_admin):
    log_in(page, "school_admin")
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"


def test_closing_a_class_asks_first_and_stays_open_when_declined(page, center_staff, school):
    course = CourseFactory(region=school.region, organizer=center_staff)
    log_in(page, "center_staff")
    page.goto(f"/training/{course.pk}/")
    asked: list[str] = []

    def decline(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", decline)
    page.get_by_role("button", name="结班并登记学分").click()
    page.wait_for_load_state("networkidle")
    assert asked == ["结班后将按结业条件登记学分，确定结班？"]
    assert Course.objects.get(pk=course.pk).status == CourseStatus.PUBLISHED


def test_closing_a_class_goes_ahead_once_confirmed(page, center_staff, school):
    course = CourseFactory(region=school.region, organizer=center_staff)
    log_in(page, "center_staff")
    page.goto(f"/training/{course.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="结班并登记学分").click()
    page.wait_for_load_state("networkidle")
    assert Course.objects.get(pk=course.pk).status == CourseStatus.CLOSED


def test_the_api_docs_render_from_local_files_under_the_policy(page, school_admin, live_server):
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, "school_admin")
    page.goto("/api/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert page.evaluate("window.__cspViolations") == []
    assert outside == []
