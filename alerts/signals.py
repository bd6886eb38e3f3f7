"""What the alerts write layer announces after commit; ``alerts.tasks`` connects receivers."""

from django.dispatch import Signal

#: An alert's query must be (re)registered in the percolator. Argument: ``alert_id``.
alert_query_changed = Signal()

#: An alert is gone or paused: its query leaves the percolator. Argument: ``alert_id``.
alert_query_removed = Signal()
