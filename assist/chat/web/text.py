"""Words of the web chat: the page's own labels per language, and server lines via prompts."""

from __future__ import annotations

from typing import Any

from assist.dialogue.prompts import Prompts

PAGE_LANGUAGES = ("en", "pl", "lt", "ro", "pt")
"""Languages the chat page has labels for (the engine may support fewer)."""

LANGUAGE_NAMES = {
    "en": "English",
    "pl": "Polski",
    "lt": "Lietuvių",
    "ro": "Română",
    "pt": "Português",
}

# Labels of the page itself (buttons, headings, form fields). Plain language, short.
PAGE: dict[str, dict[str, str]] = {
    "en": {
        "title": "Chat with the council",
        "intro": "Ask about bins, report a problem or get help. A person can join at any time.",
        "person": "Talk to a person",
        "log": "Conversation",
        "message_label": "Your message",
        "message_hint": "Type in your own words, or choose an answer below.",
        "send": "Send",
        "choices": "Answers you can choose",
        "language": "Language",
        "transcript": "Download the conversation",
        "callback_title": "We can call you back instead",
        "callback_hint": "You keep your place in the queue.",
        "callback_label": "Your phone number",
        "callback_send": "Call me back",
        "you": "You",
        "assistant": "Assistant",
        "staff": "Council staff",
        "system": "Note",
        "connecting": "Connecting…",
        "reconnecting": "Connection lost. Trying again…",
        "offline": "We can't reach the chat just now. Your conversation is saved.",
        "retry": "Try again",
        "too_long": "That message is too long. Please keep it under {n} characters.",
        "chars_left": "{n} characters left",
        "idle_warning": "Are you still there? We keep your conversation for another "
        "{minutes} minutes.",
        "idle_keep": "Yes, keep my conversation",
        "new_chat": "Start a new conversation",
        "queue_title": "Waiting for a person",
        "close": "Close the chat",
        "open": "Chat with the council",
    },
    "pl": {
        "title": "Czat z urzędem",
        "intro": "Zapytaj o odbiór śmieci, zgłoś problem lub poproś o pomoc. "
        "Pracownik może dołączyć w każdej chwili.",
        "person": "Rozmowa z pracownikiem",
        "log": "Rozmowa",
        "message_label": "Twoja wiadomość",
        "message_hint": "Napisz własnymi słowami albo wybierz odpowiedź poniżej.",
        "send": "Wyślij",
        "choices": "Odpowiedzi do wyboru",
        "language": "Język",
        "transcript": "Pobierz rozmowę",
        "callback_title": "Możemy do Ciebie oddzwonić",
        "callback_hint": "Zachowujesz swoje miejsce w kolejce.",
        "callback_label": "Twój numer telefonu",
        "callback_send": "Oddzwońcie do mnie",
        "you": "Ty",
        "assistant": "Asystent",
        "staff": "Pracownik urzędu",
        "system": "Uwaga",
        "connecting": "Łączenie…",
        "reconnecting": "Utracono połączenie. Próbujemy ponownie…",
        "offline": "Nie możemy teraz połączyć się z czatem. Twoja rozmowa jest zapisana.",
        "retry": "Spróbuj ponownie",
        "too_long": "Ta wiadomość jest za długa. Maksymalnie {n} znaków.",
        "chars_left": "Pozostało znaków: {n}",
        "idle_warning": "Czy nadal tu jesteś? Zachowamy rozmowę jeszcze przez {minutes} minut.",
        "idle_keep": "Tak, zachowaj rozmowę",
        "new_chat": "Zacznij nową rozmowę",
        "queue_title": "Czekasz na pracownika",
        "close": "Zamknij czat",
        "open": "Czat z urzędem",
    },
    "lt": {
        "title": "Pokalbis su savivaldybe",
        "intro": "Klauskite apie šiukšles, praneškite apie problemą ar gaukite pagalbos. "
        "Darbuotojas gali prisijungti bet kada.",
        "person": "Kalbėti su žmogumi",
        "log": "Pokalbis",
        "message_label": "Jūsų žinutė",
        "message_hint": "Rašykite savais žodžiais arba pasirinkite atsakymą žemiau.",
        "send": "Siųsti",
        "choices": "Galimi atsakymai",
        "language": "Kalba",
        "transcript": "Atsisiųsti pokalbį",
        "callback_title": "Galime jums perskambinti",
        "callback_hint": "Jūsų vieta eilėje išlieka.",
        "callback_label": "Jūsų telefono numeris",
        "callback_send": "Perskambinkite man",
        "you": "Jūs",
        "assistant": "Asistentas",
        "staff": "Darbuotojas",
        "system": "Pastaba",
        "connecting": "Jungiamasi…",
        "reconnecting": "Ryšys nutrūko. Bandome dar kartą…",
        "offline": "Šiuo metu nepavyksta prisijungti. Jūsų pokalbis išsaugotas.",
        "retry": "Bandyti dar kartą",
        "too_long": "Žinutė per ilga. Ne daugiau kaip {n} simbolių.",
        "chars_left": "Liko simbolių: {n}",
        "idle_warning": "Ar dar čia? Pokalbį saugosime dar {minutes} min.",
        "idle_keep": "Taip, išsaugoti pokalbį",
        "new_chat": "Pradėti naują pokalbį",
        "queue_title": "Laukiate darbuotojo",
        "close": "Uždaryti pokalbį",
        "open": "Pokalbis su savivaldybe",
    },
    "ro": {
        "title": "Chat cu primăria",
        "intro": "Întrebați despre gunoi, raportați o problemă sau cereți ajutor. "
        "O persoană se poate alătura oricând.",
        "person": "Vorbiți cu o persoană",
        "log": "Conversație",
        "message_label": "Mesajul dumneavoastră",
        "message_hint": "Scrieți cu cuvintele dumneavoastră sau alegeți un răspuns mai jos.",
        "send": "Trimite",
        "choices": "Răspunsuri de ales",
        "language": "Limba",
        "transcript": "Descărcați conversația",
        "callback_title": "Vă putem suna noi înapoi",
        "callback_hint": "Vă păstrați locul la coadă.",
        "callback_label": "Numărul dumneavoastră de telefon",
        "callback_send": "Sunați-mă înapoi",
        "you": "Dumneavoastră",
        "assistant": "Asistent",
        "staff": "Personal",
        "system": "Notă",
        "connecting": "Se conectează…",
        "reconnecting": "Conexiunea s-a pierdut. Încercăm din nou…",
        "offline": "Nu ne putem conecta acum. Conversația este salvată.",
        "retry": "Încercați din nou",
        "too_long": "Mesajul este prea lung. Cel mult {n} caractere.",
        "chars_left": "{n} caractere rămase",
        "idle_warning": "Mai sunteți aici? Păstrăm conversația încă {minutes} minute.",
        "idle_keep": "Da, păstrați conversația",
        "new_chat": "Începeți o conversație nouă",
        "queue_title": "Așteptați o persoană",
        "close": "Închideți chatul",
        "open": "Chat cu primăria",
    },
    "pt": {
        "title": "Conversar com a câmara",
        "intro": "Pergunte sobre o lixo, comunique um problema ou peça ajuda. "
        "Uma pessoa pode entrar a qualquer momento.",
        "person": "Falar com uma pessoa",
        "log": "Conversa",
        "message_label": "A sua mensagem",
        "message_hint": "Escreva por palavras suas ou escolha uma resposta abaixo.",
        "send": "Enviar",
        "choices": "Respostas que pode escolher",
        "language": "Língua",
        "transcript": "Descarregar a conversa",
        "callback_title": "Podemos ligar-lhe de volta",
        "callback_hint": "Mantém o seu lugar na fila.",
        "callback_label": "O seu número de telefone",
        "callback_send": "Liguem-me de volta",
        "you": "Você",
        "assistant": "Assistente",
        "staff": "Funcionário",
        "system": "Nota",
        "connecting": "A ligar…",
        "reconnecting": "A ligação caiu. A tentar de novo…",
        "offline": "Não conseguimos ligar ao chat agora. A sua conversa está guardada.",
        "retry": "Tentar de novo",
        "too_long": "A mensagem é demasiado longa. No máximo {n} caracteres.",
        "chars_left": "Restam {n} caracteres",
        "idle_warning": "Ainda está aí? Guardamos a conversa por mais {minutes} minutos.",
        "idle_keep": "Sim, guardar a conversa",
        "new_chat": "Começar uma nova conversa",
        "queue_title": "À espera de uma pessoa",
        "close": "Fechar o chat",
        "open": "Conversar com a câmara",
    },
}

