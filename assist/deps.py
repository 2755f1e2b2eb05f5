"""FastAPI dependencies shared by the routers: `PartsDep`, `SettingsDep`.

The top (`assist.app`) puts the adapters' `Parts` on `app.state.parts` when the lifespan
opens the service; routers ask for them with `Depends`, so a test can build an app around
any router and set `app.state.parts` itself.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from assist.parts import Parts
from assist.settings import Settings


def get_parts(conn: HTTPConnection) -> Parts:
    """The pieces an adapter may use (set by the app's lifespan); HTTP and WebSocket."""
    parts: Parts = conn.app.state.parts
    return parts


def get_app_settings(conn: HTTPConnection) -> Settings:
    """The settings the app was created with."""
    settings: Settings = conn.app.state.settings
    return settings


PartsDep = Annotated[Parts, Depends(get_parts)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
