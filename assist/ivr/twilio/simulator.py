"""The phone simulator: `/try/phone` (a keypad page) and `/try/phone/step` (its engine).

The page never talks to the webhooks itself: each button posts one step here, and this
router plays Twilio's part with `SimulatedPhone`, signing requests exactly as Twilio would
and calling the same `/twilio/voice` webhooks in-process. So a council can try the line
with no Twilio account. Callers get a number from Ofcom's drama range (07700 900xxx) so a
simulated call can never resume, or text, a real resident's conversation; the simulator is
off when real Twilio credentials are set in production.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from pathlib import Path
from typing import Any, Literal

import httpx
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel, Field

from assist.deps import PartsDep
from assist.ivr.twilio.phone import Heard, PhoneError, SimulatedPhone
from assist.settings import Settings
from assist.store import core
from assist.store.base import Store

ASSETS = Path(__file__).parent / "simulator_files"
MAX_CALLS = 200
STATIC = {"phone.js": "text/javascript", "phone.css": "text/css"}


class Step(BaseModel):
    """One thing the simulated caller does."""

    sim: str | None = Field(None, max_length=64, description="The call, from `dial`'s answer.")
    action: Literal["dial", "press", "say", "silence", "hold", "hangup"]
    value: str = Field("", max_length=300, description="Keys for press, words for say.")


def enabled(settings: Settings) -> bool:
    """The simulator runs in development only: in production its signed requests would
    reach the real queue."""
    return settings.environment == "development"


def create_simulator_router() -> APIRouter:
    """`GET /try/phone` (the page, its two assets) and `POST /try/phone/step`."""
    router = APIRouter(prefix="/try/phone", tags=["simulator"])
    calls: OrderedDict[str, tuple[SimulatedPhone, int]] = OrderedDict()

    def check(request: Request) -> Settings:
        settings: Settings = request.app.state.settings
        if not enabled(settings):
            raise HTTPException(status_code=404)
        return settings

    @router.get("", response_class=HTMLResponse)
    async def page(request: Request) -> HTMLResponse:
        """The accessible phone simulator page."""
        check(request)
        return HTMLResponse((ASSETS / "phone.html").read_text(encoding="utf-8"))

    @router.get("/static/{name}")
    async def asset(name: str, request: Request) -> FileResponse:
        """The page's script and style sheet (served here: no third-party requests)."""
        check(request)
        if name not in STATIC:
            raise HTTPException(status_code=404)
        return FileResponse(ASSETS / name, media_type=STATIC[name])

    @router.post("/step")
    async def step(body: Step, request: Request, parts: PartsDep) -> dict[str, Any]:
        """Play one caller action through the real webhooks; returns what was heard."""
        settings = check(request)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=request.app), base_url="http://phone-simulator"
        )
        if body.action == "dial" or body.sim is None:
            while len(calls) >= MAX_CALLS:
                calls.popitem(last=False)
            caller = "+447700900" + f"{secrets.randbelow(1000):03d}"
            sim_id = secrets.token_urlsafe(12)
            phone = SimulatedPhone(client, settings, caller)
            calls[sim_id] = (phone, await _last_outbox_id(parts.store))
        else:
            sim_id = body.sim
            if sim_id not in calls:
                raise HTTPException(status_code=404, detail="That call has ended.")
            phone, _ = calls[sim_id]
            phone.client = client
        try:
            async with client:
                heard = await _act(phone, body)
        except PhoneError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        texts = await _texts(parts.store, phone.caller, calls[sim_id][1])
        if heard.state == "ended":
            calls.pop(sim_id, None)
        return {
            "sim": sim_id,
            "caller": phone.caller,
            "said": heard.said,
            "state": heard.state,
            "dialled": heard.dialled,
            "texts": texts,
            "gather": None
            if heard.gather is None
            else {
                "input": heard.gather.input,
                "language": heard.gather.language,
                "numDigits": heard.gather.num_digits,
                "timeout": heard.gather.timeout,
            },
        }

    return router


async def _act(phone: SimulatedPhone, body: Step) -> Heard:
    if body.action == "dial":
        return await phone.dial()
    if body.action == "press":
        keys = "".join(c for c in body.value if c in "0123456789*#")
        return await (phone.press(keys) if keys.rstrip("#") else phone.silence())
    if body.action == "say":
        return await (phone.say(body.value) if body.value.strip() else phone.silence())
    if body.action == "silence":
        return await phone.silence()
    if body.action == "hold":
        return await phone.hold(30)
    await phone.hang_up()
    return Heard(state="ended")


async def _last_outbox_id(store: Store) -> int:
    async with store.transaction() as tx:
        return await core.last_outbox_id(tx)


async def _texts(store: Store, number: str, after_id: int) -> list[str]:
    """Texts the line has queued for this caller during the call (menus, links, callbacks)."""
    async with store.transaction() as tx:
        return await core.texts_queued_for(tx, number, after_id)
