"""`assist voice ...`: deployer commands for self-hosted speech."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from assist.ivr.speech.model_fetch import KNOWN_MODELS, ModelFetchError, fetch_model
from assist.settings import get_settings

voice_app = typer.Typer(help="Self-hosted speech (Vosk and pyttsx3) for the phone line.")


@voice_app.callback()
def voice() -> None:
    """Self-hosted speech (Vosk and pyttsx3) for the phone line."""


@voice_app.command("fetch-model")
def fetch_model_command(
    lang: Annotated[str, typer.Argument(help="Language: " + ", ".join(KNOWN_MODELS))],
    url: Annotated[str | None, typer.Option(help="Download this zip instead.")] = None,
    sha256: Annotated[
        str | None, typer.Option(help="Expected SHA-256 of the zip; refused if it differs.")
    ] = None,
    dest: Annotated[
        Path | None,
        typer.Option(help="Directory for models (default: ASSIST_DATA_DIR/vosk-models)."),
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the server.")] = 30.0,
) -> None:
    """Download a Vosk model, verify its checksum, unpack it, and print the setting."""
    console = Console(stderr=True)
    known = KNOWN_MODELS.get(lang)
    if url is None:
        if known is None:
            console.print(
                f"[red]No known Vosk model for {lang!r}.[/red] Known: {', '.join(KNOWN_MODELS)}. "
                "Pass --url (and --sha256) for another model."
            )
            raise typer.Exit(2)
        url = known.url
        sha256 = sha256 or known.sha256
        console.print(f"{known.name} (~{known.size_mb} MB): {known.note}")
    target = dest if dest is not None else get_settings().data_dir / "vosk-models"
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(url.rsplit("/", 1)[-1], total=None)

        def progress(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        try:
            with httpx.Client(timeout=timeout) as client:
                result = fetch_model(url, target, sha256=sha256, client=client, progress=progress)
        except ModelFetchError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
    if result.verified:
        console.print(f"SHA-256 verified: {result.sha256}")
    else:
        console.print(
            f"[yellow]SHA-256 {result.sha256} (NOT verified: no expected checksum was given; "
            "compare it with a trusted copy and pass --sha256 next time).[/yellow]"
        )
    if not result.grammar:
        console.print(
            "[yellow]This model has no runtime grammar (a big static model): menus will use "
            "free recognition, slower and less accurate. A small model is recommended.[/yellow]"
        )
    typer.echo("ASSIST_VOICE_SPEECH=vosk")
    typer.echo(f"ASSIST_VOSK_MODEL_PATH={result.path}")
