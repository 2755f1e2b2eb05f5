"""Words of harm, of emergencies and of other bodies' services, in five languages.

The reviewed word lists the safety net (`assist.nlu.safety`) and Rasa's cross-check use:
words that suggest someone is at risk, words that on their own say someone is being harmed,
gas or fire, and services the council does not run. Matched after `fold` (lower case, no
accents), so typed with or without diacritics.
"""

from __future__ import annotations

import re

from assist.dialogue.harm_signs import SIGNS, STRONG_SIGNS
from assist.dialogue.memo import remembered
from assist.dialogue.vocabulary import URGENT_WORDS, fold, word_pattern

# Words that suggest someone is at risk of harm, per language, after folding. Plural "alone"
# forms only ("dzieci same", "copiii singuri"): a single adult living alone is not a cue.
_RISK_CUES = word_pattern(
    [
        # en
        r"abus\w*", r"neglect\w*", r"hit(s|ting)?", r"hurt(s|ing)?", r"beat(s|ing|en)?",
        r"violen\w*", r"bruis\w*", r"scared", r"afraid", r"home alone", r"groom\w*",
        r"left (alone|on (their|his|her) own|by (them|him|her)sel\w*)",
        r"exploit\w*", r"steal\w* from",
        r"mistreat\w*", r"harm(s|ed|ing|ful)?", r"not safe", r"unsafe", r"squalor",
        r"rough with", r"slap(s|ped|ping)?", r"kick\w*", r"punch\w*", r"scream\w*",
        r"shout\w* at", r"not eating", r"filth\w*", r"starv\w*", r"marks on", r"scared to",
        r"(not|hasnt|havent|nobody has) (been )?seen", r"nobody (is )?helping",
        # pl
        r"bij\w*", r"bic", r"bil[ao]?", r"krzywdz\w*", r"skrzywdz\w*", r"przemoc\w*",
        r"zaniedban\w*", r"same", r"sami", r"bez opieki", r"siniak\w*", r"boi sie",
        r"boje sie", r"sie (go|jej|ich) (boi|boje)\w*", r"okrad\w*",
        r"(daje|oddaje|zabiera) (\w+ )?(cala|wszystkie|jej|mu) (emeryture|pieniadze|rente)",
        r"molest\w*", r"krzyczy\w*", r"nie otwiera",
        # lt
        r"mus(a|e)", r"skriaud\w*", r"smurt\w*", r"apleist\w*", r"vieni", r"vienos",
        r"be prieziuros", r"melyniu", r"bijo", r"bijau", r"apvag\w*", r"neatidar\w*",
        # ro
        r"bat(e|ut\w*|uti)", r"loveste", r"ranest\w*", r"ranit\w*", r"abuz\w*",
        r"violent\w*", r"neglijat\w*", r"singur[ie]", r"nesupravegheat\w*", r"vanatai",
        r"se teme", r"frica", r"fura", r"lov(este|esc|it)", r"nu (a )?mai deschis",
        # pt
        r"bat(e|em|er)", r"maltrat\w*", r"magoa\w*", r"violencia", r"negligenciad\w*",
        r"sozinh(os|as)", r"sem ninguem", r"nodoas negras", r"medo",
        r"roub\w* (lhe|(a |ao )?(uma |um |minha |meu |sua |seu |nossa |nosso )?"
        r"(pessoa|idos\w*|avo|mae|pai|vizinh\w*|senhor\w*))", r"lhe roub\w*",
        r"a ser roubad[oa]",
        r"nao abre a porta",
        # signs of exploitation a neighbour sees (cuckooing, county lines, child sexual
        # exploitation): a child out of school, strangers at all hours, older men
        r"(never|not|doesnt|dont|isnt|hasnt) (go|goes|going|been|in|at) (to )?school",
        r"older (men|blokes|lads)",
        r"(giv|buy)\w* (him|her|them) (cash|money|phones?|gifts|drugs)",
        r"(different|strange) (men|blokes|lads|people|adults) (\w+ ){0,3}"
        r"(at|in|coming|going|visiting|turning up|picking)",
        r"(coming and going|in and out) (\w+ ){0,3}(all hours|all night|all day|day and night)",
        r"at all hours", r"taken over (his|her|their|the) (flat|house|home)",
        r"(he|she|they|child|kid|son|daughter|girl|boy|teenager|lad)s? "
        r"((?!bin|box|bag|parcel)\w+ ){0,4}(goes|gone|going|went|go) missing",
        r"nie chodzi do szkoly", r"(obc\w*|rozn\w*|starsz\w*) (mezczyzn\w*|faceci\w*)",
        r"(ciagle|caly czas) ktos (przychodzi|wchodzi)", r"znika (na )?(cale )?(noce|dni)",
        r"(nelanko|neina i) mokykl\w*", r"(nepazistam|vyresn|vis kit)\w* vyr\w*",
        r"dingsta", r"nu (mai )?merge la scoala", r"barbati (diferiti|straini|mai in varsta)",
        r"(oameni )?straini (vin|intra)", r"dispare (de acasa|noaptea|nopti)",
        r"nao vai (a|para a) escola", r"homens (diferentes|estranhos|mais velhos)",
        r"estranhos (a entrar|entram)", r"desaparece (de casa|durante)",
        # work that is not free (labour exploitation, modern slavery)
        r"(cant|cannot|can not|not allowed to) leave(?! (the |my )?(house|home|flat|bed))",
        r"work\w* (\w+ )?\d+ hours",
        r"(\w+ of us|living|sleeping|sharing) (in )?(one|1|a single|the same) room",
        r"no (days off|pay|wages)",
        r"nie (moge|mozemy|moze|mozna|moga) (odejsc|wyjsc|wyjechac|uciec)",
        r"pracuj(emy|e) (po )?\d+ godzin", r"w jednym pokoju", r"bez (wyplaty|zaplaty)",
        r"negal\w* (iseiti|isvaziuoti|pabegti)", r"dirb(ame|am|u)\w* (po )?\d+ valand\w*",
        r"viename kambaryje",
        r"be atlyginimo", r"nu (putem|pot|poate) (sa )?(plec\w*|pleca|iesi|fugi)",
        r"lucr(am|ez) (\w+ )?\d+ (de )?ore", r"intr o (singura )?camera",
        r"fara (salariu|plata)",
        r"nao (podemos|posso|pode|podem) (sair|ir embora|fugir)",
        r"trabalh(amos|o) (\w+ )?\d+ horas",
        r"(num|no mesmo) (so )?quarto", r"sem (salario|receber)",
        # feeling unsafe, in danger, nobody caring for someone, hunger, being used
        r"(dont|doesnt|do not|does not|never) feel safe", r"in danger(?! of)",
        r"at risk(?! of (?!harm|abuse|exploitation))",
        r"nobody (looks|is looking) after", r"not (being )?fed",
        r"(always|often|constantly) hungry",
        r"(kids|children|child|baby|they) (are |is |look |looks |seem )?(always )?hungry",
        r"tak(en|ing) advantage of", r"tak(es|ing) money from",
        r"nie czuje sie bezpiecznie", r"w niebezpieczenstwie", r"zagrozon\w*",
        r"nikt sie (nim|nia|nimi) nie zajmuje",
        r"(dzieci|dziecko|ciagle|zawsze) (sa |jest )?glodn\w*",
        r"nesijauci\w* saug\w*", r"pavoj\w*", r"niekas (jais|ja|juo|jomis) nesirupina",
        r"(vaikai|vaikas|nuolat|visada) (yra )?alkan\w*",
        r"nu (ma|se) (simt|simte)\w* in siguranta", r"in pericol",
        r"nimeni nu are grija", r"flamanz\w*", r"nao me sinto segur[ao]",
        r"em (perigo|risco)(?! de)", r"ninguem (cuida|olha por)", r"passam fome",
        r"(criancas|miudos|filhos|bebe) (\w+ ){0,2}fome",
        r"bater(em)?", r"bateu",
        # self-neglect, and a named worry about a child or a vulnerable adult
        r"(hasnt|not|isnt|wont) (been )?(eating|eaten|washed|washing)", r"hoard\w*",
        r"living in (filth|squalor|dirt)", r"safeguarding",
        r"worried about (a|the|my|this|that) (child|kid|baby|girl|boy|little)\w*",
        r"vulnerable (adult|child|person|woman|man)", r"without (their|the) parents",
        r"nie je", r"mieszka w brudzie", r"martwie sie o (dziecko|dzieci)\w*",
        r"bez rodzicow", r"nevalgo", r"gyvena purve", r"nerimauju del (\w+ )?vaik\w*",
        r"be tevu", r"nu mananca", r"traieste in mizerie", r"fara parinti",
        r"ingrijorat\w* (pentru|de) (\w+ )?cop\w*", r"nao come", r"vive na sujidade",
        r"preocupad[oa] com (o|a|os|as) (filh|crianc|miud)\w*", r"sem (os )?pais",
        # touching a child, money conned out of someone
        r"dotyk\w* (mnie|ja|go)", r"(mane|ja|ji) liecia", r"(ma|o|il) atinge",
        r"(me|lhe) toca", r"(conned|scammed) (\w+ )?out of",
        # secrecy asked of a child, things thrown, no food, unpaid work
        r"(if (i|we|she|he|you) |not to )tell (anyone|anybody|someone|no one|nobody)",
        r"told (me|her|him|them) not to tell", r"keep (it )?(a |our )?secret",
        r"throw\w* (things|stuff|plates|\w+) at (me|her|him|us|them|the kids)",
        r"no food (in the house|at home|in the flat)", r"never (get|gets|got|been) paid",
        r"(not|dont|doesnt|never) (get|gets|getting) paid",
        r"sleep\w* (in|at) (the )?(back|work|shop|warehouse|car wash|site|factory)",
        r"nie ma (co jesc|jedzenia)", r"nie (mow|mowic) nikomu", r"neturi (ko valgyti|maisto)",
        r"nesakyk niekam", r"nu are (ce manca|mancare)", r"sa nu spun\w* (nimanui|la nimeni)",
        r"nao tem comida", r"sem comida", r"nao (contes|contar) a ninguem",
        # a child who is afraid to go home
        r"(dont|do not|doesnt) want to go home", r"nie chce (wracac|isc) do domu",
        r"nenori\w* (gryzti )?namo", r"nu vreau (sa ma intorc )?acasa",
        r"nao quero (ir|voltar) para casa",
        # scams on an older person: callers posing as the bank or the police, cash handed
        # to a courier, traders paid thousands for work not needed
        r"(pretend\w*|posing|claim\w*|sa(id|y|ying)) (\w+ ){0,2}(to be |as |(was|were|are|is) )"
        r"(from )?(the |her |his )?(bank|police)", r"(cash|money) (\w+ ){0,2}(to )?a courier",
        r"courier (\w+ ){0,2}(collect|pick)\w*", r"(rogue|cowboy) (traders?|builders?)",
        r"scam(med|mers?|ming)", r"con(ned| men| man)",
        r"(ze|zeby) (\w+ )?(sa|jest|byl\w*) z (banku|policji)", r"podaj\w* sie za",
        r"kurier\w* (\w+ ){0,2}(pieniadze|gotowk\w*)",
        r"(pieniadze|gotowk\w*) (\w+ ){0,2}kurier\w*",
        r"oszu(st|k)\w*", r"(dal\w*|oddal\w*|zaplacil\w*) (\w+ ){0,3}tysiac\w*",
        r"neva (is )?(policij|bank|policinink)\w*", r"apsimet\w*",
        r"sukci(ai|u|ams|us|avim\w*|auja|avo)", r"apgav\w*",
        r"(grynuos|pinig)\w* kurjer\w*", r"kurjer\w* (\w+ ){0,2}(grynuos|pinig)\w*",
        r"(pretind\w*|(se |s au )?da(u|t) drept|zic\w* ca (sunt|e|este)) (\w+ ){0,2}(de la )?"
        r"(banca|politi\w*)", r"(a|au) (dat|platit) (\w+ ){0,3}mii de",
        r"(bani|banii|numerar\w*) (\w+ ){0,3}curier\w*",
        r"teap[ae]",
        r"escroc\w*", r"(inselat|pacalit)\w*",
        r"(dizem|diziam|disseram|dizendo|dizer|fazem se passar|fingem) (\w+ ){0,2}"
        r"(ser |que sao |que eram )?"
        r"(do banco|da policia|policias)", r"dinheiro (\w+ ){0,3}(estafeta|courier)",
        r"(golpe|burla|vigaris)\w*",
        r"(deu|dar|pagou|pagar) (\w+ ){0,3}milhares",
        # violence at home now: drunk, smashing things, hiding, children crying
        r"(smash\w*|breaking) (\w+ )?(things|stuff|everything|plates|the place)",
        r"(kids|children|baby) (\w+ )?(are |is )?(crying|screaming)",
        r"hiding (in|from|upstairs)",
        r"so (he|she) (cant|doesnt|wont|can not) hear", r"(hes|shes) (\w+ )?drunk again",
        r"(tlucze|rozbija|rzuca|niszczy) (\w+ )?(rzeczy|naczyni\w*|talerz\w*|wszystko|meble)",
        r"(znowu|jest|wrocil\w*|przyszedl\w*) (\w+ )?pijan\w*",
        r"dzieci (\w+ )?(placza|krzycza)",
        r"(chowam|ukrywam|schowal\w*) sie", r"zeby (mnie )?nie (slyszal|uslyszal)\w*",
        r"dauz\w* (daikt\w*|indus|viska|lekstes|duris)", r"(isgeres|girtas|prisigeres)",
        r"vaik(ai|as) (\w+ )?(verkia|rekia)", r"slepiu(o)?si",
        r"kad (jis )?(ne)?(girdetu|isgirstu)",
        r"sparge (\w+ )?(lucruri|tot|farfurii|vase|mobila)", r"(e|este|vine|venit) (\w+ )?beat",
        r"copiii (\w+ )?(plang|tipa)", r"(ma|ne) ascund\w*", r"m am ascuns",
        r"sa nu (ma )?auda",
        r"(parte|partiu|quebra|quebrou|partir|partindo|quebrando) (\w+ )?"
        r"(tudo|as coisas|loica|pratos|moveis)",
        r"(bebado|embriagado|bebedo)",
        r"(criancas|miudos|filhos|bebe) (\w+ )?(a chorar|chorando|choram)",
        r"(estou|estamos) (escondid\w*|a esconder)", r"escondi me",
        r"para (ele )?nao (me )?ouvir",
        # a medicine someone's life depends on, stopped
        r"stopped taking (his|her|my|their) (\w+ )?(insulin|medication|meds|tablets|medicine)",
        r"(isnt|is not|not|hasnt been|wont|refuses to|refusing to) tak(e|ing) (his|her|my|their) "
        r"(\w+ )?(insulin|medication|meds|tablets|medicine)",
        r"(przestal\w*|nie bierze) (\w+ )?(brac )?(lek(i|ow)|insulin[ye]|tabletek|tabletki)",
        r"(nustojo|nebe)\w* (\w+ )?(vaist|insulin)\w*",
        r"(nevartoja|negeria) (\w+ )?(vaist|insulin)\w*",
        r"nu (isi |si )?(mai )?(ia|lua|vrea sa ia) (\w+ )?(pastil|medicament|insulin)\w*",
        r"(parou|deixou) de tomar (\w+ )?(insulina|medica\w*|remedios|comprimidos)",
        r"nao (esta a |anda a |quer )?tom\w* (\w+ )?(insulina|medica\w*|remedios|comprimidos)",
        # an adult asking a child online for photos or a secret meeting
        r"(ask|want)\w* (\w+ ){0,3}(for )?(nudes|naked (photos|pictures|pics))",
        r"(meet|see) (\w+ ){0,2}(in secret|secretly)", r"secret meeting",
        r"(grown man|older man|stranger|adult (\w+ )?(he|she|they) (met|meets|knows?)) "
        r"(\w+ ){0,4}"
        r"(online|on (a|an) (game|app))",
        r"(spotka\w*|zobacz\w*) (\w+ ){0,2}(w tajemnicy|potajemnie|po kryjomu)",
        r"(dorosl(y|a)|obcy|nieznajom\w*) (\w+ ){0,4}"
        r"(w internecie|w grze|online|przez internet)",
        r"susitik\w* (\w+ ){0,2}(slapta|paslapt\w*)",
        r"(suauges|suaugusis|nepazistam\w*) (\w+ ){0,4}(internet|zaidim|online)\w*",
        r"(intalni|vad)\w* (\w+ ){0,2}(in secret|pe ascuns)",
        r"(un adult|un barbat|un strain) (\w+ ){0,4}(online|pe internet|intr un joc)",
        r"encontr\w* (\w+ ){0,3}(em segredo|as escondidas)",
        r"(um adulto|uma adulta|um homem|um estranho) (\w+ ){0,5}"
        r"(online|jogo|internet|redes sociais)",
        # kept at work, her money taken, not let out alone
        r"(ii|le|i) ia (\w+ )?banii", r"nu (o|il|i|le|ii) (mai )?las\w* sa",
        r"doarme (acolo|la (salon|munca|fabrica|ferma|spalatorie|magazin))",
        r"spi w (pracy|sklepie|magazynie|salonie)", r"miega (darbe|parduotuv\w*|salon\w*)",
        r"atima (\w+ )?(jos|jo) pinig\w*", r"nao (a|o|os|as|nos) deix\w* sair",
        r"(fica|ficam) com (todo )?o dinheiro (dela|dele)", r"tira lhe o dinheiro",
        r"dorme (no|na) (trabalho|loja|salao|fabrica)",
        # a black eye, money controlled or sent to someone met online, a child out all night
        r"black eye", r"podbit\w* oko", r"ochi vanat", r"olho negro",
        r"controls? (all )?(the |her |his |my |our )?(money|finances|bank)",
        r"kontroluje (\w+ )?(pieniadze|finanse)", r"kontroliuoja (\w+ ){0,2}pinig\w*",
        r"controleaza (\w+ )?banii", r"controla (\w+ ){0,2}dinheiro",
        r"(sent|given|gave|handed|transferred) (\w+ ){0,2}(her|his|their|my) (savings|pension)",
        r"strung along", r"(wyslal|oddal|przelal)\w* (\w+ ){0,2}oszczednosci",
        r"(issiunte|atidave|pervede) (\w+ ){0,2}santaup\w*",
        r"(a trimis|a dat|i a dat) (\w+ ){0,2}economiile",
        r"(mandou|enviou|deu|transferiu) (\w+ ){0,2}poupancas",
        r"(boy|girl|kid|child|children|son|daughter)s? (\w+ ){0,3}"
        r"(out|outside|on the streets?) "
        r"(\w+ ){0,3}(all night|every night|till late)",
        r"(dziecko|dzieci|chlopiec|chlopak|dziewczynka|syn|corka) (\w+ ){0,3}"
        r"(na dworze|na ulicy|poza domem) (\w+ ){0,2}(cala noc|co noc|do rana)",
        r"(vaik|berniuk|mergait)\w* (\w+ ){0,3}(lauke|gatveje) (\w+ ){0,2}"
        r"(visa nakti|kiekviena nakti|iki ryto)",
        r"(copil\w*|baiatul|baietii|fetita) (\w+ ){0,3}(afara|pe strada|pe strazi) (\w+ ){0,2}"
        r"(toata noaptea|in fiecare noapte|pana dimineata)",
        r"(crianca|miudo|miuda|menino|menina)s? (\w+ ){0,3}(na rua|fora de casa) (\w+ ){0,2}"
        r"(toda a noite|todas as noites|ate de manha)",
        # self-neglect: not eating or washing, refusing all help, a home full of rubbish
        r"(refus\w*|turn\w* down) (all|any) (help|support|care)", r"stopped eating",
        r"(house|flat|home) (is )?full of (empty )?(bottles|rubbish|junk)",
        r"(house|flat|home|place)s? (is )?(covered|piled (high )?|filled) (in|with) (empty )?"
        r"(bottles|rubbish|junk|filth|mess)",
        r"wont let anyone in", r"nie (myje|kapie) sie", r"odmawia (\w+ )?pomocy",
        r"(dom|mieszkanie) (jest )?(pelne|pelen|zawalone) (\w+ )?(butel\w*|smieci\w*)",
        r"nikogo nie wpuszcza", r"nebevalgo", r"(ne|nebe)siprausia",
        r"(namas|butas) (\w+ )?pilnas (\w+ )?(siuksliu|buteliu)", r"nieko neisileidzia",
        r"atsisako (\w+ ){0,2}pagalbos", r"nu (mai )?(vrea sa )?manance", r"nu se (mai )?spala",
        r"(casa|apartamentul) (e |este )?plin\w* de (sticle|gunoi|mizerie)",
        r"refuza (orice|tot|once) ajutor\w*", r"(deixou de|nao quer) comer",
        r"(nao se lava|deixou de se lavar|nao toma banho)",
        r"casa (\w+ )?cheia de (garrafas|lixo)",
        r"recusa (qualquer|toda a|toda) ajuda", r"nao deixa ninguem entrar",
        # someone with dementia out alone at night, brought back by the police
        r"(wander\w*|walks out|leaves the house|gets out of the house) (\w+ ){0,3}"
        r"(at night|in the night|in (her|his) (nightie|nightdress|pyjamas))",
        r"police (\w+ )?brought (her|him) (back|home)",
        r"(w nocy|noca) (\w+ )?wychodzi", r"wychodzi (\w+ ){0,3}(w nocy|noca)",
        r"policja (ja|go) (przywiozla|odwiozla|przyprowadzila)",
        r"naktimis (\w+ )?iseina", r"iseina (\w+ ){0,3}naktimis",
        r"policija (ja|ji) (parveze|atveze|parvede)",
        r"iese (\w+ ){0,3}noaptea", r"noaptea (\w+ )?iese", r"politia (a )?(adus|readus) o",
        r"sai de casa (\w+ ){0,2}de noite", r"de noite (\w+ )?sai de casa",
        r"a policia (a )?trouxe", r"a policia (a )?(trouxe|levou) (a|o) (de volta|para casa)",
        # a care home or carer leaving someone without care, a carer taking money
        r"(leave|left|leaves|leaving) (her|him|them) in bed all day",
        r"nobody (gives|brings) (her|him|them) (a drink|anything to (eat|drink)|food)",
        r"lost (loads of|a lot of|so much) weight",
        r"(money|cash) (\w+ ){0,3}(missing|gone missing|disappearing)",
        # a child or baby with no one able to look after them
        r"nothing in the fridge",
        r"(both )?(parents|mum|dad|mother|father) (were |was |are |is )?"
        r"(passed out|out cold|out of it)",
        r"pusta lodowka", r"tuscias saldytuvas", r"frigiderul (e |este )?gol",
        r"frigorifico vazio", r"geladeira vazia",
        # signs of exploitation: many sleeping in one home, a child given alcohol by adults
        r"mattresses (in|on|all over) (every|each|the) (room|floor)",
        r"(giv|buy)\w* (him|her|them) (alcohol|vodka|booze|drink)",
        r"suaug\w* vyr\w*", r"duoda (\w+ )?alkohol\w*",
        r"(daje|dawali|kupuj\w*) (\w+ )?alkohol\w*", r"(ii )?da(u|dea) (\w+ )?alcool",
        r"(da|dao|davam) (\w+ )?(alcool|bebida)",
        # a girl to be married off against her will
        r"(s|sa) o (\w+ )?marite", r"wyda\w* (ja )?za maz", r"istekin\w*",
        r"(casar|casa la) (a forca|contra a vontade)",
        *SIGNS,
    ]
)  # fmt: skip

