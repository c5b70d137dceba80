"""Object permissions for online study, as ``rules`` predicates over the user's scope."""

from __future__ import annotations

from typing import Any

from yanxiu.core import permissions as rules
from yanxiu.learning.models import CourseUnit
from yanxiu.learning.services import studyable_units
from yanxiu.orgs.rules import acts_for_region
from yanxiu.orgs.scoping import scope_of
from yanxiu.training.models import Enrollment, EnrollmentStatus


@rules.predicate
def may_study(user: Any, unit: Any) -> bool:
    """A teacher admitted to the unit's online course, once the unit is published."""
    teacher_id = scope_of(user).teacher_id
    if unit is None or teacher_id is None:
        return False
    return CourseUnit.objects.filter(studyable_units(teacher_id), pk=unit.pk).exists()


@rules.predicate
def authors_course(user: Any, course: Any) -> bool:
    """The region's training center (or bureau) writes the content of its courses."""
    return acts_for_region(user, course)


@rules.predicate
def authors_unit(user: Any, unit: Any) -> bool:
    """The center (or bureau) that writes the unit's course."""
    return unit is not None and acts_for_region(user, unit.course)


@rules.predicate
def moderates_course(user: Any, course: Any) -> bool:
    """The center (or bureau) of the course's region, and the region's group leaders (研修组长
    协助管理员做好管理工作, seed 003), pin and hide in its discussion."""
    if course is None:
        return False
    scope = scope_of(user)
    leads_here = bool(scope.led_group_ids) and course.region_id in scope.region_ids
    return leads_here or acts_for_region(user, course)


@rules.predicate
def admitted_to_course(user: Any, course: Any) -> bool:
    teacher_id = scope_of(user).teacher_id
    if course is None or teacher_id is None:
        return False
    return Enrollment.objects.filter(
        course=course, teacher_id=teacher_id, status=EnrollmentStatus.APPROVED
    ).exists()


rules.add_perm("learning.study_unit", may_study)
rules.add_perm("learning.discuss_course", admitted_to_course | moderates_course)
rules.add_perm("learning.moderate_course", moderates_course)
rules.add_perm("learning.author_course", authors_course)
# A unit's video or document: admitted learners and the course's staff, no one else.
rules.add_perm("learning.read_unit_media", may_study | authors_unit)
