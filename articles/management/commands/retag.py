"""manage.py retag [--all]: re-run the tagger with the current gazetteer."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from articles.enrichment import gazetteer
from articles.enrichment.stored import retag
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Re-tag articles tagged with an older gazetteer (after edits), or --all of them. "
        "Curators' decisions are kept; changed articles are queued for the index."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every article, not only stale")

    def handle(self, *args, **options):
        version, _ = gazetteer.current()
        articles = Article.objects.all()
        if not options["all"]:
            articles = articles.exclude(tags_version=version)
        ids = list(articles.order_by("pk").values_list("pk", flat=True))
        seen, changed = retag(ids)
        self.stdout.write(f"re-tagged {seen} article(s); tags changed on {changed}")
