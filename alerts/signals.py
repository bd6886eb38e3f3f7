"""What the alerts write layer announces after commit; ``alerts.tasks`` connects receivers."""

from django.dispatch import Signal

#: An alert's query must be (re)registered in the percolator. Argument: ``alert_id``.
alert_query_changed = Signal()

#: An alert is gone or paused: its query leaves the percolator. Argument: ``alert_id``.
alert_query_removed = Signal()

#: New ledger rows of instant alerts wait to be sent to these users. Argument: ``user_ids``.
instant_matches_recorded = Signal()
