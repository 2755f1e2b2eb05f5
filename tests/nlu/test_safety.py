"""The shared safety net's word lists and rules: harm reaches safeguarding, other bodies'
services are not confidently sent to a council service, in five languages.

Every sentence here was written for these tests (not taken from the held-out set)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from assist.dialogue.asking import person_cues, strong_person_cues
from assist.dialogue.harm import (
    other_agency_cues,
    risk_cues,
    strong_risk_cues,
)
from assist.dialogue.harm_signs import SIGNS, STRONG_SIGNS
from assist.dialogue.nlu import Classification
from assist.dialogue.vocabulary import fold
from assist.nlu.fallback import TfidfClassifier
from assist.nlu.safety import SAFEGUARDING, SOFT_CONFIDENCE, SURE, alone, most_urgent, safety_net

THRESHOLD = 0.45


def _reading(intent: str, confidence: float, *others: str) -> Classification:
    ranking = ((intent, confidence), *((name, 0.01) for name in others))
    return Classification(intent, confidence, {}, ranking, "fallback", None)


@pytest.mark.parametrize(
    "text",
    [
        # signs of exploitation a neighbour sees: out of school, strangers, older men
        "the boy at number 9 hasnt been to school since easter",
        "different men turning up at her flat every night",
        "people in and out of his place at all hours",
        "a gang has taken over his flat",
        "the girl from next door keeps going missing",
        "ten of us sleeping in one room above the shop",
        "dziecko sąsiadów nie chodzi do szkoły od miesiąca",
        "obcy mężczyźni przychodzą do niej w nocy",
        "śpimy w jednym pokoju i nie możemy wyjechać",
        "kaimynų berniukas nelanko mokyklos",
        "gyvename viename kambaryje po aštuonis",
        "negalime išvažiuoti, darbdavys neleidžia",
        "băiatul vecinilor nu mai merge la școală",
        "bărbați străini vin la ea noaptea",
        "dormim opt într-o singură cameră",
        "nu putem pleca de la fermă",
        "o miúdo do lado não vai à escola",
        "homens estranhos entram lá em casa a toda a hora",
        "não podemos sair da quinta",
        # feeling unsafe, a worry about a child, a child afraid to go home, being robbed
        "she doesnt feel safe with him",
        "i am worried about a little girl on our street",
        "he says he doesnt want to go home",
        "nie czuję się bezpiecznie z nim",
        "nu mă simt în siguranță cu el",
        "não quero voltar para casa",
        "o filho rouba-lhe a reforma",
        "a minha avó está a ser roubada",
        # forced marriage, money and cards taken, secrets, unpaid work, no food
        "her family are making her marry her cousin",
        "rodzice zmuszają ją do ślubu",
        "o obligă să se mărite la 15 ani",
        "querem obrigá-la a casar",
        "his nephew keeps using his bank card",
        "he said not to tell anyone or i'd be in trouble",
        "the lads at the car wash never get paid",
        "there's no food in the house again",
        "nu are ce mânca de zile întregi",
        # locked in, documents held, fear told in another word order
        "she is kept locked in her room",
        "ojciec zamyka ją w piwnicy",
        "brygadzista trzyma nasze paszporty",
        "vyras ją užrakina kas vakarą",
        "patronul ne ține pașapoartele",
        "o patrão tem com os nossos documentos",
        "babcia się go boi",
    ],
)
def test_new_words_of_harm_are_found(text: str) -> None:
    """Exploitation, unsafe homes and a child's worry are words of harm in every language."""
    assert risk_cues(text) or strong_risk_cues(text), text


@pytest.mark.parametrize(
    "text",
    [
        "a car hit the lamp post last night",
        "the van hit our garden wall",
        "the street light was hit by a lorry",
        "a bin lorry reversed and hit it",
        "zniszczona droga koło szkoły",
        "roubaram-me a bicicleta",
        "o meu passaporte foi roubado",
        "quero apresentar queixa de um roubo",
        "o której zamykają bibliotekę",
        "biblioteka jest zamykana o 17",
        "bibliotekos durys užrakintos",
        "when do the school holidays start",
        "is the library open all day",
        "žibintas šviečia visą dieną",
        "my son needs transport to school",
    ],
)
def test_things_that_are_not_harm_are_not_words_of_harm(text: str) -> None:
    """A vehicle hitting a thing, a Polish road, a stolen thing or a school run is not harm."""
    assert risk_cues(text) == [] and strong_risk_cues(text) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "my universal credit payment is late",
        "i need to ring the police about my car",
        "can you sort my gp appointment",
        "the water company wont fix the leak",
        "my tv licence renewal",
        "chcę iść na policję",
        "kiedy będzie zasiłek",
        "reikia kreiptis į policiją",
        "kada mokama pašalpa",
        "trebuie să merg la poliție",
        "când vine alocația",
        "fui à polícia",
        "quando recebo o subsídio",
        "water is pouring out of the pavement",
        "what time does the bus run on sundays",
        "kiedy wypłacą 800 plus",
        "roubaram-me o telemóvel",
    ],
)
def test_other_bodies_services_are_found(text: str) -> None:
    """The police, the NHS, benefits and utilities are named in every language."""
    assert other_agency_cues(text), text


@pytest.mark.parametrize(
    "text",
    ["when is my bin day", "žibintas šviečia visą dieną", "my council tax bill",
     "kiedy odbiór śmieci", "o candeeiro está apagado", "groapă în drum",
     "my son's school bus is late again", "big hole by the bus stop"],
)  # fmt: skip
def test_council_services_name_no_other_body(text: str) -> None:
    """Ordinary council requests (and the Lithuanian "visą", all) are not another body's."""
    assert other_agency_cues(text) == [], text


