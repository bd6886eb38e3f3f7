"""The starter gazetteer (articles/gazetteer_data.py): actors, venues and topics of the domain."""

from django.db import migrations


def load(apps, schema_editor):
    from articles.enrichment.gazetteer import load_starter

    load_starter(
        apps.get_model("articles", "Actor"),
        apps.get_model("articles", "ActorLink"),
        apps.get_model("articles", "Venue"),
        apps.get_model("articles", "Topic"),
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_enrichment")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