# Words of harm that name something else: a car that hit a lamp post, a hit song.
_NOT_HARM = re.compile(
    r"\b((car|van|lorry|truck|bus|vehicle|driver)s? (has |had )?(\w+ )?hit"
    r"|hit by (a|the) (car|van|lorry|truck|bus|vehicle)|hit it|hit (song|single|record|show)"
    # a hazard that could hurt someone one day, or a thing hit with a car: an accident, not harm
    r"|before (some|any)(one|body) (\w+ ){0,2}(gets |is )?(hurt|killed|injured)"
    r"|zanim ktos (\w+ ){0,2}(sie )?(zabije|skrzywdzi|przewroci)"
    r"|lovit\w* (o |ul )?cu (masina|bicicleta)"
    # news that hit someone hard: "it's hit us really hard"
    r"|(it|its|thats|this|news|diagnosis) ((has|had|really|just) )*hit (us|me|him|her|them"
    r"|the family|everyone)( really| so| very)? hard)\b"
    # fear of going out, of the dark or the evening (a street that is dark or broken), not of
    # someone: "she's scared to go out since the street light went", "bijau vakarais"
    r"|\b((scared|afraid|frightened|terrified|nervous|(dont|do not|doesnt|does not) feel safe)"
    r" (of |about )?(to )?(go(ing)? out|walk(ing)?|leav(e|ing) the house|go(ing)? outside"
    r"|cross(ing)? the road|in the dark|of the dark|at night|after dark|in the evenings?)"
    r"|(boi|boje|boja|bala|balam) sie (\w+ )?(wychodzic|wyjsc|chodzic|po zmroku"
    r"|w nocy|wieczorem|wieczorami)"
    r"|nie czuje sie bezpiecznie (\w+ )?(wychodzac|chodzac|po zmroku|w nocy)"
    r"|(bijau|bijo|bijome|bijojo) (\w+ )?(iseiti|vaikscioti|vakarais|naktimis"
    r"|tamsoje|tamsos)"
    r"|(mi e|ii e|ne e|le e) frica (sa )?(ies|iasa|iesim|umblu|noaptea|seara"
    r"|pe intuneric|de intuneric)|se (teme|tem) (sa )?(iasa|umble|noaptea|seara)"
    r"|(tem|tenho|temos|tinha|com) medo de (sair|andar|ir a rua|passar"
    r"|noite|escuro|do escuro))\b"
    r"(?!( \w+){0,5} (because|cos|coz|since|when|in case|bo|poniewaz|przez|kiedy|gdy|nes|kai"
    r"|del|pentru ca|din cauza|cand|porque|por causa|quando)( of| lui| lor)? (he|she|they|him"
    r"|her|them|his|the (lads|men|boys|gang|youths|neighbours?)|on|ona|oni|niego|niej|nich|go"
    r"|jis|ji|jie|jo|jos|ju|el|ea|ei|ele|ela|eles|dele|dela|deles)\b)"
)


