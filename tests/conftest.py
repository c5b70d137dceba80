"""Fixtures shared by every test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from tests.factories import (
    GroupFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
    ZoneFactory,
    grant,
)
from yanxiu.orgs.models import Group, Role, School, Teacher, User, Zone


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language (zh-hans), whatever the last request chose.

    LocaleMiddleware leaves a request's language active in the test's thread.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Attempt counters live in the cache (local memory here); no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def zone(db: None) -> Zone:
    return ZoneFactory()


@pytest.fixture
def school(zone: Zone) -> School:
    return SchoolFactory(zone=zone)


@pytest.fixture
def other_school(db: None) -> School:
    return SchoolFactory()


# One persona per role of ``Role``, each over the test region's ``zone`` and ``school``. Tests
# that need another shape (a second school's admin, a region's outsider) name it otherwise.


@pytest.fixture
def school_admin(school: School) -> User:
    user = UserFactory(username="school_admin")
    grant(user, Role.SCHOOL_ADMIN, school=school)
    return user


@pytest.fixture
def bureau_admin(zone: Zone) -> User:
    user = UserFactory(username="bureau_admin")
    grant(user, Role.BUREAU_ADMIN, region=zone.region)
    return user


@pytest.fixture
def center_staff(zone: Zone) -> User:
    """The region's training center (教师进修学校); notices reach it by e-mail too."""
    user = UserFactory(username="center_staff", email="center@example.org")
    grant(user, Role.CENTER_STAFF, region=zone.region)
    return user


@pytest.fixture
def zone_leader(zone: Zone) -> User:
    """Reads the zone of ``school``; manages no roster."""
    user = UserFactory(username="zone_leader")
    grant(user, Role.ZONE_LEADER, zone=zone)
    return user


@pytest.fixture
def led_group(school: School) -> Group:
    return GroupFactory(school=school)


@pytest.fixture
def group_leader(led_group: Group) -> User:
    """A teacher of ``school`` who leads ``led_group`` (its 教研组): sees its members; manages
    no roster."""
    leader = TeacherFactory(school=led_group.school, user=UserFactory(username="group_leader"))
    led_group.leader = leader
    led_group.save(update_fields=["leader"])
    grant(leader.user, Role.GROUP_LEADER, group=led_group)
    return leader.user


@pytest.fixture
def studio_host(school: School) -> User:
    """A teacher of ``school`` who hosts one of the region's studios (工作室主持人)."""
    host = TeacherFactory(school=school, user=UserFactory(username="studio_host"))
    grant(host.user, Role.STUDIO_HOST, region=school.region)
    return host.user


@pytest.fixture
def expert(zone: Zone) -> User:
    """An outside expert or judge (专家/评委) of the region, with no teacher record."""
    user = UserFactory(username="expert")
    grant(user, Role.EXPERT, region=zone.region)
    return user


@pytest.fixture
def teacher(school: School) -> Teacher:
    return TeacherFactory(school=school, user=UserFactory(username="teacher"))


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def staff_teacher(school: School) -> Teacher:
    """A teacher of the school whose account also holds the training center's staff role."""
    teacher = TeacherFactory(school=school, user=UserFactory(username="staff_teacher"))
    grant(teacher.user, Role.CENTER_STAFF, region=school.region)
    return teacher