def test_a_service_reading_naming_another_body_is_made_unsure() -> None:
    """A confident council service for a police matter drops below the threshold: asked."""
    result = safety_net("report a burglary to the police", _reading("request_status", 0.9))
    assert result.intent == "request_status"
    assert result.confidence < THRESHOLD


@pytest.mark.parametrize("intent", ["safeguarding", "human", "out_of_scope"])
def test_harm_a_person_or_out_of_scope_keep_their_confidence(intent: str) -> None:
    """Another body's name never weakens safeguarding, a person or out of scope."""
    result = safety_net("the police have been round again", _reading(intent, 0.9))
    assert (result.intent, result.confidence) == (intent, 0.9)


def test_harm_still_wins_over_another_bodys_name() -> None:
    """Words of harm send a sentence to safeguarding even when it names the police."""
    text = "i called the police because he threatened her"
    result = safety_net(text, _reading("request_status", 0.8, SAFEGUARDING))
    assert result.intent == SAFEGUARDING
    assert result.confidence >= SURE


@pytest.mark.parametrize(
    "text",
    [
        "the lads who run the car wash took his passport and he sleeps in the back room",
        "hes only 14 and older men keep giving him cash and phones",
        "wujek zabrał nam paszporty i każe pracować za darmo",
        "patronul ne ține actele și nu ne lasă să plecăm",
    ],
)
async def test_exploitation_told_indirectly_reaches_safeguarding(
    fallback: TfidfClassifier, text: str
) -> None:
    """Labour and child exploitation, told as a neighbour or victim would, is safeguarding."""
    result = await fallback.classify(text)
    assert (result.intent, result.confidence >= THRESHOLD) == (SAFEGUARDING, True), result


@pytest.mark.parametrize(
    "text",
    ["my pip money hasnt come through", "a car hit the lamp post by the school",
     "chcę zgłosić włamanie na policję", "vreau să reclam la poliție un furt de bicicletă"],
)  # fmt: skip
async def test_other_bodies_and_accidents_are_not_safeguarding(
    fallback: TfidfClassifier, text: str
) -> None:
    """Benefits, the police and a car hitting a lamp post are not confidently safeguarding
    nor confidently sent to a council service other than a street light."""
    result = await fallback.classify(text)
    assert not (result.intent == SAFEGUARDING and result.confidence >= THRESHOLD), result


@pytest.mark.parametrize("text", ["i can smell gas on the landing", "czuję gaz w kuchni"])
def test_gas_without_harm_is_out_of_scope_even_when_read_as_safeguarding(text: str) -> None:
    """A smell of gas read as safeguarding, with no word of harm, is the gas emergency."""
    result = safety_net(text, _reading(SAFEGUARDING, 0.98))
    assert (result.intent, result.confidence >= SURE) == ("out_of_scope", True)


def test_gas_with_words_of_harm_stays_safeguarding() -> None:
    """A threat involving gas is still harm first."""
    result = safety_net("he threatened to turn the gas on us", _reading(SAFEGUARDING, 0.9))
    assert result.intent == SAFEGUARDING


@pytest.mark.parametrize(
    "text",
    ["i want your manager", "can a lady ring me please", "put me through for gods sake",
     "chcę z kierownikiem", "niech pan oddzwoni", "sujunkite mane", "vreau cu șeful",
     "sunați-mă vă rog", "quero falar com o responsável", "liguem-me amanhã"],
)  # fmt: skip
def test_asking_for_a_person_is_found(text: str) -> None:
    """A manager, a call back, being put through: asking for a person in every language."""
    assert person_cues(text), text


def test_an_unsure_reading_asking_for_a_person_gets_one() -> None:
    """Words asking for a person win over an unsure reading or out of scope, never over a
    sure service reading or over harm."""
    text = "this is useless i want your manager"
    assert safety_net(text, _reading("opening_hours", 0.2)).intent == "human"
    assert safety_net(text, _reading("out_of_scope", 0.9)).intent == "human"
    assert safety_net(text, _reading("council_tax", 0.9)).intent == "council_tax"
    harmed = safety_net("he hits me, call me back", _reading(SAFEGUARDING, 0.5))
    assert harmed.intent == SAFEGUARDING


@pytest.mark.parametrize(
    "text",
    [
        "can I have an interpreter for my appointment", "we need a translator",
        "put me on to an operator", "is there somebody who speaks Romanian",
        "I want a real person not a machine", "a human, not a robot please",
        "proszę o tłumacza", "czy będzie tlumacz", "poproszę konsultanta",
        "czy ktoś tam mówi po polsku", "chcę z człowiekiem, a nie z maszyną",
        "reikalingas vertėjas", "ar galiu gauti vertejo", "norėčiau konsultanto",
        "ar yra darbuotojas kuris kalba lietuviškai", "noriu žmogaus, ne roboto",
        "am nevoie de un traducător", "vreau un interpret", "vreau sa vorbesc cu un operator",
        "este cineva care vorbește românește", "vreau un om, nu un robot",
        "preciso de um tradutor", "quero um intérprete", "tem alguém que fale português",
        "quero falar com uma pessoa e não com uma máquina", "quero falar com um operador",
    ],
)  # fmt: skip
def test_strong_words_asking_for_a_person_are_found(text: str) -> None:
    """An interpreter, someone who speaks my language, a person not a machine, an operator."""
    assert strong_person_cues(text), text


@pytest.mark.parametrize(
    "text",
    [
        "the consultant at the hospital said I should apply", "how do I interpret this letter",
        "nikt mi tego nie tłumaczy", "mudei de operadora de telemóvel",
        "my mum only speaks Polish and needs carers", "are you a robot", "você é um robô?",
        "eşti un robot?", "ar tu robotas?", "jesteś robotem?",
        "the tour operator parked on the verge", "operatorul de telefonie mi-a trimis factura",
        "vreau sa interpretez scrisoarea",
    ],
)  # fmt: skip
def test_other_words_are_not_strong_asks_for_a_person(text: str) -> None:
    """A hospital consultant, explaining, a phone company or a question to the bot are not."""
    assert strong_person_cues(text) == [], text


