import datetime

import pytest

from tests.factories import SchoolFactory, TeacherFactory
from tests.training.factories import CourseFactory, EnrollmentFactory
from yanxiu.training import codes
from yanxiu.training.models import CourseStatus, EnrollmentStatus

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_the_catalog_lists_what_the_teacher_may_see(client, teacher, course):
    CourseFactory(region=course.region, status=CourseStatus.DRAFT)
    client.force_login(teacher.user)
    items = client.get("/api/training/courses").json()["items"]
    assert [c["id"] for c in items] == [course.pk]


def test_the_course_detail_says_why_a_teacher_is_ineligible(client, teacher, school):
    course = CourseFactory(region=school.region, max_years=1)
    client.force_login(teacher.user)
    body = client.get(f"/api/training/courses/{course.pk}").json()
    assert body["eligibility_problems"][0].startswith("本课程要求教龄不超过1年")


def test_a_draft_is_not_found_for_a_teacher(client, teacher, school):
    course = CourseFactory(region=school.region, status=CourseStatus.DRAFT)
    client.force_login(teacher.user)
    assert client.get(f"/api/training/courses/{course.pk}").status_code == 404


def test_a_teacher_enrolls_through_the_api(client, teacher, course):
    client.force_login(teacher.user)
    response = post(client, f"/api/training/courses/{course.pk}/enroll")
    assert response.status_code == 200
    assert response.json()["enrollment"]["status"] == EnrollmentStatus.PENDING_SCHOOL


def test_an_ineligible_enrollment_answers_400_in_chinese(client, teacher, school):
    course = CourseFactory(region=school.region, min_years=40)
    client.force_login(teacher.user)
    response = post(client, f"/api/training/courses/{course.pk}/enroll")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("不符合报名条件")


def test_my_enrollments_lists_only_mine(client, teacher, course):
    EnrollmentFactory(course=course, teacher=teacher)
    EnrollmentFactory(course=course, teacher=TeacherFactory(school=teacher.school))
    client.force_login(teacher.user)
    assert client.get("/api/training/my-enrollments").json()["count"] == 1


def test_the_school_admin_approves_through_the_api(client, teacher, course, school_admin):
    enrollment = EnrollmentFactory(
        course=course, teacher=teacher, status=EnrollmentStatus.PENDING_SCHOOL
    )
    client.force_login(school_admin)
    assert client.get("/api/training/approvals").json()["count"] == 1
    response = post(
        client, f"/api/training/enrollments/{enrollment.pk}/decision", {"approve": True}
    )
    assert response.json()["status"] == EnrollmentStatus.PENDING_CENTER


def test_another_schools_enrollment_is_not_found(client, course, school_admin):
    other = EnrollmentFactory(
        course=course,
        teacher=TeacherFactory(school=SchoolFactory()),
        status=EnrollmentStatus.PENDING_SCHOOL,
    )
    client.force_login(school_admin)
    response = post(client, f"/api/training/enrollments/{other.pk}/decision", {"approve": True})
    assert response.status_code == 404


def test_a_teacher_cannot_approve_their_own_enrollment(client, teacher, course):
    enrollment = EnrollmentFactory(
        course=course, teacher=teacher, status=EnrollmentStatus.PENDING_SCHOOL
    )
    client.force_login(teacher.user)
    response = post(
        client, f"/api/training/enrollments/{enrollment.pk}/decision", {"approve": True}
    )
    assert response.status_code == 400
    assert "学校的管理员" in response.json()["detail"]


def test_withdrawing_through_the_api(client, teacher, course):
    enrollment = EnrollmentFactory(course=course, teacher=teacher)
    client.force_login(teacher.user)
    response = post(client, f"/api/training/enrollments/{enrollment.pk}/withdraw")
    assert response.json()["status"] == EnrollmentStatus.WITHDRAWN


def test_a_malformed_code_is_a_validation_error(client, teacher):
    client.force_login(teacher.user)
    assert post(client, "/api/training/sign-in", {"code": "abc"}).status_code == 422


def test_a_wrong_code_is_refused_in_chinese(client, teacher, session):
    EnrollmentFactory(course=session.course, teacher=teacher)
    client.force_login(teacher.user)

    right = codes.current_code(session.pk, datetime.datetime.now(tz=datetime.UTC)).code
    wrong = f"{(int(right) + 500_000) % 10**6:06d}"
    response = post(client, "/api/training/sign-in", {"code": wrong})
    assert response.status_code == 400
    assert "签到码错误或已过期" in response.json()["detail"]
