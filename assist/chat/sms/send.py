"""Sending texts from the outbox: suppression first, then limits, then Twilio (or a dev sink).

Outbox kinds handled here: `sms` (payload to, text, purpose) and `staff_reply` (payload
session_id, channel, to, text[, agent]): a staff reply on SMS goes out as a text; on web
chat and the terminal it is published on the bus topic `session:<id>`.

Before every send: the number's opt-out (never texted while suppressed), quiet hours for
notifications (`notify:*` purposes wait for the morning), a per-number hourly limit (staff
replies and the rest of a split reply are exempt), and a global pace under the provider's
rate. Queued texts (`sms`: notifications, callback confirmations, the rest of a reply) go
out as `assist.dialogue.gsm.as_sent` makes them, exactly what the linter measures; a staff
member's reply goes out as they wrote it. Outcomes follow `twilio_rest`: 21610 flags the
number and fails for good, other permanent errors fail for good, temporary ones retry after
Twilio's Retry-After.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from assist.chat.sms import store as sms_store
from assist.dialogue.gsm import as_sent
from assist.events import EventBus
from assist.metrics import Metrics
from assist.notify.config import NotifyConfig
from assist.notify.jobs import PURPOSE_PREFIX
from assist.notify.optouts import is_suppressed, suppress
from assist.notify.quiet import in_quiet_hours, next_allowed
from assist.outbox import Handler, PermanentFailure, RetryLater
from assist.settings import Settings
from assist.store.base import Row, Store, Tx
from assist.twilio.rest import PermanentSendError, TemporarySendError, TwilioRest, Unsubscribed

log = logging.getLogger(__name__)
STATUS_PATH = "/twilio/sms/status"
EXEMPT_FROM_LIMIT = ("staff", "reply", "queue")
"""Purposes the per-number limit does not count: a person answering, the rest of a reply
the citizen is reading, and queue updates (already limited to one per 5 minutes)."""


def status_callback_url(settings: Settings) -> str | None:
    """Where Twilio should post delivery statuses; None when the public URL is local only
    (Twilio cannot reach it, and refuses callback URLs without a real hostname)."""
    host = urlsplit(settings.public_url).hostname or ""
    if host in ("localhost", "127.0.0.1", "::1", "0.0.0.0") or "." not in host:  # noqa: S104
        return None
    return settings.public_url + STATUS_PATH


class SmsSender:
    """The outbox handlers that text citizens; one per process (it paces every send)."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        rest: TwilioRest | None = None,
        bus: EventBus | None = None,
        metrics: Metrics | None = None,
        config: NotifyConfig | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.store = store
        self.settings = settings
        self.rest = rest if rest is not None else TwilioRest(settings)
        self.bus = bus or EventBus()
        self.metrics = metrics or Metrics()
        self.config = config or NotifyConfig.from_settings(settings)
        self.clock = clock
        self.sleep = sleep
        self._pace_lock = asyncio.Lock()
        self._next_slot = 0.0
        self._told_dev = False

    def handlers(self) -> dict[str, Handler]:
        """`{"sms": ..., "staff_reply": ...}` for `rt.outbox.handlers`."""
        return {"sms": self.handle_sms, "staff_reply": self.handle_staff_reply}

    async def handle_sms(self, row: Row, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one outbox text as `gsm.as_sent` makes it (diacritics folded when that saves
        segments), which is what the linter measures; raises PermanentFailure or RetryLater.
        """
        to, body = str(payload.get("to") or ""), as_sent(str(payload.get("text") or ""))
        if not to or not body:
            raise PermanentFailure("a text needs a number and some words")
        return await self.send(str(row["key"]), to, body, str(payload.get("purpose") or "info"))

    async def handle_staff_reply(self, row: Row, payload: dict[str, Any]) -> dict[str, Any]:
        """Deliver a staff member's reply on the citizen's channel."""
        channel, text = str(payload.get("channel") or ""), str(payload.get("text") or "")
        if channel == "sms":
            return await self.send(str(row["key"]), str(payload.get("to") or ""), text, "staff")
        if channel in ("web", "terminal"):
            n = self.bus.publish(
                f"session:{payload.get('session_id')}",
                {"type": "staff", "text": text, "agent": payload.get("agent")},
            )
            return {"published": n}
        raise PermanentFailure(f"no staff replies on the {channel!r} channel")

    async def send(self, key: str, to: str, text: str, purpose: str) -> dict[str, Any]:
        """Check, pace and send one text, recording it; idempotent on the outbox `key`."""
        now = self.clock()

        async def record(tx: Tx, sid: str | None, via: str) -> None:
            await sms_store.record_sent(
                tx,
                outbox_key=key,
                sid=sid,
                to=to,
                text=text,
                purpose=purpose,
                via=via,
                now=self.clock(),
            )

        async with self.store.transaction() as tx:
            done = await sms_store.sent_for_key(tx, key)
            if done is not None:
                return {"sid": done["sid"], "via": done["via"], "repeat": True}
            if await is_suppressed(tx, to):
                self._count("suppressed")
                raise PermanentFailure("the number has opted out of texts")
            self._check_quiet(purpose, now)
            if purpose not in EXEMPT_FROM_LIMIT:
                window = now - 3600
                if (
                    await sms_store.sent_since(tx, to, window, EXEMPT_FROM_LIMIT)
                    >= self.config.per_number_per_hour
                ):
                    oldest = await sms_store.oldest_since(tx, to, window) or now
                    self._count("rate_limited")
                    raise RetryLater("per-number limit reached", after_s=oldest + 3600 - now + 1)
            if not self.rest.configured:
                await record(tx, None, "dev")
                self._dev_notice()
                self._count("dev")
                return {"via": "dev"}
        await self._pace()
        try:
            sid = await self.rest.send_sms(to, text, status_callback_url(self.settings))
        except Unsubscribed as exc:
            async with self.store.transaction() as tx:
                await suppress(tx, to, "provider", None, self.clock())
            self._count("unsubscribed")
            raise PermanentFailure(f"Twilio {exc.code}: recipient unsubscribed") from exc
        except PermanentSendError as exc:
            self._count("failed")
            raise PermanentFailure(f"Twilio {exc.code}: {exc}") from exc
        except TemporarySendError as exc:
            self._count("retry")
            raise RetryLater(
                f"Twilio {exc.code or exc.status}: {exc}", after_s=exc.retry_after_s
            ) from exc
        async with self.store.transaction() as tx:
            await record(tx, sid, "twilio")
        self._count("sent")
        return {"sid": sid, "via": "twilio"}

    def _check_quiet(self, purpose: str, now: float) -> None:
        if not purpose.startswith(PURPOSE_PREFIX):
            return
        c = self.config
        if in_quiet_hours(now, c.tz, c.quiet_start, c.quiet_end):
            after = next_allowed(now, c.tz, c.quiet_start, c.quiet_end) - now
            raise RetryLater("quiet hours", after_s=after)

    async def _pace(self) -> None:
        """Wait for this send's slot under the global rate (`sms_send_rate_per_s`)."""
        gap = 1.0 / self.config.send_rate_per_s if self.config.send_rate_per_s > 0 else 0.0
        async with self._pace_lock:
            now = time.monotonic()
            if self._next_slot > now:
                await self.sleep(self._next_slot - now)
            self._next_slot = max(now, self._next_slot) + gap

    def _dev_notice(self) -> None:
        if not self._told_dev:
            self._told_dev = True
            log.warning(
                "no Twilio credentials: texts are recorded in the sms_sent table"
                " (via='dev') instead of being sent"
            )

    def _count(self, outcome: str) -> None:
        self.metrics.inc(
            "assist_sms_outbound_total",
            "Texts handled by the outbox, by outcome",
            labels={"outcome": outcome},
        )
