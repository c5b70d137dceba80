"""A school-based project from application to credits, across four roles in the browser.

School admin drafts and submits; center staff return it with a comment; the school
revises and resubmits; the center compares the revisions and approves; the school
records an activity with attendance and submits evidence; the center certifies; the
teacher finds the credits on 我的学时 (the credits app's page); the bureau admin sees
the project certified in the overview.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import log_in
from tests.factories import SchoolFactory, TeacherFactory, UserFactory, grant
from tests.projects.factories import ProjectActivityFactory, SchoolProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast(zone):
    school = SchoolFactory(zone=zone, name="城关第一小学")
    SchoolFactory(zone=zone, name="城关第二小学")
    admin = UserFactory(username="principal", full_name="李校长")
    grant(admin, "school_admin", school=school)
    center = UserFactory(username="center", full_name="进修学校王老师")
    grant(center, "center_staff", region=zone.region)
    bureau = UserFactory(username="bureau", full_name="教育局张科长")
    grant(bureau, "bureau_admin", region=zone.region)
    teachers = [
        TeacherFactory(school=school, name="陈晓燕", user=UserFactory(username="chen")),
        TeacherFactory(school=school, name="刘建国"),
        TeacherFactory(school=school, name="赵敏"),
    ]
    return school, teachers


def as_user(page, username):
    page.context.clear_cookies()
    log_in(page, username)


def state(page: Page) -> Locator:
    """The project's state badge; `expect` on it waits for the page to settle."""
    return page.get_by_test_id("state").first


def test_a_project_goes_from_application_to_credits_across_four_roles(page, cast):
    school, (chen, liu, zhao) = cast
    starts = timezone.localdate() + datetime.timedelta(days=7)
    year = starts.year

    # School admin drafts the application and submits it.
    as_user(page, "principal")
    page.goto("/projects/new/")
    page.fill("#id_year", str(year))
    page.fill("#id_theme", "大单元作业设计")
    page.fill("#id_goals", "提升教师作业设计能力")
    page.fill("#id_activities_plan", "两次专题研讨")
    page.fill("#id_starts_on", starts.isoformat())
    page.fill("#id_ends_on", (starts + datetime.timedelta(days=60)).isoformat())
    page.fill("#id_hours", "12")
    page.fill("#id_credit_value", "4")
    page.select_option("#id_leader", str(chen.pk))
    for teacher in (chen, liu, zhao):
        page.check(f"input[name=participants][value='{teacher.pk}']")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="提交申报").click()
    expect(state(page)).to_have_text("已申报")
    project_url = page.url

    # The center returns it with a comment.
    as_user(page, "center")
    page.goto("/projects/review/")
    page.get_by_role("link", name="大单元作业设计").click()
    page.fill("#review textarea[name=comment]", "请写明每次研讨的主题和时间")
    page.get_by_role("button", name="退回修改").click()
    expect(state(page)).to_have_text("已退回")

    # The school sees the comment, revises and resubmits.
    as_user(page, "principal")
    page.goto(project_url)
    expect(page.get_by_text("请写明每次研讨的主题和时间")).to_be_visible()
    page.get_by_role("link", name="修改申报").click()
    expect(page.get_by_text("请写明每次研讨的主题和时间")).to_be_visible()
    page.fill("#id_activities_plan", "12月5日专题研讨：作业分层；12月19日专题研讨：作业评价")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="重新提交申报").click()
    expect(state(page)).to_have_text("已重新申报")

    # The center compares the two revisions, then approves.
    as_user(page, "center")
    page.goto(project_url)
    page.get_by_role("link", name="比较版本").click()
    changed = page.locator("tr[data-changed]")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("作业分层")
    page.goto(project_url)
    page.get_by_role("button", name="核准").click()
    expect(state(page)).to_have_text("已核准")

    # The school records an activity with attendance, then submits evidence.
    as_user(page, "principal")
    page.goto(project_url)
    page.get_by_role("link", name="记录活动").click()
    page.fill("#id_title", "专题研讨：作业分层")
    page.select_option("#id_activity_type", "seminar")
    page.fill("#id_starts_at", f"{starts.isoformat()}T14:00")
    page.fill("#id_ends_at", f"{starts.isoformat()}T16:00")
    page.fill("#id_place", "三楼会议室")
    page.fill("#id_credit_value", "3")
    page.check(f"input[name=attended][value='{chen.pk}']")
    page.check(f"input[name=attended][value='{liu.pk}']")
    page.get_by_role("button", name="保存活动").click()
    expect(page.get_by_text("活动已记录。")).to_be_visible()
    page.get_by_role("link", name="大单元作业设计").click()
    expect(state(page)).to_have_text("实施中")
    page.fill("#evidence textarea[name=summary]", "完成专题研讨，形成分层作业案例集")
    page.get_by_role("button", name="提交实施材料").click()
    expect(state(page)).to_have_text("已提交材料")

    # The center evaluates and certifies.
    as_user(page, "center")
    page.goto(project_url)
    page.select_option("#certify select[name=grade]", "excellent")
    page.fill("#certify input[name=score]", "92")
    page.get_by_role("button", name="认定并记入学分").click()
    expect(state(page)).to_have_text("已认定")
    expect(page.get_by_text("2 位教师的学分已记入学分档案")).to_be_visible()

    # The teacher who attended finds the credits on 我的学时.
    as_user(page, "chen")
    page.goto(f"/credits/me/?year={year}")
    row = page.locator("tr", has_text="大单元作业设计")
    assert "3.00" in row.inner_text()

    # The bureau admin sees the project certified in the year's overview.
    as_user(page, "bureau")
    page.goto(f"/projects/overview/?year={year}")
    assert (
        page.locator(f"tr[data-school='{school.name}'] [data-testid=certified]").inner_text() == "1"
    )
    assert page.get_by_test_id("without-plan").inner_text() == "2"


def test_a_teacher_checks_their_attendance_on_a_phone(phone_page, cast):
    school, (chen, liu, _zhao) = cast
    project = SchoolProjectFactory(school=school, state="in_progress", participants=[chen, liu])
    activity = ProjectActivityFactory(project=project, title="观课磨课第一轮")
    activity.attendance.create(teacher=chen, attended=True)
    log_in(phone_page, "chen")
    phone_page.click("label.nav-toggle-label")
    phone_page.get_by_role("link", name="我的研训").click()
    row = phone_page.locator("tr", has_text="观课磨课第一轮")
    assert "出勤" in row.inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375


def test_choosing_a_routine_meeting_warns_at_once_that_it_earns_nothing(page, cast):
    school, teachers = cast
    project = SchoolProjectFactory(school=school, state="approved", participants=teachers)
    log_in(page, "principal")
    page.goto(f"/projects/{project.pk}/activities/new/")
    page.select_option("#id_activity_type", "routine_meeting")
    assert "不计入校本研训学分" in page.get_by_test_id("type-notice").inner_text()
    page.select_option("#id_activity_type", "seminar")
    page.get_by_test_id("type-notice").wait_for(state="detached")
