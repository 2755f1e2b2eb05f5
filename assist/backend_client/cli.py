"""`assist reports held | retry | check`: staff tools for reports not yet with the council."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import TYPE_CHECKING

import typer

from assist.settings import Settings

if TYPE_CHECKING:
    from assist.store import Store

app = typer.Typer(help="Reports not yet with the council.", no_args_is_help=True)


@app.callback()
def _reports() -> None:
    """Reports not yet with the council: held, alerted, retried."""


async def _store(settings: Settings) -> Store:
    from assist.backend_client.reports import MIGRATIONS
    from assist.store import core

    # The tables these commands read; opening the service later adds the rest.
    store = settings.store()
    await store.open([*core.MIGRATIONS, *MIGRATIONS])
    return store


@app.command()
def held() -> None:
    """List reports held for a configuration fix, and reports with a staff alert."""
    from assist.backend_client import reports

    async def run() -> list[dict[str, object]]:
        store = await _store(Settings())
        try:
            async with store.transaction() as tx:
                return await reports.needing_attention(tx)
        finally:
            await store.close()

    rows = asyncio.run(run())
    if not rows:
        typer.echo("No reports are held or need a person.")
        return
    for r in rows:
        when = dt.datetime.fromtimestamp(float(str(r["updated_at"])), dt.UTC)
        why = r["staff_alert"] or r["last_error"] or ""
        typer.echo(f"{r['assist_ref']}  {r['status']:<8} {r['service']:<18} {when:%Y-%m-%d %H:%M}Z")
        typer.echo(f"    {why}")


@app.command()
def retry() -> None:
    """Send held and given-up reports again now (a running service picks them up)."""
    from assist.backend_client import reports

    async def run() -> int:
        store = await _store(Settings())
        try:
            async with store.transaction() as tx:
                return await reports.requeue_undelivered(tx)
        finally:
            await store.close()

    typer.echo(f"{asyncio.run(run())} reports will be sent again.")


@app.command()
def check() -> None:
    """Check the settings against the council's Open311 servers; exit 1 on a problem."""
    from assist.backend_client.routing import RoutedCouncilServices
    from assist.backend_client.upkeep import check_configuration

    settings = Settings()

    async def run() -> list[str]:
        services = RoutedCouncilServices.from_settings(settings)
        try:
            return await check_configuration(services, settings)
        finally:
            await services.aclose()

    problems = asyncio.run(run())
    for p in problems:
        typer.echo(p, err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo("Every report type's service code is offered.")
