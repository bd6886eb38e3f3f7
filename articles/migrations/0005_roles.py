"""The two roles as Django groups: curators edit sources, collections, the gazetteer and
hide/unhide articles; researchers search and export. Only superusers manage users.

Permissions are normally created after all migrations ran; they are created here first so that
the groups get them on a fresh database too. The feed permissions are added to ``curator`` by
the collection app's own migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RESEARCHER = [
    ("articles", "article", "search_articles"),
    ("articles", "article", "export_articles"),
]
CURATOR = [
    *RESEARCHER,
    ("articles", "article", "view_article"),
    ("articles", "article", "change_article"),  # hide and unhide
    *[
        ("articles", model, f"{verb}_{model}")
        for model in ("source",)
        for verb in ("add", "change", "view")
    ],
    ("articles", "sourcestatuschange", "view_sourcestatuschange"),
    *[
        ("articles", model, f"{verb}_{model}")
        for model in ("collection", "actor", "actorlink", "venue", "topic", "tagoverride")
        for verb in ("add", "change", "delete", "view")
    ],
    ("auditlog", "logentry", "view_logentry"),
]


def _permissions(apps, wanted):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, model, codename in wanted:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model, codename=codename
        ).first()
        if permission is None:
            raise RuntimeError(f"permission {app_label}.{codename} does not exist")
        found.append(permission)
    return found


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, wanted in (("researcher", RESEARCHER), ("curator", CURATOR)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, wanted))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["researcher", "curator"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_curation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auditlog", "__latest__"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
