"""Signals the appointments app sends, for feature apps above it (imports flow downward).

``ticket_served`` is sent inside the transaction that marks a queue ticket as served (the
officer pressed "finish"): receivers defer side effects with ``transaction.on_commit``.
Argument: ``ticket``.
"""

from django.dispatch import Signal

ticket_served = Signal()
