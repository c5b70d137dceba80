"""Key the summary by (teacher, year, category) instead of an id plus a unique index.

Django cannot change a table's primary key in place, and the summary is derived from the
ledger, so the table is made anew and filled from the ledger.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def rebuild_from_ledger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.execute(
        """
        INSERT INTO credits_teacheryeartotal (teacher_id, year, category, hours, credits)
        SELECT teacher_id, year, category,
               COALESCE(SUM(CASE WHEN unit = 'hour' THEN amount END), 0),
               COALESCE(SUM(CASE WHEN unit = 'credit' THEN amount END), 0)
        FROM credits_creditentry GROUP BY teacher_id, year, category
        """
    )


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0003_summary_without_fk_check"),
        ("orgs", "0004_teacher_name_label"),
    ]

    operations = [
        migrations.DeleteModel(name="TeacherYearTotal"),
        migrations.CreateModel(
            name="TeacherYearTotal",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "teacher",
                        "year",
                        "category",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="年度")),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("centralized", "集中培训"),
                            ("online", "网络培训"),
                            ("school_based", "校本研训"),
                        ],
                        max_length=16,
                        verbose_name="类别",
                    ),
                ),
                (
                    "hours",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=10, verbose_name="学时"
                    ),
                ),
                (
                    "credits",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=10, verbose_name="学分"
                    ),
                ),
                (
                    "teacher",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="year_totals",
                        to="orgs.teacher",
                    ),
                ),
            ],
            options={"verbose_name": "学时汇总", "verbose_name_plural": "学时汇总"},
        ),
        migrations.RunPython(rebuild_from_ledger, migrations.RunPython.noop, elidable=True),
    ]