def test_strong_words_asking_for_a_person_win_over_a_sure_service_but_not_harm() -> None:
    """ "I need an interpreter about my council tax" is a person; harm still comes first."""
    text = "i need an interpreter about my council tax"
    assert safety_net(text, _reading("council_tax", 0.95)).intent == "human"
    assert safety_net(text, _reading("adult_social_care", 0.3)).intent == "human"
    harmed = "he hits her, we need an interpreter"
    assert safety_net(harmed, _reading(SAFEGUARDING, 0.8)).intent == SAFEGUARDING


@pytest.mark.parametrize(
    "text",
    [
        # scams on an older person: the bank or the police on the phone, a courier, traders
        "a man rang my gran pretending to be from the bank",
        "she handed cash to a courier twice", "cowboy builders took eight grand off him",
        "dzwonili podając się za policjantów", "oddała gotówkę kurierowi",
        "dziadek dał im już tysiące złotych", "senelei skambino neva iš banko",
        "sukčiai apgavo kaimyną", "ji atidavė pinigus kurjeriui",
        "un tip s-a dat drept politist si i-a luat banii", "a dat banii unui curier",
        "bunica a platit mii de lire pe o reparatie",
        "ligaram à minha avó a dizer que eram do banco", "deu o dinheiro ao estafeta",
        "pagou milhares por obras que não precisava",
        # violence at home now
        "he's smashing everything in the kitchen", "the kids are crying and he's drunk again",
        "i'm hiding in the bathroom", "on znowu pijany i rozbija talerze", "chowam się w łazience",
        "jis girtas ir daužo indus", "slepiuosi miegamajame", "e beat iar si sparge tot",
        "ma ascund in baie", "ele está bêbado e parte tudo", "estou escondida no quarto",
        # not wanting to live, a vital medicine stopped
        "my brother keeps saying he doesnt want to live anymore",
        "she stopped taking her insulin", "mówi, że nie chce już żyć", "przestał brać leki",
        "sako kad nenori gyventi", "nustojo gerti vaistus", "zice ca nu mai vrea sa traiasca",
        "nu isi mai ia medicamentele", "diz que quer morrer", "deixou de tomar os comprimidos",
        # an adult asking a child for a secret meeting or photos
        "some older man she met online wants to meet her secretly", "he asks her for nudes",
        "dorosły facet z internetu chce się z nią spotkać w tajemnicy",
        "suaugęs vyras iš žaidimo nori susitikti slapta",
        "un adult de pe internet vrea sa se vada cu ea pe ascuns",
        "um homem que ela conheceu na internet quer encontrar-se às escondidas",
        # kept at work, money taken, not let out
        "le ia banii si nu o lasa sa iasa", "spi w sklepie", "miega parduotuvėje",
        "não a deixam sair sozinha", "dorme na loja",
        # a black eye, money controlled or sent away, a child out on the street all night
        "she came in with a black eye again", "her husband controls all her money",
        "dad has sent all his savings to a woman he met online", "ma podbite oko",
        "przelała mu wszystkie oszczędności", "jis kontroliuoja visus jos pinigus",
        "are un ochi vânăt", "controlează toți banii", "tem um olho negro",
        "o marido controla todo o dinheiro dela",
        "the boy next door is out on the streets till late",
        "chłopak sąsiadów jest na ulicy co noc", "kaimynų berniukas gatvėje kiekvieną naktį",
        "băiatul vecinilor e pe stradă în fiecare noapte",
        "o menino do lado anda na rua todas as noites",
        # self-neglect
        "he refuses all help and the house is full of empty bottles", "stopped eating weeks ago",
        "nie myje się i odmawia wszelkiej pomocy", "mieszkanie jest pełne butelek",
        "nebevalgo ir nesiprausia", "atsisako bet kokios pagalbos",
        "nu se mai spala si refuza orice ajutor", "casa e plina de gunoi",
        "não se lava e recusa qualquer ajuda", "a casa está cheia de lixo",
    ],
)  # fmt: skip
def test_indirect_harm_is_found_in_every_language(text: str) -> None:
    """Scams, violence now, not wanting to live, grooming, kept at work, self-neglect."""
    assert risk_cues(text) or strong_risk_cues(text), text


@pytest.mark.parametrize(
    "text",
    [
        "i paid my council tax at the bank", "the courier left a parcel by the bins",
        "can I apply for adult social care online", "suaugusiųjų socialinė globa internetu",
        "sukcesas", "fill it in before somebody gets hurt", "zanim ktoś się przewróci",
        "am lovit-o cu masina", "the recycling is full of bottles", "dorme bem",
        "my son met his friends online for a game", "we broke the bin lid",
        "o meu contentor está cheio", "a operadora cobrou demais",
        "the bin was left out all night", "kids football every night in the park",
        "gunoiul a stat afară toată noaptea", "the bank controls the interest rate",
        "the bin lid got stuck and I had to hold it by the handle",
        "we burned the garden waste", "the street light goes out at night",
        "i save my tablets receipts for the pharmacy", "give the old sofa away",
        "I can't see the point of the new bin rules",
        "the library lets me have my card back", "the fridge was dumped in the alley",
        "my mum goes out at night to the bingo",
        "the money for the blue badge is missing from the form",
        "mattresses dumped on the verge", "tie the bags up before you put them out",
        "nie daje rady wyciągnąć kosza", "iese gunoiul marți",
        "the branch touches her car when it is windy",
        "he touched her fence with the mower, is that the council's problem",
        "can you remind me to take my tablets on bin day",
        "the alley behind the shops is covered in rubbish",
        "locking the recycling centre gates early again",
    ],
)  # fmt: skip
def test_service_words_near_the_new_harm_words_are_not_harm(text: str) -> None:
    """A bank, a courier, adult care online, a hazard that might hurt someone, a branch on a
    car, a reminder to take tablets, rubbish in an alley, gates locked are not harm."""
    assert risk_cues(text) == [] and strong_risk_cues(text) == [], text


