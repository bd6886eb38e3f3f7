from django.apps import AppConfig


class CollectionConfig(AppConfig):
    """Feeds, fetching, discovery and source health. Depends on ``articles``, never the other
    way round: new items go through ``articles.ingest.pipeline`` like any other input."""

    name = "collection"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the Celery tasks in every process)
