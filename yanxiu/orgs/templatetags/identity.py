"""``{% identity_of teacher as identity %}``: ID number and birth as the viewer may see them."""

from __future__ import annotations

from typing import Any

from django import template

from yanxiu.orgs.disclosure import DisclosedIdentity, disclosed_identity
from yanxiu.orgs.models import Teacher
from yanxiu.orgs.scoping import scope_of

register = template.Library()


@register.simple_tag(takes_context=True)
def identity_of(context: dict[str, Any], teacher: Teacher) -> DisclosedIdentity:
    return disclosed_identity(scope_of(context["request"].user), teacher)