def _classify_as(readings: dict[str, Classification]) -> Callable[[str], Classification]:
    def classify(clause: str) -> Classification:
        return readings.get(clause, _reading("out_of_scope", 0.1))

    return classify


def test_harm_no_word_bears_out_gives_way_to_a_service_said_plainly() -> None:
    """A long sentence read as safeguarding with no word of harm keeps the service a clause
    reads confidently, with safeguarding second (the dialogue confirms the service)."""
    text = "my nan is ninety and very muddled, how do we apply for a blue badge for her"
    clauses = {"how do we apply for a blue badge for her": _reading("blue_badge", 0.9)}
    result = most_urgent(text, _reading(SAFEGUARDING, 0.7), _classify_as(clauses))
    assert result.intent == "blue_badge"
    assert result.ranking[1][0] == SAFEGUARDING


def test_a_clause_read_as_harm_without_words_of_harm_does_not_overrule_a_service() -> None:
    """A worried clause with no word of harm does not turn a council tax question into harm."""
    text = "i am behind on my council tax, i have two little ones and i am so worried"
    clauses = {
        "i am behind on my council tax": _reading("council_tax", 0.95),
        "i have two little ones": _reading(SAFEGUARDING, 0.8),
    }
    result = most_urgent(text, _reading("council_tax", 0.6), _classify_as(clauses))
    assert result.intent == "council_tax"


def test_a_sure_reading_of_harm_is_not_overruled_by_a_service_clause() -> None:
    """Without a word of harm, a reading of safeguarding at 0.9 or more still stands."""
    text = "can you tell me my bin day, my aunt is being cheated by her lodger"
    clauses = {"can you tell me my bin day": _reading("bin_day", 0.95)}
    result = most_urgent(text, _reading(SAFEGUARDING, 0.92), _classify_as(clauses))
    assert result.intent == SAFEGUARDING


@pytest.mark.parametrize(
    "text",
    [
        "the bins were missed again and the little boy next door is left on his own all night",
        "can you tell me my bin day, my gran has sent her savings to a man she met online",
        "i want to report a pothole, also my sister turns up with a black eye every week",
        "the bin men missed us again, and my dad says he doesnt want to live any more",
    ],
)
async def test_harm_beside_a_service_request_still_reaches_safeguarding(
    fallback: TfidfClassifier, text: str
) -> None:
    """A disclosure said in the same breath as a service request is safeguarding."""
    result = await fallback.classify(text)
    assert (result.intent, result.confidence >= THRESHOLD) == (SAFEGUARDING, True), result


@pytest.mark.parametrize(
    "text",
    [
        "I need an interpreter for my council tax appointment",
        "potrzebny mi tłumacz do wniosku o blue badge", "man reikia vertėjo dėl council tax",
        "am nevoie de un traducator pentru council tax",
        "preciso de um intérprete para a avaliação da minha mãe",
    ],
)  # fmt: skip
async def test_asking_for_an_interpreter_about_a_service_is_a_person(
    fallback: TfidfClassifier, text: str
) -> None:
    """An interpreter asked for in the same sentence as a service: a person, confidently."""
    result = await fallback.classify(text)
    assert (result.intent, result.confidence >= THRESHOLD) == ("human", True), result


async def test_a_worried_service_request_with_no_harm_is_not_sure_safeguarding(
    fallback: TfidfClassifier,
) -> None:
    """Age and worry with a plain service request: not confidently safeguarding."""
    text = (
        "I've been off sick for months with my back and I'm behind on the council tax, "
        "I've three little ones, can I pay it in smaller bits"
    )
    result = await fallback.classify(text)
    assert result.intent == "council_tax", result


def test_a_disclosure_still_wins_over_a_service_clause() -> None:
    """With a word of harm, safeguarding stands whatever service a clause reads."""
    text = "the bin was missed again, and her son hits her when he is drunk"
    clauses = {"the bin was missed again": _reading("missed_bin", 0.95)}
    result = most_urgent(text, _reading(SAFEGUARDING, 0.7), _classify_as(clauses))
    assert result.intent == SAFEGUARDING


@pytest.mark.parametrize(
    "text",
    [
        # grabbed by the throat, strangled, tied up
        "last night he had her up against the wall by the throat",
        "mój partner mnie dusi jak się kłóci", "jis ją smaugia kai išgeria",
        "o strânge de gât când e nervos", "ele tentou estrangulá-la ontem",
        "they tied him to a chair in the kitchen",
        # threats to burn the home down
        "he says he will burn the flat down with the kids inside",
        "powiedział że spali dom", "grasina kad sudegins namą",
        "a zis că dă foc casei", "disse que ia queimar a casa",
        # signs of meaning to end a life
        "my son has been saving up his tablets in a drawer",
        "she's giving all her things away and saying goodbye",
        "i dont see the point any more", "zbieram tabletki od miesiąca",
        "nebenoriu gyventi", "strâng pastilele de o lună", "guardei os comprimidos todos",
        # money kept from someone
        "he won't let her have any money of her own",
        "mąż nie daje mi żadnych pieniędzy", "nu mă lasă să am bani",
        "ele não me deixa ter dinheiro nenhum",
    ],
)  # fmt: skip
def test_violence_threats_despair_and_money_kept_are_strong_words_of_harm(text: str) -> None:
    assert strong_risk_cues(text), text


