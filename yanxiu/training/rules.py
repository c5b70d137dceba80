"""Object permissions for training, as ``rules`` predicates over the user's scope.

The school step of an enrollment approval belongs to the teacher's school admin,
the center step to the region's training center (or bureau); each step's
predicate says so, and services ask ``user.has_perm`` before changing anything.
"""

from __future__ import annotations

from typing import Any

from yanxiu.core import permissions as rules
from yanxiu.orgs.models import Role
from yanxiu.orgs.rules import acts_for_region
from yanxiu.orgs.scoping import scope_of


@rules.predicate
def is_the_teacher(user: Any, teacher: Any) -> bool:
    return teacher is not None and scope_of(user).teacher_id == teacher.pk


@rules.predicate
def manages_teacher(user: Any, teacher: Any) -> bool:
    return teacher is not None and scope_of(user).manages(teacher.org_path)


@rules.predicate
def school_admin_of_enrollment(user: Any, enrollment: Any) -> bool:
    scope = scope_of(user)
    if enrollment is None:
        return scope.has_role(Role.SCHOOL_ADMIN)
    return scope.has_role(Role.SCHOOL_ADMIN) and scope.manages(enrollment.teacher.org_path)


@rules.predicate
def center_of_enrollment(user: Any, enrollment: Any) -> bool:
    return acts_for_region(user, None if enrollment is None else enrollment.course)


@rules.predicate
def own_enrollment(user: Any, enrollment: Any) -> bool:
    return enrollment is not None and scope_of(user).teacher_id == enrollment.teacher_id


@rules.predicate
def manages_enrolled_teacher(user: Any, enrollment: Any) -> bool:
    return enrollment is not None and scope_of(user).manages(enrollment.teacher.org_path)


@rules.predicate
def organizes_course(user: Any, course: Any) -> bool:
    return course is not None and course.organizer_id == user.pk


@rules.predicate
def school_admin_of(user: Any, school: Any) -> bool:
    scope = scope_of(user)
    if school is None:
        return scope.has_role(Role.SCHOOL_ADMIN)
    return scope.has_role(Role.SCHOOL_ADMIN) and scope.manages(school.org_path)


@rules.predicate
def reads_request(user: Any, request: Any) -> bool:
    return request is not None and scope_of(user).reads(request.org_path)


rules.add_perm("training.manage_course", acts_for_region)
rules.add_perm("training.manage_attendance", organizes_course | acts_for_region)
rules.add_perm("training.enroll_teacher", is_the_teacher | manages_teacher)
rules.add_perm("training.approve_for_school", school_admin_of_enrollment)
rules.add_perm("training.approve_for_center", center_of_enrollment)
rules.add_perm("training.withdraw", own_enrollment | manages_enrolled_teacher)
rules.add_perm("training.request_course", school_admin_of)
rules.add_perm("training.answer_course_request", acts_for_region)
rules.add_perm("training.comment_course_request", reads_request)