# Words that on their own say someone is being harmed, controlled or exploited now, or cannot
# get help (folded). Reviewed by category (control, sexual abuse, exploitation, threats,
# neglect, a fall with no one helping), not from any evaluation sentence: with one of these
# the safety net sends the sentence to safeguarding whatever else it seems to be about.
_STRONG_RISK_CUES = word_pattern(
    [
        # en
        r"(wont|doesnt|dont|will not|does not) let (me|us|her|him|them) (go|leave|out|see)\w*",
        r"not allowed (out|to leave|to go out|to see)", r"lock(s|ed|ing)? (me|us|her|him|them) in",
        r"(takes?|took|taking|uses?|using|used|spends?|spending) (all )?(my|our|her|his) "
        r"(money|benefits|pension|bank card|card|savings|pin)",
        r"(forc\w*|making|makes|made|make) (her|him|me|them) (to )?(marry|get married)",
        r"forced marriage",
        r"(took|taken|takes|keeps|has|holds) (my|our|their|her|his) "
        r"(passports?|documents|ids?)",
        r"locked in (her|his|their|the|a|my) (room|house|flat|bedroom)",
        r"(dont|doesnt|not|never) (pay|paid|paying) (us|me|them)", r"threaten\w*",
        r"frightened", r"terrified", r"does things to me", r"touch(es|ed|ing) me",
        r"(someone|somebody|he|uncle|step ?dad|dad|grandad|grandpa|boyfriend|man|neighbour|teacher"
        r"|coach) (\w+ ){0,3}touch(es|ed|ing) (her|him|them)"
        r"(?! (car|van|bike|window|door|fence|hedge|wall|roof|bin|garden|gate|house))",
        r"sexual\w*", r"rap(e|ed|ing)", r"county lines", r"drugs", r"self harm\w*",
        r"kill (me|her|him|myself)", r"hurt (me|her|him|them|myself)",
        r"push\w* (me|her|him|them|my (mum|mother|dad|father|nan|gran)\w*)",
        r"(has|have|had) fallen (and|over)", r"fell over", r"cant get up", r"not breathing",
        r"(dont|doesnt|do not|does not) want to (live|be alive)", r"wants? to die",
        r"end (it all|(his|her|my) life)", r"suicid\w*",
        r"nie chce (mi sie )?(juz )?zyc", r"chce umrzec", r"samoboj\w*", r"odebrac sobie zycie",
        r"nenori\w* (daugiau )?gyventi", r"nori\w* mirti", r"savizud\w*",
        r"nu (mai )?(vrea|vreau) sa (mai )?traiasca", r"nu mai vreau sa traiesc",
        r"(vrea|vreau) sa (mor|moara)", r"sinucid\w*",
        r"nao quer(o)? (mais )?viver", r"quer(o)? morrer", r"acabar com a (minha |sua )?vida",
        # pl
        r"nie pozwala\w* (mi|nam|jej|mu|im) (\w+ )?(wychodz\w*|wyjs\w*|widywa\w*|widzie\w*"
        r"|spotyka\w*|dzwoni\w*|rozmawia\w*|pracowa\w*|mie\w* (\w+ )?pieniedzy)", r"zamyka mnie",
        r"(zamyk|zamkn)\w* (mnie |ja |go |nas |je )?"
        r"(w (pokoju|domu|mieszkaniu|piwnicy)|na klucz)",
        r"(trzyma|przetrzymuje|zabral\w*) (nasze|moje|jej|jego) "
        r"(paszporty|dokumenty|dowody)", r"zmusza\w* (ja |go |mnie )?do (slubu|malzenstwa)",
        r"grozi\w*", r"zabral\w* (nam |mi )?paszport\w*",
        r"nie placi\w*", r"molestuje", r"narkotyk\w*", r"zabij\w*",
        # lt
        r"neleidzia (man|mums|jai|jam|jiems) (\w+ )?(iseit\w*|matyt\w*|susitik\w*|skambin\w*"
        r"|kalbe\w*|dirbt\w*|turet\w*)", r"(mane|ja|ji|mus|juos) uzrakin\w*",
        r"uzrakin\w* (mane|ja|ji|mus|juos)",
        r"(laiko|paeme|atem\w*) (musu|mano) (pasus|dokumentus)",
        r"verc\w* (ja |mane )?(tuoktis|istekti)", r"priverstin\w* santuok\w*",
        r"atem\w* pas\w*", r"nemoka", r"grasin\w*", r"narkotik\w*",
        r"uzmus\w*",
        # ro
        r"nu (ma|ne|o|il) las\w* (\w+ )?(sa (ies|iasa|iesim|plec\w*|vad\w*|vorbe\w*|suna\w*"
        r"|lucr\w*|am|aiba|ma|se)|afara)", r"(ma|o|il|ne) tine inchis\w*",
        r"(ma|o|il|ne|i) incui\w*",
        r"(ne|mi) (tine|a luat|au luat) (actele|pasapoartele|buletinele)",
        r"(obliga|forteaza)\w* (\w+ )?sa se (marite|casatoreasca)",
        r"casatori\w* (fortat|aranjat)\w*", r"(a |au )?luat pasapoart\w*",
        r"nu (ne|ma) plate\w*",
        r"amenint\w*", r"droguri", r"omoar\w*",
        # pt
        r"nao (me|nos|a|o) deix\w* (\w+ )?(sair|ver|falar|ir|trabalhar|ter|usar|telefonar|ligar"
        r"|estudar)", r"(fechad|trancad)[oa]s? (em casa|no quarto)", r"(tranca|fecha) me",
        r"(tranca|fecha)\w* (o|a|os|as|nos) (no|em) (quarto|casa)",
        r"(fica|ficou|ficaram|tem) com (os )?(nossos|meus) (documentos|passaportes)",
        r"(obrig|forc)\w* (\w+ )?a casar", r"casamento forcado",
        r"(ficou|ficaram|tirou|tiraram) com (os )?(nossos|meus) passaportes",
        r"nao (nos|me) pag\w*", r"ameac\w*", r"drogas", r"matar",
        # grabbed by the throat, strangled, tied up
        r"(me|her|him|them) (\w+ ){0,4}by the (neck|throat)",
        r"strangl\w*", r"chok(es|ed|ing) (me|her|him|them)",
        r"ties (\w+ )?(me|her|him|them) (up|to)", r"tied (me|her|him|them) (up|to)",
        r"dusi\w* (mnie|ja|go)", r"(mnie|ja|go) dusi\w*", r"za (gardlo|szyje)",
        r"przywiaz\w* (mnie|ja|go)",
        r"smaug\w*", r"uz kaklo", r"priris\w* (mane|ja|ji)",
        r"strange\w* de gat", r"sugrum\w*", r"(il|o|ma) leag\w* de",
        r"estrangul\w*", r"pelo pescoco", r"amarr\w* (me|o|a) ",
        # threats to burn the home down
        r"burn (\w+ ){0,2}(house|flat|home|place) down",
        r"set fire to (\w+ ){0,2}(house|flat|home)",
        r"spal\w* (\w+ )?(dom|mieszkanie)", r"sudegin\w* (\w+ )?nam\w*",
        r"(da|dea|dau) foc (\w+ )?(casei|casa)", r"(queimar|pegar fogo a) (\w+ )?casa",
        # signs someone means to end their life
        r"(saving|stockpiling|saved|hoarding) (up )?(my |his |her |all )?(tablets|pills)",
        r"giving (\w+ ){0,2}(stuff|things|belongings|possessions) away",
        r"(dont|doesnt|do not|does not|cant) see the point (any ?more|in (living|going on))",
        r"(zbieram|zbiera|odkladam) (\w+ )?tabletki", r"nie widze sensu (zycia|zyc)",
        r"susirink\w* (\w+ )?table(t|c)\w*", r"nematau prasmes gyventi", r"nebenori\w* gyventi",
        r"atima (\w+ ){0,2}(pensij|pinig)\w*",
        r"(strang|adun|pastrez) (\w+ )?pastil\w*", r"nu mai are rost sa traiesc",
        r"comprimidos guardados", r"guard\w* (os )?comprimidos", r"acabar com (isto|tudo)",
        # money kept from someone
        r"(wont|doesnt|not|never) let(ting|s)? (me|her|him|us) have (my|her|his|our|any) "
        r"(own )?money",
        r"nie daje mi (\w+ )?pieniedzy", r"neduoda (man )?(\w+ )?pinigu",
        r"nu ma lasa (sa am|sa iau) bani", r"nao me deixa ter (\w+ ){0,2}dinheiro",
        *STRONG_SIGNS,
    ]
)  # fmt: skip

