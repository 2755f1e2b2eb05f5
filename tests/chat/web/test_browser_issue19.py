"""Issue 19 in real headless Chromium: focus follows the answer, the callback form's errors,
the widget across two sites with third-party storage blocked, its language and Escape, the
landing page and /docs without internet. Every new page state is checked by axe."""

from __future__ import annotations

import re
import warnings
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from fastapi.responses import HTMLResponse
from playwright.async_api import Browser, Page, Route, async_playwright, expect

from .live import Served, serve
from .test_browser import CHROMIUM_ARGS, Watch, accessible, choose, citizen, log, say

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]
FOCUS_RING = (
    "() => { const el = document.activeElement; const s = getComputedStyle(el);"
    " const r = el.getBoundingClientRect();"
    " return {tag: el.tagName, id: el.id, text: (el.textContent || '').trim(),"
    " outline: s.outlineStyle, width: parseFloat(s.outlineWidth),"
    " inView: r.top >= 0 && r.bottom <= window.innerHeight}; }"
)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Headless Debian Chromium (its default blocks a frame's storage on another site)."""
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        await b.close()


@pytest_asyncio.fixture(loop_scope="module")
async def served(tmp_path: Path, browser: Browser) -> AsyncIterator[Served]:
    async with serve(tmp_path) as s:
        yield s
        for context in list(browser.contexts):
            await context.close()


async def focused(page: Page) -> dict[str, object]:
    """The focused element: what it is, whether its focus is visible and it is in view."""
    info: dict[str, object] = await page.evaluate(FOCUS_RING)
    return info


async def test_focus_follows_the_answer_in_view_and_visible(
    browser: Browser, served: Served
) -> None:
    """In a 700 px window, choosing an answer focuses the first new answer, or the message box
    when words are wanted, in view with a visible ring; the hint matches what is shown."""
    watch = Watch()
    page = await citizen(browser, served, watch, viewport={"width": 1000, "height": 700})
    hint = page.locator("#message-hint")
    await expect(hint).to_have_text("Type in your own words, or choose an answer above.")
    await choose(page, "Bins and recycling")
    await expect(page.get_by_role("button", name="Your collection day")).to_be_focused()
    info = await focused(page)
    assert info["inView"] and info["outline"] != "none" and info["width"] >= 2, info  # type: ignore[operator]
    await accessible(page, "focus on the first new answer")
    await choose(page, "Your collection day")
    await expect(page.get_by_label("Your message")).to_be_focused()
    await expect(hint).to_have_text("Type your answer in your own words.")
    info = await focused(page)
    assert info["id"] == "message" and info["inView"] and info["outline"] != "none", info
    await accessible(page, "a free answer wanted")
    await say(page, "CB1 2AD")
    await expect(log(page)).to_contain_text("Which address is it?")
    await expect(page.get_by_label("Your message")).to_be_focused()  # typing: stays put
    watch.check()


async def test_callback_errors_say_what_to_enter_and_focus_stays(
    browser: Browser, served: Served
) -> None:
    """An empty number says what to enter; a booked callback reads the number back as
    people write it, and focus moves to the message box instead of dropping to the page."""
    watch = Watch()
    page = await citizen(browser, served, watch, viewport={"width": 1000, "height": 700})
    await expect(log(page)).to_contain_text("What would you like to do?")
    await page.get_by_role("button", name="Talk to a person").click()
    await expect(log(page).locator(".msg.you").last).to_have_text(re.compile("Asked for a person"))
    queue = page.get_by_role("region", name="Waiting for a person")
    await expect(queue).to_contain_text("in the queue")
    await page.get_by_role("button", name="Call me back").click()
    number = page.get_by_label("Your phone number")
    await expect(page.locator("#callback-error")).to_have_text(
        "Enter your phone number so we can call you back, for example 07700 900123."
    )
    await expect(number).to_have_attribute("aria-invalid", "true")
    await expect(number).to_be_focused()
    await accessible(page, "empty callback number")
    await number.fill("+447700900777")
    await page.get_by_role("button", name="Call me back").click()
    await expect(log(page)).to_contain_text("We'll ring you on 07700 900777")
    await expect(page.get_by_label("Your message")).to_be_focused()
    assert (await focused(page))["tag"] != "BODY"
    await accessible(page, "callback booked")
    watch.check()


def host_page(served: Served, lang: str, path: str) -> str:
    """A council page on another site (localhost vs the app's 127.0.0.1) with the widget."""
    html = (
        f"<!doctype html><html lang='{lang}'><head><title>Council</title></head><body>"
        f"<main><h1>Council {path}</h1><p>A page of the council's site.</p></main>"
        f"<script src='{served.url}/chat/widget.js' defer></script></body></html>"
    )

    async def page() -> HTMLResponse:
        return HTMLResponse(html)

    served.app.add_api_route(f"/test-host/{path}", page)
    return served.url.replace("127.0.0.1", "localhost") + f"/test-host/{path}"


async def test_widget_keeps_the_conversation_across_pages_without_third_party_storage(
    browser: Browser, served: Served
) -> None:
    """With the frame's storage blocked, the chat id kept in the council page's own storage
    brings the same conversation back on another page of the site."""
    first, second = host_page(served, "en", "bins"), host_page(served, "en", "recycling")
    watch = Watch()
    context = await browser.new_context(locale="en-GB")
    context.set_default_timeout(8000)
    page = watch.attach(await context.new_page())
    await page.goto(first)
    await page.get_by_role("button", name="Chat with the council").click()
    frame = page.frame_locator("iframe[title='Chat with the council']")
    await expect(frame.get_by_role("log")).to_contain_text("What would you like to do?")
    chat = next(f for f in page.frames if f.url.startswith(served.url + "/chat"))
    blocked = await chat.evaluate(
        "() => { try { localStorage.getItem('x'); return false; } catch (e) { return true; } }"
    )
    assert blocked, "third-party storage is not blocked: this test would prove nothing"
    await frame.get_by_role("button", name="Bins and recycling").click()
    await expect(frame.get_by_role("log")).to_contain_text("What do you need to know")
    kept = await page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('assist.chat_id'))"
    )
    assert len(kept) == 1

    await page.goto(second)
    await page.get_by_role("button", name="Chat with the council").click()
    frame = page.frame_locator("iframe[title='Chat with the council']")
    await expect(frame.get_by_role("log")).to_contain_text("What do you need to know")
    await expect(frame.get_by_role("button", name="Your collection day")).to_be_visible()
    assert await frame.get_by_role("log").get_by_text("What would you like to do?").count() == 1
    await accessible(page, "widget on a second page")
    watch.check()


