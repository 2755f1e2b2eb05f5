"""What the notifier is told: quiet hours, reminder time, poll interval, send limits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from assist.settings import Settings


def parse_hhmm(value: str) -> dt.time:
    """`"18:00"` -> time(18, 0); raises ValueError."""
    hours, _, minutes = value.strip().partition(":")
    return dt.time(int(hours), int(minutes or 0))


@dataclass(frozen=True)
class NotifyConfig:
    """Notification settings; `from_settings` reads the `ASSIST_*` ones, with defaults."""

    tz: ZoneInfo
    quiet_start: dt.time = dt.time(21, 0)
    quiet_end: dt.time = dt.time(8, 0)
    bin_reminder_time: dt.time = dt.time(18, 0)
    report_poll_interval_s: float = 900.0
    plan_interval_s: float = 3600.0
    tick_s: float = 15.0
    per_number_per_hour: int = 10
    send_rate_per_s: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings) -> NotifyConfig:
        """Read the notification settings (settings the lead has not added yet use defaults)."""
        quiet = str(getattr(settings, "notify_quiet_hours", "21:00-08:00") or "")
        start, _, end = quiet.partition("-")
        return cls(
            tz=ZoneInfo(settings.timezone),
            quiet_start=parse_hhmm(start) if end else dt.time(0, 0),
            quiet_end=parse_hhmm(end) if end else dt.time(0, 0),
            bin_reminder_time=parse_hhmm(str(getattr(settings, "bin_reminder_time", "18:00"))),
            report_poll_interval_s=float(getattr(settings, "report_poll_interval_s", 900.0)),
            per_number_per_hour=int(getattr(settings, "sms_per_number_per_hour", 10)),
            send_rate_per_s=float(getattr(settings, "sms_send_rate_per_s", 1.0)),
        )
