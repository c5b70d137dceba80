import pytest
from django.urls import reverse

from tests.conftest import login
from tests.factories import SchoolFactory, TeacherFactory
from tests.queries import assert_constant_queries
from tests.training.factories import CourseFactory, EnrollmentFactory, SessionFactory
from yanxiu.training.models import Attendance, CourseStatus, EnrollmentStatus

pytestmark = pytest.mark.django_db


def test_the_catalog_lists_published_courses_in_few_queries(client, teacher, course):
    login(client, teacher.user)
    response = assert_constant_queries(
        lambda n: CourseFactory.create_batch(n, region=course.region),
        lambda: client.get(reverse("training:course_list")),
        at_most=12,
    )
    assert response.status_code == 200
    assert course.title in response.content.decode()


def test_a_teacher_does_not_see_draft_courses(client, teacher, school):
    draft = CourseFactory(region=school.region, status=CourseStatus.DRAFT, title="筹备中的班")
    login(client, teacher.user)
    assert draft.title not in client.get(reverse("training:course_list")).content.decode()
    assert client.get(reverse("training:course_detail", args=[draft.pk])).status_code == 404


def test_the_center_sees_its_drafts(client, center_staff, school):
    draft = CourseFactory(region=school.region, status=CourseStatus.DRAFT, title="筹备中的班")
    login(client, center_staff)
    assert draft.title in client.get(reverse("training:course_list")).content.decode()


def test_the_course_page_tells_an_ineligible_teacher_why(client, teacher, school):
    course = CourseFactory(region=school.region, min_years=30)
    login(client, teacher.user)
    page = client.get(reverse("training:course_detail", args=[course.pk])).content.decode()
    assert "本课程要求教龄不少于30年" in page


def test_a_teacher_enrolls_from_the_course_page(client, teacher, course):
    login(client, teacher.user)
    response = client.post(reverse("training:enroll", args=[course.pk]), follow=True)
    assert "已为" in response.content.decode()
    assert course.enrollments.get().status == EnrollmentStatus.PENDING_SCHOOL


def test_the_school_admin_approves_on_the_approvals_page(client, teacher, course, school_admin):
    enrollment = EnrollmentFactory(
        course=course, teacher=teacher, status=EnrollmentStatus.PENDING_SCHOOL
    )
    login(client, school_admin)
    assert teacher.name in client.get(reverse("training:approvals")).content.decode()
    client.post(reverse("training:decide", args=[enrollment.pk]), {"decision": "approve"})
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.PENDING_CENTER


def test_a_school_admin_cannot_reach_another_schools_enrollment(client, course, school_admin):
    other = TeacherFactory(school=SchoolFactory())
    enrollment = EnrollmentFactory(
        course=course, teacher=other, status=EnrollmentStatus.PENDING_SCHOOL
    )
    login(client, school_admin)
    response = client.post(
        reverse("training:decide", args=[enrollment.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404


def test_the_organizer_sees_the_code_and_a_qr(client, center_staff, session):
    login(client, center_staff)
    page = client.get(reverse("training:session_code", args=[session.pk])).content.decode()
    assert 'data-testid="sign-in-code"' in page
    assert "<svg" in page


def test_a_teacher_cannot_open_the_code_screen(client, teacher, session):
    login(client, teacher.user)
    assert client.get(reverse("training:session_code", args=[session.pk])).status_code == 403


def test_every_training_page_renders(client, center_staff, session):
    login(client, center_staff)
    for name in ("course_list", "approvals", "requests", "calendar", "course_create"):
        assert client.get(reverse(f"training:{name}")).status_code == 200, name
    for name in ("course_detail", "course_edit"):
        assert client.get(reverse(f"training:{name}", args=[session.course_id])).status_code == 200
    response = client.get(reverse("training:session_attendance", args=[session.pk]))
    assert response.status_code == 200


def test_the_teacher_pages_render(client, teacher, session):
    EnrollmentFactory(course=session.course, teacher=teacher)
    login(client, teacher.user)
    for name in ("my_enrollments", "sign_in", "calendar"):
        assert client.get(reverse(f"training:{name}")).status_code == 200, name
    assert session.course.title in client.get(reverse("training:calendar")).content.decode()
    assert client.get(reverse("notifications:list")).status_code == 200


def test_the_approvals_page_stays_cheap_with_many_applications(
    client, course, school, school_admin
):
    login(client, school_admin)
    response = assert_constant_queries(
        lambda n: [
            EnrollmentFactory(
                course=course,
                teacher=TeacherFactory(school=school),
                status=EnrollmentStatus.PENDING_SCHOOL,
            )
            for _ in range(n)
        ],
        lambda: client.get(reverse("training:approvals")),
        at_most=10,
    )
    assert response.content.decode().count('data-testid="approval-') == 30  # a full page


def test_a_school_admin_nominates_only_teachers_not_yet_in_the_class(
    client, course, school, school_admin, teacher
):
    EnrollmentFactory(course=course, teacher=teacher)
    waiting = TeacherFactory(school=school, name="待推荐")
    login(client, school_admin)
    page = client.get(reverse("training:course_detail", args=[course.pk])).content.decode()
    assert f'<option value="{waiting.pk}">' in page
    assert f'<option value="{teacher.pk}">' not in page


def test_an_unknown_stage_filter_does_not_break_the_catalog(client, teacher, course):
    login(client, teacher.user)
    assert client.get(reverse("training:course_list") + "?stage=x").status_code == 200


def test_a_subject_filter_that_is_no_id_is_a_bad_request(client, teacher, course):
    login(client, teacher.user)
    assert client.get(reverse("training:course_list") + "?subject=abc").status_code == 400


def test_a_calendar_month_out_of_range_is_a_bad_request(client, teacher):
    login(client, teacher.user)
    assert client.get(reverse("training:calendar") + "?year=9999&month=12").status_code == 400
    assert client.get(reverse("training:calendar") + "?year=2026&month=13").status_code == 400


def test_the_course_page_for_the_center_stays_cheap_with_many_enrollments(
    client, course, school, center_staff
):
    SessionFactory.create_batch(3, course=course)
    login(client, center_staff)
    response = assert_constant_queries(
        lambda n: [
            EnrollmentFactory(course=course, teacher=TeacherFactory(school=school))
            for _ in range(n)
        ],
        lambda: client.get(reverse("training:course_detail", args=[course.pk])),
        at_most=16,
    )
    assert response.content.decode().count("0/3") == 50


def test_withdrawing_never_redirects_off_site(client, teacher, course):
    enrollment = EnrollmentFactory(course=course, teacher=teacher)
    login(client, teacher.user)
    response = client.post(
        reverse("training:withdraw", args=[enrollment.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("training:my_enrollments")


def test_an_admitted_teacher_sees_their_own_late_arrival(client, teacher, session):
    EnrollmentFactory(course=session.course, teacher=teacher)
    Attendance.objects.create(session=session, teacher=teacher, method="code", is_late=True)
    login(client, teacher.user)
    page = client.get(reverse("training:course_detail", args=[session.course_id])).content.decode()
    mine = '<td data-testid="my-attendance"><span class="badge ok">出勤</span>'
    assert f'{mine} <span class="badge warn">迟到</span>' in page
