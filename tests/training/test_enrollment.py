import datetime

import pytest

from tests.factories import SchoolFactory, TeacherFactory, UserFactory, grant
from tests.training.factories import CourseFactory, EnrollmentFactory, SessionFactory
from yanxiu.notifications.models import Notification
from yanxiu.orgs.models import LeadershipPost, Stage, Subject
from yanxiu.training import selectors
from yanxiu.training.models import Approval, CourseStatus, EnrollmentStatus, RoleRequirement
from yanxiu.training.services import TrainingError
from yanxiu.training.services.enrollment import (
    approve_enrollment,
    enroll_teacher,
    reject_enrollment,
    withdraw_enrollment,
)

pytestmark = pytest.mark.django_db


def test_a_teacher_who_registers_waits_for_the_school(course, teacher, school_admin):
    enrollment = enroll_teacher(course, teacher, by=teacher.user)
    assert enrollment.status == EnrollmentStatus.PENDING_SCHOOL


def test_the_school_admin_is_told_when_a_teacher_applies(course, teacher, school_admin):
    enroll_teacher(course, teacher, by=teacher.user)
    assert Notification.objects.filter(recipient=school_admin).count() == 1


def test_school_approval_passes_the_enrollment_to_the_center(
    course, teacher, school_admin, center_staff
):
    enrollment = enroll_teacher(course, teacher, by=teacher.user)
    approve_enrollment(enrollment, by=school_admin)
    assert enrollment.status == EnrollmentStatus.PENDING_CENTER
    assert Notification.objects.filter(recipient=center_staff).count() == 1


def test_center_approval_admits_the_teacher_and_tells_them(
    course, teacher, school_admin, center_staff, mailoutbox
):
    enrollment = enroll_teacher(course, teacher, by=teacher.user)
    approve_enrollment(enrollment, by=school_admin)
    approve_enrollment(enrollment, by=center_staff)
    assert enrollment.status == EnrollmentStatus.APPROVED
    assert Notification.objects.filter(recipient=teacher.user, title__contains="录取").exists()


def test_the_center_is_mailed_when_it_must_act(
    course, teacher, school_admin, center_staff, mailoutbox
):
    enrollment = enroll_teacher(course, teacher, by=teacher.user)
    approve_enrollment(enrollment, by=school_admin)
    assert [m.to for m in mailoutbox] == [["center@example.org"]]


def test_a_course_without_approval_admits_at_once(school, teacher):
    course = CourseFactory(region=school.region, approval=Approval.NONE)
    assert enroll_teacher(course, teacher, by=teacher.user).status == EnrollmentStatus.APPROVED


def test_school_only_approval_admits_after_the_school(school, teacher, school_admin):
    course = CourseFactory(region=school.region, approval=Approval.SCHOOL)
    enrollment = enroll_teacher(course, teacher, by=teacher.user)
    approve_enrollment(enrollment, by=school_admin)
    assert enrollment.status == EnrollmentStatus.APPROVED


def test_a_nomination_by_the_school_skips_the_school_step(course, teacher, school_admin):
    enrollment = enroll_teacher(course, teacher, by=school_admin)
    assert enrollment.status == EnrollmentStatus.PENDING_CENTER
    assert enrollment.nominated_by == school_admin


def test_a_school_admin_cannot_nominate_another_schools_teacher(course, school_admin):
    stranger = TeacherFactory(school=SchoolFactory(zone=course.region.zones.first()))
    with pytest.raises(TrainingError, match="本校教师"):
        enroll_teacher(course, stranger, by=school_admin)


def test_a_school_admin_cannot_approve_outside_their_school(course, center_staff):
    other = SchoolFactory(zone=course.region.zones.first())
    enrollment = EnrollmentFactory(
        course=course, teacher=TeacherFactory(school=other), status=EnrollmentStatus.PENDING_SCHOOL
    )
    admin = UserFactory()
    grant(admin, "school_admin", school=SchoolFactory(zone=course.region.zones.first()))
    with pytest.raises(TrainingError, match="只有该教师所在学校的管理员可以审核此报名"):
        approve_enrollment(enrollment, by=admin)


def test_a_school_admin_cannot_take_the_center_step(course, teacher, school_admin):
    enrollment = EnrollmentFactory(
        course=course, teacher=teacher, status=EnrollmentStatus.PENDING_CENTER
    )
    with pytest.raises(TrainingError, match="只有培训中心可以审核此报名"):
        approve_enrollment(enrollment, by=school_admin)


def test_rejecting_needs_a_reason(course, teacher, school_admin):
    enrollment = enroll_teacher(course, teacher, by=teacher.user)
    with pytest.raises(TrainingError, match="必须填写原因"):
        reject_enrollment(enrollment, by=school_admin, reason=" ")


def test_a_rejected_teacher_is_told_why(course, teacher, school_admin):
    enrollment = enroll_teacher(course, teacher, by=teacher.user)
    reject_enrollment(enrollment, by=school_admin, reason="本学期课务太重")
    note = Notification.objects.get(recipient=teacher.user, title__contains="未通过")
    assert note.body == "本学期课务太重"


