"""What every router of the API shares: the id types of paths and bodies, and the caller."""

# No "from __future__ import annotations": ninja reads the parameter annotations at run time.
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path

from yanxiu.core.params import MAX_ID
from yanxiu.orgs.models import User

# A database id in a body or a filter, and in a path: a positive integer the database holds.
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


def caller(request: HttpRequest) -> User:
    """The authenticated user, whether by token or by session."""
    # ninja's authentication sets request.auth; HttpRequest's stubs do not declare it.
    user: User = request.auth  # type: ignore[attr-defined]
    return user
