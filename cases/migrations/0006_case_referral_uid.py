"""Cases and referrals get a random uid for URLs and the API: their references and ids are sequences."""

import uuid

from django.db import migrations, models


def fill_uids(apps, schema_editor):
    for name in ("Case", "Referral"):
        model = apps.get_model("cases", name)
        for pk in model.objects.values_list("pk", flat=True).iterator():
            model.objects.filter(pk=pk).update(uid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_person_identifiers_erased_at"),
    ]

    operations = [
        migrations.AddField(model_name="case", name="uid", field=models.UUIDField(editable=False, null=True)),
        migrations.AddField(model_name="referral", name="uid", field=models.UUIDField(editable=False, null=True)),
        migrations.RunPython(fill_uids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="case", name="uid", field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
        ),
        migrations.AlterField(
            model_name="referral", name="uid", field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
        ),
    ]
