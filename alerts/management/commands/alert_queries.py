from django.core.management.base import BaseCommand

from alerts import matching


class Command(BaseCommand):
    help = (
        "Re-compile every active alert's query into a new percolator index and swap the alias "
        "(after an analysis, mapping or gazetteer change). Old articles are not re-announced."
    )

    def handle(self, *args, **options):
        name = matching.reregister_all()
        self.stdout.write(f"alert queries now in {name}")
