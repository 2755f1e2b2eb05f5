"""Words people say or type that Assist recognises (never says), and `fold` to compare them.

Every table here is written as people write the words (with their diacritics); lookups fold
both sides with `fold`. Derived here and nowhere else: the universal command phrases
(`assist.dialogue.commands`), the phone line's speech hints (`assist.ivr.twilio.twiml`) and
the self-hosted recogniser's grammar words (`assist.ivr.speech.grammar`). Names of languages
shown to people are the prompt `language.name`, not a table here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

_APOSTROPHES = "'’‘ʼ`´"
_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i"}
    | dict.fromkeys(_APOSTROPHES, "")
)
_NON_WORD = re.compile(r"[^\w\s]")


def fold(text: str) -> str:
    """`text` as a comparable key: lower case, accents stripped, punctuation made spaces.

    "Człowiek!" -> "czlowiek", "Română" -> "romana". The one apostrophe rule: apostrophes
    (straight, curly or modifier) are deleted, not spaced, so "don't", "don’t" and "dont"
    fold alike ("that's right" -> "thats right"). Letters with no decomposition that people
    type without their stroke (ł, ø, đ, ß, æ, œ) become plain letters. Underscores are kept
    (option keys such as `missed_bin` may arrive as typed words). `fold(fold(x)) == fold(x)`.
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = unicodedata.normalize("NFKD", bare.lower().translate(_LETTERS))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", plain).split())


UNIVERSAL_WORDS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "en": {
        "person": (
            "person", "agent", "operator", "human", "someone", "a person", "talk to a person",
            "an agent", "a human", "advisor", "adviser", "real person", "a real person",
            "staff", "speak to someone", "talk to someone", "speak to a person",
            "speak to a human", "talk to a human", "person please", "agent please",
            "operator please", "i want a person", "i want to speak to someone",
            "i want to talk to a person", "can i speak to someone", "can i talk to someone",
            "can i speak to a person", "let me speak to someone", "customer service",
            "representative",
        ),
        "repeat": (
            "repeat", "again", "repeat that", "say again", "say that again", "pardon",
            "sorry what", "what", "come again", "please repeat",
        ),
        "back": ("back", "go back", "previous"),
        "slower": ("slower", "slow down", "more slowly", "speak slower", "speak more slowly"),
        "text_menu": (
            "text me the menu", "send me the menu", "text the menu", "text menu",
            "send the menu", "text me the options",
        ),
        "start_over": (
            "start again", "menu", "start over", "main menu", "restart", "begin again",
            "from the start",
        ),
    },
    "pl": {
        "person": (
            "człowiek", "konsultant", "operator", "osoba", "konsultanta", "z człowiekiem",
            "rozmowa z konsultantem", "chcę rozmawiać z człowiekiem",
            "chcę rozmawiać z konsultantem",
        ),
        "repeat": ("powtórz", "jeszcze raz", "proszę powtórzyć"),
        "back": ("wstecz", "cofnij"),
        "slower": ("wolniej",),
        "start_over": ("menu", "od nowa", "od początku"),
    },
    "lt": {
        "person": (
            "žmogus", "operatorius", "konsultantas", "su žmogumi", "noriu kalbėti su žmogumi",
            "operatoriaus", "konsultanto",
        ),
        "repeat": ("pakartok", "pakartokite"),
        "back": ("atgal",),
        "slower": ("lėčiau",),
        "start_over": ("meniu", "iš naujo"),
    },
    "ro": {
        "person": (
            "om", "operatorul", "persoană", "operator", "un om", "o persoană", "cu un om",
            "vreau un operator", "vreau să vorbesc cu cineva", "vreau să vorbesc cu un om",
        ),
        "repeat": ("repetă", "repetați"),
        "back": ("înapoi",),
        "slower": ("mai încet",),
        "start_over": ("meniu", "meniul", "de la început"),
    },
    "pt": {
        "person": (
            "pessoa", "atendente", "operador", "humano", "uma pessoa", "falar com alguém",
            "falar com uma pessoa", "quero falar com uma pessoa", "quero um atendente",
        ),
        "repeat": ("repete", "repetir", "pode repetir"),
        "back": ("voltar",),
        "slower": ("mais devagar", "devagar"),
        "start_over": ("menu", "menu principal", "começar de novo", "recomeçar"),
    },
}  # fmt: skip
"""Language -> universal command (a `Command` value) -> its phrases, as people write them.

The one table of words that work at every step (HUMANE.md 1, 2, 8, 10). Each command's
phrases are in order of how often people use them: the first ones become speech hints first.
"""


