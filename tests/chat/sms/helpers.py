"""A running Assist for SMS and notification tests: real store, real app on real uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import secrets
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import uvicorn
from fastapi import FastAPI

from assist.app import all_migrations, bind, create_app, open_service
from assist.backend_client import reports as reports_table
from assist.backend_client.memory import InMemoryCouncilServices
from assist.backend_client.protocol import Address, ReportRequest
from assist.chat.sms.router import create_sms_router
from assist.chat.sms.send import SmsSender
from assist.handoff.agents import sign_in
from assist.notify.config import NotifyConfig
from assist.notify.reminders import subscription_handlers
from assist.service import Service, load_dialogue
from assist.settings import Settings
from assist.store.base import Row
from assist.twilio.rest import TwilioRest
from assist.twilio.webhooks import sign

PUBLIC = "https://assist.example.org"
ON_DUTY = "duty@council.example"
cached_dialogue = functools.cache(load_dialogue)
"""Flows, prompts and the trained fallback classifier, loaded once for all these tests."""
ALL_MIGRATIONS = all_migrations()


def report_handler(rt: Service) -> Any:
    """Stands in for the back-end engineer's `report` outbox handler: record, file, store ref."""

    async def deliver(row: Row, payload: dict[str, Any]) -> dict[str, Any]:
        addr = payload.get("address")
        report = ReportRequest(
            service=payload["service"],
            description=payload["description"],
            assist_ref=payload["assist_ref"],
            address=Address(**addr) if addr else None,
            location_text=payload.get("location_text"),
            phone=payload.get("phone"),
        )
        async with rt.store.transaction() as tx:
            await reports_table.record_report(
                tx,
                report,
                session_id=payload.get("session_id"),
                channel=payload.get("channel"),
                citizen_number=payload.get("phone"),
            )
        receipt = await rt.services.create_report(report)
        async with rt.store.transaction() as tx:
            await reports_table.mark_delivered(
                tx,
                report.assist_ref,
                council_ref=receipt.council_ref,
                token=None,
                now=rt.conversations.clock(),
            )
        return {"council_ref": receipt.council_ref}

    return deliver


async def premigrate(settings: Settings) -> None:
    """Create every table this test needs before the runtime opens (it applies core only)."""
    store = settings.store()
    await store.open(ALL_MIGRATIONS)
    await store.close()


def make_settings(tmp_path: Path, **extra: Any) -> Settings:
    """Development settings for tests: no Rasa, a public URL to sign against."""
    return Settings(data_dir=tmp_path, rasa_url=None, public_url=PUBLIC, **extra)


async def open_assist(
    settings: Settings,
    services: InMemoryCouncilServices | None = None,
    config: NotifyConfig | None = None,
    clock: Callable[[], float] | None = None,
    staffed: bool = True,
) -> tuple[Service, SmsSender]:
    """A runtime wired the way the lead wires it: handlers for sms, staff replies, reports.

    `clock` (a test clock) drives the turn runner, the outbox and the sender alike; with
    `staffed` a member of staff (`ON_DUTY`) is signed in, so someone is answering.
    """
    services = services or InMemoryCouncilServices(today=dt.date(2026, 11, 23))
    with mock.patch("assist.service.load_dialogue", cached_dialogue):
        rt = await open_service(settings, services=services)  # the real handoff queue
    if clock is not None:
        rt.conversations.clock = clock
        rt.outbox.clock = clock
    sender = SmsSender(
        rt.store,
        settings,
        rest=TwilioRest(settings),
        bus=rt.bus,
        metrics=rt.metrics,
        config=config or fast_config(settings),
        clock=clock or time.time,
    )
    rt.outbox.handlers.update(sender.handlers())
    rt.outbox.handlers.update(subscription_handlers(rt.store, rt.conversations.clock))
    rt.outbox.handlers["report"] = report_handler(rt)
    if staffed:  # someone is answering at any hour these tests run
        async with rt.store.transaction() as tx:
            await sign_in(tx, ON_DUTY, [], rt.conversations.clock())
    return rt, sender


def fast_config(settings: Settings, **overrides: Any) -> NotifyConfig:
    """The settings' notify config with a fast global pace (tests send many texts)."""
    base = NotifyConfig.from_settings(settings)
    values = {**base.__dict__, "send_rate_per_s": 1000.0, **overrides}
    return NotifyConfig(**values)


@contextlib.asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """Run `app` on uvicorn on 127.0.0.1 in THIS event loop (it shares the runtime)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@dataclass
class Phone:
    """A citizen's phone texting Assist through signed webhooks, as Twilio would post them."""

    client: httpx.AsyncClient
    settings: Settings
    number: str
    to: str = "+441223000000"

    async def text(self, body: str, sid: str | None = None) -> httpx.Response:
        """Post one inbound text (a fresh MessageSid unless given)."""
        params = {
            "MessageSid": sid or "SM" + secrets.token_hex(16),
            "AccountSid": self.settings.twilio_account_sid or "AC" + "0" * 32,
            "From": self.number,
            "To": self.to,
            "Body": body,
            "NumSegments": "1",
            "NumMedia": "0",
        }
        signature = sign(self.settings, PUBLIC + "/twilio/sms", params)
        return await self.client.post(
            "/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
        )

    async def reply(self, body: str, sid: str | None = None) -> str:
        """Text and return the reply's message texts joined (empty when no reply)."""
        response = await self.text(body, sid)
        assert response.status_code == 200, response.text
        return " | ".join(messages(response.text))


def messages(twiml: str) -> list[str]:
    """The `<Message>` texts of a Messaging TwiML reply."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(twiml)
    assert root.tag == "Response"
    return [m.text or "" for m in root.findall("Message")]


@contextlib.asynccontextmanager
async def running_assist(
    tmp_path: Path, config: NotifyConfig | None = None, **settings_extra: Any
) -> AsyncIterator[tuple[Service, SmsSender, httpx.AsyncClient]]:
    """The app with the SMS router on a real server, its runtime, and an HTTP client.

    Quiet hours are off unless `config` says otherwise (these tests run at any hour).
    """
    settings = make_settings(tmp_path, **settings_extra)
    rt, sender = await open_assist(
        settings,
        config=config or fast_config(settings, quiet_start=dt.time(0, 0), quiet_end=dt.time(0, 0)),
    )
    app = create_app(settings, service=rt)
    app.include_router(create_sms_router())
    bind(app, rt)
    try:
        async with serving(app) as url, httpx.AsyncClient(base_url=url, timeout=10) as client:
            yield rt, sender, client
    finally:
        await rt.close()


async def drain(rt: Service, rounds: int = 5) -> None:
    """Run the outbox until nothing is due."""
    for _ in range(rounds):
        if not await rt.outbox.run_once():
            return


async def sent_texts(rt: Service, to: str | None = None) -> list[Row]:
    """Rows of the sent-texts table (the development sink and real sends)."""
    async with rt.store.transaction() as tx:
        if to is None:
            return await tx.fetchall("SELECT * FROM sms_sent ORDER BY id")
        return await tx.fetchall("SELECT * FROM sms_sent WHERE to_number = ? ORDER BY id", (to,))
