import datetime as dt

from django.core.management.base import BaseCommand

from alerts import digests, matching, volume
from alerts.models import Cadence, Digest, VolumeSpike


class Command(BaseCommand):
    help = (
        "Sweep the alerts (record what percolation missed), then send the due digests and "
        "volume-spike emails. --retry-stuck re-sends emails whose sender died inside SMTP."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cadence", choices=Cadence.values, action="append", help="default: all three"
        )
        parser.add_argument("--no-sweep", action="store_true", help="only send")
        parser.add_argument(
            "--no-volume", action="store_true", help="skip the volume alerts' daily check"
        )
        parser.add_argument(
            "--retry-stuck",
            action="store_true",
            help=(
                "an operator's decision: send again the emails stuck in 'sending' (they may "
                "have been delivered), with their first Message-ID so a receiving system can "
                "drop a duplicate; nothing else is done"
            ),
        )
        parser.add_argument(
            "--stuck-minutes",
            type=int,
            default=None,
            help="stuck means 'sending' for longer than this (default ALERTS_STUCK_AFTER_MINUTES)",
        )

    def handle(self, *args, **options):
        older_than = (
            dt.timedelta(minutes=options["stuck_minutes"])
            if options["stuck_minutes"] is not None
            else digests.stuck_after()
        )
        if options["retry_stuck"]:
            for label, retry in (("digests", digests.retry_stuck), ("volume", volume.retry_stuck)):
                released, sent = retry(older_than=older_than)
                self.stdout.write(f"stuck {label}: {released} sent again, {sent} accepted")
            return
        for cadence in options["cadence"] or Cadence.values:
            found = 0 if options["no_sweep"] else matching.sweep_all(cadence)
            sent = digests.send(cadence)
            self.stdout.write(f"{cadence}: {found} missed match(es) recorded, {sent} email(s) sent")
        if not options["no_volume"] and not options["cadence"]:
            self.stdout.write(f"volume: {volume.check_all()} spike email(s) sent")
        for label, model in (("digest", Digest), ("volume spike", VolumeSpike)):
            stuck = digests.stuck(model, older_than=older_than).count()
            if stuck:
                self.stderr.write(
                    self.style.WARNING(
                        f"{stuck} {label} email(s) were being sent when their sender died; they "
                        "may have been delivered and are not sent again (status 'sending'): "
                        "check, then `send_alerts --retry-stuck` re-sends them"
                    )
                )
