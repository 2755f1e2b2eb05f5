"""Words asking for a person, in five languages: softer ones, and ones no service overrules."""

from __future__ import annotations

from assist.dialogue.vocabulary import fold, word_pattern

# Asking for a person, however it is put (folded): a manager, a call back, a human rather
# than a machine. When the classifier is unsure, or reads it as out of scope, a person wins.
_PERSON_CUES = word_pattern(
    [
        # en
        r"(speak|talk|chat) (to|with) (a |an |some |your |the )?(real )?"
        r"(human|person|someone|somebody|manager|supervisor|advis[eo]r|operator|agent)",
        r"(your|a|the) (manager|supervisor)", r"real (person|human)", r"human being",
        r"(ring|call|phone) me( back)?", r"(a|some) (lady|man|woman|bloke|person) (to )?"
        r"(ring|call|phone)", r"put me through", r"transfer me", r"member of staff",
        r"(get|give) me (a|an|some) (real )?(person|human|operator|agent)", r"call ?back",
        # pl
        r"z (czlowiekiem|konsultantem|kierownikiem|kims|pracownikiem)",
        r"dajcie mi (kogos|czlowieka)", r"zadzwon\w* do mnie", r"oddzwon\w*",
        r"prawdziw\w* osob\w*", r"polacz\w* (mnie )?z",
        # lt
        r"su (zmogumi|konsultantu|vadovu|kuo nors|darbuotoju)", r"paskambin\w* man",
        r"duokite (man )?(zmogu|kuri nors)", r"perskambin\w*", r"sujunk\w*",
        r"(gyv|tikr)\w* zmog\w*",
        # ro
        r"cu (un om|o persoana|cineva|un operator|seful|managerul|un angajat)",
        r"(dati|da) mi pe cineva", r"sunati ma", r"sa ma sune", r"suna ma",
        r"transfer\w* (ma )?la", r"om adevarat",
        # pt
        r"com (uma pessoa|alguem|um humano|o gerente|o responsavel|um funcionario)",
        r"(passe|passem|de|deem) me (alguem|uma pessoa)", r"liguem me", r"me liguem",
        r"ligar me", r"me ligue", r"passe me a", r"atendente",
    ]
)  # fmt: skip


def person_cues(text: str) -> list[str]:
    """Return the words in `text` (folded) that ask for a person (a human, a manager, a call
    back), in any of the five languages."""
    return [m.group(0) for m in _PERSON_CUES.finditer(fold(text))]


# Asking for a person in words no service reading should overrule (folded): an interpreter,
# someone who speaks the citizen's language, a person rather than a machine, an operator or
# a call-centre consultant. These win over any reading but harm; the softer words above win
# only over an unsure reading or out of scope.
_STRONG_PERSON_CUES = word_pattern(
    [
        # en ("consultant" alone is a hospital doctor, so it is not here)
        r"interpreters?", r"translators?", r"(an|the|to|real) operator",
        r"(some|any)(one|body) (here )?(who|that) (can )?speaks? "
        r"(polish|lithuanian|romanian|portuguese|my language|my own language)",
        r"(a |real )?(person|human|someone|somebody) (and |but )?not (a |an |some )?"
        r"(machine|robot|computer|bot|recording)",
        # pl ("tlumaczy", explains, is not an interpreter)
        r"tlumacz(a|em|ka|ki|ke|owi)?", r"konsultant(a|em|ka|ki|ke)",
        r"(ktos|kogos|osob\w*|pracownik\w*) (\w+ ){0,2}(mowi|mowiac\w*|rozmawia) po "
        r"(polsku|litewsku|rumunsku|portugalsku)",
        r"(czlowiek\w*|osob\w*) (a )?nie (z )?(maszyn\w*|robot\w*|automat\w*|komputer\w*)",
        # lt
        r"vertej\w*", r"konsultant(a|u|o|e|as)",
        r"(kas nors|kas|kazkas|zmog\w*|darbuotoj\w*) (\w+ ){0,2}(kalba|kalbanti\w*) "
        r"(lietuviskai|lenkiskai|rumuniskai|portugaliskai)",
        r"zmog\w* (o |bet )?ne (su )?(masin\w*|robot\w*|automat\w*|komputer\w*)",
        # ro ("masina" is also a car, so only a robot or a computer here)
        r"traducator\w*", r"translator\w*", r"(un|de|cu) interpret(ul|i|ului)?",
        r"interpret(ul|ului)", r"(un|cu|la) operator(ul)?",
        r"(cineva|o persoana|un om|un angajat) (\w+ ){0,2}(care |sa )?"
        r"(vorbeste|vorbeasca|stie) "
        r"(romaneste|romana|in romana|limba romana|polona|lituaniana|portugheza)",
        r"(om|persoana|fiinta umana) (\w+ )?nu (cu )?(un |o )?(robot\w*|calculator\w*)",
        # pt
        r"interpretes?", r"tradutor(a|es)?", r"(um|com (o |um )?)operador",
        r"(alguem|uma pessoa|funcionari\w*|atendente) (\w+ ){0,2}que (fale|fala|saiba falar) "
        r"(portugues|polaco|romeno|lituano)",
        r"(pessoa|humano|gente) (\w+ )?(e )?nao (com )?(uma |um )?"
        r"(maquina|robo|computador|gravacao)",
    ]
)  # fmt: skip


def strong_person_cues(text: str) -> list[str]:
    """Return the words in `text` (folded) that ask for a person whatever service the rest of
    the sentence names (an interpreter, someone who speaks the citizen's language, a person
    not a machine, an operator), in any of the five languages."""
    return [m.group(0) for m in _STRONG_PERSON_CUES.finditer(fold(text))]
