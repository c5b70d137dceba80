"""Properties of scoping over random rosters: each role sees exactly its part of the tree."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import (
    RegionFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
    ZoneFactory,
    grant,
)
from yanxiu.orgs.models import School, Teacher

# Each teacher is placed at one of four schools: two in each of two zones.
placements = st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=12)


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(placements=placements)
def test_each_role_sees_exactly_its_subtree(placements):
    region = RegionFactory()
    zones = [ZoneFactory(region=region), ZoneFactory(region=region)]
    schools = [SchoolFactory(zone=zones[i // 2]) for i in range(4)]
    teachers = [TeacherFactory(school=schools[i]) for i in placements]
    ids = [t.pk for t in teachers]
    admin, leader, bureau = UserFactory(), UserFactory(), UserFactory()
    grant(admin, "school_admin", school=schools[0])
    grant(leader, "zone_leader", zone=zones[1])
    grant(bureau, "bureau_admin", region=region)

    def seen(user):
        return set(Teacher.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))

    assert seen(admin) == {t.pk for t, i in zip(teachers, placements, strict=True) if i == 0}
    assert seen(leader) == {t.pk for t, i in zip(teachers, placements, strict=True) if i >= 2}
    assert seen(bureau) == set(ids)
    assert set(School.objects.visible_to(leader)) == set(schools[2:])
