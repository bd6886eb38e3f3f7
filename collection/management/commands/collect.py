"""manage.py collect [--source SLUG] [--once]: fetch the due feeds now, by hand."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.search import indexer
from articles.search.client import EngineError
from collection.collector import collect, due_feeds


class Command(BaseCommand):
    help = (
        "Fetch the enabled feeds of active sources that are due (all of them with --once) and "
        "ingest their new items through the same pipeline as `manage.py ingest`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", help="only this source's feeds")
        parser.add_argument(
            "--once", action="store_true", help="every feed now, whether it is due or not"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument("--no-index", action="store_true", help="leave indexing to Celery")

    def handle(self, *args, **options):
        ids = list(
            due_feeds(source_slug=options["source"], include_not_due=options["once"]).values_list(
                "pk", flat=True
            )
        )
        if options["source"] and not ids:
            self.stdout.write(f"no enabled feed of an active source {options['source']!r} to fetch")
        show = not options["no_progress"] and options["verbosity"] > 0
        bar = tqdm(total=len(ids), desc="collect", unit=" feeds", disable=not show, file=sys.stderr)
        try:
            report = collect(ids, progress=lambda result: bar.update(1))
        finally:
            bar.close()
        self.stdout.write(self.style.SUCCESS(report.summary()))
        for result in report.feeds:
            if result.error:
                self.stdout.write(f"  {result.url}: {result.outcome}: {result.error[:300]}")
        if not options["no_index"]:
            try:
                self.stdout.write(f"indexed {indexer.drain(refresh=True).sent} change(s)")
            except (EngineError, indexer.IndexingError) as error:
                self.stderr.write(self.style.WARNING(f"not indexed yet ({error})"))
        if report.failed:
            raise CommandError(f"{len(report.failed)} feed(s) failed", returncode=1)
