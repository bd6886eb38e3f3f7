"""manage.py load_gazetteer [--dry-run]: create the starter gazetteer's missing entries."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from articles.enrichment.starter import DATA_FILE, load_starter


class Command(BaseCommand):
    help = (
        "Create the starter gazetteer's entries that are missing from the database. Entries "
        "already there (by slug) are never modified, whatever curators made of them; an entry "
        "a curator deleted is created again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be created; write nothing"
        )

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        report = load_starter(dry_run=dry_run)
        prefix = "dry run, nothing written: " if dry_run else ""
        self.stdout.write(f"{prefix}{DATA_FILE.name}: {report}")
        if any(report.created.values()) and not dry_run:
            self.stdout.write(
                "Articles tagged before are stale now: `manage.py retag` re-tags them."
            )
