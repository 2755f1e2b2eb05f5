"""Handoff to a person: the queue, honest wait estimates, callbacks and the staff console."""

from assist.handoff.estimator import QueueSnapshot, WaitEstimate, estimate_wait
from assist.handoff.history import estimate_for
from assist.handoff.queue import HandoffQueue, enqueue_in_tx
from assist.handoff.schema import MIGRATIONS

__all__ = [
    "MIGRATIONS",
    "HandoffQueue",
    "QueueSnapshot",
    "WaitEstimate",
    "enqueue_in_tx",
    "estimate_for",
    "estimate_wait",
]
