"""The typed door to ``rules``: predicates stay callable and combine as the library's do."""

from __future__ import annotations

from typing import Any

from yanxiu.core import permissions as rules
from yanxiu.core.permissions import Predicate


@rules.predicate
def owns(user: Any, thing: Any) -> bool:
    return thing is not None and thing.get("owner") == user.username


@rules.predicate
def is_public(user: Any, thing: Any) -> bool:
    return thing is not None and bool(thing.get("public"))


class Person:
    def __init__(self, username: str) -> None:
        self.username = username


ALICE = Person("alice")
MINE = {"owner": "alice", "public": False}
PUBLIC = {"owner": "bob", "public": True}


def test_a_predicate_is_still_called_like_its_function():
    assert owns(ALICE, MINE) is True
    assert owns(ALICE, PUBLIC) is False


def test_predicates_combine_with_or_and_and_not():
    either: Predicate[...] = owns | is_public
    both = owns & is_public
    not_mine = ~owns
    assert either.test(ALICE, PUBLIC)
    assert not both.test(ALICE, MINE)
    assert not_mine.test(ALICE, PUBLIC)
    assert not not_mine.test(ALICE, MINE)


# Declared once for the test process, as an app's rules.py declares its permissions.
rules.add_perm("tests.read_thing", owns | is_public)


def test_add_perm_answers_through_the_users_has_perm(django_user_model):
    alice = django_user_model(username="alice")
    assert alice.has_perm("tests.read_thing", MINE)
    assert alice.has_perm("tests.read_thing", PUBLIC)
    assert not alice.has_perm("tests.read_thing", {"owner": "bob", "public": False})