def test_enrolling_twice_is_refused(course, teacher):
    enroll_teacher(course, teacher, by=teacher.user)
    with pytest.raises(TrainingError, match="无需重复报名"):
        enroll_teacher(course, teacher, by=teacher.user)


def test_a_withdrawn_teacher_may_enroll_again(course, teacher):
    enrollment = enroll_teacher(course, teacher, by=teacher.user)
    withdraw_enrollment(enrollment, by=teacher.user)
    again = enroll_teacher(course, teacher, by=teacher.user)
    assert again.pk == enrollment.pk
    assert again.status == EnrollmentStatus.PENDING_SCHOOL


def test_a_draft_course_is_not_open(school, teacher):
    course = CourseFactory(region=school.region, status=CourseStatus.DRAFT)
    with pytest.raises(TrainingError, match="未开放报名"):
        enroll_teacher(course, teacher, by=teacher.user)


def test_a_teacher_of_another_stage_is_told_who_the_course_is_for(school, teacher):
    course = CourseFactory(region=school.region, stages=[Stage.KINDERGARTEN])
    with pytest.raises(TrainingError, match="本课程仅面向幼儿园教师"):
        enroll_teacher(course, teacher, by=teacher.user)


def test_a_senior_teacher_cannot_join_a_new_teacher_class(school):
    veteran = TeacherFactory(school=school, teaching_since=2000, user=UserFactory())
    course = CourseFactory(region=school.region, max_years=3)
    with pytest.raises(TrainingError, match="教龄不超过3年"):
        enroll_teacher(course, veteran, by=veteran.user)


def test_a_principal_class_needs_a_principal(school, teacher):
    course = CourseFactory(region=school.region, roles=[RoleRequirement.PRINCIPAL])
    assert selectors.eligibility_problems(course, teacher) == ["本课程仅面向校长/副校长"]
    teacher.leadership_post = LeadershipPost.VICE_PRINCIPAL
    assert selectors.eligibility_problems(course, teacher) == []


def test_a_full_class_puts_the_teacher_on_the_waitlist(school, teacher):
    course = CourseFactory(region=school.region, approval=Approval.NONE, capacity=1)
    EnrollmentFactory(course=course, teacher=TeacherFactory(school=school))
    assert enroll_teacher(course, teacher, by=teacher.user).status == EnrollmentStatus.WAITLISTED


def test_a_withdrawal_promotes_the_first_on_the_waitlist(school, teacher):
    course = CourseFactory(region=school.region, approval=Approval.NONE, capacity=1)
    first = TeacherFactory(school=school, user=UserFactory())
    place = enroll_teacher(course, first, by=first.user)
    waiting = enroll_teacher(course, teacher, by=teacher.user)
    withdraw_enrollment(place, by=first.user)
    waiting.refresh_from_db()
    assert waiting.status == EnrollmentStatus.APPROVED
    assert Notification.objects.filter(recipient=teacher.user, title__contains="名额空出").exists()


def test_a_teacher_cannot_withdraw_someone_else(course, teacher):
    other = TeacherFactory(school=teacher.school, user=UserFactory())
    enrollment = EnrollmentFactory(course=course, teacher=other)
    with pytest.raises(TrainingError, match="无权"):
        withdraw_enrollment(enrollment, by=teacher.user)


def test_overlapping_sessions_of_two_classes_are_reported_as_a_clash(school, teacher):
    start = datetime.datetime(2026, 7, 6, 9, tzinfo=datetime.UTC)
    taken = SessionFactory(course__region=school.region, starts_at=start, title="师德专题")
    EnrollmentFactory(course=taken.course, teacher=teacher)
    wanted = SessionFactory(
        course__region=school.region, starts_at=start + datetime.timedelta(hours=1)
    )
    assert selectors.clashes(wanted.course, teacher) == [(wanted, taken)]


def test_back_to_back_sessions_do_not_clash(school, teacher):
    start = datetime.datetime(2026, 7, 6, 9, tzinfo=datetime.UTC)
    taken = SessionFactory(course__region=school.region, starts_at=start)
    EnrollmentFactory(course=taken.course, teacher=teacher)
    wanted = SessionFactory(course__region=school.region, starts_at=taken.ends_at)
    assert selectors.clashes(wanted.course, teacher) == []


def test_pending_approvals_show_each_approver_only_their_step(
    course, teacher, school_admin, center_staff
):
    enrollment = enroll_teacher(course, teacher, by=teacher.user)
    assert list(selectors.pending_approvals(school_admin)) == [enrollment]
    assert list(selectors.pending_approvals(center_staff)) == []


def test_a_subject_course_is_for_teachers_of_that_subject(school, teacher):
    english = Subject.objects.create(name="英语")
    course = CourseFactory(region=school.region)
    course.subjects.add(english)
    assert selectors.eligibility_problems(course, teacher) == ["本课程仅面向英语学科教师"]
    teacher.subjects.add(english)
    assert selectors.eligibility_problems(course, teacher) == []


def test_a_course_of_another_region_is_not_for_the_teacher(teacher):
    course = CourseFactory()
    assert "该课程不面向您所在的区县" in selectors.eligibility_problems(course, teacher)
