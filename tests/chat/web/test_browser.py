"""The web chat in real headless Chromium against the app on a real uvicorn, checked by axe."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
from fastapi.responses import HTMLResponse
from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    WebSocketRoute,
    async_playwright,
    expect,
)

from assist.chat.web.limits import WebChatLimits
from tests.axe_helper import describe, run_axe

from .live import PASSWORD, Served, add_staff, serve

# One browser and one event loop per module: the app under test runs in that loop too.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MIN_TARGET = 24


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Headless Debian Chromium, shared by the module's tests (each gets its own context)."""
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        await b.close()


@pytest_asyncio.fixture(loop_scope="module")
async def served(tmp_path: Path, browser: Browser) -> AsyncIterator[Served]:
    """The app on a real uvicorn in the module's event loop; pages are closed before it stops."""
    async with serve(tmp_path) as s:
        yield s
        for context in list(browser.contexts):
            await context.close()


class Watch:
    """Fails the test on any request off 127.0.0.1/localhost or any JS dialog or page error."""

    def __init__(self) -> None:
        self.foreign: list[str] = []
        self.errors: list[str] = []

    def attach(self, page: Page) -> Page:
        page.on("request", self._request)
        page.on("dialog", lambda d: self.errors.append(f"dialog: {d.message}"))
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        return page

    def _request(self, request: object) -> None:
        url = request.url  # type: ignore[attr-defined]
        host = urlsplit(url).hostname
        if url.startswith(("http", "ws")) and host not in ("127.0.0.1", "localhost"):
            self.foreign.append(url)

    def check(self) -> None:
        assert not self.foreign, f"third-party requests: {self.foreign}"
        assert not self.errors, self.errors


async def citizen(
    browser: Browser, served: Served, watch: Watch, locale: str = "en-GB", **options: object
) -> Page:
    """A citizen's page on /chat (the app's own CSP in force)."""
    context: BrowserContext = await browser.new_context(
        base_url=served.url, locale=locale, **options
    )  # type: ignore[arg-type]
    context.set_default_timeout(8000)
    page = watch.attach(await context.new_page())
    await page.goto("/chat")
    return page


async def accessible(page: Page, state: str) -> None:
    """axe-core finds no WCAG 2.2 A/AA violations."""
    violations = await run_axe(page)
    assert not violations, f"{state}: {describe(violations)}"


