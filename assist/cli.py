"""`assist`: serve, chat in the terminal, lint dialogues, erase a citizen's data, and more."""

from __future__ import annotations

import asyncio
import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from assist.settings import Settings

app = typer.Typer(
    help="Assist: a humane way into the council by phone, SMS and web chat.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Override ASSIST_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Override ASSIST_PORT.")] = None,
) -> None:
    """Run the service: every channel, the staff console and the embedded council."""
    import uvicorn

    from assist.app import create_app
    from assist.privacy import configure_logging

    settings = Settings()
    configure_logging(settings.log_level)
    typer.echo(which_classifier(settings), err=True)  # never waits for Rasa: see the line
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        ws_max_size=65536,  # one chat frame is at most 8 KiB; refuse 16 MiB frames
        access_log=False,  # paths hold chat ids (transcript keys); requests are logged redacted
    )


def which_classifier(settings: Settings, timeout_s: float = 1.0) -> str:
    """The start-up line saying which classifier answers: Rasa when it answers at
    ASSIST_RASA_URL now, else the in-process classifier (and that Rasa is picked up when it
    appears: see `RasaClassifier.watch`). Asks Rasa once, for at most `timeout_s`."""
    from assist.nlu.sidecar import rasa_status

    if not settings.rasa_url:
        return "Understanding: the in-process classifier (ASSIST_RASA_URL is empty)"
    if len(settings.rasa_urls) > 1:
        return (
            f"Understanding: {len(settings.rasa_urls)} Rasa replicas ({settings.rasa_url}), "
            "each picked up when it answers; the in-process classifier stands in meanwhile"
        )
    status = rasa_status(settings.rasa_url, timeout_s=timeout_s)
    if status and status.get("model_file"):
        model = Path(str(status["model_file"])).name
        return (
            f"Understanding: Rasa at {settings.rasa_url} (model {model}), "
            "with the in-process classifier standing in if it stops answering"
        )
    return (
        f"Rasa is not answering at {settings.rasa_url}; "
        "using the in-process classifier until it does"
    )


@app.command()
def chat(
    sender: Annotated[str | None, typer.Option("--as", help="Who you are (default: new).")] = None,
    language: Annotated[str | None, typer.Option(help="Start in this language.")] = None,
) -> None:
    """Talk to the assistant in the terminal; reads one message per line when piped."""
    from assist.app import open_service
    from assist.chat.terminal import run_terminal_chat

    who = sender or f"terminal-{secrets.token_hex(4)}"

    async def run() -> int:
        service = await open_service(Settings())
        service.start_background()
        try:
            code = await run_terminal_chat(
                service.parts, who, language, sys.stdin, interactive=sys.stdin.isatty()
            )
            await service.outbox.run_once()
            return code
        finally:
            await service.close()

    code = asyncio.run(run())
    raise typer.Exit(code)


@app.command()
def lint(
    path: Annotated[Path, typer.Argument(help="A dialogues/ directory.")] = Path("dialogues"),
) -> None:
    """Check flows and prompts against the humane rules; one line per problem."""
    from assist.dialogue.lint import lint_dialogues

    if not path.is_dir():
        typer.echo(
            f"{path} is not a dialogues/ directory (it should hold flows/ and prompts/)", err=True
        )
        raise typer.Exit(2)
    problems = lint_dialogues(path)
    for p in problems:
        typer.echo(str(p))
    if problems:
        typer.echo(f"{len(problems)} problem(s)", err=True)
        raise typer.Exit(1)
    typer.echo("dialogues OK")


@app.command()
def erase(
    number: Annotated[str | None, typer.Option(help="A phone number (E.164).")] = None,
    chat_id: Annotated[str | None, typer.Option(help="A web chat id.")] = None,
) -> None:
    """Erase everything held about one citizen; leaves an audit line without the data."""
    from assist.app import open_service

    who = number or chat_id
    if not who:
        typer.echo("Give --number or --chat-id.", err=True)
        raise typer.Exit(2)

    async def run() -> int:
        from assist.privacy import erase as erase_data

        service = await open_service(Settings())
        try:
            return await erase_data(service.store, who, service.erasers)
        finally:
            await service.close()

    typer.echo(f"erased {asyncio.run(run())} record(s)")