def _scan(pattern: str) -> tuple[list[str], int | None]:
    """Split `pattern` at its top-level `|`s, and find where the group it starts with (if
    any) closes: escapes, classes and nested groups are skipped over."""
    depth = 0
    escaped = in_class = False
    branches: list[str] = []
    start = 0
    group_end: int | None = None
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0 and group_end is None and pattern.startswith("("):
                group_end = index
        elif char == "|" and depth == 0:
            branches.append(pattern[start:index])
            start = index + 1
    branches.append(pattern[start:])
    return branches, group_end


def _first_letters(pattern: str) -> frozenset[str] | None:
    """The letters or digits any match of `pattern` can start with, or None when that is not
    plain to see (a class, an escape, an optional first letter, a look-around)."""
    branches, group_end = _scan(pattern)
    if len(branches) > 1:
        letters: set[str] = set()
        for branch in branches:
            found = _first_letters(branch)
            if found is None:
                return None
            letters |= found
        return frozenset(letters)
    if group_end is not None:
        inner, rest = pattern[1:group_end], pattern[group_end + 1 :]
        if inner.startswith("?") or rest.startswith("{"):
            return None
        first = _first_letters(inner)
        if first is None or rest[:1] not in ("?", "*"):
            return first
        # an optional group: the match may start after it
        after = rest[2:] if rest[1:2] == "?" else rest[1:]
        later = _first_letters(after) if after else None
        return None if later is None else first | later
    head = pattern[:1]
    if head.isascii() and head.isalnum() and pattern[1:2] not in ("?", "*", "{"):
        return frozenset(head)
    return None


def word_pattern(alternatives: Iterable[str]) -> re.Pattern[str]:
    """Compile regular expressions for words or phrases (folded) into one pattern that finds
    any of them between word boundaries, as `\\b(a|b|c...)\\b` would.

    The alternatives are sorted under the letters their matches can start with, each letter's
    behind a one-letter look-ahead, so at each word the engine tries only the few that could
    match rather than all of them in turn: whether a text matches is unchanged, and a long
    sentence is scanned several times faster (these lists are scanned on every turn).
    """
    by_letter: dict[str, list[str]] = {}
    unsorted: list[str] = []
    for alternative in alternatives:
        letters = _first_letters(alternative)
        if letters is None:
            unsorted.append(alternative)
            continue
        for letter in sorted(letters):
            by_letter.setdefault(letter, []).append(alternative)
    branches = [f"(?={letter})(?:{'|'.join(group)})" for letter, group in by_letter.items()]
    return re.compile(r"\b(" + "|".join(branches + unsorted) + r")\b")


def universal_words(language: str) -> list[str]:
    """The universal phrases of `language` (empty for an unknown one), most useful first:
    the first two person words (a person is always one word away), then each command's first
    phrase, then each command's second, and so on."""
    commands = UNIVERSAL_WORDS.get(language, {})
    person = commands.get("person", ())
    ordered = list(person[:2])
    longest = max((len(p) for p in commands.values()), default=0)
    for rank in range(longest):
        for name, phrases in commands.items():
            if rank < len(phrases) and not (name == "person" and rank < 2):
                ordered.append(phrases[rank])
    return list(dict.fromkeys(ordered))


