"""The chat's HTTP side on a real uvicorn: page, widget, static files, landing page, headers."""

from __future__ import annotations

import httpx

from .live import Served


async def get(served: Served, path: str, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=served.url) as http:
        return await http.get(path, headers=headers)


async def test_chat_page_has_a_strict_same_origin_policy(served: Served) -> None:
    """/chat allows scripts, styles and sockets from its own origin only."""
    r = await get(served, "/chat")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "http://" not in r.text.replace(served.url, "") and "https://" not in r.text


async def test_chat_page_language_follows_accept_language(served: Served) -> None:
    """Accept-Language picks the page language and its lang attribute; ?lang= overrides it."""
    pl = await get(served, "/chat", **{"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"})
    assert '<html lang="pl">' in pl.text and "Rozmowa z pracownikiem" in pl.text
    de = await get(served, "/chat", **{"Accept-Language": "de-DE,ro;q=0.8"})
    assert '<html lang="ro">' in de.text
    forced = await get(served, "/chat?lang=lt")
    assert '<html lang="lt">' in forced.text


async def test_page_config_cannot_break_out_of_its_script_element(served: Served) -> None:
    """The inline JSON config escapes '<' so no string in it can close the script element."""
    r = await get(served, "/chat")
    config = r.text.split('id="assist-config">', 1)[1].split("</script>", 1)[0]
    assert "<" not in config


async def test_widget_script_is_served_as_javascript(served: Served) -> None:
    """/chat/widget.js is JavaScript that makes no request but to its own origin."""
    r = await get(served, "/chat/widget.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert "innerHTML" not in r.text and "http" not in r.text.split("*/", 1)[1]


async def test_only_the_chat_files_are_served(served: Served) -> None:
    """Static files are a fixed list: others, and path tricks, are 404."""
    assert (await get(served, "/chat/static/chat.js")).status_code == 200
    assert (
        (await get(served, "/chat/static/chat.css")).headers["content-type"].startswith("text/css")
    )
    for path in ("/chat/static/widget.py", "/chat/static/..%2Fweb.py", "/chat/static/"):
        assert (await get(served, path)).status_code == 404


async def test_chat_script_never_puts_text_in_html(served: Served) -> None:
    """The chat script writes words with textContent only (no innerHTML, no eval)."""
    js = (await get(served, "/chat/static/chat.js")).text
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert risky not in js


async def test_landing_page_links_every_way_in(served: Served) -> None:
    """GET / is a plain page linking the chat, phone simulator, console and API docs."""
    r = await get(served, "/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for href in ('href="/chat"', 'href="/try/phone"', 'href="/console"', 'href="/docs"'):
        assert href in r.text
    assert '<html lang="en">' in r.text
