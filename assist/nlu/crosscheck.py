"""Rasa's cross-check: Rasa's reading of a sentence and the in-process reading, made together.

The in-process classifier (a few ms) also reads every sentence Rasa reads.
When the two agree, the higher confidence stands; when they disagree, Rasa's intent stands
with half its confidence, so a disagreement usually means asking again rather than sending
the citizen to a wrong service (measured by `assist nlu evaluate`: fewer wrong services,
more out-of-scope sentences caught). One exception: when the in-process reading is surely
more urgent (safeguarding, then a person; it reads long sentences clause by clause), it wins;
and when only Rasa reads harm (no word of harm, the in-process reading gives safeguarding under
a tenth of its ranking and reads a council service, however unsure, or is sure of another
intent, or the sentence names another body's service), the in-process intent stands with half
its confidence (a person keeps all of it), so the citizen is asked to confirm it: Rasa sends
long sentences that mention illness, age or worry to safeguarding. On the development sets,
in every such disagreement where one of the two was right it was the in-process reading. Harm
the in-process reading saw and set aside for a service said plainly (safeguarding second in
its ranking) is still a sign of harm: both readers saw it, so safeguarding stands.
"""

from __future__ import annotations

from assist.dialogue.harm import other_agency_cues, risk_cues, strong_risk_cues
from assist.dialogue.nlu import SERVICE_INTENTS, Classification
from assist.nlu.safety import OUT_OF_SCOPE, SURE, URGENCY

Ranking = tuple[tuple[str, float], ...]

SAFEGUARDING = "safeguarding"
HARM_SIGN = 0.1
"""A share of safeguarding in the in-process ranking from which it counts as a sign of harm."""


def _uncorroborated_harm(rasa: Classification, other: Classification, text: str) -> bool:
    """True when Rasa alone reads `text` as safeguarding: no word of harm in it; the
    in-process reading gives safeguarding no real share; and that reading is a council service
    (however unsure), or sure of something else, or off-topic, or the text names another
    body's service (the police, benefits)."""
    if rasa.intent != SAFEGUARDING or other.intent == SAFEGUARDING:
        return False
    off_topic = other.intent == OUT_OF_SCOPE
    service = other.intent in SERVICE_INTENTS
    if other.confidence < SURE and not (service or off_topic or other_agency_cues(text)):
        return False
    # safeguarding anywhere in the in-process ranking, even where its safety net set it aside
    # for a service said plainly, means both readers saw harm: safety first, it stands
    if any(name == SAFEGUARDING and share >= HARM_SIGN for name, share in other.ranking):
        return False
    return not (risk_cues(text) or strong_risk_cues(text))


def agree(rasa: Classification, other: Classification, text: str = "") -> Classification:
    """Return one reading of `text` from Rasa's (`rasa`) and the in-process one (`other`), as
    the module docstring says; the answer is Rasa's (`classifier="rasa"`), with its entities."""

    def answer(intent: str, confidence: float, ranking: Ranking) -> Classification:
        return Classification(
            intent=intent,
            confidence=confidence,
            entities=rasa.entities,
            ranking=ranking,
            classifier="rasa",
            language=rasa.language or other.language,
        )

    if _uncorroborated_harm(rasa, other, text):
        # Rasa reads long, polite sentences as harm: without a word of harm or any sign
        # of it in the in-process reading, that reading stands, unsure (asked again)
        # unless it is itself urgent (a person)
        urgent = other.intent in URGENCY
        confidence = other.confidence if urgent else round(other.confidence / 2, 4)
        return answer(other.intent, confidence, other.ranking)
    # the in-process reading is the more urgent and sure of itself: urgency wins
    for intent in URGENCY:
        if rasa.intent == intent:
            break
        if other.intent == intent and other.confidence >= SURE:
            return answer(intent, other.confidence, other.ranking)
    if rasa.intent == other.intent:
        return answer(rasa.intent, max(rasa.confidence, other.confidence), rasa.ranking)
    return answer(rasa.intent, round(rasa.confidence / 2, 4), rasa.ranking)
