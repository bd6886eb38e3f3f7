"""manage.py search_index rebuild|status|drain|check: keep OpenSearch in step with PostgreSQL."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from articles.search import consistency, indexer
from articles.search.client import EngineError


class Command(BaseCommand):
    help = (
        "rebuild: build a new index and swap the alias (search keeps working); "
        "status: articles in PostgreSQL, documents in the index, pending changes; "
        "drain: send pending changes now; "
        "check: compare every document with PostgreSQL (exits 1 if they disagree)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "status", "drain", "check"])

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"do_{action}")()
        except (EngineError, indexer.IndexingError) as error:
            raise CommandError(f"OpenSearch: {error}") from None

    def do_rebuild(self) -> None:
        name = indexer.rebuild(progress=lambda n: self.stderr.write(f"\r{n} documents", ending=""))
        self.stderr.write("")
        self.stdout.write(self.style.SUCCESS(f"Rebuilt into {name}; the alias now points to it."))

    def do_drain(self) -> None:
        report = indexer.drain(refresh=True)
        self.stdout.write(f"Sent {report.sent} change(s) in {report.batches} batch(es).")

    def do_check(self) -> None:
        agreement = consistency.check()
        self.stdout.write(agreement.summary())
        if not agreement.ok:
            raise CommandError("the index and PostgreSQL disagree", returncode=1)
        self.stdout.write(self.style.SUCCESS("the index agrees with PostgreSQL"))

    def do_status(self) -> None:
        s = indexer.status()
        self.stdout.write(f"articles in PostgreSQL: {s.articles} ({s.visible} visible)")
        documents = "unknown" if s.documents is None else s.documents
        self.stdout.write(f"documents in the index: {documents}")
        self.stdout.write(f"pending changes:        {s.pending}")
        self.stdout.write(f"index:                  {s.index or '-'}")
        if s.error:
            self.stdout.write(f"engine:                 {s.error}")