@pytest.mark.parametrize(
    "text",
    [
        # dementia and the night, a care home neglecting, money going from a purse
        "grandad keeps wandering off at night in his pyjamas",
        "the police brought her home at 4am", "tata wychodzi w nocy z domu",
        "tėtis išeina naktimis iš namų", "bunicul iese noaptea din casă",
        "o avô sai de casa de noite sozinho",
        "they leave him in bed all day at the home",
        "nobody gives her anything to drink there", "she has lost so much weight",
        "cash keeps going missing from her purse since the new carer started",
        # children with no one able to care for them, exploitation signs
        "there's nothing in the fridge and the kids are on their own",
        "both parents were passed out when I called round",
        "mattresses on every floor and men coming and going",
        "older lads keep buying her vodka", "suaugę vyrai jai duoda alkoholio",
        "familia vrea s-o mărite la 15 ani",
    ],
)  # fmt: skip
def test_neglect_wandering_and_exploitation_signs_are_words_of_harm(text: str) -> None:
    assert risk_cues(text), text


@pytest.mark.parametrize(
    "text",
    [
        "my dad has fallen in the bathroom and cant get up",
        "tata upadł w łazience i nie może wstać",
        "močiutė nukrito ir negali atsikelti", "tata a căzut și nu se poate ridica",
        "o meu pai caiu e não se consegue levantar",
    ],
)  # fmt: skip
def test_words_the_conversation_treats_as_urgent_are_harm_to_the_classifier(text: str) -> None:
    """The engine puts these through at once from any step (`assist.dialogue.urgent`); the
    classifiers read them as safeguarding too, so the two layers agree."""
    assert strong_risk_cues(text), text
    assert safety_net(text, _reading("missed_bin", 0.9)).intent == SAFEGUARDING


# Signs of harm told indirectly (`assist.dialogue.harm_signs`): every entry has a sentence here
SIGN_EXAMPLES = [
    # a child's abuse told as a secret, sweets, videos on a phone
    "he told her it's their little secret", "the babysitter says it is our little secret",
    "the man at 14 invites the kids in for sweets",
    "he shows the little girls videos on his phone in the park",
    "wujek mówi, że to nasz mały sekret", "sąsiad zaprasza dzieci do siebie na cukierki",
    "pokazuje dziewczynkom filmiki na telefonie", "jis sako, kad tai mūsų paslaptis",
    "kaimynas kviečia vaikus pas save saldainių", "rodo vaikams filmukus telefone",
    "i-a spus că e secretul lor", "îi invită pe copii la el pentru bomboane",
    "arată copiilor filmulețe pe telefon", "ele diz que é o nosso segredo",
    "convida as crianças para casa dele com doces", "mostra vídeos às crianças no telemóvel",
    "mostra aos miúdos fotos no telemóvel",
    # a child put out of the home, sleeping rough, kept out
    "her dad threw her out last week", "they kicked them out of the house at new year",
    "he has been sleeping rough since christmas", "a boy sleeps in the car most nights",
    "she's sleeping on her mate's sofa", "the girl says she can't go home",
    "his mum won't let him back in the house", "he locked her out all night",
    "they lock the kids out when they go to the pub", "ojczym wyrzucił go z domu",
    "śpi u kolegi na kanapie", "nocuje na przystanku", "mówi, że nie może wrócić do domu",
    "matka nie wpuszcza go do domu", "patėvis išmetė jį iš namų",
    "miega pas draugą ant sofos", "vaikas miega stotelėje", "ji negali grįžti namo",
    "mama neįleidžia jo į namus", "tatăl l-a dat afară din casă",
    "doarme în stația de autobuz", "nu se poate întoarce acasă", "mama nu o lasă în casă",
    "a mãe expulsou-o de casa", "o padrasto pôs-a fora de casa", "o senhorio põe-me na rua",
    "diz que me põe na rua", "dorme no sofá de um amigo", "não pode voltar para casa",
    "o pai não o deixa entrar em casa",
    # children not fed, a parent drunk most days
    "mum hasn't fed the kids since yesterday", "he's drunk most nights", "she's always drunk",
    "mama nie karmi dzieci", "ojciec nie daje nam jeść", "ojciec codziennie jest pijany",
    "tėvas nemaitina mūsų", "mama neduoda mums valgyti", "tėvas kasdien girtas",
    "mama nu ne dă de mâncare", "nu îi hrănește pe copii", "o pai não nos dá de comer",
    "a mãe não os alimenta",
    # stalking
    "my ex keeps turning up at my house", "a man keeps following her home",
    "były mąż mnie śledzi", "śledzi ją od tygodni", "ciągle czeka pod moją pracą",
    "buvęs vyras seka mane",
    "jis nuolat laukia prie mano darbo", "fostul mă urmărește",
    "apare mereu la serviciul meu", "o meu ex persegue-me", "o ex anda a seguir-me",
    "aparece sempre à porta do meu trabalho",
    # hate and bullying
    "they pick on him because he's autistic", "my son is being bullied at school",
    "I want to report a hate crime", "they filmed him and put it on tiktok",
    "koledzy mu dokuczają", "nagrali go i wrzucili na tiktoka", "iš jo tyčiojasi klasėje",
    "nufilmavo jį ir įkėlė į internetą", "copiii de la bloc îl bat", "e hărțuită la școală",
    "l-au filmat și l-au postat pe internet", "sofre bullying na escola", "gozam com ele",
    "filmaram-no e puseram no tiktok",
    # money pressed out of an older person, prize and lottery scams
    "he says he'll be back if I don't pay", "took her to the cash machine and stood behind her",
    "zawiózł ją do banku i stał obok", "nuvežė ją į banką ir stovėjo šalia",
    "a dus-o la bancă și a stat lângă ea", "levou-a ao banco e ficou ao lado dela",
    "she paid a fee to claim a prize", "she gets lottery letters every day",
    "każe jej płacić coraz więcej", "dostaje listy o loterii",
    "wysłała pieniądze, żeby odebrać nagrodę", "verčia ją mokėti vis daugiau",
    "loterijų laiškai kasdien", "sumokėjo, kad gautų prizą", "sumokėjo visas santaupas",
    "o pune să-i plătească tot mai mult", "primește scrisori de la loterie",
    "a plătit ca să primească premiul", "obriga-a a pagar cada vez mais",
    "recebe cartas da lotaria", "pagou para receber o prémio",
    # neglect in care
    "the care home gives him too many sleeping pills",
    "they give her tablets to keep her quiet", "she has pressure sores",
    "he's lost 10 kg since june", "found my nan lying on the floor",
    "there's no food in the fridge", "getting thinner and more confused",
    "jest cała zasikana", "nikt do niej nie zagląda", "ma odleżyny",
    "dają mu za dużo leków", "dają jej tabletki, żeby była spokojna", "bardzo schudła",
    "schudł 10 kilo", "znalazłam mamę na podłodze", "leżał na podłodze od rana",
    "jest coraz chudszy", "turi pragulų", "duoda jam per daug vaistų",
    "duoda raminamųjų, kad būtų rami", "labai sulyso", "numetė 10 kg",
    "radau mamą ant grindų", "gulėjo ant grindų", "niekas pas ją neužeina",
    "îi dau prea multe calmante", "îi dau calmante ca să stea liniștită", "are escare",
    "are răni la spate", "a slăbit mult", "l-am găsit pe jos", "dão-lhe comprimidos a mais",
    "calmantes para a manter calma", "tem úlceras de pressão", "perdeu muito peso",
    "emagreceu muito", "está cada vez mais magra", "encontrei-a no chão",
    # work for nothing
    "they work for nothing", "pracują za darmo", "jie dirba veltui", "muncesc degeaba",
    "trabalham de graça",
    # self-neglect
    "he drinks all day", "he falls over in the street most nights", "they robbed him again",
    "pije cały dzień", "przewraca się na ulicy co noc", "geria visą dieną",
    "griuva gatvėje kas vakarą", "bea toată ziua", "cade pe stradă în fiecare seară",
    "bebe o dia todo", "cai na rua todas as noites", "já a roubaram",
    # a child punished for hours, left out late, underdressed
    "he makes her stand in the garden for hours", "out in the cold in just a nappy",
    "the boy is sitting on the doorstep till midnight", "każe jej stać w kącie godzinami",
    "liepia jai stovėti kampe valandų valandas", "o pune să stea în genunchi ore întregi",
    "obriga-a a ficar de pé horas",
]  # fmt: skip