# What the server says that is not a flow prompt. These keys belong in
# dialogues/prompts/<lang>.yaml (web.*); until a language has them, English is used here.
SERVER_FALLBACK: dict[str, str] = {
    "web.too_long": "That message is too long. Please keep it under {limit} characters.",
    "web.too_fast": "You're sending messages very quickly. Please wait a few seconds.",
    "web.bad_message": "Sorry, something went wrong with that message. Please try again.",
    "web.unavailable": "Sorry, the chat isn't working properly just now. "
    "Please try again, or call {phone}.",
    "web.noted": "Thanks. The person who answers will see your messages.",
    "web.joined": "You're now talking to {agent}.",
    "web.staff_left": "{agent} has finished the conversation. Thank you for getting in touch.",
    "web.back_to_assistant": "You're back with the assistant.",
    "web.ended": "This conversation has ended. Type a message to start again.",
    "web.callback_done": "We'll ring you on {number} when it's your turn. "
    "The wait is {wait}. You keep your place.",
    "web.callback_bad_number": "Sorry, that doesn't look like a UK phone number. "
    "Please check it and try again.",
    "web.callback_unavailable": "Sorry, we can't arrange a call back just now. "
    "Please stay in the chat.",
    "web.queue_unknown": "You're in the queue for a person. Please stay in this chat.",
    "web.queue": "You're number {position} in the queue. The wait is {wait}.",
    "web.callback_offer": "We can call you back instead, and you'll keep your place.",
}
# Engine prompts reused where they already say the right thing.
_PROMPT_ALIASES = {"web.queue": "handoff.queued", "web.callback_offer": "handoff.callback_offer"}


def page_strings(lang: str) -> dict[str, str]:
    """The page's labels in `lang` (English for languages the page does not have)."""
    return PAGE.get(lang, PAGE["en"])


def page_language(preferred: str | None) -> str:
    """The page language for a browser language tag like `pl-PL` (English when unknown)."""
    if not preferred:
        return "en"
    base = preferred.strip().lower().replace("_", "-").split("-")[0]
    return base if base in PAGE else "en"


def server_line(prompts: Prompts, lang: str, key: str, **values: Any) -> tuple[str, str]:
    """A server line and its language: from the prompt files in `lang`, else English prompts,
    else the built-in English."""
    for k in (key, _PROMPT_ALIASES.get(key)):
        if k is None:
            continue
        for candidate in (lang, "en"):
            if prompts.has(candidate, k):
                return prompts.get(candidate, k, **values), candidate
    return SERVER_FALLBACK[key].format(**values), "en"


def server_text(prompts: Prompts, lang: str, key: str, **values: Any) -> str:
    """The words of `server_line`."""
    return server_line(prompts, lang, key, **values)[0]
