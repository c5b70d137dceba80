"""factory_boy factories for the organization; other domains add theirs beside these."""

from __future__ import annotations

import datetime

import factory

from yanxiu.orgs import idnumbers
from yanxiu.orgs.models import (
    Group,
    GroupKind,
    Region,
    RoleAssignment,
    School,
    Stage,
    Teacher,
    User,
    Zone,
)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"330{n:03d}")
    name = factory.Sequence(lambda n: f"测试区{n}")


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"Z{n:02d}")
    name = factory.Sequence(lambda n: f"第{n}片区")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    zone = factory.SubFactory(ZoneFactory)
    region = factory.SelfAttribute("zone.region")
    code = factory.Sequence(lambda n: f"S{n:04d}")
    name = factory.Sequence(lambda n: f"实验小学{n}")
    stage = Stage.PRIMARY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("pass-Yanxiu-2026")


class TeacherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Teacher

    school = factory.SubFactory(SchoolFactory)
    region = factory.SelfAttribute("school.region")
    name = factory.Sequence(lambda n: f"教师{n}")
    birth_date = datetime.date(1985, 3, 14)
    gender = "M"
    stage = Stage.PRIMARY
    teaching_since = 2010
    id_number_hash = ""
    id_number_cipher = ""
    id_number_masked = ""

    @factory.lazy_attribute_sequence
    def id_number(self, n: int) -> str:
        return idnumbers.compose("330302", self.birth_date, 1 + 2 * n)

    @classmethod
    def _create(cls, model_class: type[Teacher], *args: object, **kwargs: object) -> Teacher:
        protected = idnumbers.ProtectedIdNumber.of(str(kwargs.pop("id_number")))
        kwargs.update(
            id_number_hash=protected.hash,
            id_number_cipher=protected.cipher,
            id_number_masked=protected.masked,
        )
        return super()._create(model_class, *args, **kwargs)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    school = factory.SubFactory(SchoolFactory)
    region = factory.SelfAttribute("school.region")
    name = factory.Sequence(lambda n: f"语文教研组{n}")
    kind = GroupKind.TEACHING_RESEARCH


def grant(
    user: User,
    role: str,
    *,
    region: Region | None = None,
    zone: Zone | None = None,
    school: School | None = None,
    group: Group | None = None,
) -> RoleAssignment:
    """Give ``user`` a role over a region, zone, school or group (pass one of them)."""
    target = group or school or zone
    return RoleAssignment.objects.create(
        user=user,
        role=role,
        region=region or target.region,  # type: ignore[union-attr]
        zone=zone,
        school=school,
        group=group,
    )
