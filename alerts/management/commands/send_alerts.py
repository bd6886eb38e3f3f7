from django.core.management.base import BaseCommand

from alerts import digests, matching
from alerts.models import Cadence


class Command(BaseCommand):
    help = "Sweep the alerts (record what percolation missed), then send the due digests."

    def add_arguments(self, parser):
        parser.add_argument(
            "--cadence", choices=Cadence.values, action="append", help="default: all three"
        )
        parser.add_argument("--no-sweep", action="store_true", help="only send")

    def handle(self, *args, **options):
        for cadence in options["cadence"] or Cadence.values:
            found = 0 if options["no_sweep"] else matching.sweep_all(cadence)
            sent = digests.send(cadence)
            self.stdout.write(f"{cadence}: {found} missed match(es) recorded, {sent} email(s) sent")
            stuck = digests.uncertain(cadence)
            if stuck:
                self.stderr.write(
                    self.style.WARNING(
                        f"{cadence}: {stuck} digest(s) were being sent when their sender died; "
                        "they may have been delivered and are not sent again (status 'sending')"
                    )
                )
