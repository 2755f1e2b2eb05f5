"""Unseen test sentences, per language: never copied into dialogues/rasa (a test checks that)."""

from __future__ import annotations

# The two safeguarding sentences, and their translations: they must reach
# `safeguarding` (the urgent person route) in every language, with both classifiers.
SAFEGUARDING: dict[str, list[str]] = {
    "en": [
        "my neighbour's kids are left alone all the time",
        "I think my mum is being hurt by her carer",
    ],
    "pl": [
        "dzieci mojego sąsiada są cały czas zostawiane same",
        "myślę, że opiekunka krzywdzi moją mamę",
    ],
    "lt": [
        "mano kaimyno vaikai visą laiką paliekami vieni",
        "manau, kad mano mamą skriaudžia jos slaugytoja",
    ],
    "ro": [
        "copiii vecinului meu sunt lăsați singuri tot timpul",
        "cred că mama mea este rănită de îngrijitoarea ei",
    ],
    "pt": [
        "os filhos do meu vizinho ficam sozinhos o tempo todo",
        "acho que a minha mãe está a ser magoada pela cuidadora",
    ],
}

# (sentence, intent) pairs the classifiers have not seen, written the way people write.
UNSEEN: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("what day is my rubbish collected", "bin_day"),
        ("which bin goes out this week the blue or the black", "bin_day"),
        ("nobody emptied my bin this morning", "missed_bin"),
        ("bin lorry went past and missed mine", "missed_bin"),
        ("big pothole at the end of my street", "report_pothole"),
        ("the footpath by the shops is all cracked", "report_pothole"),
        ("somebody has dumped an old mattress in the lane", "report_flytipping"),
        ("the street lamp outside my house has stopped working", "report_streetlight"),
        ("any news on the report i made", "request_status"),
        ("how do i pay council tax", "council_tax"),
        ("my blue badge needs renewing", "blue_badge"),
        ("my boy needs a bus to get to school", "school_transport"),
        ("my mother needs some help at home she cant manage", "adult_social_care"),
        ("when does the library open", "library"),
        ("what time do you open in the morning", "opening_hours"),
        ("text me the night before the bins", "reminders"),
        ("i want to speak to a real person please", "human"),
        ("sorry can you say that again", "repeat"),
        ("go back one", "back"),
        ("start again from the beginning", "start_over"),
        ("that's all thank you goodbye", "goodbye"),
        ("yes that's right", "affirm"),
        ("no that's wrong", "deny"),
        ("can you book me a table at a restaurant", "out_of_scope"),
    ],
    "pl": [
        ("w jaki dzień zabierają śmieci", "bin_day"),
        ("nie opróżnili mojego kosza dzisiaj", "missed_bin"),
        ("na mojej ulicy jest wielka dziura", "report_pothole"),
        ("ktoś zostawił stary materac przy drodze", "report_flytipping"),
        ("latarnia przed moim domem nie świeci", "report_streetlight"),
        ("chcę porozmawiać z konsultantem", "human"),
        ("tak, poproszę", "affirm"),
        ("nie, to nie to", "deny"),
    ],
    "lt": [
        ("kurią dieną išveža šiukšles", "bin_day"),
        ("šiandien neištuštino mano konteinerio", "missed_bin"),
        ("mūsų gatvėje didelė duobė", "report_pothole"),
        ("kažkas išmetė seną čiužinį prie kelio", "report_flytipping"),
        ("žibintas prie mano namo nešviečia", "report_streetlight"),
        ("noriu kalbėti su konsultantu", "human"),
        ("taip, teisingai", "affirm"),
        ("ne, tai neteisinga", "deny"),
    ],
    "ro": [
        ("în ce zi se ridică gunoiul", "bin_day"),
        ("azi nu mi-au golit pubela", "missed_bin"),
        ("e o groapă mare pe strada mea", "report_pothole"),
        ("cineva a aruncat o saltea veche lângă drum", "report_flytipping"),
        ("felinarul din fața casei mele nu merge", "report_streetlight"),
        ("vreau să vorbesc cu un operator", "human"),
        ("da, corect", "affirm"),
        ("nu, nu e bine", "deny"),
    ],
    "pt": [
        ("em que dia recolhem o lixo", "bin_day"),
        ("hoje não esvaziaram o meu contentor", "missed_bin"),
        ("há um buraco enorme na minha rua", "report_pothole"),
        ("alguém deixou um colchão velho ao lado da estrada", "report_flytipping"),
        ("o candeeiro em frente à minha casa não acende", "report_streetlight"),
        ("quero falar com um operador", "human"),
        ("sim, está correto", "affirm"),
        ("não, não é isso", "deny"),
    ],
}

# Off-topic sentences: must not be confidently sent to a council service.
OFF_TOPIC = [
    "how many legs does a spider have",
    "who is going to win the world cup",
    "can you recommend a good film to watch tonight",
    "my cat keeps sneezing",
    "ile nóg ma pająk",
    "kiek kojų turi voras",
    "câte picioare are un păianjen",
    "quantas patas tem uma aranha",
]
