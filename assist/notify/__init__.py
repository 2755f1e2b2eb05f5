"""Notifications people control: opt-outs, preferences, quiet hours, reminders, report updates."""
