"""The humane rules, checked on the TwiML itself (HUMANE.md, TWILIO.md)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from assist.dialogue.render import words

OPTION = re.compile(r": press [1-9*#]\.$")
IN_GATHER = {"Say", "Play", "Pause"}
WAIT_VERBS = {"Play", "Say", "Pause", "Gather", "Redirect", "Leave", "Hangup"}
VERBS = {"Say", "Play", "Pause", "Gather", "Enqueue", "Leave", "Hangup", "Redirect", "Dial"}


def says(root: ET.Element) -> list[str]:
    """Every spoken text in the document, SSML removed."""
    return [" ".join("".join(s.itertext()).split()) for s in root.iter("Say")]


def is_wait(document: str) -> bool:
    """True for a document of the hold loop (wait URL, or the answer to a key on hold)."""
    return 'action="/twilio/voice/wait/key"' in document or "<Leave" in document


def check_document(
    document: str, *, hangup_allowed: bool = False, wait: bool | None = None
) -> None:
    """Assert the rules every document must keep; raises AssertionError naming the rule."""
    wait = is_wait(document) if wait is None else wait
    assert document.startswith('<?xml version="1.0" encoding="UTF-8"?>'), "XML prolog first"
    root = ET.fromstring(document)
    assert root.tag == "Response"
    for verb in root:
        assert verb.tag in (WAIT_VERBS if wait else VERBS), f"{verb.tag} not allowed here"
    for text in says(root):
        assert words(text) <= 25, f"over 25 words: {text!r}"
    for say in root.iter("Say"):
        assert say.get("voice") and say.get("language"), "voice and language on every Say"
    for gather in root.iter("Gather"):
        for child in gather:
            assert child.tag in IN_GATHER, f"{child.tag} inside Gather"
        options = [
            t
            for t in (" ".join("".join(s.itertext()).split()) for s in gather.iter("Say"))
            if OPTION.search(t)
        ]
        assert len(options) <= 4, f"{len(options)} options in one Gather"
        assert gather.get("input") == "dtmf speech"
        assert gather.get("language")
        assert (gather.get("speechTimeout") or "").isdigit(), "speechTimeout is a number"
        if not wait:
            assert gather.get("actionOnEmptyResult") == "true", "silence must reach us"
            assert gather.get("finishOnKey") == "#"
            assert gather.get("action", "").startswith("/twilio/voice/")
    for enqueue in root.iter("Enqueue"):
        assert enqueue.get("waitUrl") and enqueue.get("action"), "Enqueue needs both URLs"
    if not hangup_allowed:
        assert root.find("Hangup") is None, "Hangup only after a goodbye or completion"
    if root.find("Hangup") is not None:
        assert list(root)[-1].tag == "Hangup", "nothing after Hangup"


def is_gather_entry(document: str) -> bool:
    """True when the document's Gather collects an entry (no one-key submit)."""
    gather = ET.fromstring(document).find("Gather")
    return gather is not None and gather.get("numDigits") is None


def option_keys(said: list[str]) -> list[str]:
    """The keys offered as options in what was said ("Bins: press 1." -> "1")."""
    keys = []
    for text in said:
        m = re.search(r": press ([1-9*#])\.$", text)
        if m:
            keys.append(m.group(1))
    return keys
