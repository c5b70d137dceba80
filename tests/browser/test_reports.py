"""Report charts draw from our own static ECharts, and a bar opens the figures behind it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.certificates.factories import pass_the_year
from tests.factories import SchoolFactory, TeacherFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_bureau_admin_clicks_a_failing_schools_bar_and_lands_on_its_report(
    page, live_server, bureau_admin, zone
):
    behind = SchoolFactory(zone=zone, name="落后小学")
    TeacherFactory(school=behind)
    pass_the_year(TeacherFactory(school=SchoolFactory(zone=zone, name="达标小学")))
    log_in(page, "bureau_admin")
    page.get_by_role("link", name="学时报表").click()
    page.wait_for_selector("[data-chart=chart-schools] svg")
    requests_to_other_hosts = []
    page.on(
        "request",
        lambda r: (
            requests_to_other_hosts.append(r.url)
            if not r.url.startswith(page.url.split("/credits/")[0])
            else None
        ),
    )
    bars = page.locator("[data-chart=chart-schools] svg path[fill='#b42318']")
    bars.first.click()
    page.wait_for_url(f"**/credits/reports/school/{behind.pk}/**")
    assert "落后小学" in page.locator("h1").inner_text()
    page.wait_for_selector("[data-chart=chart-categories] svg")
    assert requests_to_other_hosts == []