STRONG_SIGN_EXAMPLES = [
    # photos of a child undressed, sex demanded by someone with power
    "her uncle takes pictures of her naked", "he keeps filming them in the shower",
    "if I don't sleep with him he'll evict me", "unless she sleeps with him she loses the room",
    "the landlord wants me to sleep with him", "he offered sex for rent",
    "robi jej zdjęcia w wannie", "jeśli się z nim nie prześpię, wyrzuci mnie",
    "właściciel zmusza mnie, żebym się z nim przespała", "chce, żebym się z nim przespała",
    "chce, żebym przespała się z nim", "każe jej sypiać z nim",
    "mówi, że jak nie prześpię się z nim, to koniec",
    "proponuje seks za czynsz", "fotografuoja ją nuogą", "daro jos nuotraukas vonioje",
    "sako, jei nemiegosiu su juo, išmes", "reikalauja miegoti su juo", "seksas už nuomą",
    "îi face poze dezbrăcată", "o filmează la duș", "dacă nu mă culc cu el mă dă afară",
    "vrea sex în schimbul chiriei", "tira-lhe fotografias no banho", "filma-a despida",
    "se eu não dormir com ele, põe-me fora", "quer que eu durma com ele",
    "sexo em troca da renda",
    # a tracker, stalking
    "he hid a tracker in my car", "he's stalking me", "he stalks her every night",
    "stalkuje mnie od miesięcy", "znalazłam lokalizator w samochodzie",
    "radau sekiklį ant automobilio", "mi-a pus un tracker pe mașină",
    "pôs um localizador no carro",
    # spat at, tipped out of a wheelchair
    "they spat at her on the bus", "they pushed him out of his wheelchair",
    "opluli ją na przystanku", "wywrócili go z wózka", "jį apspjaudė", "spjaudo į mane",
    "išvertė jį iš vežimėlio", "l-au scuipat pe stradă", "scuipă pe el",
    "l-au răsturnat din scaunul cu rotile", "cuspiram em mim",
    "atiraram-no da cadeira de rodas",
    # an older person made to pay more
    "he's making her pay him extra every week",
    # neglect in care: wet sheets, tied to a bed
    "they left her lying in a soiled bed", "his hands were tied to the bed",
    "tied to a chair all afternoon", "miał przywiązane ręce", "ręce przywiązane do łóżka",
    "zostawiają go w mokrej pościeli", "pririštos rankos", "rankos pririštos prie lovos",
    "palieka ją šlapiose paklodėse", "l-au legat de pat", "avea mâinile legate",
    "o lasă în cearșafuri ude", "amarrado à cama", "tinha as mãos atadas",
    "deixam-no em lençóis molhados",
    # work for food, identity documents kept
    "they work for food", "the boss keeps their id cards",
    "their passports are locked in the boss's safe", "pracują za jedzenie",
    "paszporty są w jego sejfie", "jie dirba už maistą", "dokumentai yra jo seife",
    "lucrează doar pentru mâncare", "actele sunt în sertarul șefului",
    "trabalham a troco de comida", "os passaportes estão na gaveta do patrão",
]  # fmt: skip

