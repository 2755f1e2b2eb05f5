"""The notifier inside `assist serve`: polls reports, plans reminders, dispatches due texts.

All its state is in the store (jobs with unique keys, what each citizen was last told), so it
survives restarts and a pass that runs twice sends nothing twice. Start it with
`Notifier(...).run` as one of the service's jobs (the top adds it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from assist.backend_client.protocol import CouncilServices
from assist.dialogue.prompts import Prompts
from assist.notify.config import NotifyConfig
from assist.notify.jobs import DispatchResult, dispatch_due
from assist.notify.reminders import plan_bin_reminders
from assist.notify.reports import poll_reports
from assist.notify.timing import replan_wanted
from assist.store.base import Store

log = logging.getLogger(__name__)
REPLAN_GAP_S = 60.0
"""A changed reminder time is planned within this long (not more often, if the council is down)."""


@dataclass
class Notifier:
    """One notifier: `tick()` does whatever is due; `run()` ticks until stopped."""

    store: Store
    services: CouncilServices
    prompts: Prompts
    config: NotifyConfig
    clock: Callable[[], float] = time.time
    on_sent: Callable[[], None] | None = None
    """Called after a pass handed texts to the outbox (wakes the outbox worker)."""
    _last_poll: float = field(default=float("-inf"))
    _last_plan: float = field(default=float("-inf"))

    async def tick(self) -> DispatchResult:
        """Poll reports and plan reminders when their interval has passed, then dispatch."""
        now = self.clock()
        if now - self._last_poll >= self.config.report_poll_interval_s:
            self._last_poll = now
            await self._guard(
                "report polling", poll_reports(self.store, self.services, self.prompts, now)
            )
        if now - self._last_plan >= self.config.plan_interval_s or (
            now - self._last_plan >= min(REPLAN_GAP_S, self.config.plan_interval_s)
            and await self._replan_wanted()
        ):
            self._last_plan = now
            await self._guard(
                "reminder planning",
                plan_bin_reminders(self.store, self.services, self.prompts, self.config, now),
            )
        result = await dispatch_due(self.store, self.config, self.clock())
        if result.sent and self.on_sent is not None:
            self.on_sent()
        return result

    async def _replan_wanted(self) -> bool:
        async with self.store.transaction() as tx:
            return await replan_wanted(tx)

    async def _guard(self, what: str, work: Awaitable[object]) -> None:
        try:
            await work
        except Exception:
            log.exception("notify: %s failed", what)

    async def run(self, stop: asyncio.Event) -> None:
        """Tick every `config.tick_s` until `stop` is set; one failed pass never stops it."""
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("notify pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.config.tick_s)
