"""A simulated phone: plays Twilio's part against the phone line's webhooks.

It signs every request exactly as Twilio does (`assist.twilio.webhooks.sign` over the
public URL, path, query and form), follows the TwiML it gets back (Say, Gather, Enqueue
and the wait loop, Leave, Redirect, Dial, Hangup) and reports what a caller would hear.
The `/try/phone` page, `assist call`, the tests and the benchmark all drive it; give it an
httpx client bound to the app in-process (ASGITransport) or to a real server over HTTP.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx

from assist.settings import Settings
from assist.twilio.webhooks import sign

PREFIX = "/twilio/voice"


class PhoneError(Exception):
    """The phone line answered something Twilio would refuse (status, type, or XML)."""


@dataclass(frozen=True)
class GatherSpec:
    """An open `<Gather>`: where input goes and how it is collected."""

    action: str
    input: str
    num_digits: int | None
    timeout: int
    action_on_empty: bool
    language: str
    hints: str


@dataclass
class Heard:
    """What one step of the call sounded like, and where the call stands after it."""

    said: list[str] = field(default_factory=list)
    gather: GatherSpec | None = None
    state: str = "listening"
    """listening (a Gather is open), queued (on hold), connected (dialled to staff), ended."""
    documents: list[str] = field(default_factory=list)
    """Every TwiML document fetched during the step, in order."""
    dialled: str | None = None


def parse(document: str) -> ET.Element:
    """The TwiML document as XML; raises PhoneError when it is not well-formed TwiML."""
    if not document.startswith("<?xml"):
        raise PhoneError("TwiML must start with the XML prolog")
    try:
        root = ET.fromstring(document)  # noqa: S314 - our own server's output
    except ET.ParseError as exc:
        raise PhoneError(f"malformed TwiML: {exc}") from exc
    if root.tag != "Response":
        raise PhoneError(f"root element is {root.tag}, not Response")
    return root


def spoken(element: ET.Element) -> str:
    """The words of a `<Say>`, SSML tags removed."""
    return " ".join("".join(element.itertext()).split())


class SimulatedPhone:
    """One call, as Twilio would place it, against a phone line reachable through `client`."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        caller: str,
        to: str = "+441223000000",
        call_sid: str | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.caller = caller
        self.to = to
        self.call_sid = call_sid or "CA" + secrets.token_hex(16)
        self.gather: GatherSpec | None = None
        self.state = "idle"
        self.queue_time = 0
        self.wait_url: str | None = None
        self.enqueue_action: str | None = None
        self.requests = 0
        self.current_url = settings.public_url + PREFIX

    def _params(self, **extra: str) -> dict[str, str]:
        params = {
            "CallSid": self.call_sid,
            "AccountSid": self.settings.twilio_account_sid or "AC" + "0" * 32,
            "From": self.caller,
            "To": self.to,
            "Caller": self.caller,
            "Called": self.to,
            "CallStatus": "in-progress",
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
        }
        params.update(extra)
        return params

    async def post(self, url: str, params: dict[str, str]) -> str:
        """POST a signed webhook as Twilio would; returns the TwiML text."""
        absolute = urljoin(self.current_url, url)
        signature = sign(self.settings, absolute, params)
        path = absolute[len(self.settings.public_url) :]
        response = await self.client.post(
            path, data=params, headers={"X-Twilio-Signature": signature}
        )
        self.requests += 1
        if response.status_code != 200:
            raise PhoneError(f"{path} answered {response.status_code}")
        if not response.headers.get("content-type", "").startswith(("text/xml", "application/xml")):
            raise PhoneError(f"{path} answered {response.headers.get('content-type')}")
        self.current_url = absolute
        return response.text

    async def dial(self) -> Heard:
        """Ring the line: Twilio's first webhook."""
        self.state = "listening"
        document = await self.post(PREFIX, self._params(CallStatus="ringing"))
        return await self._follow(document, Heard())

    async def press(self, digits: str) -> Heard:
        """Press keys (a trailing `#` ends the entry and is not sent, as Twilio does)."""
        return await self._input(Digits=digits.rstrip("#"))

    async def say(self, words: str, confidence: float = 0.9) -> Heard:
        """Say something; Twilio's recogniser heard `words`."""
        return await self._input(SpeechResult=words, Confidence=f"{confidence:.2f}")

    async def silence(self) -> Heard:
        """Say and press nothing until the Gather times out."""
        return await self._input()

    async def _input(self, **given: str) -> Heard:
        gather = self.gather
        if gather is None:
            raise PhoneError(f"no Gather is listening (call is {self.state})")
        self.gather = None
        heard = Heard()
        empty = not any(given.values())
        if empty and not gather.action_on_empty:
            if self.state == "queued":
                return await self._fetch_wait(heard)
            heard.state = self.state = "ended"
            return heard
        params = self._params(**{k: v for k, v in given.items() if v})
        if empty:
            params = self._params()
        document = await self.post(gather.action, params)
        return await self._follow(document, heard)

    async def hold(self, seconds: int = 30) -> Heard:
        """Stay on hold: time passes and Twilio fetches the wait URL again."""
        if self.state != "queued":
            raise PhoneError(f"not on hold (call is {self.state})")
        self.queue_time += seconds
        return await self._fetch_wait(Heard())

    async def hang_up(self) -> None:
        """Put the phone down: the Enqueue action (if queued), then the status callback."""
        if self.state == "queued" and self.enqueue_action:
            await self.post(
                self.enqueue_action,
                self._params(
                    QueueResult="hangup", QueueTime=str(self.queue_time), CallStatus="completed"
                ),
            )
        await self._completed()

    async def _completed(self) -> None:
        self.state = "ended"
        self.gather = None
        await self.post(
            self.settings.public_url + PREFIX + "/status",
            self._params(CallStatus="completed", CallDuration="60"),
        )

    async def _fetch_wait(self, heard: Heard) -> Heard:
        assert self.wait_url is not None
        document = await self.post(
            self.wait_url,
            self._params(
                QueueSid="QU" + "0" * 32,
                QueueTime=str(self.queue_time),
                QueuePosition="1",
                AvgQueueTime="0",
                CurrentQueueSize="1",
                MaxQueueSize="1000",
            ),
        )
        return await self._follow(document, heard)

    async def _follow(self, document: str, heard: Heard, depth: int = 0) -> Heard:
        if depth > 8:
            raise PhoneError("too many redirects")
        heard.documents.append(document)
        for verb in parse(document):
            if verb.tag == "Say":
                heard.said.append(spoken(verb))
            elif verb.tag == "Gather":
                heard.said.extend(spoken(v) for v in verb if v.tag == "Say")
                self.gather = GatherSpec(
                    action=verb.get("action", ""),
                    input=verb.get("input", "dtmf"),
                    num_digits=int(verb.get("numDigits", "0")) or None,
                    timeout=int(verb.get("timeout", "5")),
                    action_on_empty=verb.get("actionOnEmptyResult") == "true",
                    language=verb.get("language", "en-US"),
                    hints=verb.get("hints", ""),
                )
                heard.gather = self.gather
                heard.state = self.state
                return heard
            elif verb.tag == "Enqueue":
                self.state = "queued"
                self.wait_url = verb.get("waitUrl")
                self.enqueue_action = verb.get("action")
                self.queue_time = 0
                return await self._fetch_wait(heard)
            elif verb.tag == "Leave":
                self.state = "listening"
                assert self.enqueue_action is not None
                document = await self.post(
                    self.enqueue_action,
                    self._params(QueueResult="leave", QueueTime=str(self.queue_time)),
                )
                return await self._follow(document, heard, depth + 1)
            elif verb.tag == "Redirect":
                document = await self.post(verb.text or "", self._params())
                return await self._follow(document, heard, depth + 1)
            elif verb.tag == "Dial":
                heard.state = self.state = "connected"
                heard.dialled = next(("".join(t.itertext()) for t in verb), None)
                return heard
            elif verb.tag == "Hangup":
                heard.state = "ended"
                await self._completed()
                return heard
        # The document ran out: on hold Twilio loops the wait URL; elsewhere the call ends.
        heard.state = self.state
        if self.state != "queued":
            heard.state = "ended"
            await self._completed()
        return heard
