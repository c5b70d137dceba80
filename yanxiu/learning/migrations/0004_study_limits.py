"""StudyRules is renamed StudyLimits ("rules" means object permissions); the rows stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0003_private_course_media"),
        ("orgs", "0006_user_must_change_password"),
    ]

    operations = [
        migrations.RenameModel(old_name="StudyRules", new_name="StudyLimits"),
        migrations.AlterField(
            model_name="studylimits",
            name="region",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="study_limits",
                to="orgs.region",
            ),
        ),
    ]