def log(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("log")


async def choose(page: Page, label: str) -> None:
    await (
        page.get_by_role("group", name="Answers you can choose")
        .get_by_role("button", name=label, exact=True)
        .click()
    )


async def say(page: Page, text: str) -> None:
    await page.get_by_label("Your message").fill(text)
    await page.get_by_role("button", name="Send", exact=True).click()


async def test_bin_day_conversation_in_the_browser(browser: Browser, served: Served) -> None:
    """A citizen finds their bin day with buttons and typing; each state passes axe."""
    watch = Watch()
    page = await citizen(browser, served, watch)
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(log(page)).to_contain_text("What would you like to do?")
    await accessible(page, "start")
    await choose(page, "Bins and recycling")
    await expect(log(page)).to_contain_text("What do you need to know about your bins?")
    await accessible(page, "options shown")
    await choose(page, "Your collection day")
    await expect(log(page)).to_contain_text("What's your postcode?")
    await say(page, "CB1 2AD")
    await choose(page, "12 Mill Road, Cambridge")
    await expect(log(page)).to_contain_text(re.compile(r"At 12 Mill Road, Cambridge: \w+ bin"))
    await expect(page.get_by_role("button", name="Talk to a person")).to_be_in_viewport()
    watch.check()


async def test_report_a_pothole_gets_a_reference(browser: Browser, served: Served) -> None:
    """Reporting a pothole by typing ends with an AS- reference shown in the chat."""
    watch = Watch()
    page = await citizen(browser, served, watch)
    await say(page, "I want to report a pothole")
    await expect(log(page)).to_contain_text("Where is it?")
    await say(page, "Mill Road, outside number 12, Cambridge")
    await expect(log(page)).to_contain_text("Tell me about the problem")
    await say(page, "A deep hole in the road, about a foot wide")
    await expect(log(page)).to_contain_text("Shall I report it?")
    await choose(page, "yes")
    await expect(log(page)).to_contain_text(re.compile(r"Your reference is AS-[0-9A-Z]{6}"))
    async with served.rt.store.transaction() as tx:
        rows = await tx.fetchall("SELECT kind FROM outbox WHERE kind = 'report'")
    assert len(rows) == 1
    watch.check()


async def test_handoff_to_staff_in_the_same_window(browser: Browser, served: Served) -> None:
    """The citizen queues, sees place and wait, then a staff member's reply with their name."""
    if not served.console:
        pytest.fail("the staff console router is not importable")
    await add_staff(served.rt, "ann")
    watch = Watch()
    page = await citizen(browser, served, watch)
    await expect(log(page)).to_contain_text("What would you like to do?")
    await page.get_by_role("button", name="Talk to a person").click()
    queue = page.get_by_role("region", name="Waiting for a person")
    await expect(queue).to_contain_text("You're number 1 in the queue")
    await expect(queue.get_by_label("Your phone number")).to_be_visible()
    await accessible(page, "queued")

    await page.get_by_label("Your phone number").fill("not a number")
    await page.get_by_role("button", name="Call me back").click()
    await expect(log(page)).to_contain_text("doesn't look like a UK phone number")
    await expect(page.get_by_label("Your phone number")).to_have_attribute("aria-invalid", "true")
    await accessible(page, "error")

    staff_ctx = await browser.new_context(base_url=served.url)
    staff_ctx.set_default_timeout(8000)
    staff = await staff_ctx.new_page()
    await staff.goto("/console/login")
    await staff.get_by_label("User name").fill("ann")
    await staff.get_by_label("Password").fill(PASSWORD)
    await staff.get_by_role("button", name="Sign in").click()
    await staff.get_by_role("button", name="Claim next").click()
    await expect(page.get_by_role("log")).to_contain_text("You're now talking to Ann.")
    reply_box = staff.get_by_label(re.compile("Reply to the citizen"))
    await reply_box.fill("Hello, I'm Ann. How can I help?")
    await staff.get_by_role("button", name="Send reply").click()

    reply = log(page).locator(".msg.staff").last
    await expect(reply).to_contain_text("Hello, I'm Ann. How can I help?")
    await expect(reply).to_contain_text("Ann (Council staff)")
    await expect(queue).to_be_hidden()
    await accessible(page, "with staff")

    before = await log(page).locator(".msg.assistant").count()
    await say(page, "My bin wasn't collected")
    await staff.reload()
    await expect(staff.locator("#transcript")).to_contain_text("My bin wasn't collected")
    assert await log(page).locator(".msg.assistant").count() == before
    await staff_ctx.close()
    watch.check()


async def test_reload_mid_conversation_resumes(browser: Browser, served: Served) -> None:
    """After a reload the earlier messages and the open question's buttons come back."""
    watch = Watch()
    page = await citizen(browser, served, watch)
    await choose(page, "Bins and recycling")
    await choose(page, "Your collection day")
    await expect(log(page)).to_contain_text("What's your postcode?")
    chat_id = await page.evaluate("localStorage.getItem('assist.chat_id')")
    await page.reload()
    await expect(log(page)).to_contain_text("Bins and recycling")
    await expect(log(page)).to_contain_text("What's your postcode?")
    assert await page.evaluate("localStorage.getItem('assist.chat_id')") == chat_id
    assert await log(page).get_by_text("What would you like to do?").count() == 1
    await say(page, "CB1 2AD")
    await expect(log(page)).to_contain_text("Which address is it?")
    link = page.get_by_role("link", name="Download the conversation")
    assert await link.get_attribute("href") == f"/chat/transcript/{chat_id}.txt"
    watch.check()


async def test_dropped_connection_reconnects_without_repeating(
    browser: Browser, served: Served
) -> None:
    """When the socket drops, the page reconnects by itself and carries on, nothing doubled."""
    watch = Watch()
    context = await browser.new_context(base_url=served.url)
    context.set_default_timeout(8000)
    page = watch.attach(await context.new_page())
    sockets: list[WebSocketRoute] = []

    def proxy(ws: WebSocketRoute) -> None:
        ws.connect_to_server()
        sockets.append(ws)

    await page.route_web_socket(re.compile(r".*/chat/ws$"), proxy)
    await page.goto("/chat")
    await choose(page, "Bins and recycling")
    await expect(log(page)).to_contain_text("What do you need to know about your bins?")
    await sockets[-1].close(code=4000, reason="network lost")
    await expect(page.get_by_role("status")).to_contain_text("Connection lost")
    await expect(page.locator("#status")).to_be_empty()
    assert len(sockets) == 2
    await choose(page, "Your collection day")
    await expect(log(page)).to_contain_text("What's your postcode?")
    assert await log(page).get_by_text("What do you need to know about your bins?").count() == 1
    watch.check()


async def test_markup_is_shown_as_text(browser: Browser, served: Served) -> None:
    """A message with a script tag appears literally; nothing runs, no element is created."""
    watch = Watch()
    page = await citizen(browser, served, watch)
    await expect(log(page)).to_contain_text("What would you like to do?")
    await say(page, "<script>alert(1)</script><img src=x onerror=alert(2)>")
    await expect(log(page).locator(".msg.you").last).to_have_text(
        re.compile(re.escape("<script>alert(1)</script><img src=x onerror=alert(2)>"))
    )
    assert await log(page).locator("script, img").count() == 0
    await page.reload()
    await expect(log(page)).to_contain_text("<script>alert(1)</script>")
    assert await log(page).locator("script, img").count() == 0
    watch.check()


async def test_keyboard_only_walk_through(browser: Browser, served: Served) -> None:
    """With only the keyboard a citizen reaches every control, sees focus, and gets an answer."""
    watch = Watch()
    page = await citizen(browser, served, watch)
    await expect(log(page)).to_contain_text("What would you like to do?")
    order = []
    for _ in range(12):
        await page.keyboard.press("Tab")
        info = await page.evaluate(
            "() => { const el = document.activeElement; const s = getComputedStyle(el);"
            " return {id: el.id, text: (el.textContent || '').trim(), tag: el.tagName,"
            " outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"
        )
        order.append(info)
        assert info["outline"] != "none" and info["width"] >= 2, f"no visible focus on {info}"
        if info["text"] == "Bins and recycling":
            break
    assert order[0]["text"] == "Talk to a person"
    assert order[1]["id"] == "language"
    await page.keyboard.press("Enter")
    await expect(log(page)).to_contain_text("What do you need to know about your bins?")
    # focus follows to the next action: the first new answer
    await expect(page.get_by_role("button", name="Your collection day")).to_be_focused()
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "A missed bin"
    await page.keyboard.press("Shift+Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Your collection day"
    await page.keyboard.press("Space")
    await expect(log(page)).to_contain_text("What's your postcode?")
    await expect(page.get_by_label("Your message")).to_be_focused()  # a free answer: the box
    await page.keyboard.type("CB1 2AD")
    await page.keyboard.press("Enter")
    await expect(log(page)).to_contain_text("Which address is it?")
    for _ in range(6):
        await page.keyboard.press("Shift+Tab")
        focused = await page.evaluate("document.activeElement.textContent")
        assert await page.evaluate("!!document.activeElement.closest('#choices')")
        if focused == "12 Mill Road, Cambridge":
            break
    assert focused == "12 Mill Road, Cambridge"
    await page.keyboard.press("Enter")
    await expect(log(page)).to_contain_text("At 12 Mill Road, Cambridge")
    watch.check()


async def test_error_state_and_long_message(browser: Browser, served: Served) -> None:
    """A message over the limit is kept, marked invalid with a plain reason, and passes axe."""
    watch = Watch()
    page = await citizen(browser, served, watch)
    await expect(log(page)).to_contain_text("What would you like to do?")
    await page.get_by_label("Your message").fill("a" * 2100)
    await expect(page.locator("#message-count")).to_have_text("0 characters left")
    await page.get_by_role("button", name="Send", exact=True).click()
    field = page.get_by_label("Your message")
    await expect(field).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#message-error")).to_have_text(
        "That message is too long. Please keep it under 2000 characters."
    )
    assert len(await field.input_value()) == 2100
    await accessible(page, "error")
    watch.check()


async def test_page_follows_browser_language_and_switches(browser: Browser, served: Served) -> None:
    """A Polish browser gets Polish labels and lang="pl"; the switch changes both."""
    watch = Watch()
    page = await citizen(browser, served, watch, locale="pl-PL")
    await expect(page.locator("html")).to_have_attribute("lang", "pl")
    await expect(page.get_by_role("button", name="Rozmowa z pracownikiem")).to_be_visible()
    spoken = "pl" if served.rt.dialogue.prompts.has("pl", "greeting.hello") else "en"
    first = log(page).locator(".msg.assistant p").first
    await expect(first).to_have_attribute("lang", spoken)
    await accessible(page, "Polish")
    await page.get_by_label("Język").select_option("en")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_role("button", name="Talk to a person")).to_be_visible()
    watch.check()


