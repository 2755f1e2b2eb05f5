"""Issue 13: closing the `/try/phone` tab while on hold hangs up, in real Chromium: the queue
keeps no phantom caller (four were left after one round of trying it)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, async_playwright, expect

from assist.handoff.entries import DROPPED, WAITING
from tests.chat.web.live import Served, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield b
        await b.close()


@pytest_asyncio.fixture(loop_scope="module")
async def served(tmp_path: Path, browser: Browser) -> AsyncIterator[Served]:
    async with serve(tmp_path) as s:
        yield s


async def statuses(served: Served) -> list[str]:
    async with served.rt.store.transaction() as tx:
        rows = await tx.fetchall("SELECT status FROM handoff_entries WHERE channel = 'voice'")
    return [r["status"] for r in rows]


async def test_closing_the_tab_on_hold_hangs_up(browser: Browser, served: Served) -> None:
    context = await browser.new_context(base_url=served.url)
    context.set_default_timeout(8000)
    page = await context.new_page()
    await page.goto("/try/phone")
    await page.get_by_role("button", name="Call").click()
    await expect(page.locator("#status")).to_contain_text("Connected")
    await page.get_by_role("button", name="0, a person").click()
    await expect(page.locator("#status")).to_contain_text("On hold")
    assert await statuses(served) == [WAITING]
    await page.close(run_before_unload=True)
    deadline = time.monotonic() + 5
    while await statuses(served) != [DROPPED]:
        assert time.monotonic() < deadline, f"still {await statuses(served)}"
        await asyncio.sleep(0.1)
    await context.close()
