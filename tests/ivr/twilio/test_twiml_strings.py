"""Every TwiML document the phone line writes is, byte for byte, what Twilio's builder wrote."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assist.ivr.twilio import twiml
from assist.ivr.twilio.twiml import VOICES, Choice, VoiceStyle
from tests.ivr.twilio import twiml_builder as builder

# Everything escaping must handle: markup, quotes, line breaks and tabs, accents, emoji, and
# a lone surrogate (ElementTree writes a character reference for what UTF-8 cannot hold).
AWKWARD = "&<>\"'\r\n\t ąčęėįšųūżółńșțãõ☎️😀\ud800]]>"
texts = st.text(alphabet=st.sampled_from(AWKWARD) | st.characters(), max_size=30)
urls = st.one_of(st.just("/twilio/voice/turn?step=main.menu&n=2"), texts)
styles = st.builds(VoiceStyle, st.sampled_from([*VOICES, "xx"]), st.booleans())
choices = st.lists(
    st.builds(
        Choice,
        st.sampled_from("0123456789"),
        texts,
        texts,
        st.none() | st.sampled_from(sorted(VOICES)),
    ),
    max_size=5,
)
says = st.lists(texts, max_size=4)
EXAMPLES = settings(max_examples=150, deadline=None)


@EXAMPLES
@given(
    says, texts, choices, styles, urls, st.booleans(), st.none() | texts,
    st.none() | st.integers(1, 12), st.lists(texts, max_size=3), says,
)  # fmt: skip
def test_gather(
    said: list[str],
    question: str,
    options: list[Choice],
    style: VoiceStyle,
    url: str,
    entry: bool,
    person: str | None,
    digits: int | None,
    hint_words: list[str],
    after: list[str],
) -> None:
    kwargs = dict(
        style=style, action_url=url, entry=entry, person_line=person, num_digits=digits,
        hint_words=hint_words, after=after,
    )  # fmt: skip
    assert twiml.gather_document(said, question, options, **kwargs) == builder.gather_document(  # type: ignore[arg-type]
        said,
        question,
        options,
        **kwargs,  # type: ignore[arg-type]
    )


@EXAMPLES
@given(says, styles, urls, urls)
def test_enqueue(said: list[str], style: VoiceStyle, wait: str, action: str) -> None:
    assert twiml.enqueue_document(
        said, style=style, wait_url=wait, action_url=action
    ) == builder.enqueue_document(said, style=style, wait_url=wait, action_url=action)


@EXAMPLES
@given(says, styles)
def test_goodbye(said: list[str], style: VoiceStyle) -> None:
    assert twiml.goodbye_document(said, style=style) == builder.goodbye_document(said, style=style)


@EXAMPLES
@given(says, styles, st.none() | urls, st.booleans())
def test_say(said: list[str], style: VoiceStyle, redirect: str | None, leave: bool) -> None:
    assert twiml.say_document(
        said, style=style, redirect_url=redirect, leave=leave
    ) == builder.say_document(said, style=style, redirect_url=redirect, leave=leave)


@EXAMPLES
@given(says, styles, urls, st.none() | urls, texts, st.integers(0, 60))
def test_wait(
    said: list[str], style: VoiceStyle, key: str, music: str | None, hints: str, pause: int
) -> None:
    kwargs = dict(style=style, key_url=key, music_url=music, hints=hints, pause_s=pause)
    assert twiml.wait_document(said, **kwargs) == builder.wait_document(said, **kwargs)  # type: ignore[arg-type]


@EXAMPLES
@given(
    says, styles, st.one_of(texts, texts.map(lambda t: "client:" + t)), st.none() | texts,
    st.none() | urls, st.integers(1, 60),
)  # fmt: skip
def test_dial(
    said: list[str],
    style: VoiceStyle,
    target: str,
    caller_id: str | None,
    action: str | None,
    timeout: int,
) -> None:
    kwargs = dict(
        style=style, target=target, caller_id=caller_id, action_url=action, timeout_s=timeout
    )
    assert twiml.dial_document(said, **kwargs) == builder.dial_document(said, **kwargs)  # type: ignore[arg-type]


def test_the_usual_documents() -> None:
    """A menu, slow and in another voice, and an empty answer, as plain examples."""
    menu = [Choice("1", "For bins, press 1.", "bins"), Choice("2", "Po polsku, 2.", "pl", "pl")]
    for style in (VoiceStyle(), VoiceStyle("pl", slow=True)):
        assert twiml.gather_document(
            ["Hello & welcome."], "What would you like?", menu, style=style,
            action_url="/t?a=1&b=2", entry=False, person_line="Press 0 for a person.",
        ) == builder.gather_document(
            ["Hello & welcome."], "What would you like?", menu, style=style,
            action_url="/t?a=1&b=2", entry=False, person_line="Press 0 for a person.",
        )  # fmt: skip
    assert twiml.say_document([], style=VoiceStyle()) == (
        '<?xml version="1.0" encoding="UTF-8"?><Response />'
    )
