"""How the SMS channel and notifications plug into a runtime: handlers, tables, tasks."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from assist.chat.sms import store as sms_store
from assist.chat.sms.handoff import run_queue_updates
from assist.chat.sms.send import SmsSender
from assist.notify import MIGRATIONS as NOTIFY_MIGRATIONS
from assist.notify.privacy import erase_notify, purge_notify
from assist.notify.reminders import subscription_handlers
from assist.notify.scheduler import run_notifier
from assist.runtime import Runtime
from assist.store.base import Migration


def sms_migrations() -> list[Migration]:
    """The tables of the SMS channel (`sms`) and of notifications (`notify`)."""
    return [*sms_store.MIGRATIONS, *NOTIFY_MIGRATIONS]


def install_sms(rt: Runtime) -> SmsSender:
    """Register outbox handlers (sms, staff_reply, subscribe, unsubscribe) and the
    retention/erasure hooks on `rt`; returns the sender (one per process: it paces sends)."""
    sender = SmsSender(
        rt.store, rt.settings, bus=rt.bus, metrics=rt.metrics, clock=rt.conversations.clock
    )
    rt.outbox.handlers.update(sender.handlers())
    rt.outbox.handlers.update(subscription_handlers(rt.store, rt.conversations.clock))
    rt.purgers.extend([purge_notify, sms_store.purge_sms])
    rt.erasers.extend([erase_notify, sms_store.erase_sms])
    return sender


def sms_background(rt: Runtime, stop: asyncio.Event) -> list[Coroutine[Any, Any, None]]:
    """The long-running loops to start with the app: the notifier and SMS queue updates."""
    return [
        run_notifier(rt, stop),
        run_queue_updates(
            rt.store,
            rt.dialogue.prompts,
            stop,
            handle_s=rt.settings.default_handle_time_s,
            clock=rt.conversations.clock,
            on_sent=rt.wake_outbox,
        ),
    ]
