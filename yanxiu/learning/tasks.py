"""Background work for online study: the periodic flush of live study states to the database."""

from __future__ import annotations

from django_tasks import task

from yanxiu.learning.services import flush_study


@task()
def flush_study_states() -> int:
    """Write every learner's unflushed study time; run by the task worker every minute."""
    return flush_study().sessions
