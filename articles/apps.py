from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        # Connects the receivers that turn the write layer's signals into Celery work.
        from . import tasks  # noqa: F401
