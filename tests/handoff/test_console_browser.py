"""The staff console in real headless Chromium: sign in, see context, claim, reply, close, a11y."""

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from .live import PASSWORD, LiveServer, add_citizen, add_people, make_app, outbox_rows, settings_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = (
    Path(os.environ.get("ASSIST_AXE_JS", ""))
    if os.environ.get("ASSIST_AXE_JS")
    else (Path(__file__).parents[1] / "axe" / "node_modules" / "axe-core" / "axe.min.js")
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[LiveServer, Path]]:
    settings = settings_for(tmp_path)
    add_people(settings.db_path, ("ann", "agent"), ("bob", "agent"), ("sue", "supervisor"))
    with LiveServer(make_app(settings)) as server:
        yield server, settings.db_path


def open_page(browser: Browser, server: LiveServer) -> Page:
    # bypass_csp only so the test can inject axe-core; the app's CSP is tested over HTTP.
    context = browser.new_context(base_url=server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda d: pytest.fail(f"a dialog opened: {d.message}"))
    return page


def sign_in(page: Page, name: str) -> None:
    page.goto("/console/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Queue")


def assert_accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.2 A/AA violations on the current page."""
    assert AXE.exists(), (
        f"axe-core not found at {AXE}: run `npm ci --prefix tests/axe` "
        "or set ASSIST_AXE_JS to an axe.min.js"
    )
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG22_AA
    )
    problems = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert not problems, f"{page.url}: " + "; ".join(problems)


def test_agent_claims_replies_and_closes(browser: Browser, site: tuple[LiveServer, Path]) -> None:
    """An agent sees a waiting citizen with context, claims, replies, closes; pages pass axe."""
    server, db = site
    entry_id = add_citizen(db, 1, text="<script>window.pwned = 1</script> pothole by the bus stop")
    page = open_page(browser, server)
    page.goto("/console/login")
    assert_accessible(page)
    sign_in(page, "ann")
    row = page.locator("#queue-rows tr").first
    expect(row).to_contain_text("pothole: Mill Road, Cambridge")
    expect(row).to_contain_text("text message")
    assert_accessible(page)

    page.get_by_role("button", name="Claim next").click()
    expect(page).to_have_url(f"{server.url}/console/entries/{entry_id}")
    expect(page.locator("#status")).to_have_text("with ann")
    facts = page.locator(".facts")
    expect(facts).to_contain_text("07700 900101")
    expect(facts).to_contain_text("Mill Road, Cambridge")
    expect(facts).to_contain_text("AS-1001")
    expect(page.locator("#transcript")).to_contain_text("<script>window.pwned = 1</script>")
    assert page.evaluate("window.pwned") is None
    assert_accessible(page)

    page.get_by_label("Reply to the citizen (text message)").fill(
        "Thanks, I can report that for you."
    )
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#transcript li").last).to_contain_text(
        "Thanks, I can report that for you."
    )
    (sent,) = outbox_rows(db, "staff_reply")
    assert json.loads(sent["payload"]) == {
        "session_id": "sess1",
        "channel": "sms",
        "to": "+447700900101",
        "text": "Thanks, I can report that for you.",
        "agent": "ann",
    }

    page.get_by_label("Outcome").select_option("report_filed")
    page.get_by_role("button", name="Close conversation").click()
    expect(page.get_by_role("status").first).to_contain_text("Conversation closed.")
    expect(page.locator("#queue-rows")).to_contain_text("Nobody is waiting.")
    page.context.close()


def test_second_agent_cannot_claim_the_same_citizen(
    browser: Browser, site: tuple[LiveServer, Path]
) -> None:
    """When two agents try to claim one citizen, the second is told it is not possible."""
    server, db = site
    entry_id = add_citizen(db, 1)
    ann, bob = open_page(browser, server), open_page(browser, server)
    sign_in(ann, "ann")
    sign_in(bob, "bob")
    ann.goto(f"/console/entries/{entry_id}")
    bob.goto(f"/console/entries/{entry_id}")
    ann.get_by_role("button", name="Claim this conversation").click()
    expect(ann.locator("#status")).to_have_text("with ann")
    bob.get_by_role("button", name="Claim this conversation").click()
    expect(bob.get_by_role("heading", level=1)).to_have_text("Not possible")
    expect(bob.get_by_role("alert")).to_contain_text("ann is already helping this person")
    assert_accessible(bob)
    bob.goto(f"/console/entries/{entry_id}")
    expect(bob.locator("#status")).to_have_text("with ann")
    expect(bob.get_by_role("button", name="Send reply")).to_have_count(0)
    ann.context.close()
    bob.context.close()


def test_new_arrival_appears_live(browser: Browser, site: tuple[LiveServer, Path]) -> None:
    """Someone joining the queue shows up without a reload, with a visible alert."""
    server, db = site
    page = open_page(browser, server)
    sign_in(page, "ann")
    expect(page.locator("#queue-rows")).to_contain_text("Nobody is waiting.")
    time.sleep(0.5)  # let the event stream connect
    add_citizen(db, 7)
    expect(page.locator("#arrival")).to_be_visible()
    expect(page.locator("#arrival")).to_contain_text("Someone joined the queue. 1 waiting.")
    expect(page.locator("#queue-rows")).to_contain_text("pothole: Mill Road")
    expect(page.locator("#waiting-count")).to_have_text("1")
    page.context.close()


def test_supervisor_view_is_accessible_and_agents_are_kept_out(
    browser: Browser, site: tuple[LiveServer, Path]
) -> None:
    """Supervisors see figures and the Erlang C calculator; agents get a refusal."""
    server, db = site
    add_citizen(db, 1)
    sue = open_page(browser, server)
    sign_in(sue, "sue")
    sue.get_by_role("link", name="Supervisor").click()
    expect(sue.get_by_role("heading", level=1)).to_have_text("Supervisor")
    expect(sue.locator(".figures").first).to_contain_text("Waiting now")
    sue.get_by_label("Contacts per hour").fill("720")
    sue.get_by_label("Average handle time (seconds)").fill("240")
    sue.get_by_label("Staff", exact=True).fill("55")
    sue.get_by_label("Answer within (seconds)").fill("15")
    sue.get_by_role("button", name="Calculate").click()
    expect(sue.locator("tr.current")).to_contain_text("24%")
    expect(sue.locator("tr.current")).to_contain_text("85%")
    assert_accessible(sue)
    ann = open_page(browser, server)
    sign_in(ann, "ann")
    expect(ann.get_by_role("link", name="Supervisor")).to_have_count(0)
    ann.goto("/console/supervisor")
    expect(ann.get_by_role("heading", level=1)).to_have_text("Not allowed")
    sue.context.close()
    ann.context.close()


def test_accessibility_check_can_fail(browser: Browser, site: tuple[LiveServer, Path]) -> None:
    """The axe check reports a real violation (an unlabelled field), so a pass means something."""
    server, _ = site
    page = open_page(browser, server)
    page.goto("/console/login")
    page.evaluate("document.getElementById('username').removeAttribute('id')")
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(page)
    page.context.close()


def test_pages_reflow_at_320_pixels(browser: Browser, site: tuple[LiveServer, Path]) -> None:
    """At 320 CSS pixels wide the queue and conversation pages need no sideways scrolling."""
    server, db = site
    entry_id = add_citizen(db, 1, text="x" * 300)
    page = open_page(browser, server)
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, "ann")
    for url in ("/console", f"/console/entries/{entry_id}"):
        page.goto(url)
        page.get_by_role("button", name="Claim next").or_(
            page.get_by_role("button", name="Claim this conversation")
        ).first.wait_for()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{url} is {width}px wide"
    page.context.close()


def test_agent_files_a_report_for_the_citizen(
    browser: Browser, site: tuple[LiveServer, Path]
) -> None:
    """From the conversation page an agent finds the address, files a missed-bin report and
    sees the reference to give; the page with the new forms passes axe."""
    server, db = site
    entry_id = add_citizen(db, 1)
    page = open_page(browser, server)
    sign_in(page, "ann")
    page.goto(f"/console/entries/{entry_id}")
    page.get_by_role("button", name="Claim this conversation").click()
    expect(page.locator("#status")).to_have_text("with ann")
    page.get_by_label("Find addresses at postcode").fill("ZZ1 1ZZ")
    page.get_by_role("button", name="Find addresses").click()
    expect(page.get_by_role("alert")).to_contain_text("outside the area")
    assert_accessible(page)
    page.get_by_label("Find addresses at postcode").fill("CB1 2AD")
    page.get_by_role("button", name="Find addresses").click()
    expect(page.get_by_role("status").first).to_contain_text("2 addresses found at CB1 2AD")
    assert_accessible(page)
    page.get_by_label("Service").select_option("missed_bin")
    page.get_by_label("Address", exact=True).select_option(label="14 Mill Road, Cambridge")
    page.get_by_label("Bin colour (missed bins only)").select_option("green")
    page.get_by_role("button", name="File report").click()
    ref = page.locator("#new-ref")
    expect(ref).to_have_text(re.compile(r"^AS-[A-Z0-9]{6}$"))
    expect(page.get_by_role("status").first).to_contain_text("Tell the citizen their reference")
    (row,) = outbox_rows(db, "report")
    assert row["key"] == ref.inner_text()
    payload = json.loads(row["payload"])
    assert payload["attributes"] == {"bin": "green"} and payload["address"]["id"] == "cam-2"
    expect(page.locator("#transcript li").last).to_contain_text(ref.inner_text())
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"/console/entries/{entry_id}?postcode=CB1+2AD")
    page.get_by_role("button", name="Start reminders").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the conversation page with its forms is {width}px wide"
    page.context.close()