LANGUAGE_WORDS: Mapping[str, tuple[str, ...]] = {
    "en": ("English", "in English", "angielski", "po angielsku", "anglų", "angliškai",
           "engleză", "englezește", "inglês", "em inglês"),
    "pl": ("Polski", "polsku", "po polsku", "Polish", "język polski", "Polska", "lenkiškai",
           "poloneză", "polaco", "em polaco"),
    "lt": ("lietuviškai", "lietuvių", "lietuvių kalba", "Lithuanian", "litewski",
           "po litewsku", "lituaniană", "lituano"),
    "ro": ("română", "românește", "în română", "limba română", "Romanian", "rumuński",
           "po rumuńsku", "rumuniškai", "romeno"),
    "pt": ("português", "em português", "Portuguese", "portugalski", "po portugalsku",
           "portugališkai", "portugheză", "brasileiro"),
}  # fmt: skip
"""Language code -> the names and phrases by which people choose it, in any language."""
LANGUAGE_LEAD_INS = (
    "i speak", "speak", "can we speak", "can i speak", "can we do this in", "in", "please",
    "proszę", "prašau", "vă rog", "por favor", "mówię", "falo", "vorbesc", "kalbu",
    "language", "język", "kalba", "limba", "língua",
)  # fmt: skip
"""Words around a language's name that do not change the choice ("I speak Polish, please")."""
LANGUAGE_OF: Mapping[str, str] = {
    fold(phrase): code for code, phrases in LANGUAGE_WORDS.items() for phrase in phrases
}
"""Folded language phrase -> language code: a whole utterance that chooses a language."""

YES = {
    "yes",
    "yeah",
    "yep",
    "yes please",
    "correct",
    "right",
    "thats right",
    "ok",
    "okay",
    "tak",
    "taip",
    "da",
    "sim",
    "y",
}
"""Folded whole-utterance answers that mean yes, in any of the five languages."""
NO = {"no", "nope", "no thanks", "no thank you", "wrong", "nie", "ne", "nu", "nao", "n"}
"""Folded whole-utterance answers that mean no, in any of the five languages."""
GREETINGS = frozenset(
    {
        "hi",
        "hello",
        "hey",
        "hiya",
        "good morning",
        "good afternoon",
        "good evening",
        "start",
        "czesc",
        "dzien dobry",
        "witam",
        "labas",
        "laba diena",
        "sveiki",
        "buna",
        "buna ziua",
        "salut",
        "ola",
        "bom dia",
        "boa tarde",
        "boa noite",
    }
)
"""A folded first message that only says hello: answered with the greeting and the menu."""
SPOKEN_DIGITS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
"""English digit words, as speech recognisers write a spoken postcode or reference."""
OPTION_OF = {
    "report_pothole": "pothole",
    "report_streetlight": "streetlight",
    "report_flytipping": "flytipping",
    "missed_bin": "missed_bin",
}
"""The main menu option (`main.opt.<name>`) that names a report intent to the citizen."""

