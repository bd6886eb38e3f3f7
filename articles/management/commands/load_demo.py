"""manage.py load_demo: the five seed articles and the SaudiNewsNet corpus, once."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from articles.models import Actor, Article
from articles.search import indexer
from articles.search.client import EngineError


class Command(BaseCommand):
    help = "Load the demo data from ../shared (seeds, SaudiNewsNet); skipped when already loaded."

    def add_arguments(self, parser):
        parser.add_argument("--shared", default=str(settings.BASE_DIR.parent / "shared"))
        parser.add_argument("--force", action="store_true", help="ingest even if loaded before")

    def handle(self, *args, **options):
        shared = Path(options["shared"])
        seeds = shared / "seeds"
        corpus = shared / "corpora" / "saudinewsnet"
        inputs = [(seeds, "seeds"), (corpus, None)]
        present = [(path, source) for path, source in inputs if path.is_dir()]
        if not present:
            raise CommandError(f"no demo data under {shared} (expected seeds/ and corpora/)")

        if not Actor.objects.exists():
            # A flushed database lost the rows migration 0003 wrote: put the starter gazetteer
            # back before anything is tagged. A gazetteer that is there is left alone, so the
            # entries curators deleted stay deleted.
            call_command("load_gazetteer", stdout=self.stdout)

        stamp = settings.VAR_DIR / "demo-loaded"
        fingerprint = self.fingerprint([path for path, _ in present])
        already = stamp.exists() and stamp.read_text() == fingerprint
        if already and Article.objects.exists() and not options["force"]:
            self.stdout.write(f"Demo data already loaded ({Article.objects.count()} articles).")
            self.bring_up_to_date()
            return

        for path, source in present:
            self.stdout.write(f"Loading {path} …")
            kwargs = {"source": source} if source else {}
            try:
                call_command("ingest", str(path), **kwargs, stdout=self.stdout, stderr=self.stderr)
            except CommandError as error:
                # Rejections in real data are reported by ingest; the demo goes on.
                self.stderr.write(f"{path}: {error}")
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(fingerprint)
        self.bring_up_to_date()
        self.stdout.write(self.style.SUCCESS(f"{Article.objects.count()} articles loaded."))

    def bring_up_to_date(self) -> None:
        """Articles stored by an older ctsearch get today's tags, stories and index."""
        call_command("retag", stdout=self.stdout)
        call_command("cluster_stories", stdout=self.stdout)
        try:
            if not indexer.mapping_is_current():
                self.stdout.write("The index was made by an older ctsearch: rebuilding it …")
                call_command("search_index", "rebuild", stdout=self.stdout)
            call_command("search_index", "drain", stdout=self.stdout)
        except (CommandError, EngineError) as error:
            self.stderr.write(f"index not up to date yet ({error}); the worker will catch up")

    @staticmethod
    def fingerprint(directories: list[Path]) -> str:
        digest = hashlib.sha256()
        for directory in directories:
            for path in sorted(directory.rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    digest.update(f"{path}:{stat.st_size}:{int(stat.st_mtime)}\n".encode())
        return digest.hexdigest()
