"""A whole shift in the staff console, in real headless Chromium, checked by axe at every state:
sign in, set available, claim, live chat both ways, look up, file a prefilled report, add to
an existing report, close, next; keyboard shortcuts; a long transcript read back."""

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .live import LiveServer, add_citizen, add_line, add_people, make_app, settings_for
from .test_console_browser import assert_accessible, browser, open_page, sign_in

__all__ = ["browser"]  # the module-scoped Chromium fixture, shared
pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS = Path(__file__).resolve().parents[2] / "docs"
SHOTS = os.environ.get("ASSIST_SCREENSHOTS") == "1"
"""Set ASSIST_SCREENSHOTS=1 to save the README's screenshots under docs/."""
KNOWN = {
    "postcode": "CB1 2AD",
    "address": "14 Mill Road, Cambridge",
    "address_id": "cam-2",
    "bin": "green: the garden one",
}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[LiveServer, Path]]:
    settings = settings_for(tmp_path)
    add_people(settings.db_path, ("ann", "agent"), ("sue", "supervisor"))
    with LiveServer(make_app(settings)) as server:
        yield server, settings.db_path


def at_bottom(page: Page) -> bool:
    return bool(
        page.evaluate(
            "(() => { const t = document.getElementById('transcript');"
            " return t.scrollHeight - t.scrollTop - t.clientHeight < 40; })()"
        )
    )


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def test_a_full_shift(browser: Browser, site: tuple[LiveServer, Path]) -> None:
    """An agent works a shift by keyboard and mouse; every state passes axe."""
    server, db = site
    first = add_citizen(
        db,
        1,
        text="My green bin was not emptied on Tuesday",
        intent="missed_bin",
        slots=KNOWN,
        step="missed_bin.which_bin",
    )
    add_line(db, "sess1", "citizen", "0", digits=True)
    page = open_page(browser, server)
    sign_in(page, "ann")
    page.get_by_role("button", name="Start taking conversations").click()
    expect(page.get_by_text("You are available")).to_be_visible()
    assert_accessible(page)

    # Claim next from the keyboard (not in a text box).
    page.locator("body").press("Alt+Shift+N")
    expect(page).to_have_url(f"{server.url}/console/entries/{first}")
    expect(page.locator("#status")).to_have_text("with ann")
    facts = page.locator(".facts")
    expect(facts).to_contain_text("text message")
    expect(facts).to_contain_text("07700 900101")
    expect(facts).to_contain_text("saying which bin was missed")
    expect(page.locator("#transcript")).to_contain_text("(asked for a person)")
    body = page.locator("main").inner_text()
    assert "cam-2" not in body and "missed_bin" not in body and "citizen 0" not in body
    assert at_bottom(page)
    assert page.locator("#transcript").get_attribute("tabindex") == "0"
    assert_accessible(page)

    # Live chat both ways: the citizen's new line arrives within a second, once.
    page.evaluate("window.stayed = true")
    time.sleep(0.5)
    add_line(db, "sess1", "citizen", "It is the green one by the gate")
    said = page.locator("#transcript li", has_text="It is the green one by the gate")
    expect(said).to_have_count(1, timeout=1500)
    page.get_by_label("Reply to the citizen (text message)").fill("Thanks, I'll report it now.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#transcript li").last).to_contain_text("Thanks, I'll report it now.")
    expect(said).to_have_count(1)
    assert page.evaluate("window.stayed") is True, "the reply reloaded the page"
    ids = page.eval_on_selector_all(
        "#transcript li[data-line]", "els => els.map(e => e.dataset.line)"
    )
    assert len(ids) == len(set(ids)), "a line is shown twice"

    # Look up: their own address, and the answer where the agent is looking.
    page.get_by_role("button", name="Look up").click()
    expect(page).to_have_url(re.compile(r"result=bin_days#result$"))
    expect(page.locator("#result")).to_contain_text("Bin days for 14 Mill Road, Cambridge")
    assert focused_id(page) == "result"
    assert_accessible(page)

    # The report form is filled in from what they said; file it.
    expect(page.get_by_label("Service")).to_have_value("missed_bin")
    expect(page.get_by_label("Address", exact=True)).to_have_value("cam-2")
    expect(page.get_by_label("Bin colour (missed bins only)")).to_have_value("green")
    expect(page.get_by_label("In their words")).to_have_value("the garden one")
    page.get_by_role("button", name="File report").click()
    ref = page.locator("#new-ref")
    expect(ref).to_have_text(re.compile(r"^AS-[A-Z0-9]{6}$"))
    reference = ref.inner_text()
    assert focused_id(page) == "notice"
    if SHOTS:
        DOCS.mkdir(exist_ok=True)
        page.screenshot(path=str(DOCS / "console-agent.png"), full_page=True)

    # Add to the existing report.
    expect(page.get_by_label("Report reference")).to_have_value(reference)
    page.get_by_label("What to add").fill("The bin is also cracked.")
    page.get_by_role("button", name="Add to report").click()
    expect(page.locator("#result")).to_contain_text(f"Added to report {reference}")
    expect(page.locator(".report-notes")).to_contain_text("The bin is also cracked.")
    assert_accessible(page)

    # Shortcuts do nothing while typing; outside a box Alt+Shift+C goes to closing.
    page.get_by_label("Reply to the citizen (text message)").press("Alt+Shift+C")
    assert focused_id(page) == "reply"
    page.locator("#tr-h").click()
    page.keyboard.press("Alt+Shift+C")
    assert focused_id(page) == "outcome"
    page.get_by_label("Outcome").select_option("report_filed")
    page.get_by_role("button", name="Close conversation").click()
    expect(page.get_by_role("status").first).to_contain_text("Conversation closed.")

    # Next.
    second = add_citizen(db, 2, text="A pothole by the school")
    page.reload()
    page.locator("body").press("Alt+Shift+N")
    expect(page).to_have_url(f"{server.url}/console/entries/{second}")
    assert_accessible(page)
    page.context.close()


