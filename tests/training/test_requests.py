import pytest

from tests.factories import SchoolFactory, UserFactory, grant
from yanxiu.notifications.models import Notification
from yanxiu.training import selectors
from yanxiu.training.models import CourseRequestKind, CourseRequestStatus
from yanxiu.training.services import TrainingError
from yanxiu.training.services.catalog import (
    answer_course_request,
    comment_on_course_request,
    request_course,
)

pytestmark = pytest.mark.django_db


def ask(school, school_admin, **extra):
    return request_course(
        school,
        by=school_admin,
        kind=extra.pop("kind", CourseRequestKind.ADD),
        title="增开信息技术2.0应用培训",
        details="本校教师希望学习智慧课堂工具",
        **extra,
    )


def test_a_school_admin_requests_a_course_and_the_center_is_told(
    school, school_admin, center_staff
):
    ask(school, school_admin)
    assert Notification.objects.filter(recipient=center_staff).count() == 1


def test_a_teacher_cannot_request_a_course(school, teacher):
    with pytest.raises(TrainingError, match="本校管理员"):
        ask(school, teacher.user)


def test_a_change_request_names_the_course(school, school_admin):
    with pytest.raises(TrainingError, match="选择要调整的课程"):
        ask(school, school_admin, kind=CourseRequestKind.CHANGE)


def test_the_center_answers_and_the_school_is_told(school, school_admin, center_staff):
    request = ask(school, school_admin)
    answer_course_request(request, by=center_staff, accept=True, answer="暑期开设")
    assert request.status == CourseRequestStatus.ACCEPTED
    assert Notification.objects.filter(recipient=school_admin, body="暑期开设").exists()


def test_a_school_admin_cannot_answer(school, school_admin):
    request = ask(school, school_admin)
    with pytest.raises(TrainingError, match="只有培训中心"):
        answer_course_request(request, by=school_admin, accept=True, answer="好")


def test_both_sides_comment_on_a_request(school, school_admin, center_staff):
    request = ask(school, school_admin)
    comment_on_course_request(request, by=center_staff, body="预计多少人参加？")
    comment_on_course_request(request, by=school_admin, body="约40人")
    assert [c.body for c in request.comments.all()] == ["预计多少人参加？", "约40人"]


def test_another_school_does_not_see_the_request(school, school_admin):
    ask(school, school_admin)
    admin = UserFactory()
    grant(admin, "school_admin", school=SchoolFactory())
    assert list(selectors.course_request_list(admin)) == []


def test_the_requests_page_submits_a_request(client, school, school_admin):
    client.force_login(school_admin)
    client.post(
        "/training/requests/",
        {"kind": "add", "title": "英语口语培训", "details": "需要外教"},
    )
    assert selectors.course_request_list(school_admin).get().title == "英语口语培训"
