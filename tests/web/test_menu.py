"""Every persona of the root conftest, one per role, reaches every page its menu offers
(after the redirect of an index page to the reader's own part of it)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import TeacherFactory
from yanxiu.orgs.models import Role, School, Teacher, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_every_menu_link_of_every_persona_answers_200(
    client: Client, request: pytest.FixtureRequest, school: School, role: Role
):
    TeacherFactory.create_batch(3, school=school)
    persona: User | Teacher = request.getfixturevalue(role.value)
    user = persona.user if isinstance(persona, Teacher) else persona
    assert user is not None
    client.force_login(user)
    menu = [item["url"] for item in client.get(reverse("home")).context["nav_items"]]
    assert reverse("home") in menu
    for url in menu:
        assert client.get(url, follow=True).status_code == 200, url
