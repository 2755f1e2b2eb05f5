"""Handoff to a person: the queue, honest wait estimates, callbacks and the staff console."""
