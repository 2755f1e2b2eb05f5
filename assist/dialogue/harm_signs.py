"""Signs of harm people tell indirectly, in five languages: concepts `harm` adds to its lists.

Regular expressions over folded text (lower case, no accents, apostrophes dropped), each
concept in English, Polish, Lithuanian, Romanian and Portuguese: a child's abuse told as a
secret or as photos, sexual coercion by someone with power, a child put out of the home,
children not fed, stalking, hate and bullying, money pressed out of an older person, neglect
in care, work for food, self-neglect. `SIGNS` suggest harm (a softer cue); `STRONG_SIGNS` on
their own say someone is being harmed. Written by category, not from any evaluation sentence;
where a word also names a council matter (a wet nappy bin, mould in the bath, a van at the
tip), the pattern asks for a person as well.
"""

from __future__ import annotations

SIGNS: tuple[str, ...] = (
    # a child's abuse told indirectly: a secret with an adult, sweets, videos on a phone
    r"(its|it is|it was|thats) (our|their) (little )?secret", r"our little secret",
    r"(invit|lur|entic|tempt)\w* (\w+ ){0,6}(for|with) (sweets|candy)",
    r"show\w* (\w+ ){0,2}(kids|children|girls|boys|her|him|them) (\w+ ){0,2}"
    r"(videos|films|pictures|photos|clips) (\w+ ){0,2}on (his|her|a|their) (phone|tablet|laptop)",
    r"(nasz|nasza|nasze) (maly |mala )?(sekret|tajemnica)",
    r"zaprasza\w* (\w+ ){0,4}na (slodycze|cukierki)",
    r"pokazuj\w* (\w+ ){0,2}(dzieciom|dziecku|dziewczynkom|chlopcom) (\w+ ){0,4}"
    r"(filmy|filmiki|zdjecia)",
    r"musu (maza )?paslaptis", r"(kviec|kviet|vilio)\w* (\w+ ){0,4}saldain\w*",
    r"rod\w* (\w+ ){0,2}(vaikams|vaikui|mergaitei|mergaitems|berniukui|berniukams) (\w+ ){0,2}"
    r"(filmuk|vaizdo|video|nuotrauk)\w*",
    r"secretul (nostru|lor)", r"(invit|cheam|chem|ademen)\w* (\w+ ){0,5}(dulciuri|bomboane)",
    r"arat\w* (\w+ ){0,2}(copiilor|copilului|fetitei|fetitelor|baietilor|baiatului) (\w+ ){0,3}"
    r"(filme|filmulete|clipuri|poze)",
    r"o nosso segredo", r"(convid|atra)\w* (\w+ ){0,6}(doces|rebucados|guloseimas|gomas)",
    r"mostra\w* (\w+ ){0,3}(videos|filmes|fotos) (\w+ ){0,2}(as|aos|a) "
    r"(criancas|miudos|miudas|meninos|meninas)",
    r"mostra\w* (\w+ ){0,2}(as|aos) (criancas|miudos|miudas|meninos|meninas) (\w+ ){0,2}"
    r"(videos|filmes|fotos)",
    # a child put out of the home, sleeping where no child should, kept out of the house
    r"(threw|throws|throw|thrown|chucked) (him|her|me) out",
    r"(threw|throws|thrown|chucked|kicked) (them|us) out of (the|his|her|their|our) "
    r"(house|home|flat)",
    r"(sleep|sleeps|sleeping|slept) (rough|on the streets?|in (a|the|his|her|their|my) "
    r"(car|van|bus shelter|tent|doorway|shed|stairwell)|on (a |the |my |his |her )?"
    r"(mates|friends|someones) (sofa|couch|floor))",
    r"(cant|cannot|can not|scared to|afraid to|not allowed to) go (back )?home",
    r"(wont|doesnt|dont|didnt|will not|does not|not) let (him|her|them|me|us) (back )?"
    r"(in|into|inside) (the |his |her |their |our |my )?(house|home|flat)",
    r"lock(s|ed|ing)? (him|her|them|me|us) out (of (the|his|her|their|our|my) (house|home|flat)"
    r"|all night|overnight|in the (cold|rain|garden))",
    r"lock(s|ed|ing)? (the kids|the children) out",
    r"wyrzucil\w* (\w+ )?(go|ja|ich|mnie|nas) z domu",
    r"(spi|spal\w*|nocuje|nocowal\w*) (u (kolegi|kolezanki|znajom\w*) na (kanapie|podlodze)"
    r"|na (przystanku|ulicy|klatce)|w (samochodzie|aucie|namiocie|szopie))",
    r"nie (moze|moge|mozemy|moga) wrocic do domu",
    r"nie wpuszcza (\w+ )?(go|jej|ich|mnie|nas) do (domu|mieszkania)",
    r"(ismete|isvare|isvijo)\w* (\w+ )?(ji|ja|juos|mane|mus) (\w+ )?is namu",
    r"miega (pas (draug|drauge)\w* (ant sofos|ant grindu)|(autobusu )?stotel\w*|automobil\w*"
    r"|masinoj\w*|gatvej\w*|palapin\w*)",
    r"negali\w* (grizti|pareiti) (\w+ )?namo",
    r"neileidzia (\w+ )?(ji|ja|jo|jos|juos|manes|musu) (\w+ )?(i namus|namo)",
    r"(dat|aruncat)\w* afara (din casa|de acasa)",
    r"(doarme|dormind|dormea|dorm) (\w+ ){0,2}(in (statia|masina|cort|scara)|pe strada"
    r"|pe canapea la)",
    r"nu se (poate|pot) (intoarce|duce) acasa",
    r"nu (l|o|i|ii|le|ma|ne) (mai )?las\w* (inauntru|in casa)",
    r"expuls\w* (o |a |os |as |me |nos )?de casa",
    r"(pos|poe|poem|puseram) (o|a|os|as) fora de casa",
    r"(me|nos) (poe|poem|pos|puseram) na rua", r"(poe|pos|puseram) (me|nos) na rua",
    r"dorm\w* (\w+ ){0,2}(no sofa (de|do|da) (um |uma )?(amig|colega)\w*|na paragem|no carro"
    r"|na rua|numa tenda)",
    r"nao (pode|posso|podemos|podem) (voltar|ir) para casa",
    r"nao (o|a|os|as|me|nos) deix\w* entrar em casa",
    # children not fed, a parent drunk most days
    r"(hasnt|havent|doesnt|dont|didnt|never|wont|not|isnt) (been )?(fed|feed|feeding) "
    r"(me|us|them|him|her|the (kids|children|baby)|my (kids|children|baby|brothers?|sisters?))",
    r"(drunk|wasted|off (his|her) face) (most|every|all) (days?|nights?|the time)",
    r"(always|constantly) drunk",
    r"nie (karmi|nakarmil\w*) (nas|mnie|dzieci|dziecka|ich)",
    r"nie daje (nam|mi|im|dzieciom) jesc", r"(codziennie|ciagle|caly czas|zawsze) (\w+ )?pijan\w*",
    r"nemaitin\w* (musu|manes|vaiku|ju)", r"neduoda (\w+ )?valgyti",
    r"(kasdien|nuolat|visada) (\w+ )?(girt|isgeres)\w*",
    r"nu (ne|ma|le|ii|i) (mai )?(da|dadea) (sa manance|de mancare|sa mancam|mancare)",
    r"nu (ne|ma|le|ii|il|o) (mai )?hran\w*",
    r"nao (nos|me|lhes|lhe) (da|dava|deu) (de )?comer", r"nao (nos|me|os|as) aliment\w*",
    # stalking: turning up at work or home again and again, following
    r"(keeps?|kept|always) (turning|showing) up (\w+ ){0,2}(outside|at) (my|her|his|our) "
    r"(work|house|home|flat|door|school|office)",
    r"(keeps?|kept|been|is|always|started) following (me|her|him|us)",
    r"(sledzi|nachodzi|przesladuje|nekaj\w*) (mnie|ja|nas|go)",
    r"(mnie|ja|nas|go) (sledzi|nachodzi|przesladuje|nekaj\w*)",
    r"(ciagle|codziennie|wciaz|caly czas) (\w+ )?(czeka|wystaje|pojawia sie|kreci sie) "
    r"(\w+ ){0,2}pod (moja|jej|moim|jego|naszym|nasza) (praca|domem|blokiem|mieszkaniem)",
    r"(seka|sekioja|persekioja|persekiojo) (mane|ja|ji|mus)",
    r"(nuolat|kasdien|vis) (\w+ )?(laukia|pasirodo|sukiojasi) (\w+ ){0,2}prie (mano|jos|musu) "
    r"(darbo|namu|buto)",
    r"(ma|o|ne|il) (tot )?urmareste",
    r"(apare|asteapta)\w* (mereu|tot timpul|zilnic|in fiecare zi) (\w+ ){0,2}(la|in fata) "
    r"(serviciu|munc|cas|bloc)\w* (mea|meu|ei|lui|noastra|nostru)",
    r"(persegue|perseguir|perseguindo) (me|a|o|nos)", r"(anda|esta|continua) a seguir (me|nos)",
    r"aparece\w* (sempre |todos os dias )?(\w+ ){0,2}(a porta|a saida|a frente) (do|da) "
    r"(meu|minha) (trabalho|casa)",
    # hate and bullying: targeted for a disability, filmed and put online, beaten by children
    r"(targeting|targeted|targets|picking on|picks on|pick on|harass\w*|mock\w*"
    r"|bull(y|ied|ies|ying)) (\w+ ){0,4}(because|cos|coz|for being) (\w+ ){0,3}"
    r"(disabled|disability|autis\w*|deaf|blind|wheelchair|learning difficult\w*)",
    r"bull(ied|ying)", r"hate crime",
    r"film\w* (me|him|her) (\w+ ){0,4}(put|post|upload|shar)\w* (\w+ ){0,2}(online|on (tiktok"
    r"|youtube|snapchat|facebook|instagram|the internet|social media))",
    r"(dokuczaj|gnebi|znecaj)\w*",
    r"(nagral|nagrali|sfilmowal\w*) (go|ja|mnie) (\w+ ){0,3}(wrzucil\w*|wstawil\w*"
    r"|opublikowal\w*|umiescil\w*) (\w+ ){0,2}(do internetu|w internecie|na (tiktok|youtube"
    r"|facebook|instagram|snapchat)\w*)",
    r"(tycioj|patyc|uzgaul)\w*",
    r"nufilmav\w* (ji|ja|mane) (\w+ ){0,3}(ikel|patalpin|paskelb)\w* (\w+ ){0,2}(i )?(internet"
    r"|tiktok|youtube|facebook|instagram)\w*",
    r"(il|o|ma|ne|te|ii|le) bat", r"(hartui|agresat)\w*",
    r"(m|l|o|i) au filmat (\w+ ){0,4}(pus|postat|urcat|publicat)\w* (\w+ )?(pe|in) (internet"
    r"|tiktok|youtube|facebook|instagram|net|retele)\w*",
    r"bullying", r"(gozam|goza) com (ele|ela|eles|elas)",
    r"filma\w* (no|na|me|o|a) (\w+ ){0,3}(puseram|pos|poem|publica|partilha|posta|mete)\w* "
    r"(\w+ ){0,2}(na|no|nas) (internet|tiktok|youtube|facebook|instagram|redes)\w*",
    # money pressed out of an older person: watched over at the bank, more and more, prizes
    r"(come|be) back if (i|she|he|we) (dont|do not|wont|will not|didnt)",
    r"to the (bank|cash ?machine|cashpoint|post office) (\w+ ){0,5}(stood|stands|standing"
    r"|watched|watching) (right )?(next to|beside|over|behind) (me|her|him|them)",
    r"do banku (\w+ ){0,5}(stal|stala|stoi|stali|pilnowal\w*) (obok|przy|nad)",
    r"i bank\w* (\w+ ){0,5}(stovejo|stovi|stoveti) (salia|prie|greta)",
    r"la banca (\w+ ){0,5}(a stat|sta|statea|stateau) (langa|alaturi|lipit)",
    r"ao banco (\w+ ){0,5}(ficou|fica|esteve|estava) (sempre )?(ao (meu|seu) lado|ao lado|junto)",
    r"(sent|sends|sending|paid|pays|paying|gave|give|giving|spent) (\w+ ){0,5}"
    r"(to (claim|get|collect|release|receive)|for) (a |the |her |his |their )?(prize|winnings)",
    r"(lottery|prize draw|sweepstakes?) (letters|mail|scams?)",
    r"(kaz|zmusza|wymusza|zada)\w* (\w+ ){0,2}(placic|zaplacic|dawac|dac) (\w+ ){0,2}coraz wiecej",
    r"list\w* (\w+ ){0,2}(loteri|nagrod)\w*",
    r"(zeby|aby|by) (\w+ )?(odebrac|dostac|otrzymac) (\w+ )?(nagrod|wygran)\w*",
    r"(verc|priver|reikalauj)\w* (\w+ ){0,2}(moketi|sumoketi|duoti) (\w+ ){0,2}vis daugiau",
    r"loterij\w* (\w+ )?laisk\w*", r"(kad gautu|atsiimti) (\w+ )?priz\w*",
    r"(issiunt|atidav|perved|sumokej)\w* (\w+ ){0,2}santaup\w*",
    r"(pune|obliga|forteaza)\w* (\w+ ){0,2}sa (ii |i )?plate\w* (\w+ ){0,2}(tot )?mai mult",
    r"scrisori (\w+ ){0,2}(loteri|premi)\w*",
    r"(sa|ca sa) (\w+ )?(primeasca|ridice|incaseze) (\w+ )?(premiul|castigul)",
    r"pagar (\w+ ){0,2}cada vez mais", r"cartas (\w+ ){0,2}(lotaria|sorteio|premio)\w*",
    r"(para|pra) (receber|levantar|resgatar) (o|um) premio",
    # neglect in care: pills to keep someone quiet, sores, weight lost, found on the floor
    r"(give|gives|giving|gave|given) (\w+ ){0,2}too many (pills|tablets|sedatives|sleeping pills)",
    r"(giv\w*|gave|drug\w*|dos\w*|sedat\w*) (\w+ ){0,5}(to )?keep (her|him|them) (quiet|asleep"
    r"|docile|sedated|knocked out)",
    r"(pressure|bed) sores?", r"lost (\d+ ?(kg|kilos|stone)|(loads|a lot|so much) of weight)",
    r"found (him|her|them|my (mum|dad|mother|father|nan|gran|grandad|grandma|husband|wife)) "
    r"(\w+ ){0,2}on the floor",
    r"no food in the fridge", r"(thinner|skinnier) and (thinner|skinnier|more confused|confused)",
    r"(caly|cala) (zasikan\w*|w moczu|w kale)",
    r"nikt (do )?(niego|niej|nich) nie (zaglada|zagladal\w*|przychodzi)", r"odlezyn\w*",
    r"(daja|daje|podaja|podaje) (\w+ ){0,2}za duzo (tabletek|lekow|lekarstw|srodkow)",
    r"(tablet|lek|srodk)\w* (\w+ ){0,4}(zeby|by|aby) (byla|byl|byli) (cicho|spokojn\w*)",
    r"(bardzo|strasznie|mocno) schudl\w*", r"schudl\w* (\d+|bardzo|duzo|strasznie)",
    r"znalazl\w* (go|ja|mame|tate|babcie|dziadka) (\w+ )?na podlodze",
    r"lezal\w* (\w+ ){0,2}na podlodze (od|cala|caly|przez)", r"coraz (chudsz|bardziej zagubion)\w*",
    r"pragul\w*", r"(duoda|duoti) (\w+ ){0,2}per daug (vaist|tablet|raminam)\w*",
    r"(vaist|tablet|raminam)\w* (\w+ ){0,4}kad (butu|guletu|miegotu) (ram\w*|tyl\w*)",
    r"(labai|smarkiai|baisiai) suly\w*", r"(numet|suly)\w* \d+ (kg|kilogram\w*)",
    r"(radau|rado) (ja|ji|mama|teti|mociute|seneli) (\w+ )?ant grindu",
    r"gulejo ant grindu", r"niekas (pas (ji|ja) )?neuzeina",
    r"(da|dau|dat) (\w+ ){0,2}prea multe (pastile|medicamente|calmante|sedative)",
    r"(pastile|medicamente|calmante|sedative) (\w+ ){0,3}(ca )?sa (stea|fie|doarma) (\w+ )?"
    r"(linistit|cumint|adormit|potolit)\w*",
    r"escar\w*", r"rani (\w+ )?(la spate|de decubit|pe spate|de presiune)",
    r"a slabit (\d+|foarte|mult|enorm)\w*", r"(l|o) am gasit (\w+ ){0,2}(pe jos|pe podea)",
    r"(da|dao|dar|deu|deram) (\w+ ){0,2}(comprimidos|medicamentos|calmantes) a mais",
    r"(comprimidos|medicamentos|calmantes|sedativos) (\w+ ){0,3}para (a |o )?(manter|ficar|estar) "
    r"(\w+ )?(calm|quiet|sossegad|a dormir)\w*",
    r"ulceras de pressao", r"perdeu (muito|imenso|\d+ (kg|quilos)) (de )?peso",
    r"emagreceu (muito|imenso|\d+)", r"cada vez mais magr\w*",
    r"encontrei (o|a) ((meu|minha) (pai|mae|avo|marido|mulher) )?no chao",
    # work for nothing
    r"work\w* (\w+ ){0,2}for nothing", r"pracuj\w* (\w+ ){0,2}za darmo",
    r"dirb\w* (\w+ ){0,2}(uz dyka|veltui)",
    r"(munc|lucr)\w* (\w+ ){0,2}(pe gratis|degeaba|fara bani)", r"trabalh\w* (\w+ ){0,2}de graca",
    # self-neglect: drinking all day, falling in the street night after night, robbed
    r"(he|she|they|hes|shes|theyre|who) (\w+ )?(drinks|drinking|drunk) (\w+ )?(all day"
    r"|from morning (till|to|until) night|morning noon and night)",
    r"(falls|falling|fell|keeps falling) (over |down )?(in|on) the (street|road|pavement) "
    r"(\w+ ){0,2}(every|most) (night|evening)s?",
    r"robbed (him|her|them) (twice|again|\w+ times)",
    r"pije (\w+ )?(caly dzien|cale dnie|od rana)",
    r"(przewraca|upada) (sie )?(\w+ )?na ulicy (\w+ ){0,2}(co noc|co wieczor)",
    r"geria (\w+ )?(visa diena|nuo ryto|kiekviena diena|be perstojo)",
    r"(griuva|krenta|parkrenta|pargriuva) (\w+ ){0,2}gatvej\w* (\w+ ){0,2}(kas vakar\w*"
    r"|kasnakt)",
    r"bea (\w+ )?(toata ziua|de dimineata|zi de zi|in fiecare zi|non stop)",
    r"cade (\w+ ){0,2}pe strada (\w+ ){0,3}(in fiecare (seara|noapte)|seara de seara)",
    r"bebe (\w+ )?(o dia todo|todo o dia|desde manha|de manha a noite)",
    r"cai (\w+ ){0,2}(na rua|no chao) (\w+ ){0,2}todas as noites", r"(o|a) roubaram",
    # a child punished for hours, left out late on the step, out underdressed
    r"(made|makes|making|make) (him|her|them|the (kids|children|child|little \w+|\w+ (girl|boy)))"
    r" (\w+ )?(stand|kneel) (\w+ ){0,4}for hours",
    r"(in|wearing) (just|only) (a|her|his) (nappy|vest|underwear|pants|knickers)",
    r"(he|she|hes|shes|boy|girl|kid|kids|child|children|lad|little \w+) (\w+ ){0,3}"
    r"(sat|sitting|sits) (\w+ )?on the (door)?step (\w+ ){0,5}(every night|all night"
    r"|till (gone )?(late|ten|eleven|midnight))",
    r"(kaze|kazal\w*) (jej|mu|im|dziecku|dzieciom|corce|synowi) (\w+ ){0,2}(stac|kleczec) "
    r"(\w+ ){0,3}godzin\w*",
    r"(liepia|verc\w*) (jai|jam|vaikui|vaikams|ja|ji) (\w+ ){0,2}(stoveti|klupeti) (\w+ ){0,3}"
    r"valand\w*",
    r"sa stea (\w+ ){0,3}(in picioare|in genunchi) (\w+ ){0,3}ore",
    r"(obriga|poe|faz)\w* (\w+ )?(a |o |os |as )?(ficar|estar) (de pe|de joelhos) (\w+ ){0,3}horas",
)  # fmt: skip