async def test_reflow_at_320_px_and_large_text(browser: Browser, served: Served) -> None:
    """At 320 px wide (400 % zoom of 1280) and with text at 200 % nothing scrolls sideways."""
    watch = Watch()
    page = await citizen(browser, served, watch, viewport={"width": 320, "height": 640})
    await expect(log(page)).to_contain_text("What would you like to do?")
    for _ in range(2):
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"page is {width}px wide"
        await page.evaluate("document.documentElement.style.fontSize = '200%'")
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    await expect(page.get_by_role("button", name="Talk to a person")).to_be_in_viewport()
    for button in await page.get_by_role("button").all():
        if await button.is_visible():
            box = await button.bounding_box()
            assert box and box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET
    await accessible(page, "320px")
    watch.check()


async def test_landing_page_links_every_way_in(browser: Browser, served: Served) -> None:
    """`/` says what this is and links the chat, phone simulator, console and API docs."""
    watch = Watch()
    context = await browser.new_context(base_url=served.url)
    page = watch.attach(await context.new_page())
    await page.goto("/")
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert await page.get_by_role("link", name="Chat with the council").get_attribute("href") == (
        "/chat"
    )
    staff = page.get_by_role("region", name="For council staff")
    for name, href in (
        ("Try the phone line", "/try/phone"),
        ("Staff console", "/console"),
        ("API documentation", "/docs"),
    ):
        assert await staff.get_by_role("link", name=name).get_attribute("href") == href
    await accessible(page, "landing")
    await page.get_by_role("link", name="Chat with the council").click()
    await expect(page.get_by_role("log")).to_contain_text("What would you like to do?")
    watch.check()


