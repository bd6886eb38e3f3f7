"""What the write layer announces, for the background layer to act on.

``articles.actions`` writes rows and, after commit, sends these signals; ``articles.tasks``
connects the receivers that queue Celery work. The write layer therefore never imports Celery
tasks (which import the ingest pipeline, which imports the write layer): a write stays correct
with no receiver at all, because the outbox row and the stale ``tags_version`` are the
guarantee and the periodic sweep and ``manage.py retag`` catch up.
"""

from django.dispatch import Signal

#: Sent after a transaction that recorded pending index changes has committed.
index_changes_recorded = Signal()

#: Sent after a gazetteer entry was saved or deleted and that has committed.
#: Arguments: ``facet`` ("actors", "venues", "topics"), ``slug``, ``phrases`` (its names, old
#: and new, that articles may contain).
gazetteer_entry_changed = Signal()

#: Sent by the index drain after the engine accepted a batch and its outbox rows were deleted
#: (committed). Argument: ``article_ids`` (the batch's articles, visible or removed). Listeners
#: (saved-search alerts) must not rely on it alone: a crash between the commit and the signal
#: loses it, so they keep a sweep of their own.
index_batch_accepted = Signal()

#: Sent INSIDE the ingest transaction that created these articles, when the ingest is a
#: back-fill (``manage.py ingest --no-alerts``): listeners record, in the same transaction, that
#: these articles are not news, before any drain can see them. Argument: ``article_ids``.
articles_backfilled = Signal()
