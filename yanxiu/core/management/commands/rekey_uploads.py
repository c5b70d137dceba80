"""rekey_uploads: move files stored under guessable names to random keys (idempotent).

Every ``PrivateFileField`` of every model is visited; a file whose name is not already a
random key under the field's prefix is copied to a new key and the old name deleted.
The row keeps the old base name as its display name (when it has none) and, where the
field records one, the SHA-256 of the bytes. Quarantined fields send the moved file
through the quarantine check. Running it again finds nothing to move.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models

from yanxiu.core.uploads import (
    PrivateFileField,
    is_quarantined,
    is_random_key,
    sha256_of,
)
from yanxiu.core.uploads_quarantine import hold_for_release


def private_fields() -> list[tuple[type[models.Model], PrivateFileField]]:
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, PrivateFileField)
    ]


class Command(BaseCommand):
    help = "把按原文件名保存的上传文件移到随机存储键下（可重复运行）"

    def handle(self, *args: Any, **options: Any) -> None:
        for model, field in private_fields():
            moved = missing = 0
            for obj in model._default_manager.exclude(**{field.name: ""}).iterator():
                outcome = self._rekey(obj, field)
                moved += outcome == "moved"
                missing += outcome == "missing"
            self.stdout.write(
                f"{model._meta.label}.{field.name}: 移动 {moved} 个文件，缺失 {missing} 个"
            )

    def _rekey(self, obj: models.Model, field: PrivateFileField) -> str:
        file = getattr(obj, field.name)
        name: str = file.name
        if is_random_key(name, field.prefix) or is_quarantined(name):
            return "kept"
        storage = file.storage
        if not storage.exists(name):
            self.stderr.write(f"缺失：{obj._meta.label} #{obj.pk} {name}")
            return "missing"
        changes: dict[str, str] = {}
        if not getattr(obj, field.display_name_field):
            changes[field.display_name_field] = PurePosixPath(name).name
        with storage.open(name, "rb") as stored:
            if field.sha256_field and not getattr(obj, field.sha256_field):
                changes[field.sha256_field] = sha256_of(stored.chunks())
                stored.seek(0)
            new_name = storage.save(field.generate_filename(obj, PurePosixPath(name).name), stored)
        changes[field.name] = new_name
        type(obj)._default_manager.filter(pk=obj.pk).update(**changes)
        storage.delete(name)
        setattr(obj, field.name, new_name)
        hold_for_release(obj, field.name)
        return "moved"