STRONG_SIGNS: tuple[str, ...] = (
    # photos of a child in the bath or undressed, sex demanded by someone with power
    r"(photo|picture|pic|video|film)\w* of (her|him|them|me|the (kids|children|child|girl|boy)"
    r"|my (son|daughter|kids|children)|a (child|girl|boy)) (\w+ ){0,2}(in the bath|in the shower"
    r"|undressed|naked|with no clothes|in (her|his|their) (underwear|pants|knickers))",
    r"(films|filming|filmed|photographs|photographing|photographed) (her|him|them|me"
    r"|the (kids|children)) (\w+ ){0,2}(in the bath|in the shower|undressed|naked)",
    r"if (i|she|we) (dont|do not|wont|will not|didnt|refuse to) (sleep|have sex) with (him|her)",
    r"unless (i|she|we) (sleeps?|has sex|have sex) with (him|her)",
    r"(wants?|asks?|asked|expects?|demands?|told|pressur\w*|forc\w*|mak\w*) (me|her) (to )?"
    r"(sleep|have sex) with (him|her|them)",
    r"sex (for|instead of) (the )?rent",
    r"(jej|mu|im|dziecku|dzieciom|ja|go|je) (\w+ ){0,2}(zdjeci|film|nagra|fotograf)\w* (\w+ ){0,3}"
    r"(w wannie|w kapieli|pod prysznicem|nago|nagiej|nagie|bez ubrania|rozebran\w*)",
    r"(jesli|jak|jezeli) (sie )?(z nim|z nia) (sie )?nie (przespi|przespa)\w*",
    r"(zada|kaze|zmusza)\w* (\w+ ){0,3}(przespa|przespi|sypia)\w* (\w+ )?z (nim|nia)",
    r"(zebym|zeby) (sie )?(z nim|z nia) (sie )?(przespa|sypia)\w*",
    r"(zebym|zeby) (sie )?(przespa|sypia)\w* (sie )?z (nim|nia)",
    r"nie (\w+ )?(przespi|przespa)\w* (\w+ )?z (nim|nia)",
    r"seks\w* (za|w zamian za) (czynsz|mieszkanie|pokoj)",
    r"(fotografuo|filmuo|nufilmav|nufotografav)\w* (ja|ji|vaika|vaikus|mergaite|berniuka|dukra"
    r"|sunu) (\w+ ){0,2}(vonioje|duse|nuog\w*|be drabuziu|nusirengus\w*)",
    r"(jos|jo|vaiko|vaiku|mergaites) (\w+ )?nuotrauk\w* (\w+ ){0,2}(vonioje|nuog\w*|be drabuziu)",
    r"(jei|jeigu) (\w+ )?nemiego\w* su (juo|ja)",
    r"(reikalauja|verc\w*|liepia) (\w+ ){0,2}(miegoti|permiegoti) su (juo|ja)",
    r"seks\w* (uz|vietoj) nuom\w*",
    r"(ii|o|il|le|i) (face|facea|a facut|fac) (poze|fotografii|filmulete) (\w+ ){0,3}(in cada"
    r"|la dus|dezbracat\w*|in pielea goala|goala|gol)",
    r"(o|il|ii|le) (filmeaza|fotografiaza|a filmat|a fotografiat) (\w+ ){0,3}(in cada|la dus"
    r"|dezbracat\w*|in pielea goala|goala|gol)",
    r"(daca|sa) (nu )?(ma|te) (culc|culci) cu (el|ea)", r"sex\w* (in schimbul|pentru) chiri\w*",
    r"(tira|tirou|tirava|faz|fez|fazia) (lhe |lhes )?(fotos|fotografias|videos) (\w+ ){0,3}"
    r"(no banho|nua|nu|despid\w*|sem roupa)",
    r"(filma|fotografa|filmou|fotografou|filmava|fotografava) (a|o|as|os) (\w+ ){0,2}(no banho"
    r"|nua|despid\w*|sem roupa)",
    r"se (eu |ela )?nao (dormir|for para a cama|tiver (relacoes|sexo)) com (ele|ela)",
    r"(quer que (eu|ela)|exige que (eu|ela)|obriga\w* (me |a )?a) (\w+ )?(durma|dormir"
    r"|va para a cama|tenha (relacoes|sexo)) com (ele|ela)",
    r"sexo (em troca|pela|pelo) (\w+ )?(renda|aluguel|quarto)",
    # a tracker on a car or phone, stalking
    r"(put|puts|fitted|installed|hid|hidden|found|placed)\w* (a )?(tracker|tracking device"
    r"|gps tracker) (on|in|under) (my|her|his|our|the) (car|phone|bag|van)",
    r"stalk(ing|ed|er|ers)", r"stalks (me|her|him|us|them)", r"stalkuj\w*",
    r"(lokalizator|nadajnik)\w* (\w+ ){0,3}(samochod|aut|telefon)\w*",
    r"(sekikl|sekimo (irengin|prietais))\w* (\w+ ){0,3}(automobil|masin|telefon)\w*",
    r"(tracker|dispozitiv de urmarire|localizator)\w* (\w+ ){0,3}(masin|telefon)\w*",
    r"(localizador|rastreador)\w* (\w+ ){0,3}(carro|telemovel|telefone)\w*",
    # spat at, tipped out of a wheelchair
    r"(spit|spits|spat|spitting) (at|on) (me|her|him|us|them)",
    r"(tipped|pushed|knocked|threw|thrown|tip|tips) (\w+ )?(me|her|him|them) out of "
    r"(my|her|his|their|the) wheelchair",
    r"(pluj\w*|oplu\w*) (na )?(mnie|nia|niego|nas|ja|go)",
    r"(wywrocil\w*|wyrzucil\w*|zrzucil\w*) (\w+ ){0,2}z wozka",
    r"apspjaud\w*", r"spjaud\w* (i|ant) (mane|ja|ji|mus)",
    r"(isverte|nustume|ismete)\w* (\w+ ){0,2}is (\w+ )?vezimel\w*",
    r"(il|o|ma|ne|te|ii|i|le|m|l) (a |au )?scuip\w*", r"scuip\w* (pe|in) (mine|ea|el|noi|fata)",
    r"(rasturnat|aruncat|impins)\w* (\w+ ){0,3}din (scaunul cu rotile|carucior)",
    r"(cuspi\w*|cosp\w*) (em|na|no|para) (mim|ela|ele|nos|cara|cima)",
    r"(atira|empurr|deit|tira)\w* (\w+ ){0,3}(da|fora da) cadeira de rodas",
    # an older person made to pay a worker more and more
    r"(mak\w*|pressur\w*|forc\w*) (me|her|him) (into |to )?pay(ing)? (him|her) "
    r"(more|extra|again|cash|everything)",
    # neglect in care: left in wet sheets, tied to a bed
    r"(leave|leaves|left|leaving|lying|lies|lay|lain) (\w+ ){0,2}in (a |the |his |her |their )?"
    r"(wet|soaked|soaking|soiled|urine soaked)( wet)? (sheets|bed|bedding|pads?|nappy|nappies)",
    r"(hands|arms|wrists|legs) (\w+ ){0,2}tied (to|up)", r"tied to (the|her|his|a) (bed|chair)",
    r"przywiazan\w* (\w+ ){0,2}(rece|rekami|nogi|do lozka)",
    r"(rece|nogi) (\w+ ){0,2}przywiazan\w*",
    r"(zostawia|zostawil|lezy|lezal)\w* (\w+ ){0,2}w (mokr|brudn|zasikan)\w* "
    r"(poscieli|lozku|pieluch\w*|przescieradl\w*)",
    r"pririst\w* (\w+ ){0,2}(rankos|rankas|kojos|prie lovos)",
    r"(rankos|kojos) (\w+ ){0,2}pririst\w*",
    r"(palieka|paliko|palikdavo|guli|gulejo) (\w+ ){0,2}slapi\w* (paklod|lov|patal)\w*",
    r"(l|o|i) (au|a) legat (\w+ )?de (pat|scaun)", r"(mainile|picioarele) (\w+ )?legate",
    r"(lasa|lasat\w*|sta|zace|zacea) (\w+ ){0,2}in (cearsaf|asternut)\w* ud\w*",
    r"(amarrad|atad)\w* (a|na|em) cama", r"(maos|pes|bracos) (\w+ )?(amarrad|atad)\w*",
    r"(deix\w*|fica\w*|est\w*) (\w+ ){0,2}(em|nos|com os) lencois (molhad|encharcad|urinad|suj)\w*",
    # work for food, identity documents kept by the boss
    r"work\w* (\w+ ){0,3}(for (their|his|her|our|my) food|for food|for scraps)(?! bank| standards)",
    r"(took|taken|takes|keeps|kept|has|holds|holding|taking) (my|our|their|her|his) "
    r"(id cards?|identity (cards?|documents))",
    r"(passports?|id cards?|ids|identity (cards?|documents)|documents) (were |are |was |is )?"
    r"(kept |locked )?(in|inside) (his|her|their|the bosss) (drawer|safe|desk)",
    r"pracuj\w* (\w+ ){0,2}za (jedzenie|wikt|miske)",
    r"(paszport|dowod|dokument)\w* (\w+ ){0,3}w (jego|jej|ich) (szufladzie|sejfie)",
    r"dirb\w* (\w+ ){0,2}uz (maista|valgi)",
    r"(pasus|pasai|dokument\w*) (\w+ ){0,3}(jo|jos) (stalciuje|seife)",
    r"(munc|lucr)\w* (\w+ ){0,2}(doar )?(pe|pentru) mancare",
    r"(acte|actele|pasapoart|buletin)\w* (\w+ ){0,3}(in )?sertarul (lui|ei|sefului|patronului)",
    r"trabalh\w* (\w+ ){0,3}(a troco de|pela|por|so pela|so por) comida",
    r"(documentos|passaportes|cartoes de (cidadao|identidade)) (\w+ ){0,3}(na )?gaveta "
    r"(dele|dela|do patrao)",
)  # fmt: skip
