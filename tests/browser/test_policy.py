"""A bureau admin edits the credit policy, previews its effect, and saves it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.credits.factories import credit
from tests.factories import SchoolFactory, TeacherFactory, UserFactory, ZoneFactory, grant
from yanxiu.credits.models import Policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_bureau_admin_previews_and_saves_a_looser_policy(page):
    zone = ZoneFactory()
    admin = UserFactory(username="bureau")
    grant(admin, "bureau_admin", region=zone.region)
    teacher = TeacherFactory(school=SchoolFactory(zone=zone))
    credit(teacher, 16, category="centralized")
    credit(teacher, 32, category="school_based")

    log_in(page, "bureau")
    page.goto("/credits/policy/?year=2026")
    page.fill("input[name=min_online]", "0")
    page.fill("input[name=min_school_based]", "32")
    page.click("text=预览影响")
    proposed = page.locator("#preview [data-figure=teachers_passed]")
    proposed.wait_for()
    assert proposed.inner_text() == "1"
    assert page.locator("#preview tbody tr").first.locator("td").nth(1).inner_text() == "0"

    page.fill("input[name=note]", "网络培训不设最低")
    page.click("text=保存为新版本")
    page.wait_for_selector("text=已保存为第 1 版")
    assert Policy.objects.get().document["annual"]["minimums"] == {
        "centralized": 16,
        "online": 0,
        "school_based": 32,
    }
