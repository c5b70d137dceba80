from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from yanxiu.demo.orgs import (
    DEMO_PASSWORD,
    DemoRegionExists,
    create_region,
    plan_region,
)
from yanxiu.orgs import idnumbers
from yanxiu.orgs.models import (
    Group,
    Ownership,
    Role,
    RoleAssignment,
    School,
    Stage,
    Teacher,
    TeacherPosting,
    User,
    Zone,
)


def test_the_same_seed_plans_the_same_region():
    assert plan_region(300, seed=7) == plan_region(300, seed=7)


def test_another_seed_plans_other_teachers():
    assert plan_region(300, seed=7).teachers != plan_region(300, seed=8).teachers


def test_the_default_region_has_every_stage_and_ownership():
    plan = plan_region()
    assert {s.stage for s in plan.schools} == set(Stage.values) - {Stage.COMPLETE_MIDDLE}
    assert {s.ownership for s in plan.schools} == set(Ownership.values)
    assert (len(plan.zones), len(plan.schools) - 1, len(plan.teachers)) == (3, 30, 1500)


def test_every_planned_id_number_is_valid_and_unique():
    teachers = plan_region(2000, seed=3).teachers
    assert all(idnumbers.normalize(t.id_number) == t.id_number for t in teachers)
    assert len({t.id_number for t in teachers}) == len(teachers)


@settings(max_examples=25, deadline=None)
@given(teachers=st.integers(min_value=1, max_value=400), seed=st.integers(0, 2**32))
def test_any_plan_has_valid_unique_ids_and_staffs_every_school(teachers, seed):
    plan = plan_region(teachers, seed)
    ids = [t.id_number for t in plan.teachers]
    assert len(set(ids)) == len(ids) == max(teachers, len(plan.schools))
    assert all(idnumbers.normalize(i) == i for i in ids)
    assert {t.school_index for t in plan.teachers} == {s.index for s in plan.schools}


def test_a_plan_has_exactly_the_teachers_asked_for_or_one_per_school():
    sizes = {n: len(plan_region(n, seed=n).teachers) for n in range(1, 70)}
    assert sizes == {n: max(n, 31) for n in range(1, 70)}


def test_planned_genders_match_their_id_numbers():
    teachers = plan_region(500, seed=3).teachers
    assert all(idnumbers.gender_code(t.id_number) == t.gender for t in teachers)


def test_the_region_has_young_teachers():
    teachers = plan_region(1500).teachers
    assert sum(2026 - t.teaching_since <= 5 for t in teachers) > 100


def test_a_larger_region_gets_more_schools_and_zones():
    plan = plan_region(10_000, seed=1)
    assert (len(plan.schools) - 1, len(plan.zones)) == (200, 3)


@pytest.mark.django_db
def test_writing_the_region_creates_teachers_with_postings_and_groups():
    create_region(plan_region(200, seed=5), batch_size=50)
    assert Teacher.objects.count() == 200
    assert TeacherPosting.objects.filter(end_date__isnull=True).count() == 200
    assert Group.objects.filter(school__isnull=True).exists()


@pytest.mark.django_db
def test_every_written_row_has_the_path_its_parents_give_it():
    create_region(plan_region(200, seed=5), batch_size=50)
    wrong: list[object] = [
        row
        for model in (Zone, School, Group)
        for row in model.objects.all()
        if row.org_path != row.compute_org_path()
    ]
    wrong += [
        t for t in Teacher.objects.select_related("school") if t.org_path != t.school.org_path
    ]
    wrong += [a for a in RoleAssignment.objects.all() if a.scope_path != a.compute_scope_path()]
    assert wrong == []


@pytest.mark.django_db
def test_every_role_has_a_holder_who_can_log_in():
    create_region(plan_region(200, seed=5))
    for role in (r for r in Role.values if r != Role.TEACHER):
        holder = RoleAssignment.objects.filter(role=role).select_related("user").first()
        assert holder is not None, role
        assert holder.user.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_writing_the_region_twice_is_refused():
    create_region(plan_region(50, seed=5))
    with pytest.raises(DemoRegionExists):
        create_region(plan_region(50, seed=5))


@pytest.mark.django_db
def test_generate_demo_refuses_a_second_run_with_a_clear_message():
    call_command("generate_demo", teachers=50, stdout=StringIO())
    with pytest.raises(CommandError, match="已存在"):
        call_command("generate_demo", teachers=50, stdout=StringIO())


@pytest.fixture
def demo_media(settings, tmp_path):  # pytest-django's settings, not hypothesis'
    """The demo copies its course video into MEDIA_ROOT: keep it out of var/."""
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_media")
def test_demo_command_twice_leaves_one_region_and_prints_a_login_per_role():
    call_command("demo", no_serve=True, teachers=300, stdout=StringIO())
    users = User.objects.count()
    out = StringIO()
    call_command("demo", no_serve=True, teachers=300, stdout=out)
    assert User.objects.count() == users
    printed = out.getvalue()
    for label in ("教育局管理员", "学校管理员", "教研组长", "教师", DEMO_PASSWORD):
        assert label in printed


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_media")
def test_demo_command_fills_training_learning_and_projects_once():
    from yanxiu.learning.models import CourseUnit
    from yanxiu.projects.models import SchoolProject
    from yanxiu.training.models import Course

    def counts() -> tuple[int, int, int]:
        return (Course.objects.count(), CourseUnit.objects.count(), SchoolProject.objects.count())

    call_command("demo", no_serve=True, teachers=300, stdout=StringIO())
    first = counts()
    call_command("demo", no_serve=True, teachers=300, stdout=StringIO())
    assert first == counts()
    assert min(first) > 0