def test_a_long_conversation_reads_back(browser: Browser, site: tuple[LiveServer, Path]) -> None:
    """A long transcript opens at its newest line, scrolls by keyboard, stays where the agent
    reads back when a line arrives (offering the newest), and passes axe scrolled."""
    server, db = site
    entry_id = add_citizen(db, 1)
    for n in range(80):
        add_line(db, "sess1", "citizen" if n % 2 else "assistant", f"Line {n} " + "words " * 12)
    page = open_page(browser, server)
    sign_in(page, "ann")
    page.goto(f"/console/entries/{entry_id}")
    page.get_by_role("button", name="Claim this conversation").click()
    expect(page.locator("#status")).to_have_text("with ann")
    assert at_bottom(page)
    transcript = page.locator("#transcript")
    transcript.focus()
    page.keyboard.press("Home")
    page.wait_for_function("document.getElementById('transcript').scrollTop === 0")
    assert_accessible(page)
    time.sleep(0.5)
    add_line(db, "sess1", "citizen", "Are you still there?")
    expect(page.locator("#jump")).to_be_visible(timeout=1500)
    assert page.evaluate("document.getElementById('transcript').scrollTop") == 0
    assert_accessible(page)
    page.get_by_role("button", name="New lines below: show the newest").click()
    assert at_bottom(page)
    expect(page.locator("#jump")).to_be_hidden()
    assert_accessible(page)
    page.context.close()


def test_the_supervisor_view_in_plain_words(
    browser: Browser, site: tuple[LiveServer, Path]
) -> None:
    """The supervisor view shows figures per channel and language in words, why estimates
    are what they are, no Erlang C without numbers, and passes axe."""
    server, db = site
    add_citizen(db, 1, channel="sms", language="pl", step="report_pothole.location")
    add_citizen(db, 2, channel="web", step="missed_bin.address")
    sue = open_page(browser, server)
    sign_in(sue, "sue")
    sue.get_by_role("link", name="Supervisor").click()
    expect(sue.locator("#figures")).to_contain_text("text message, Polish")
    expect(sue.locator("#figures")).to_contain_text("web chat, English")
    expect(sue.locator("details.steps").first).to_contain_text(
        "choosing their address for a missed bin: 1"
    )
    expect(sue.get_by_text("the configured default")).to_be_visible()
    # Nobody signed in: the panel says what citizens really hear (#13), not an estimate.
    expect(sue.locator("#why-h + p")).to_contain_text("Nobody can answer now")
    expect(sue.locator("#why-h + p")).to_contain_text("no place and no minutes")
    expect(sue.locator("#no-numbers")).to_be_visible()
    assert "erlangs" not in sue.locator("main").inner_text()
    assert_accessible(sue)
    if SHOTS:
        sue.screenshot(path=str(DOCS / "console-supervisor.png"), full_page=True)
    with sue.expect_download() as download:
        sue.get_by_role("link", name="Download these figures (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
    sue.context.close()


def test_the_supervisor_sees_and_settles_a_flood(
    browser: Browser, site: tuple[LiveServer, Path]
) -> None:
    """Issue 20 item 14: places beyond the per-source limit are flagged in the queue and listed
    for the supervisor, who closes them; every state passes axe."""
    server, db = site
    for n in range(5):
        add_citizen(db, n, channel="web", source="f" * 20, per_source=2)
    add_citizen(db, 9, channel="sms")
    sue = open_page(browser, server)
    sign_in(sue, "sue")
    expect(sue.locator("#queue-rows")).to_contain_text("one of many from the same place")
    assert sue.locator("#queue-rows tr").nth(2).inner_text().count("one of many") == 0
    sue.get_by_role("link", name="Supervisor").click()
    flood = sue.locator(
        "section", has=sue.get_by_role("heading", name="Many requests from one place")
    )
    expect(flood).to_contain_text("web chat")
    expect(flood.locator("tbody td").nth(1)).to_have_text("3")
    assert_accessible(sue)
    flood.get_by_role("button", name="Close the extra places").click()
    expect(sue.locator("#notice")).to_contain_text("those waiting places are closed")
    expect(sue.get_by_role("heading", name="Many requests from one place")).to_have_count(0)
    assert_accessible(sue)
    sue.goto(server.url + "/console")
    expect(sue.locator("#queue-rows tr")).to_have_count(3)
    sue.context.close()