# A smell of gas or a fire is an emergency for 999 and the gas network, not a council service.
_EMERGENCY_CUES = re.compile(
    r"\b(gas( leak| smell)?|smell\w* (of )?gas|gaz\w*|duj\w*|gas|gaz|fire|pozar|gaisr\w*"
    r"|incendi\w*|foc)\b"
)


# Services other bodies run, which the council's assistant cannot do (folded): the police,
# the NHS, the DWP's benefits, the Home Office, utilities and broadband, the TV licence. A
# service reading of a sentence naming one of these is unsure (the citizen is asked); words
# of harm still go to safeguarding first.
_OTHER_AGENCY_CUES = word_pattern(
    [
        # en
        r"police\w*", r"burglar\w*", r"crime", r"theft", r"gp", r"doctors?", r"hospital",
        r"nhs", r"dentist", r"prescription", r"pharmacy", r"universal credit", r"dwp",
        r"pip", r"job ?centre", r"jobseekers?", r"child benefit", r"state pension",
        r"hmrc", r"income tax", r"passports?", r"(my|a|her|his|our|their) visa",
        r"visa (application|renewal|appointment)", r"home office", r"immigration",
        r"driving licence", r"dvla", r"tv licen[cs]e", r"broadband", r"wifi",
        r"(gas|electric\w*|energy|water|phone) (bill|meter|supplier|company)",
        r"water (leak\w*|main|supply)", r"burst (water )?(main|pipe)", r"private parking",
        r"water (is |was )?(pouring|gushing|leaking|coming|spurting) (out|up|from)",
        r"(?<!school )bus (is |was |does not |doesnt )?"
        r"(running|runs?|times?|timetables?|late|routes?|services?)",
        # pl
        r"policj\w*", r"kradziez\w*", r"wlamani\w*", r"lekarz\w*", r"przychodni\w*",
        r"szpital\w*", r"recept\w*", r"zasil\w*", r"emerytur\w*", r"urzad pracy",
        r"zus", r"paszport\w*", r"wiz[aeyi]", r"rachun\w* za (prad|gaz|wode|internet)",
        r"abonament\w*", r"internet\w*", r"wyciek wody", r"\d+ plus",
        r"pieniadze na dziecko",
        # lt
        r"policij\w*", r"vagyst\w*", r"gydytoj\w*", r"poliklinik\w*", r"ligonin\w*",
        r"recept\w*", r"pasalp\w*", r"pensij\w*", r"darbo birz\w*", r"uzimtumo tarnyb\w*",
        r"pasas", r"vizos", r"saskait\w* uz (elektr|duj|vanden)\w*", r"internet\w*",
        r"vandentiek\w*", r"vaiko pinig\w*",
        # ro
        r"politi\w*", r"furt(ul)?", r"spargere", r"medic(ul)?( de familie)?", r"spital\w*",
        r"ret(e|i)t\w*", r"alocati\w*", r"somaj\w*", r"pensi(a|e|ei)", r"pasaport\w*",
        r"viz(a|e)", r"factur\w* (la|de) (gaz|curent|apa|internet)", r"internet\w*",
        # pt
        r"policia", r"crime", r"roubo", r"roubaram\w*", r"assalt\w*", r"furto", r"medic[oa]",
        r"centro de saude", r"hospital", r"receita", r"subsidio\w*", r"abono",
        r"seguranca social", r"pensao", r"passaporte\w*", r"autorizacao de residencia",
        r"fatura\w* (da|de) (luz|agua|gas|internet)", r"internet",
    ]
)  # fmt: skip