async def test_a_framed_chat_ignores_ids_from_anyone_but_its_parent(
    browser: Browser, served: Served
) -> None:
    """A chat id in the address (a link someone sends) is never taken: a fresh chat starts."""
    async with served.rt.store.transaction() as tx:
        before = len(await tx.fetchall("SELECT id FROM sessions"))
    watch = Watch()
    page = await citizen(browser, served, watch)
    await page.goto("/chat?embed=1#chat_id=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    await expect(log(page)).to_contain_text("What would you like to do?")
    own = await page.evaluate("localStorage.getItem('assist.chat_id')")
    assert own and own != "A" * 44
    async with served.rt.store.transaction() as tx:
        assert len(await tx.fetchall("SELECT id FROM sessions")) > before
    watch.check()


async def test_widget_on_a_polish_page_opens_polish_and_escape_closes(
    browser: Browser, served: Served
) -> None:
    """On a lang="pl" page an English browser gets the chat in Polish; Escape with focus in
    the chat closes it and puts focus back on the launcher."""
    url = host_page(served, "pl", "odpady")
    watch = Watch()
    context = await browser.new_context(locale="en-GB")
    context.set_default_timeout(8000)
    page = watch.attach(await context.new_page())
    await page.goto(url)
    launcher = page.get_by_role("button", name="Czat z urzędem")
    await launcher.click()
    frame = page.frame_locator("iframe[title='Czat z urzędem']")
    await expect(frame.locator("html")).to_have_attribute("lang", "pl")
    await expect(frame.get_by_role("button", name="Rozmowa z pracownikiem")).to_be_visible()
    await expect(frame.get_by_role("log").locator(".msg.assistant").first).to_be_visible()
    await accessible(page, "Polish widget open")
    await frame.get_by_label("Twoja wiadomość").focus()
    await page.keyboard.press("Escape")
    await expect(launcher).to_have_attribute("aria-expanded", "false")
    await expect(launcher).to_be_focused()
    await expect(page.locator("iframe[title='Czat z urzędem']")).to_be_hidden()
    watch.check()


async def test_landing_page_puts_citizens_first(browser: Browser, served: Served) -> None:
    """Citizens see the chat and the phone number first; staff, simulator and developer
    links sit after them in a small "For council staff" section."""
    watch = Watch()
    context = await browser.new_context(base_url=served.url)
    page = watch.attach(await context.new_page())
    await page.goto("/")
    links = await page.get_by_role("link").all_text_contents()
    assert links[0] == "Chat with the council"
    staff = page.get_by_role("region", name="For council staff")
    assert await staff.get_by_role("link").all_text_contents() == [
        "Staff console",
        "Try the phone line",
        "API documentation",
    ]
    main_size = await page.locator(".ways-citizen").evaluate("e => getComputedStyle(e).fontSize")
    staff_size = await staff.evaluate("e => getComputedStyle(e).fontSize")
    assert float(staff_size[:-2]) < float(main_size[:-2])
    await accessible(page, "landing")
    watch.check()


async def test_docs_work_without_internet(browser: Browser, served: Served) -> None:
    """With every request off this server refused, /docs still shows the API's operations."""
    with warnings.catch_warnings():  # the test server mounts the chat twice (its own limits)
        warnings.simplefilter("ignore")
        served.app.openapi()
    context = await browser.new_context(base_url=served.url)
    context.set_default_timeout(8000)
    refused: list[str] = []

    async def offline(route: Route) -> None:
        url = route.request.url
        if url.startswith(served.url):
            await route.continue_()
        else:
            refused.append(url)
            await route.abort()

    await context.route("**/*", offline)
    page = await context.new_page()
    await page.goto("/docs")
    await expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    await expect(page.get_by_text("/healthz").first).to_be_visible()
    assert refused == []
