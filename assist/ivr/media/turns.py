"""Self-hosted speech on the phone line: Media Streams turns through the same turn runner.

With `ASSIST_VOICE_SPEECH=vosk` an incoming call is answered with `<Connect><Stream>`; the
stream (assist/ivr/media/router.py) recognises speech with Vosk and speaks with pyttsx3, and
each turn comes here, to the same `Conversations` as the TwiML path, keyed by the caller's
number so resume, the queue and the transcript all behave the same. When the engine hands
off or ends, the stream closes and Twilio requests the `<Connect>` action URL, which puts
the caller in the queue or says goodbye.

A stream is bound to the call that asked for it: the `<Stream>` carries a single-use token
(`STREAM_TOKEN_PARAMETER`, stored hashed with the CallSid and an expiry in `voice_calls`), and
`admit_stream` opens a stream only for that CallSid's unexpired, unused token. The caller's
number then comes from the stored call, never from the stream's unsigned parameters.
"""

from __future__ import annotations

from collections.abc import Mapping

from twilio.twiml.voice_response import Connect, Stream, VoiceResponse

from assist.conversations import TurnOutcome
from assist.dialogue.render import phone_turn
from assist.dialogue.types import Channel, End, HandOff, Inbound, Status
from assist.handoff import waiting
from assist.ivr import calls as voice_store
from assist.ivr.media.router import stream_url
from assist.ivr.speech.turns import CallerInput, SpokenReply
from assist.ivr.twilio.line import PREFIX, caller_id
from assist.parts import Parts
from assist.settings import Settings

MEDIA_PATH = "/twilio/media"
STREAM_TOKEN_PARAMETER = "token"  # noqa: S105 - a parameter name, not a secret
"""The `<Parameter>` name of the stream's single-use token."""
ENTRY_TIMEOUT_S = 12.0
"""Quiet time on entry steps: long enough for Relay UK callers (HUMANE.md 20)."""


def connect_document(settings: Settings, token: str) -> str:
    """TwiML that hands the call's audio to our Media Streams WebSocket, with the stream's
    single-use `token` (from `calls.issue_stream_token`) as its only parameter."""
    response = VoiceResponse()
    connect = Connect(action=f"{PREFIX}/after-stream")
    stream = Stream(url=stream_url(settings.public_url, MEDIA_PATH))
    stream.parameter(name=STREAM_TOKEN_PARAMETER, value=token)
    connect.append(stream)
    response.append(connect)
    return str(response)


async def issue_stream(parts: Parts, call_sid: str) -> str:
    """The `<Connect><Stream>` TwiML for a recorded call, with a fresh stream token.

    Raises LookupError when the call was never recorded."""
    async with parts.store.transaction() as tx:
        token = await voice_store.issue_stream_token(tx, call_sid, parts.conversations.clock())
    return connect_document(parts.settings, token)


async def admit_stream(
    parts: Parts, call_sid: str, parameters: Mapping[str, str]
) -> dict[str, str] | None:
    """The parameters a stream's calls may trust (`From`: the number the call was recorded
    with), when `parameters` carry the call's valid token; None to refuse the stream."""
    token = parameters.get(STREAM_TOKEN_PARAMETER, "")
    async with parts.store.transaction() as tx:
        row = await voice_store.redeem_stream_token(
            tx, call_sid, token, parts.conversations.clock()
        )
    if row is None:
        return None
    return {"From": str(row["sender"])}


def reply_for(
    parts: Parts, outcome: TurnOutcome, availability: waiting.Availability | None = None
) -> SpokenReply:
    """What the stream should say and listen for after a turn: the words `phone_turn` orders
    for every phone path. With the `availability` of a hand-off, nothing promises a person
    when nobody is answering (the TwiML after the stream says when people are back)."""
    s = outcome.session
    stop = any(isinstance(action, HandOff | End) for action in outcome.actions)
    heard = phone_turn(parts.prompts, s.language, outcome.actions)
    spoken = heard.sentences
    if availability is not None:
        texts = [x.text for x in spoken]
        kept = set(waiting.honest_says(parts.prompts, s.language, availability, texts))
        spoken = [x for x in spoken if x.text in kept]
    ask = heard.ask
    words = [w for o in ask.options for w in (o.label, o.short) if w] if ask is not None else []
    return SpokenReply(
        texts=[x.text for x in spoken],
        text_languages=[x.language for x in spoken],
        options_words=words,
        language=s.language,
        slow=s.slow,
        hangup=stop or s.status in (Status.QUEUED, Status.ENDED),
        max_digits=1 if ask is not None and ask.options else 20,
        input_timeout_s=ENTRY_TIMEOUT_S if ask is not None and ask.entry else 5.0,
    )


async def media_turn(parts: Parts, call_sid: str, heard: CallerInput) -> SpokenReply:
    """One self-hosted turn: the caller's input through the runner, the reply to speak.

    A hand-off when nobody is answering (out of hours, a bank holiday, nobody signed in)
    promises no person: the stream ends and `/after-stream` says when people are back, as
    the TwiML path does (`assist.handoff.waiting` decides, for every channel)."""
    sender = caller_id(heard.parameters.get("From", ""), call_sid)
    if heard.kind == "start":
        outcome = await parts.conversations.open(
            Channel.VOICE, sender, key=f"voice:{call_sid}:open"
        )
    else:
        speech = heard.speech if heard.kind == "speech" and heard.understood else None
        inbound = Inbound(
            Channel.VOICE,
            sender,
            digits=heard.digits if heard.kind == "digits" else None,
            speech=speech or None,
            confidence=heard.confidence,
            # Heard but not understood ([unk], out of grammar, unsure) counts like silence:
            # the engine asks again, differently, then offers a person.
            silence=heard.kind == "silence" or (heard.kind == "speech" and not speech),
        )
        outcome = await parts.conversations.handle(inbound)
    av: waiting.Availability | None = None
    if any(isinstance(action, HandOff) for action in outcome.actions):
        av = await waiting.situation(
            parts.store, parts.settings, parts.services, parts.conversations.clock()
        )
    return reply_for(parts, outcome, av)