# The words that make the conversation put someone through at once from any step (cannot get
# up, nobody helping, in danger, badly hurt: `vocabulary.URGENT_WORDS`, kind "urgent"), in
# every language: the classifiers read them as harm too, so both layers agree.
_URGENT = word_pattern(
    re.escape(w)
    for w in sorted(
        {fold(p) for kinds in URGENT_WORDS.values() for p in kinds.get("urgent", ())},
        key=len,
        reverse=True,
    )
)


def other_agency_cues(text: str) -> list[str]:
    """Return the words in `text` (folded) that name a service another body runs (police,
    NHS, benefits, passports, utilities, broadband, TV licence), in any of the five languages."""
    return [m.group(0) for m in _OTHER_AGENCY_CUES.finditer(fold(text))]


def strong_risk_cues(text: str) -> list[str]:
    """Return the words in `text` (folded) that on their own say someone is being harmed,
    controlled, exploited or cannot get up, in any of the five languages."""
    return list(remembered("strong_risk_cues", text, _strong_risk_cues))


def _strong_risk_cues(text: str) -> tuple[str, ...]:
    folded = _NOT_HARM.sub(" ", fold(text))
    found = [m.group(0) for m in _STRONG_RISK_CUES.finditer(folded)]
    return (*found, *(m.group(0) for m in _URGENT.finditer(folded)))


def emergency_cues(text: str) -> list[str]:
    """Return the words in `text` (folded) that name an emergency for 999 or the gas network
    (gas, fire), in any of the five languages."""
    return [m.group(0) for m in _EMERGENCY_CUES.finditer(fold(text))]


def risk_cues(text: str) -> list[str]:
    """Return the words in `text` (folded) that suggest someone is at risk of harm: abuse,
    violence, neglect, children left alone, fear, in any of the five languages.

    Classifiers use them as a safety net towards `safeguarding`, where a false alarm (an
    urgent person) costs far less than a miss.
    """
    return list(remembered("risk_cues", text, _risk_cues))


def _risk_cues(text: str) -> tuple[str, ...]:
    folded = _NOT_HARM.sub(" ", fold(text))
    return tuple(m.group(0) for m in _RISK_CUES.finditer(folded))
