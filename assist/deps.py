"""FastAPI dependencies shared by the routers: `RuntimeDep`, `SettingsDep`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assist.runtime import Runtime
from assist.settings import Settings


def get_runtime(request: Request) -> Runtime:
    """The running service's parts (opened by the app's lifespan)."""
    rt: Runtime = request.app.state.runtime
    return rt


def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
