"""manage.py add_feed SOURCE_SLUG URL [--kind rss|sitemap|news_sitemap] [--disabled]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from articles.models import Source
from collection import actions
from collection.models import Feed


class Command(BaseCommand):
    help = "Register a feed (RSS/Atom or sitemap) of an existing source."

    def add_arguments(self, parser):
        parser.add_argument("source")
        parser.add_argument("url")
        parser.add_argument("--kind", choices=Feed.Kind.values, default="")
        parser.add_argument("--disabled", action="store_true", help="register it turned off")
        parser.add_argument("--interval", type=int, default=0, help="poll interval, seconds")

    def handle(self, *args, **options):
        source = Source.objects.filter(slug=options["source"]).first()
        if source is None:
            raise CommandError(f"no source {options['source']!r} (add it in the admin first)")
        try:
            feed, created = actions.add_feed(
                source,
                options["url"],
                kind=options["kind"],
                enabled=not options["disabled"],
                poll_interval=options["interval"],
            )
        except (actions.InvalidFeed, ValueError) as error:
            raise CommandError(str(error)) from None
        verb = "added" if created else "already registered:"
        self.stdout.write(f"{verb} {feed.kind} feed {feed.url} of {source.slug} (id {feed.pk})")
        if source.status != Source.Status.ACTIVE:
            self.stdout.write(
                self.style.WARNING(f"source is {source.status}: its feeds are not collected")
            )
