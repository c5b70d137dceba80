"""Drop the reverse relations django-auditlog recorded in creation entries before the
models were registered with their own columns only (yanxiu.web.audit.register)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

AUDITED = ["zone", "school", "schoolhonour", "teacher", "teacherposting", "group",
           "groupmembership", "roleassignment"]


def drop_reverse_relations(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for name in AUDITED:
        model = apps.get_model("orgs", name)
        own = {f.name for f in model._meta.concrete_fields} | {
            f.name for f in model._meta.many_to_many
        }
        content_type = ContentType.objects.filter(app_label="orgs", model=name).first()
        if content_type is None:
            continue
        cleaned = []
        for entry in LogEntry.objects.filter(content_type=content_type, action=0).iterator():
            changes = entry.changes or {}
            kept = {field: values for field, values in changes.items() if field in own}
            if kept != changes:
                entry.changes = kept
                cleaned.append(entry)
        LogEntry.objects.bulk_update(cleaned, ["changes"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0004_teacher_name_label"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(drop_reverse_relations, migrations.RunPython.noop, elidable=True),
    ]
