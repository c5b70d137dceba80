"""Whatever order teachers enroll and withdraw in, a class never exceeds its capacity and
never leaves a place empty while someone waits."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import TeacherFactory, UserFactory
from tests.training.factories import CourseFactory
from yanxiu.training.models import Approval, Enrollment, EnrollmentStatus
from yanxiu.training.services.enrollment import enroll_teacher, withdraw_enrollment

pytestmark = pytest.mark.django_db

PEOPLE = 5
steps = st.lists(st.tuples(st.sampled_from(["enroll", "withdraw"]), st.integers(0, PEOPLE - 1)))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(capacity=st.integers(1, 3), plan=steps)
def test_places_are_never_overfilled_nor_left_empty_while_someone_waits(school, capacity, plan):
    course = CourseFactory(region=school.region, approval=Approval.NONE, capacity=capacity)
    teachers = [TeacherFactory(school=school, user=UserFactory()) for _ in range(PEOPLE)]
    for action, who in plan:
        teacher = teachers[who]
        current = Enrollment.objects.filter(course=course, teacher=teacher).first()
        if action == "enroll" and (current is None or not current.is_active):
            enroll_teacher(course, teacher, by=teacher.user)
        elif action == "withdraw" and current is not None and current.is_active:
            withdraw_enrollment(current, by=teacher.user)
    statuses = list(course.enrollments.values_list("status", flat=True))
    admitted = statuses.count(EnrollmentStatus.APPROVED)
    waiting = statuses.count(EnrollmentStatus.WAITLISTED)
    assert admitted <= capacity
    assert waiting == 0 or admitted == capacity