URGENT_WORDS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "en": {
        "emergency": (
            "not breathing", "isnt breathing", "stopped breathing", "cant breathe",
            "cannot breathe", "unconscious", "wont wake up", "not waking up", "not responding",
            "being hit", "hitting me", "is hitting", "hes hitting", "shes hitting",
            "beating me", "beating her", "beating him", "attacking me", "being attacked",
            "has a knife", "got a knife", "with a knife", "stabbed", "bleeding badly",
            "bleeding a lot", "lot of blood", "heart attack", "chest pain", "having a stroke",
            "overdose", "overdosed", "kill myself", "end my life", "suicide",
            "going to kill", "on fire", "house fire", "smell gas", "smell of gas",
        ),
        "urgent": (
            "nobody is helping", "no one is helping", "nobody helping", "no one helping",
            "nobody to help", "no one to help", "cant get up", "cannot get up",
            "cant get him up", "cant get her up", "hurt badly", "badly hurt",
            "in danger", "not safe now", "locked in", "hasnt eaten for days",
        ),
        "fall": (
            "has fallen", "have fallen", "had a fall", "fell over", "fell down",
            "fallen over", "fallen down", "lying on the floor", "is on the floor", "fallen and",
        ),
    },
    "pl": {
        "emergency": (
            "nie oddycha", "nie może oddychać", "nieprzytomny", "nieprzytomna",
            "stracił przytomność", "straciła przytomność", "bije mnie", "biją mnie",
            "on mnie bije", "ona mnie bije", "mnie bije", "ma nóż", "z nożem", "krwawi",
            "zawał", "ból w klatce", "udar", "przedawkował", "przedawkowała",
            "chcę się zabić", "zabiję się", "pali się", "pożar", "czuć gaz", "czuję gaz",
        ),
        "urgent": (
            "nikt nie pomaga", "nikt nie chce pomóc", "nie może wstać", "nie mogę wstać",
            "nie może się podnieść", "w niebezpieczeństwie", "jest ranny", "jest ranna",
        ),
        "fall": ("upadła", "upadł", "przewróciła się", "przewrócił się", "leży na podłodze"),
    },
    "lt": {
        "emergency": (
            "nekvėpuoja", "negali kvėpuoti", "be sąmonės", "neteko sąmonės", "mane muša",
            "muša mane", "jis muša", "ji muša", "turi peilį", "su peiliu", "kraujuoja",
            "infarktas", "skauda krūtinę", "insultas", "perdozavo", "nusižudyti",
            "noriu mirti", "dega namas", "gaisras", "kvepia dujomis", "jaučiu dujas",
        ),
        "urgent": (
            "niekas nepadeda", "niekas nepadės", "negali atsikelti", "negaliu atsikelti",
            "pavojuje", "sunkiai sužeista", "sunkiai sužeistas",
        ),
        "fall": ("nukrito", "pargriuvo", "parkrito", "guli ant grindų"),
    },
    "ro": {
        "emergency": (
            "nu respiră", "nu mai respiră", "nu poate respira", "inconștient", "inconștientă",
            "și-a pierdut cunoștința", "mă bate", "mă lovește", "o bate", "îl bate",
            "are un cuțit", "cu un cuțit", "sângerează", "infarct", "durere în piept",
            "accident vascular", "supradoză", "să mă sinucid", "să mă omor", "arde casa",
            "incendiu", "miroase a gaz",
        ),
        "urgent": (
            "nu mă ajută nimeni", "nu o ajută nimeni", "nu-l ajută nimeni", "nimeni nu ajută",
            "nimeni nu mă ajută", "nu se poate ridica", "nu mă pot ridica", "în pericol",
            "grav rănit", "grav rănită",
        ),
        "fall": ("a căzut", "au căzut", "stă pe jos", "zace pe jos"),
    },
    "pt": {
        "emergency": (
            "não respira", "não está a respirar", "não consegue respirar", "inconsciente",
            "desmaiou", "está a bater-me", "bate-me", "bater em mim", "batendo em mim",
            "tem uma faca", "com uma faca", "esfaqueado", "a sangrar", "sangrando",
            "ataque cardíaco", "dor no peito", "avc", "overdose", "matar-me", "me matar",
            "suicídio", "incêndio", "pegou fogo", "cheira a gás", "cheiro a gás",
        ),
        "urgent": (
            "ninguém ajuda", "ninguém está a ajudar", "ninguém me ajuda", "ninguém a ajuda",
            "não se consegue levantar", "não consegue levantar", "não consigo levantar",
            "em perigo", "muito ferido", "muito ferida",
        ),
        "fall": ("caiu", "está no chão", "deitada no chão", "deitado no chão"),
    },
}  # fmt: skip
"""Language -> kind -> words that mean someone needs help now, as people write them.

`emergency`: call 999 now (and a person at once); `urgent`: a person at once; `fall`: urgent
unless the words are about a thing that fell (`FALLEN_THINGS`). Checked at every step, before
the step itself, in every language whatever the conversation's language (folded, so written
with or without diacritics).
"""
FALLEN_THINGS = (
    "bin", "bins", "wheelie", "tree", "branch", "fence", "wall", "sign", "lamp", "post",
    "pole", "light", "cable", "wire", "leaves", "pojemnik", "kosz", "drzewo", "konteiner",
    "medis", "pubela", "copac", "caixote", "contentor", "arvore", "poste",
)  # fmt: skip
"""Folded words that make "has fallen" about a thing, not a person (a bin, a tree)."""
HELP_ALONE = frozenset(
    {
        "help", "help me", "help please", "please help", "i need help", "can you help",
        "can you help me", "pomoc", "pomocy", "prosze o pomoc", "pagalba", "padekite",
        "reikia pagalbos", "ajutor", "ajutati ma", "am nevoie de ajutor", "ajuda",
        "preciso de ajuda",
    }
)  # fmt: skip
"""Folded whole utterances that ask for help without saying with what: told what Assist does
and how to reach a person, never sent to a team on a guess."""
COMMON_WORDS: Mapping[str, frozenset[str]] = {
    lang: frozenset(fold(w) for w in words.split())
    for lang, words in {
        "en": "the is my i a to and of it has have not was what when where how can you please "
        "there this me on for with been hasnt wasnt didnt isnt dont we our they their would "
        "like want need outside near still",
        "pl": "nie jest mam mój moja moje mojego mojej się w na z do i czy jak kiedy gdzie "
        "proszę chcę że to mnie mi co po u przy nikt bardzo już od jeszcze był była było "
        "został została zabrali odebrali śmieci kosz kosza tym tygodniu dzień dobry",
        "lt": "ne nėra yra mano aš ir kada kur kaip prašau noriu su dėl iš man mane jau kad "
        "bet labai ar nuo buvo nebuvo neišvežė neišvežtas išvežtos šiukšlės šią savaitę mūsų "
        "prie gatvėje laba diena",
        "ro": "nu este sunt meu mea și să la de cu când unde cum vă rog vreau am mi mă pe că "
        "un o au fost nimeni gunoiul strada lângă încă săptămâna asta ziua bună",
        "pt": "não é o os as meu minha da do de em para com quando onde como quero por favor "
        "que está foi um uma lixo rua já ainda perto ninguém esta semana bom dia",
    }.items()
}
"""Folded short words that mark a sentence as written in a language ("nie", "jest", "não"):
a switch of language is offered only for a sentence with several of them."""
STREET_WORDS = (
    "road", "rd", "street", "st", "lane", "ln", "avenue", "ave", "close", "way", "drive",
    "crescent", "gardens", "place", "court", "grove", "hill", "terrace", "walk", "row",
    "square", "green", "park", "rise", "view", "mews", "parade", "end", "gate",
)  # fmt: skip
"""Last words of a street's name ("Mill Road", "Hills Rd"), as people write them."""
PLACE_LEAD_INS = (
    "outside", "near", "opposite", "next to", "in front of", "behind", "by the", "at the",
    "przed", "obok", "koło", "naprzeciwko", "prie", "šalia", "priešais", "lângă", "în fața",
    "vizavi", "perto de", "em frente", "junto ao", "junto à",
)  # fmt: skip
"""Words before a landmark ("outside the library", "obok szkoły"): the place said."""
NOT_A_STREET_NAME = frozenset(
    {
        "the", "a", "an", "in", "on", "of", "my", "our", "this", "that", "to", "at", "by",
        "near", "outside", "down", "up", "along", "across", "whole", "middle", "side", "same",
        "and", "is", "its", "their", "your", "main", "busy", "off", "from", "into", "onto",
    }
)  # fmt: skip
"""Folded words that are not the name part of a street ("in the road" is not a street)."""
