"""Attachments are downloaded by their random token, so it must name one attachment."""

from django.db import migrations, models

import monitoring.models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_report_evidence"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reportattachment",
            name="token",
            field=models.CharField(default=monitoring.models.new_token, editable=False, max_length=32, unique=True),
        ),
    ]
