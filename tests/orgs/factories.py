"""Factories for the orgs tests beyond the shared ones in tests/factories.py."""

from __future__ import annotations

import factory

from tests.factories import SchoolFactory
from yanxiu.orgs.models import HonourKind, SchoolHonour


class SchoolHonourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolHonour

    school = factory.SubFactory(SchoolFactory)
    kind = HonourKind.COUNTY_DEMO
    year = 2025
