"""`assist council serve`: run the reference council on its own with uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assist.settings import get_settings

app = typer.Typer(help="The embedded reference council back end.", no_args_is_help=True)


@app.callback()
def _council() -> None:
    """The embedded reference council back end (Open311, waste, information)."""


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8311,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    db: Annotated[Path | None, typer.Option(help="SQLite file (default: data dir).")] = None,
    defer_ids: Annotated[bool, typer.Option(help="Answer POSTs with tokens only.")] = False,
) -> None:
    """Serve the reference council at http://HOST:PORT/ (Open311 under /open311/v2/)."""
    import uvicorn

    from assist.council.app import create_council_app

    settings = get_settings()
    path = db if db is not None else settings.data_dir / "council.db"
    council = create_council_app(
        path, settings.council_api_key.get_secret_value(), defer_ids=defer_ids
    )
    uvicorn.run(council, host=host, port=port, log_level=settings.log_level.lower())


if __name__ == "__main__":
    app()
