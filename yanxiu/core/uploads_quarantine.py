"""Quarantine for large uploads that reach the storage before anyone has looked at them.

How it works:

1. The owning field is a ``PrivateFileField(..., quarantine="<allow-list key>",
   refusal_field="<char field>")``. New files land under ``quarantine/<prefix>/<key>``
   (a direct-to-bucket upload is handed the same kind of key).
2. Once the row is saved, the service calls ``hold_for_release(obj, "<field>")``, which
   enqueues ``release_upload`` (django-tasks; the database worker in production, at once
   in tests and the demo).
3. ``release_upload`` reads the object's first bytes and checks them against the
   field's allow-list (``uploads.content_problem``). A file that passes is copied to its
   final key (the same key without ``quarantine/``) and the quarantined copy deleted; one
   that fails is deleted, the field emptied and the reason kept in ``refusal_field``.
4. Until then the file is not served (``uploads_serving.serve_upload`` answers 404 for a
   quarantined key) and pages say it is being checked (``is_quarantined``).

The task is idempotent: a row whose file has left quarantine, or was replaced meanwhile,
is left alone.
"""

from __future__ import annotations

import io

from django.apps import apps
from django.db import models
from django_tasks import task

from yanxiu.core.uploads import (
    ALLOW_LISTS,
    HEAD_BYTES,
    QUARANTINE_PREFIX,
    PrivateFileField,
    content_problem,
    is_quarantined,
)


def hold_for_release(obj: models.Model, field_name: str) -> None:
    """Have a freshly saved quarantined file checked and released (or refused)."""
    name = getattr(obj, field_name).name or ""
    if is_quarantined(name):
        release_upload.enqueue(obj._meta.label_lower, obj.pk, field_name)
        # An immediate backend has already moved the file; keep ``obj`` in step with its row.
        field = obj._meta.get_field(field_name)
        assert isinstance(field, PrivateFileField)
        obj.refresh_from_db(fields=[field_name, field.refusal_field])


@task()
def release_upload(model_label: str, pk: int, field_name: str) -> str:
    """Check one quarantined file; move it to its final key or delete it. Says which."""
    model = apps.get_model(model_label)
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        return "gone"
    file = getattr(obj, field_name)
    name: str = file.name or ""
    if not is_quarantined(name):
        return "not quarantined"
    field = model._meta.get_field(field_name)
    assert isinstance(field, PrivateFileField)
    storage = file.storage
    with storage.open(name, "rb") as stored:
        # Magic bytes suffice here: quarantined fields hold binary media, never text.
        head = io.BytesIO(stored.read(HEAD_BYTES))
    problem = content_problem(name, head, ALLOW_LISTS[field.quarantine])
    unchanged = model._default_manager.filter(pk=pk, **{field_name: name})
    if problem:
        storage.delete(name)
        unchanged.update(**{field_name: "", field.refusal_field: problem})
        return "refused"
    with storage.open(name, "rb") as stored:
        final = storage.save(name.removeprefix(QUARANTINE_PREFIX), stored)
    storage.delete(name)
    unchanged.update(**{field_name: final, field.refusal_field: ""})
    return "released"
