from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        # Connects the receivers that turn the write layer's signals into Celery work.
        from . import heartbeat, tasks  # noqa: F401  (heartbeat: the worker's, for /readyz)
