"""The phone simulator: its step endpoint, and the page in real headless Chromium."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright, expect

from assist.app import create_app
from assist.handoff.agents import sign_in
from tests.axe_helper import describe, run_axe
from tests.conftest import store_at
from tests.ivr.twilio.conftest import make_settings

pytestmark = [pytest.mark.both_stores, pytest.mark.usefixtures("database_env")]


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


async def test_the_step_endpoint_plays_a_call_through_the_signed_webhooks(
    client: httpx.AsyncClient,
) -> None:
    """dial, press and hang up through /try/phone/step: the same greeting and menus Twilio
    would get, a made-up 07700 900xxx caller, and the call ends when hung up."""
    r = await client.post("/try/phone/step", json={"action": "dial"})
    assert r.status_code == 200
    call = r.json()
    assert call["said"][0].startswith("Hello, you've reached")
    assert re.fullmatch(r"\+447700900\d{3}", call["caller"])
    assert call["gather"] == {
        "input": "dtmf speech",
        "language": "en-GB",
        "numDigits": 1,
        "timeout": 8,
    }
    r = await client.post(
        "/try/phone/step", json={"sim": call["sim"], "action": "press", "value": "7"}
    )
    texted = r.json()
    assert any("sent the menu" in s for s in texted["said"])
    assert len(texted["texts"]) == 1 and "0 a person" in texted["texts"][0]
    r = await client.post("/try/phone/step", json={"sim": call["sim"], "action": "hangup"})
    assert r.json()["state"] == "ended"
    gone = await client.post(
        "/try/phone/step", json={"sim": call["sim"], "action": "press", "value": "1"}
    )
    assert gone.status_code == 404


async def test_the_simulator_is_off_in_production_with_real_twilio(tmp_path: Path) -> None:
    """With a real Twilio account in production, /try/phone is not served."""
    settings = make_settings(
        tmp_path,
        environment="production",
        twilio_account_sid="AC1",
        twilio_auth_token="t" * 32,
        council_api_key="k" * 32,
        secret_key="s" * 40,
    )
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        assert (await c.get("/try/phone")).status_code == 404


async def _staff_on_duty(tmp_path: Path) -> None:
    """Sign one member of staff in to the queue of the running app's store."""
    store = store_at(make_settings(tmp_path).db_path)
    await store.open()
    try:
        async with store.transaction() as tx:
            await sign_in(tx, "staff@council.example", [], time.time())
    finally:
        await store.close()


@contextlib.contextmanager
def served(tmp_path: Path) -> Iterator[str]:
    settings = make_settings(tmp_path)
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        assert time.time() < deadline, "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        await b.close()


def luminance(rgb: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", rgb)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.browser
@pytest.mark.slow
async def test_the_phone_page_is_usable_by_keyboard_and_screen_reader(
    browser: Browser, tmp_path: Path, dialogue, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """In Chromium: Call, then keypad buttons (real, labelled, at least 24x24 px, visible
    focus, 4.5:1 contrast) walk the menus; prompts land in an aria-live log; axe finds no
    WCAG 2.2 AA violations; no request leaves 127.0.0.1."""
    monkeypatch.setattr("assist.service.load_dialogue", lambda: dialogue)
    foreign: list[str] = []
    with served(tmp_path) as url:
        await _staff_on_duty(tmp_path)  # someone answers, so pressing 0 queues the caller
        page: Page = await browser.new_page(base_url=url)
        page.set_default_timeout(8000)
        page.on(
            "request",
            lambda r: (
                foreign.append(r.url)
                if urlsplit(r.url).hostname not in ("127.0.0.1", "localhost")
                else None
            ),
        )
        await page.goto("/try/phone")
        await page.get_by_label("Read prompts aloud").uncheck()
        log = page.locator("#log")
        assert await log.get_attribute("aria-live") == "polite"
        await page.get_by_role("button", name="Call").click()
        await expect(log).to_contain_text("Hello, you've reached")
        keys = page.get_by_role("group", name="Phone keypad").get_by_role("button")
        assert await keys.count() == 12
        for i in range(12):
            box = await keys.nth(i).bounding_box()
            assert box is not None and box["width"] >= 24 and box["height"] >= 24
        two = page.get_by_role("button", name="2", exact=True)
        await two.focus()
        outline = await two.evaluate(
            "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).boxShadow"
        )
        assert "solid" in outline
        colours = await two.evaluate(
            "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]"
        )
        assert contrast(*colours) >= 4.5
        await page.keyboard.press("Enter")
        await expect(log).to_contain_text("What would you like to report?")
        await page.get_by_role("button", name="0, a person").click()
        await expect(log).to_contain_text("You're number 1 in the queue")
        await expect(page.get_by_role("button", name="Stay on hold (30 seconds)")).to_be_enabled()
        violations = await run_axe(page)
        assert not violations, describe(violations)
        await page.get_by_role("button", name="1", exact=True).click()
        await expect(log).to_contain_text("Your place in the queue is kept")
        await expect(page.locator("#status")).to_have_text("The call has ended.")
        await page.close()
    assert not foreign, f"third-party requests: {foreign}"