NEAR_SIGNS_NOT_HARM = [
    # everyday council sentences with words near the new signs
    "the bus shelter on Mill Road is broken", "someone dumped a sofa in the bus shelter",
    "can you send a reminder the day before", "he fed the cat", "we feed the birds",
    "the tip won't let me in without a permit", "i threw the old sofa out",
    "i chucked them out with the recycling", "i've locked myself out of my account",
    "my son sleeps on the sofa when grandma visits", "the library gives out sweets at christmas",
    "can the kids come to the library for the reading challenge",
    "my son is autistic, can he get school transport",
    "i filmed the van dumping and put it on facebook", "the bully xl next door barks all night",
    "my daughter won a prize in the reading challenge", "the cafe serves drinks all day",
    "rubbish falls on the road every week", "the bin's been sitting on the doorstep all night",
    "they make you stand in the queue for hours at the tip",
    "I have too many tablets to remember my bin day", "found my keys on the floor",
    "i lost 50 pounds in the parking machine", "please keep following up my report",
    "the bin lorry keeps turning up late", "photos of the mould in the shower",
    "can you put a tracker on my bin", "my documents are in the drawer",
    "she works for food standards", "I work at the food bank",
    "my son took me to the bank and waited with me", "the tablets make her sleepy",
    "my mum is bedbound and needs carers", "do you collect wet nappies",
    # pl, lt, ro, pt
    "kosz jest cały mokry", "znalazłem klucze na podłodze", "zdjęcie pleśni w wannie",
    "urząd każe nam stać w kolejce godzinami", "filmy i nagrania z kamery",
    "konteineris stovi prie mano namų",
    "nuotrauka pelėsio vonioje", "šlapios sauskelnės į kurį konteinerį",
    "m-au dat afară de la muncă",
    "am aruncat gunoiul afară din casă", "mama e legată de pat și are nevoie de îngrijire",
    "își bat joc de noi cu colectarea", "lumina e tot mai slabă pe stradă",
    "poze cu mucegai în cadă", "bat la ușă și nu răspunde nimeni",
    "a seguir o camião do lixo",
    "o autocarro espera à porta da escola", "o lixo cai na rua todos os dias",
    "fotos do bolor na casa de banho", "fraldas molhadas no contentor",
    "o site está cada vez mais confuso", "encontrei a chave no chão",
    "tomo demasiados comprimidos, mandem um lembrete", "põe os contentores na rua",
]  # fmt: skip


@pytest.mark.parametrize("text", SIGN_EXAMPLES)
def test_signs_of_harm_told_indirectly_are_words_of_harm(text: str) -> None:
    """A secret with an adult, a child put out, not fed, stalking, hate, money pressed out of
    an older person, neglect in care, self-neglect: words of harm in every language."""
    assert risk_cues(text) or strong_risk_cues(text), text


@pytest.mark.parametrize("text", STRONG_SIGN_EXAMPLES)
def test_strong_signs_of_harm_are_strong_words_of_harm(text: str) -> None:
    """Photos of a child undressed, sex demanded for a room, a tracker, spitting, a wet bed
    or tied hands, work for food, documents kept: harm on their own."""
    assert strong_risk_cues(text), text


@pytest.mark.parametrize("text", NEAR_SIGNS_NOT_HARM)
def test_everyday_sentences_near_the_signs_are_not_harm(text: str) -> None:
    """A bus shelter, a reminder, a fed cat, the tip, mould in the bath, wet nappies, a queue
    at the tip or a street light growing dim are not words of harm."""
    assert risk_cues(text) == [] and strong_risk_cues(text) == [], text


def test_every_sign_has_an_example() -> None:
    """Each sign in `harm_signs` matches at least one example above (strong ones, a strong
    example), so no entry is untested."""
    soft = [fold(t) for t in SIGN_EXAMPLES + STRONG_SIGN_EXAMPLES]
    strong = [fold(t) for t in STRONG_SIGN_EXAMPLES]
    for signs, examples in ((SIGNS, soft), (STRONG_SIGNS, strong)):
        for sign in signs:
            found = re.compile(rf"\b({sign})\b")
            assert any(found.search(t) for t in examples), sign


@pytest.mark.parametrize(
    "text",
    [
        "the street light is out and my mum is scared to go out at night",
        "i don't feel safe walking home since the lamp went", "she's afraid of the dark",
        "latarnia nie świeci i babcia boi się wychodzić wieczorem",
        "nie czuję się bezpiecznie wracając po zmroku",
        "žibintas nedega, bijau vakarais", "mama bijo išeiti pasivaikščioti",
        "felinarul nu merge și mi-e frică să ies noaptea", "bunica se teme să iasă seara",
        "o candeeiro está apagado e ela tem medo de sair à noite",
        "it's hit us really hard, can we get a blue badge",
    ],
)  # fmt: skip
def test_fear_of_the_dark_street_and_hard_news_are_not_harm(text: str) -> None:
    """Fear of going out, of the dark or the evening (a broken street), and news that "hit us
    hard", are not words of harm."""
    assert risk_cues(text) == [] and strong_risk_cues(text) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "she's scared to go out because of him", "he's afraid to go out when they are outside",
        "i'm scared to go home", "he hit us really hard", "boi się wracać do domu",
        "boi się wychodzić, bo on czeka pod domem", "bijau grįžti namo",
        "bijo išeiti, nes jis laukia", "mi-e frică să merg acasă",
        "tem medo de sair por causa dele", "tem medo de voltar para casa",
    ],
)  # fmt: skip
def test_fear_of_someone_or_of_going_home_is_still_harm(text: str) -> None:
    """Fear of going out because of someone, or of going home, stays a word of harm."""
    assert risk_cues(text) or strong_risk_cues(text), text


