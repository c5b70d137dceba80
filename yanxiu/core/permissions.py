"""Object permissions, typed: the one door to the ``rules`` library, which ships no hints.

Every app's ``rules.py`` imports this module under the library's name
(``from yanxiu.core import permissions as rules``) and declares its predicates and
permissions as the library's documentation shows (``@rules.predicate``,
``rules.add_perm``); ruff bans importing ``rules`` anywhere else. A predicate keeps the
signature of the function it decorates, so calling one predicate from another is
type-checked, and combines with ``|``, ``&`` and ``~`` into a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, Protocol, cast

from rules.permissions import add_perm as _add_perm
from rules.predicates import predicate as _predicate

P = ParamSpec("P")


class Predicate(Protocol[P]):
    """A ``rules.Predicate``: called like the function it wraps, combined with ``|``, ``&``
    and ``~``; ``test(user, obj)`` is how the permission backend asks it."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> bool: ...

    def __or__(self, other: Predicate[...]) -> Predicate[...]: ...

    def __and__(self, other: Predicate[...]) -> Predicate[...]: ...

    def __invert__(self) -> Predicate[...]: ...

    def test(self, obj: Any = ..., target: Any = ...) -> bool: ...


def predicate(fn: Callable[P, bool]) -> Predicate[P]:
    """Make ``fn(user, obj)`` a predicate (``obj`` is None when the question is general)."""
    return cast("Predicate[P]", _predicate(fn))


def add_perm(name: str, pred: Predicate[...]) -> None:
    """Declare the permission ``name`` (``"app.verb_noun"``), granted when ``pred`` holds."""
    _add_perm(name, pred)
