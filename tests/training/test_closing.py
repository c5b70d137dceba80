import datetime
from decimal import Decimal

import pytest

from tests.factories import TeacherFactory, UserFactory
from tests.training.factories import CourseFactory, EnrollmentFactory, SessionFactory
from yanxiu.credits.models import CreditEntry
from yanxiu.notifications.models import Notification
from yanxiu.training.models import Attendance, CourseStatus, EnrollmentStatus
from yanxiu.training.selectors import completions
from yanxiu.training.services import TrainingError
from yanxiu.training.services.closing import (
    close_course,
    close_finished_courses,
    post_course_credits,
)
from yanxiu.training.services.sign_in import sign_in_teacher

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 7, 6, 1, 0, tzinfo=datetime.UTC)


@pytest.fixture
def five_sessions(course):
    return [
        SessionFactory(course=course, starts_at=START + datetime.timedelta(days=d))
        for d in range(5)
    ]


def attend(teacher, sessions, **flags):
    for s in sessions:
        Attendance.objects.create(
            session=s, teacher=teacher, method="code", signed_in_at=s.starts_at, **flags
        )


def test_closing_posts_credits_to_a_teacher_who_attended_enough(
    course, five_sessions, teacher, center_staff
):
    EnrollmentFactory(course=course, teacher=teacher)
    attend(teacher, five_sessions[:4])
    close_course(course, by=center_staff)
    entry = CreditEntry.objects.get(teacher=teacher)
    assert (entry.amount, entry.category, entry.source_id) == (
        Decimal("4"),
        "centralized",
        course.pk,
    )
    assert entry.source_label == f"2026年{course.title}"


def test_a_teacher_below_the_attendance_rate_gets_nothing(
    course, five_sessions, teacher, center_staff
):
    EnrollmentFactory(course=course, teacher=teacher)
    attend(teacher, five_sessions[:3])
    report = close_course(course, by=center_staff)
    assert report.not_completed == 1
    assert not CreditEntry.objects.filter(teacher=teacher).exists()


def test_too_many_late_arrivals_fail_the_completion_rule(school, teacher, center_staff):
    course = CourseFactory(region=school.region, max_irregular=1)
    sessions = [
        SessionFactory(course=course, starts_at=START + datetime.timedelta(days=d))
        for d in range(2)
    ]
    EnrollmentFactory(course=course, teacher=teacher)
    attend(teacher, sessions, is_late=True)
    assert not completions(course)[teacher.pk].completed


def test_closing_twice_is_refused_with_a_clear_message(
    course, five_sessions, teacher, center_staff
):
    EnrollmentFactory(course=course, teacher=teacher)
    attend(teacher, five_sessions)
    close_course(course, by=center_staff)
    with pytest.raises(TrainingError, match="不会重复登记"):
        close_course(course, by=center_staff)
    assert CreditEntry.objects.filter(teacher=teacher).count() == 1


def test_posting_a_closed_courses_credits_again_is_harmless(
    course, five_sessions, teacher, center_staff
):
    EnrollmentFactory(course=course, teacher=teacher)
    attend(teacher, five_sessions)
    close_course(course, by=center_staff)
    report = post_course_credits(course, by=center_staff)
    assert (report.posted, report.already_posted) == (0, 1)
    assert CreditEntry.objects.filter(teacher=teacher).count() == 1


def test_closing_marks_the_enrollment_and_tells_the_teacher(
    course, five_sessions, teacher, center_staff
):
    enrollment = EnrollmentFactory(course=course, teacher=teacher)
    attend(teacher, five_sessions)
    close_course(course, by=center_staff)
    enrollment.refresh_from_db()
    assert enrollment.credit_posted
    assert Notification.objects.filter(
        recipient=teacher.user, title__contains="学分已登记"
    ).exists()


def test_closing_ends_pending_applications(course, five_sessions, teacher, center_staff):
    pending = EnrollmentFactory(
        course=course, teacher=teacher, status=EnrollmentStatus.PENDING_SCHOOL
    )
    close_course(course, by=center_staff)
    pending.refresh_from_db()
    assert pending.status == EnrollmentStatus.REJECTED


def test_a_teacher_cannot_close_a_class(course, teacher):
    with pytest.raises(TrainingError, match="负责人或培训中心"):
        close_course(course, by=teacher.user)


def test_signing_in_to_a_closed_class_is_refused(course, five_sessions, teacher, center_staff):
    EnrollmentFactory(course=course, teacher=teacher)
    close_course(course, by=center_staff)
    course.refresh_from_db()
    session = five_sessions[0]
    session.course = course
    with pytest.raises(TrainingError, match="已结班"):
        sign_in_teacher(session, teacher, at=session.starts_at)


def test_classes_whose_last_session_ended_close_by_themselves(
    course, five_sessions, teacher, center_staff
):
    EnrollmentFactory(course=course, teacher=teacher)
    attend(teacher, five_sessions)
    closed = close_finished_courses(now=five_sessions[-1].ends_at + datetime.timedelta(1))
    assert [c.pk for c, _ in closed] == [course.pk]
    course.refresh_from_db()
    assert course.status == CourseStatus.CLOSED
    assert CreditEntry.objects.filter(teacher=teacher).count() == 1


def test_a_class_with_a_session_to_come_stays_open(course, five_sessions, center_staff):
    assert close_finished_courses(now=five_sessions[-1].starts_at) == []


def test_each_completer_gets_one_entry(course, five_sessions, center_staff, school):
    teachers = [TeacherFactory(school=school, user=UserFactory()) for _ in range(3)]
    for t in teachers:
        EnrollmentFactory(course=course, teacher=t)
        attend(t, five_sessions)
    report = close_course(course, by=center_staff)
    assert report.posted == 3
    assert CreditEntry.objects.filter(source_id=course.pk).count() == 3
