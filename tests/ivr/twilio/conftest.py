"""Fixtures for the phone line: a real SQLite store, the real engine and webhooks, and a
simulated phone that signs every request exactly as Twilio does."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from assist.app import bind, create_app, open_service
from assist.handoff.agents import sign_in
from assist.ivr.twilio.phone import SimulatedPhone
from assist.service import Dialogue, Service
from assist.settings import Settings

PUBLIC = "https://assist.example.org"
ALWAYS_OPEN = "Mon-Sun 00:00-23:59"
ON_DUTY = "duty@council.example"
"""The member of staff signed in for every phone test unless it signs them out."""


class Clock:
    """A clock the test moves by hand (starts at the real time)."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, s: float) -> None:
        self.t += s


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings for the phone line on a temporary data directory, public URL set."""
    values: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "rasa_url": "",
        "public_url": PUBLIC,
        "opening_hours": ALWAYS_OPEN,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg,arg-type]


async def on_duty(rt: Service, now: float) -> None:
    """Sign `ON_DUTY` in: someone is answering."""
    async with rt.store.transaction() as tx:
        await sign_in(tx, ON_DUTY, [], now)


@pytest.fixture
def voice_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def clock() -> Clock:
    # A Wednesday, 10:00 UTC (11:00 in London in summer): inside every opening hour used here.
    return Clock(1_782_900_000.0)


@pytest.fixture
async def rt(
    voice_settings: Settings, clock: Clock, dialogue: Dialogue, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Service]:
    # The shipped dialogues, loaded once per test run (training the classifier takes ~1 s).
    monkeypatch.setattr("assist.service.load_dialogue", lambda: dialogue)
    runtime = await open_service(voice_settings)
    runtime.conversations.clock = clock
    runtime.engine.clock = clock
    # Someone is answering: a member of staff is signed in (in hours with nobody signed in
    # the line says so and offers a callback instead; see test_waiting_channels.py).
    await on_duty(runtime, clock())
    yield runtime
    await runtime.close()


@pytest.fixture
def app(voice_settings: Settings, rt: Service) -> FastAPI:
    application = create_app(voice_settings, service=rt)
    bind(application, rt)  # ASGITransport does not run the lifespan
    return application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as c:
        yield c


PhoneFactory = Callable[..., SimulatedPhone]


@pytest.fixture
def phone(client: httpx.AsyncClient, voice_settings: Settings) -> PhoneFactory:
    """Make a simulated phone calling from a number (default +447700900123)."""

    def make(caller: str = "+447700900123", call_sid: str | None = None) -> SimulatedPhone:
        return SimulatedPhone(client, voice_settings, caller, call_sid=call_sid)

    return make


async def count(rt: Service, sql: str, *params: object) -> int:
    async with rt.store.transaction() as tx:
        row = await tx.fetchone(sql, params)
    return int(row["n"]) if row else 0


def xml_root(document: str) -> ET.Element:
    return ET.fromstring(document)


Step = Callable[[], Awaitable[object]]