@pytest.mark.parametrize(
    "text",
    [
        "I want to report a pothole on Station Road, and my landlord says if I don't sleep "
        "with him he'll put me out",
        "when is the library open on saturday, the boy next door sleeps in a car because his "
        "dad threw him out",
        "can you tell me my bin day, a man keeps turning up outside my work and he put a "
        "tracker on my car",
        "the bins were missed again, and the care home leaves my dad in soaked sheets all day",
    ],
)
async def test_a_sign_of_harm_after_a_service_request_reaches_safeguarding(
    fallback: TfidfClassifier, text: str
) -> None:
    """Coercion, a child put out, stalking or neglect told after a service request is
    safeguarding."""
    result = await fallback.classify(text)
    assert (result.intent, result.confidence >= THRESHOLD) == (SAFEGUARDING, True), result


@pytest.mark.parametrize(
    "text",
    [
        "o candeeiro da minha rua está apagado há um mês e a minha avó tem medo de sair à noite",
        "latarnia na naszej ulicy nie świeci od tygodnia i mama boi się wychodzić wieczorem",
        "my husband has cancer and it has hit us hard, can we get a blue badge",
    ],
)
async def test_a_street_feared_in_the_dark_or_hard_news_is_the_service(
    fallback: TfidfClassifier, text: str
) -> None:
    """A street light out and a mother scared to go out at night is a street light; hard news
    and a blue badge is a blue badge."""
    result = await fallback.classify(text)
    assert result.intent != SAFEGUARDING, result


@pytest.mark.parametrize(
    ("text", "harm"),
    [
        ("mąż nie pozwala mi samej wychodzić z domu", True),
        ("nie pozwalają wyrzucać gruzu do zwykłego kosza", False),
        ("vyras neleidžia man išeiti iš namų", True),
        ("neleidžia išmesti šiukšlių prie konteinerio", False),
        ("nu mă lasă să ies din casă singură", True),
        ("nu ne lasă să aruncăm moloz la tomberon", False),
        ("ele não me deixa sair de casa", True),
        ("não me deixam entrar no ecocentro com a carrinha", False),
    ],
)
def test_not_being_let_out_is_harm_but_not_being_let_dump_rubbish_is_not(
    text: str, harm: bool
) -> None:
    """ "Won't let me go out" is control in every language; "won't let us leave rubbish" is
    a council rule."""
    assert bool(strong_risk_cues(text)) is harm, text


@pytest.mark.parametrize(
    "text",
    [
        "my brother keeps locking her in the back bedroom",
        "someone at home touches her and she is frightened to say",
        "o fratele meu il incuie in camera toata ziua",
        "tranca-o no quarto quando sai",
    ],
)
def test_locking_in_and_touching_a_child_are_strong_words_of_harm(text: str) -> None:
    """Locking someone in, in any tense, and an adult touching a child, said of another."""
    assert strong_risk_cues(text), text


@pytest.mark.parametrize(
    "text",
    [
        "my uncle is not taking his insulin any more",
        "she refuses to take her tablets and wont eat",
        "ele não está a tomar a insulina",
        "nu isi ia pastilele de o saptamana",
        "jis nevartoja vaistų jau savaitę",
        "since the drink took hold his flat is covered in rubbish",
    ],
)
def test_medicine_not_taken_and_a_home_covered_in_rubbish_are_words_of_harm(text: str) -> None:
    """Self-neglect told as what is not done and what the home looks like."""
    assert risk_cues(text), text


def _with_harm(intent: str, confidence: float, harm: float) -> Classification:
    ranking = ((intent, confidence), ("safeguarding", harm))
    return Classification(intent, confidence, {}, ranking, "fallback", "en")


LONG = "i am ringing about my mums blue badge and also she has not been herself lately at all"


def test_alone_sends_a_long_sentence_with_a_real_share_of_harm_to_safeguarding() -> None:
    """Answering alone, harm with a fifth of a long sentence's reading wins, unsure reading
    or not; a short sentence, a small share, a person or a sure answer keep their reading."""
    assert alone(LONG, _with_harm("blue_badge", 0.7, 0.2), 0.2).intent == "safeguarding"
    assert alone(LONG, _with_harm("blue_badge", 0.3, 0.2), 0.2).confidence == SOFT_CONFIDENCE
    assert alone(LONG, _with_harm("blue_badge", 0.7, 0.1), 0.1).intent == "blue_badge"
    assert alone("my mums blue badge", _with_harm("blue_badge", 0.7, 0.2), 0.2).intent == (
        "blue_badge"
    )
    assert alone(LONG, _with_harm("human", 0.7, 0.2), 0.2).intent == "human"
    assert alone(LONG, _with_harm("out_of_scope", 0.9, 0.2), 0.2).intent == "out_of_scope"
    unsure_harm = alone(LONG, _with_harm("safeguarding", 0.3, 0.3), 0.3)
    assert (unsure_harm.intent, unsure_harm.confidence) == ("safeguarding", SOFT_CONFIDENCE)
    assert alone(LONG, _with_harm("blue_badge", 0.7, 0.2), 0.2).ranking[1][0] == "blue_badge"


async def test_the_fallback_alone_adds_to_the_reading_the_cross_check_weighs(
    fallback: TfidfClassifier,
) -> None:
    """`classify` is `alone` over `predict`; `partner_reading` is `predict` itself."""
    for text in [LONG, "when is my bin day", "the man upstairs shouts and the kids cry all night"]:
        reading = fallback.predict(text)
        assert await fallback.partner_reading(text) == reading
        share = dict(fallback._rank(text).ranking).get("safeguarding", 0.0)
        assert await fallback.classify(text) == alone(text, reading, share)
