"""Curators manage feeds (the groups themselves come from articles' roles migration)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATOR = [
    *[(model, f"{verb}_{model}") for model in ("feed",) for verb in ("add", "change", "view")],
    ("feeditem", "view_feeditem"),
]


def grant(apps, schema_editor):
    config = apps.get_app_config("collection")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    curator, _ = Group.objects.get_or_create(name="curator")
    curator.permissions.add(
        *[
            Permission.objects.get(
                content_type__app_label="collection", content_type__model=model, codename=code
            )
            for model, code in CURATOR
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0001_initial"),
        ("articles", "0005_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