@app.command()
def call(
    caller: Annotated[
        str | None, typer.Option("--from", help="Your number (default: a made-up 07700 900xxx).")
    ] = None,
    speak: Annotated[bool, typer.Option(help="Speak prompts with espeak-ng.")] = False,
) -> None:
    """Ring the phone line in the terminal: keys, words, empty line for silence, /hold, /hangup."""
    from assist.app import bind, create_app, open_service
    from assist.ivr.twilio.terminal import run_call

    settings = Settings()
    number = caller or "+447700900" + f"{secrets.randbelow(1000):03d}"

    async def run() -> int:
        service = await open_service(settings)
        try:
            phone_app = create_app(settings, service=service)
            bind(phone_app, service)  # ASGITransport runs no lifespan: hand over the parts
            return await run_call(
                phone_app,
                service.store,
                settings,
                number,
                sys.stdin,
                sys.stdout,
                speak=speak,
                echo=not sys.stdin.isatty(),
            )
        finally:
            await service.close()

    raise typer.Exit(asyncio.run(run()))


db_app = typer.Typer(help="The store's tables: migrate, check.", no_args_is_help=True)


async def _missing_migrations(apply: bool) -> list[str]:
    from assist.app import all_migrations
    from assist.store.migrate import missing

    settings, wanted = Settings(), all_migrations()
    store = settings.store()
    await store.open([])  # only the bookkeeping table
    try:
        lacking = [f"{m.component} v{m.version}" for m in await missing(store, wanted)]
    finally:
        await store.close()
    if apply and lacking:
        store = settings.store()
        await store.open(wanted)
        await store.close()
    return lacking


@db_app.command()
def migrate() -> None:
    """Apply every component's missing migrations to the store ASSIST_DATABASE_URL chooses."""
    applied = asyncio.run(_missing_migrations(apply=True))
    typer.echo(f"applied {', '.join(applied)}" if applied else "nothing to apply")


@db_app.command()
def check() -> None:
    """Say which migrations the store lacks; exit code 1 when any are missing."""
    lacking = asyncio.run(_missing_migrations(apply=False))
    if lacking:
        typer.echo(f"missing {', '.join(lacking)}: run `assist db migrate`", err=True)
        raise typer.Exit(1)
    typer.echo("store is up to date")


def _register_subcommands() -> None:
    from assist.backend_client.cli import app as reports_app
    from assist.council.cli import app as council_app
    from assist.handoff.cli import staff_app
    from assist.ivr.speech.cli import voice_app
    from assist.nlu.cli import app as nlu_app
    from assist.nlu.sidecar import app as rasa_app

    app.add_typer(db_app, name="db", help="The store's tables: migrate, check.")
    app.add_typer(staff_app, name="staff", help="Staff accounts for the console.")
    app.add_typer(council_app, name="council", help="The reference council back end.")
    app.add_typer(voice_app, name="voice", help="Self-hosted speech models.")
    app.add_typer(nlu_app, name="nlu", help="Understanding: parse sentences, evaluate.")
    app.add_typer(rasa_app, name="rasa", help="The Rasa sidecar: setup, train, start, stop.")
    app.add_typer(reports_app, name="reports", help="Reports held, alerted, sent again.")


_register_subcommands()


def settings_problems(exc: ValidationError) -> list[str]:
    """One line per bad setting: its variable, the value given and what is allowed."""
    lines = []
    for err in exc.errors():
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["loc"]:
            name = "ASSIST_" + str(err["loc"][0]).upper()
            value = err.get("input")
            shown = "" if isinstance(value, dict) else f"={value!s}"
            if any(w in name for w in ("SECRET", "TOKEN", "API_KEY", "DATABASE_URL")):
                shown = ""  # never echo a secret
            lines.append(f"setting {name}{shown}: {msg}")
        else:
            lines.append(f"setting: {msg}")
    return lines


def main() -> None:
    """Entry point of the `assist` command; a bad setting is one line each and exit code 2."""
    try:
        app()
    except ValidationError as exc:
        if exc.title != "Settings":
            raise
        for line in settings_problems(exc):
            typer.echo(line, err=True)
        raise SystemExit(2) from None
    except UnicodeDecodeError as exc:
        typer.echo(
            f"settings: .env is not valid UTF-8 ({exc.reason} at byte {exc.start})", err=True
        )
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
