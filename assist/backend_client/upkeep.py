"""Reports' background upkeep: say what is misconfigured at start, resend held reports on a
schedule, and the figures supervisors and /metrics show."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from assist.backend_client import reports
from assist.backend_client.config import configuration_warnings
from assist.backend_client.routing import RoutedCouncilServices
from assist.settings import Settings
from assist.store.base import Row, Store

log = logging.getLogger(__name__)


async def check_configuration(services: RoutedCouncilServices, settings: Settings) -> list[str]:
    """Log, loudly, every partial setting and every service code the servers do not offer;
    returns the problems (an unreachable server is a warning, not a problem)."""
    for warning in configuration_warnings(settings):
        log.warning("configuration: %s", warning)
    problems = await services.check_configuration()
    for problem in problems:
        log.error("configuration: %s", problem)
    return problems


async def run_report_upkeep(
    services: RoutedCouncilServices,
    store: Store,
    settings: Settings,
    stop: asyncio.Event,
    wake: Callable[[], None] | None = None,
) -> None:
    """Check the configuration once, then every `held_report_retry_s` send held (and given
    up) reports again, until `stop`. Start-up itself releases them too (`open_service`)."""
    try:
        await check_configuration(services, settings)
    except Exception:
        log.exception("configuration check failed")
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=settings.held_report_retry_s)
        if stop.is_set():
            return
        try:
            async with store.transaction() as tx:
                n = await reports.requeue_undelivered(tx)
            if n:
                log.info("sending %d held or given-up reports again", n)
                if wake is not None:
                    wake()
        except Exception:
            log.exception("releasing held reports failed")


async def report_metrics(store: Store) -> dict[str, tuple[str, float]]:
    """Prometheus gauges for `/metrics`: reports held for a configuration fix, reports a
    person must look at, and reports on their way."""
    async with store.transaction() as tx:
        f = await reports.figures(tx)
    return {
        "assist_reports_held": (
            "Reports the council refused for a reason a settings change cures",
            float(f["held"]),
        ),
        "assist_reports_needing_staff": (
            "Reports with a staff alert (refused for themselves, or the server failing)",
            float(f["needs_staff"]),
        ),
        "assist_reports_on_their_way": (
            "Reports Assist holds that are not yet with the council",
            float(f["pending"]),
        ),
    }


async def reports_needing_attention(store: Store) -> list[Row]:
    """Reports held for a configuration fix or with a staff alert, for the supervisor page;
    [] when this store has no reports table (a console run on its own)."""
    try:
        async with store.transaction() as tx:
            return await reports.needing_attention(tx)
    except Exception as exc:  # no reports table: nothing to show
        log.debug("no reports to show: %s", exc)
        return []
