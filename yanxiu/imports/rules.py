"""Who may read an import's uploaded file: the apps that own each kind combine this
predicate with their own (roster managers, credit certifiers)."""

from __future__ import annotations

from typing import Any

from yanxiu.core import permissions as rules


@rules.predicate
def ran_import(user: Any, job: Any) -> bool:
    """The person who uploaded the file."""
    return job is not None and job.created_by_id is not None and job.created_by_id == user.pk
