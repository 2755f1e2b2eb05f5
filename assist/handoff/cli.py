"""`assist staff ...`: add, list and disable staff console accounts."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Annotated

import typer

from assist.handoff import auth
from assist.handoff.schema import MIGRATIONS
from assist.settings import Settings, get_settings
from assist.store import core

staff_app = typer.Typer(help="Staff console accounts.", no_args_is_help=True)


async def _add(settings: Settings, name: str, role: auth.Role, password: str) -> None:
    store = settings.store()
    await store.open([*core.MIGRATIONS, *MIGRATIONS])
    try:
        async with store.transaction() as tx:
            await auth.add_staff(tx, name, role, password, time.time())
            await core.audit(tx, "cli", "staff.add", name.lower(), {"role": role})
    finally:
        await store.close()


async def _list(settings: Settings) -> list[tuple[str, str, bool]]:
    store = settings.store()
    await store.open([*core.MIGRATIONS, *MIGRATIONS])
    try:
        async with store.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT username, role, disabled FROM handoff_staff ORDER BY username"
            )
    finally:
        await store.close()
    return [(r["username"], r["role"], bool(r["disabled"])) for r in rows]


async def _disable(settings: Settings, name: str) -> int:
    store = settings.store()
    await store.open([*core.MIGRATIONS, *MIGRATIONS])
    try:
        async with store.transaction() as tx:
            changed = await tx.execute(
                "UPDATE handoff_staff SET disabled = 1 WHERE username = ?", (name.lower(),)
            )
            await tx.execute(
                "DELETE FROM handoff_staff_sessions WHERE username = ?", (name.lower(),)
            )
            await core.audit(tx, "cli", "staff.disable", name.lower())
    finally:
        await store.close()
    return changed


@staff_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . - _).")],
    role: Annotated[str, typer.Option(help="agent or supervisor.")] = "agent",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a staff account (or reset its password and role)."""
    if role not in auth.ROLES:
        raise typer.BadParameter("role must be agent or supervisor", param_hint="--role")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        asyncio.run(_add(get_settings(), name, role, password))
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"{name.lower()} can now sign in to /console as {role}.")


@staff_app.command("list")
def list_staff() -> None:
    """List staff accounts."""
    for name, role, disabled in asyncio.run(_list(get_settings())):
        flag = "\tdisabled" if disabled else ""
        typer.echo(f"{name}\t{role}{flag}")


@staff_app.command("disable")
def disable(name: str) -> None:
    """Disable an account and end its sessions."""
    if not asyncio.run(_disable(get_settings(), name)):
        typer.echo(f"error: no account {name}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{name.lower()} disabled.")
