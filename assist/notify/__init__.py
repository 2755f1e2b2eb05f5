"""Notifications people control: opt-outs, preferences, quiet hours, reminders, report updates."""

from assist.notify.schema import MIGRATIONS

__all__ = ["MIGRATIONS"]
