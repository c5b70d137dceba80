"""Background work for imports: deleting import files after their retention period."""

from __future__ import annotations

from django_tasks import task

from yanxiu.imports.retention import purge_import_files


@task()
def purge_expired_import_files() -> int:
    """The retention sweep as a task, for the worker's daily schedule."""
    return purge_import_files()
