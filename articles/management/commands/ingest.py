"""manage.py ingest PATH... [--source SLUG]: load articles from files, directories and zips."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from tqdm import tqdm

from articles.actions import InvalidSourceSlug
from articles.ingest import count_inputs
from articles.ingest.pipeline import IngestReport, ingest_paths
from articles.search import indexer
from articles.search.client import EngineError


class Command(BaseCommand):
    help = (
        "Ingest articles from scraped page text (.txt), HTML pages, JSON / JSON Lines "
        "(SaudiNewsNet or {url,title,content,published_at,source,author}) and .zip archives of "
        "them. Re-ingesting the same input changes nothing. Exits non-zero if anything was "
        "rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files or directories")
        parser.add_argument(
            "--source", help="put every article under this source slug (created if new)"
        )
        parser.add_argument("--batch-size", type=int, default=None, help="rows per transaction")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--no-alerts",
            action="store_true",
            help="a back-fill: the new articles never trigger saved-search email alerts",
        )
        parser.add_argument(
            "--no-index",
            action="store_true",
            help="leave the new articles to the background indexer instead of indexing now",
        )

    def handle(self, *args, **options):
        paths = [Path(p) for p in options["paths"]]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError("no such file or directory: " + ", ".join(missing))

        show_progress = not options["no_progress"] and options["verbosity"] > 0
        bar = tqdm(
            total=count_inputs(paths) if show_progress else None,
            desc="ingest",
            unit=" files",
            disable=not show_progress,
            file=sys.stderr,
            dynamic_ncols=True,
        )
        try:
            report = ingest_paths(
                paths,
                source_slug=options["source"],
                batch_size=options["batch_size"],
                progress=lambda origin: bar.update(1),
                backfill=options["no_alerts"],
            )
        except InvalidSourceSlug as error:
            raise CommandError(str(error)) from None
        finally:
            bar.close()

        self.print_summary(report)
        if not options["no_index"]:
            self.index_now()
        if report.rejected:
            raise CommandError(f"{len(report.rejected)} input(s) rejected", returncode=1)

    def index_now(self) -> None:
        """Make what was ingested searchable before returning. The articles are already safe
        in PostgreSQL with their pending index changes, so an unreachable engine is a warning:
        the background sweep sends them when it is back."""
        try:
            sent = indexer.drain(refresh=True).sent
        except DatabaseError as error:  # lost mid-drain: the outbox rows rolled back, kept
            connection.close()
            self.stderr.write(self.style.WARNING(f"not indexed yet (database: {error})"))
        except (EngineError, indexer.IndexingError) as error:
            self.stderr.write(
                self.style.WARNING(
                    f"not indexed yet ({error}); they will be when OpenSearch is back"
                )
            )
        else:
            self.stdout.write(f"indexed {sent} change(s)")

    def print_summary(self, report: IngestReport) -> None:
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if not report.rejected:
            return
        self.stdout.write("rejected:")
        for rejection in report.rejected[:50]:
            self.stdout.write(f"  {rejection.origin}: {rejection.reason}")
        if len(report.rejected) > 50:
            self.stdout.write(f"  … and {len(report.rejected) - 50} more; reasons:")
            for reason, count in report.rejection_reasons().most_common():
                self.stdout.write(f"    {count:6d}  {reason}")