async def test_widget_embeds_the_chat_on_another_site(browser: Browser, served: Served) -> None:
    """One script tag on another origin adds a launcher; the chat runs in a frame from Assist."""
    html = (
        "<!doctype html><html lang='en'><head><title>Council</title></head><body>"
        "<main><h1>Bins</h1><p>Council page.</p></main>"
        f"<script src='{served.url}/chat/widget.js' defer></script></body></html>"
    )

    async def host_page() -> HTMLResponse:
        return HTMLResponse(html)

    # "localhost" and "127.0.0.1" are different origins: the widget runs cross-site.
    served.app.add_api_route("/test-host-page", host_page)
    watch = Watch()
    context = await browser.new_context()
    context.set_default_timeout(8000)
    page = watch.attach(await context.new_page())
    await page.goto(served.url.replace("127.0.0.1", "localhost") + "/test-host-page")
    launcher = page.get_by_role("button", name="Chat with the council")
    await expect(launcher).to_have_attribute("aria-expanded", "false")
    await accessible(page, "host page with launcher")
    await launcher.click()
    await expect(launcher).to_have_attribute("aria-expanded", "true")
    frame = page.frame_locator("iframe[title='Chat with the council']")
    await expect(frame.get_by_role("log")).to_contain_text("What would you like to do?")
    await frame.get_by_role("button", name="Bins and recycling").click()
    await expect(frame.get_by_role("log")).to_contain_text("What do you need to know")
    await page.get_by_role("button", name="Close the chat").click()
    await expect(launcher).to_be_focused()
    watch.check()


async def test_idle_warning_offers_more_time(browser: Browser, tmp_path: Path) -> None:
    """Before the conversation would lapse the page warns and one click keeps it going."""
    limits = WebChatLimits(queue_poll_s=0.5, staff_poll_s=0.3, idle_warning_s=1.0)
    async with serve(tmp_path, limits) as served:
        watch = Watch()
        page = await citizen(browser, served, watch)
        await expect(log(page)).to_contain_text("What would you like to do?")
        alert = page.get_by_role("alert")
        await expect(alert).to_contain_text("Are you still there?")
        await expect(alert).to_contain_text("another 30 minutes")
        await accessible(page, "idle warning")
        chat_id = await page.evaluate("localStorage.getItem('assist.chat_id')")
        async with served.rt.store.transaction() as tx:
            before = await tx.fetchone(
                "SELECT updated_at FROM sessions WHERE sender = ?", (chat_id,)
            )
        await alert.get_by_role("button", name="Yes, keep my conversation").click()
        await expect(page.locator("#idle")).to_be_hidden()
        await expect(page.get_by_label("Your message")).to_be_focused()
        for _ in range(40):
            async with served.rt.store.transaction() as tx:
                after = await tx.fetchone(
                    "SELECT updated_at FROM sessions WHERE sender = ?", (chat_id,)
                )
            if after and before and after["updated_at"] > before["updated_at"]:
                break
            await asyncio.sleep(0.05)
        assert after and before and after["updated_at"] > before["updated_at"]
        watch.check()
        await page.context.close()


async def test_accessibility_check_can_fail(browser: Browser, served: Served) -> None:
    """axe reports a real fault (the message box losing its label), so a pass means something."""
    watch = Watch()
    page = await citizen(browser, served, watch)
    await expect(log(page)).to_contain_text("What would you like to do?")
    await expect(log(page)).to_have_attribute("aria-live", "polite")
    await page.evaluate("document.querySelector('label[for=message]').remove()")
    violations = await run_axe(page)
    assert "label" in {v["id"] for v in violations}
    watch.check()
