"""Signals the applications app sends, for feature apps above it (imports flow downward).

``status_changed`` is sent inside the transaction of every status change, after its event and
audit row: receivers must defer side effects with ``transaction.on_commit`` (a rolled-back
change then leaves no trace). Arguments: ``application`` (its new state), ``previous`` (the
status before) and ``action`` (the workflow action, e.g. "approve", "collect").
"""

from django.dispatch import Signal

status_changed = Signal()
