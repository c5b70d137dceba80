"""Import files are kept only for a while: rosters carry the region's ID numbers.

After ``IMPORT_FILE_RETENTION_DAYS`` (default 30) the uploaded file is deleted from the
storage; the import record stays, with its report and the file's SHA-256 taken at upload.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from yanxiu.imports.models import ImportJob

DEFAULT_RETENTION_DAYS = 30


def retention_days() -> int:
    return int(getattr(settings, "IMPORT_FILE_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def purge_import_files(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of imports uploaded before the retention period; how many were."""
    now = now or timezone.now()
    expired = ImportJob.objects.filter(
        created_at__lt=now - datetime.timedelta(days=retention_days())
    ).exclude(file="")
    purged = 0
    for job in expired.only("pk", "file").iterator():
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="", file_purged_at=now)
        purged += 1
    return purged
