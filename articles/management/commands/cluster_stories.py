"""manage.py cluster_stories: recompute every story cluster from the stored signatures."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from articles.enrichment.stories import rebuild_stories


class Command(BaseCommand):
    help = "Recluster near-duplicate stories from stored MinHash signatures (fast; idempotent)."

    def handle(self, *args, **options):
        changed = rebuild_stories()
        self.stdout.write(f"{changed} article(s) changed story; they are queued for the index")
