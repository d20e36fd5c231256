"""Spot text that looks like patient data (a NIR, a date of birth beside a name) before it is stored.

The text is normalised first (NFKC, every Unicode digit made ASCII, invisible characters dropped), so that
fullwidth, Arabic or Devanagari digits and no-break spaces hide nothing. A NIR is found in any spacing, with or
without its key, even a wrong one; a date of birth is a date whose year can be one (at least 14 years ago) that
follows a birth word (« née le », « DDN »), stands within a few words of a name (« Mme Durand », « Jean Dupont »
in any case), or sits right against a word that is not a preposition (« Dupont, 12/03/1975 »): the dates of
documents and events are introduced by one (« le », « du », « depuis »), or follow a document's name.
"""

import re
import unicodedata
from datetime import date

from portal.first_names import first_names
from portal.text import fold

NIR_MESSAGE = (
    "Votre texte semble contenir un numéro de sécurité sociale (NIR). Pour protéger les patients, "
    "ce formulaire n'accepte aucune donnée qui identifie une personne : retirez ce numéro et décrivez "
    "seulement l'erreur de la fiche."
)
BIRTH_MESSAGE = (
    "Votre texte semble contenir une date de naissance, ou un nom à côté d'une date. Pour protéger les patients, "
    "ce formulaire n'accepte aucune donnée qui identifie une personne : retirez le nom et la date, "
    "et décrivez seulement l'erreur de la fiche."
)


def normalise(text: str) -> str:
    """NFKC, then every Unicode decimal digit as its ASCII digit; format characters (zero-width space, soft
    hyphen…) dropped: they are invisible and would split a number."""
    out = []
    for char in unicodedata.normalize("NFKC", text):
        if char.isascii():
            out.append(char)
        elif (digit := unicodedata.decimal(char, None)) is not None:
            out.append(str(digit))
        elif unicodedata.category(char) != "Cf":
            out.append(char)
    return "".join(out)


# --- NIR -----------------------------------------------------------------------------------------------------

# What people put between the groups of a number: spaces, dots, dashes, slashes, underscores, brackets.
_SEP = r"[\s./\\_()\[\]\-\u2010-\u2015\u2212·]"
# A run of digits and separators (Corsica's 2A/2B inside), not glued to another digit; letters may touch it
# (« NIR255… », « n°SS1… »).
_RUN = re.compile(rf"(?<![0-9])[0-9](?:[0-9]|(?<=2)[AaBb](?={_SEP}*[0-9])|{_SEP}+(?=[0-9]))*")
_PIECES = re.compile(rf"{_SEP}+")
# Sex (1-4, 7, 8), year, month, département (2A/2B for Corsica), commune, order number, then maybe the key.
_NIR_SHAPE = re.compile(r"([1-478])([0-9]{2})([0-9]{2})([0-9]{2}|2[AB])([0-9]{3})([0-9]{3})([0-9]{2})?")


def nir_key_is_valid(digits13: str, key: int) -> bool:
    """The NIR key rule: 97 - (number mod 97); Corsica's 2A and 2B count as 19 and 18 in the number."""
    department = {"2A": "19", "2B": "18"}.get(digits13[5:7].upper(), digits13[5:7])
    number = digits13[:5] + department + digits13[7:]
    return number.isascii() and number.isdigit() and 97 - int(number) % 97 == key


def _nir_shape(chars: str) -> re.Match | None:
    match = _NIR_SHAPE.fullmatch(chars)
    if match is None:
        return None
    _sex, _year, month, department, _commune, order, _key = match.groups()
    # Months 20-42 and 50-99 exist for people born abroad or without a known month.
    month_number = int(month)
    if not (1 <= month_number <= 12 or 20 <= month_number <= 42 or 50 <= month_number <= 99):
        return None
    return match if department != "00" and order != "000" else None


# Words that say a number is a file's, not a person's: a 13-digit number after one of them is no NIR.
_FILE_WORDS = re.compile(
    r"(?<!\w)(?:dossier|r[ée]f[ée]rence|r[ée]f|facture|commande|ticket|demande|agefiph|fiphfp|convention|"
    r"siret|siren|finess|rpps|adeli)(?!\w)[^.!?\n]{0,30}$",
    re.IGNORECASE,
)


def _nir_in_run(run: str, before: str) -> bool:
    pieces = [piece.upper() for piece in _PIECES.split(run) if piece]
    whole = "".join(pieces)
    # 15 characters in the NIR's shape are one, whatever the key (a typo stays a NIR); 13 too, unless a word
    # before them says they number a file (« dossier Agefiph n° 2210512345678 »).
    if len(whole) == 15 and _nir_shape(whole):
        return True
    if len(whole) == 13 and _nir_shape(whole) and not _FILE_WORDS.search(before):
        return True
    # In a longer run of numbers (« NIR 1 85 … 91 12/03/1985 »): whole groups that make a NIR with a valid key.
    for start in range(len(pieces)):
        chars = ""
        for piece in pieces[start:]:
            chars += piece
            if len(chars) >= 15:
                break
        if len(chars) == 15 and _nir_shape(chars) and nir_key_is_valid(chars[:13], int(chars[13:])):
            return True
    return False


def find_nir(text: str) -> str | None:
    """The first NIR found in `text` (normalised), with or without its key; None if there is none."""
    text = normalise(text)
    for match in _RUN.finditer(text):
        if _nir_in_run(match.group(0), text[max(0, match.start() - 60) : match.start()]):
            return match.group(0).strip()
    return None


# --- Date of birth beside a name ------------------------------------------------------------------------------

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}  # fmt: skip
_MONTH = r"(?:janvier|janv|jan|f[ée]vrier|f[ée]vr|f[ée]v|mars|avril|avr|mai|juin|juillet|juil|ao[ûu]t|septembre|sept|sep|octobre|oct|novembre|nov|d[ée]cembre|d[ée]c)\.?"  # noqa: E501
_NUM_SEP = r"\s*[/.\-]\s*"
_DATE = re.compile(
    rf"(?<![0-9])(?:"
    rf"(?P<d1>[0-9]{{1,2}})(?P<s1>{_NUM_SEP}|\s)(?P<m1>[0-9]{{1,2}})(?P=s1)(?P<y1>[0-9]{{4}}|[0-9]{{2}})"
    rf"|(?P<y2>[0-9]{{4}}){_NUM_SEP}(?P<m2>[0-9]{{1,2}}){_NUM_SEP}(?P<d2>[0-9]{{1,2}})"
    rf"|(?P<d3>[0-9]{{1,2}}|1\s?er)\s+(?P<n3>{_MONTH})\s+(?P<y3>[0-9]{{4}}|[0-9]{{2}})"
    rf"|(?<!\w)(?P<n4>{_MONTH})\s+(?P<y4>[0-9]{{4}})"
    rf"|(?P<m5>[0-9]{{1,2}}){_NUM_SEP}(?P<y5>[0-9]{{4}})"
    rf"|(?P<d6>[0-9]{{2}})(?P<m6>[0-9]{{2}})(?P<y6>(?:19|20)[0-9]{{2}})"
    rf")(?![0-9])",
    re.IGNORECASE,
)
# né, née, nés, nées, né(e), and without accents nee, nees (never « ne », the negation).
_BORN = r"n(?:é|ée|és|ées|é\(e\)|ee|ees|e\(e\))"
_BIRTH_WORD = re.compile(rf"(?<!\w)(?:{_BORN}|naissance|naiss\.|ddn|d\.d\.n\.?)(?!\w)[^.!?\n]{{0,24}}$", re.IGNORECASE)
# « née en 1975 », « né en 62 »: a year alone says a birth only after a birth word.
_BORN_IN_YEAR = re.compile(rf"(?<!\w){_BORN}\s+(?:en\s+|l'an\s+)?([0-9]{{4}}|[0-9]{{2}})(?![0-9])", re.IGNORECASE)

_WORD = r"[^\W\d_](?:[\w'’-]*[^\W\d_])?"
_ARTICLE = r"(?-i:le|la|les|l'|l’|du|de|des|d'|d’|un|une|en|et|à|au|aux)(?!\w)"
_CIVILITY = re.compile(
    rf"(?<!\w)(?:m\.|mr\.?|mme\.?|mlle\.?|monsieur|madame|mademoiselle|dr\.?|docteur|pr\.?|professeur)\s+"
    rf"(?!{_ARTICLE}){_WORD}",
    re.IGNORECASE,
)
_WORD_PAIR = re.compile(rf"(?=(?<![\w'’])({_WORD})\s+({_WORD}))")
# Words that introduce a date without naming anyone: prepositions, articles, weekdays, documents, places.
_INTRODUCERS_TEXT = """
    le la les l du de des d au aux en et ou a par pour sur sous dans depuis des avant apres jusqu jusqua jusquau
    vers entre ce cet cette ces son sa ses leur leurs notre votre nos vos mon ma mes un une que qui dont ni puis
    lundi mardi mercredi jeudi vendredi samedi dimanche date datee datees dates jour jours mois semaine
    annee an ans fin debut mi courant environ vers partir compter effet vigueur echeance limite
    loi lois decret decrets arrete arretes circulaire ordonnance instruction note courrier lettre mail courriel
    message page pages fiche brochure plaquette depliant guide site version edition publication parution
    publie publiee paru parue mis mise maj modifie modifiee signe signee jo jorf bo officiel officielle texte
    reforme convention accord avenant deliberation decision jugement arret avis rapport compte rendu reunion
    seance permanence ouverture fermeture ferme fermee ouvert ouverte cree creee source vu vue consulte
    consultee rue avenue place boulevard bd av allee impasse quai cours chemin route square
"""
_INTRODUCERS = frozenset(_INTRODUCERS_TEXT.split())
# Capitalised words of the field that are not names: acronyms and institutions.
_NOT_NAMES_TEXT = """
    cpam mdph prith rqth spst sst carsat msa crpe esrp espo pmsmp cep tpt sameth agefiph fiphfp urssaf dreets
    ars caf ccas chu ch insee rh cse cap emploi france travail pole assurance maladie comete transitions pro
    pdp ameli service social medical medecin conseil directeur directrice cellule mairie region departement
"""
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())
_NEAR = 60  # characters between a name and a date for the pair to read as « who, born when »
_SKIP_BEFORE = re.compile(r"[\s,;:()\[\]\-\u2010-\u2015«»\"'’]*$")
_SKIP_AFTER = re.compile(r"^[\s,;:()\[\]\-\u2010-\u2015«»\"'’]*")


def _is_first_name(word: str) -> bool:
    names = first_names()
    return all(part in names for part in fold(word).lower().split("-"))


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and fold(word) not in _NOT_NAMES


def _names(text: str) -> list[tuple[int, int]]:
    """Where a person's name is: a civility and a word, a first name beside another word (any case), or a word
    in capitals beside a capitalised one (« DUPONT Jean »)."""
    spans = [match.span() for match in _CIVILITY.finditer(text)]
    for match in _WORD_PAIR.finditer(text):
        first, second = match.group(1), match.group(2)
        folded = (fold(first), fold(second))
        if any(word in _INTRODUCERS or word in _NOT_NAMES for word in folded):
            continue
        upper_pair = (first.isupper() and len(first) > 1 and second[:1].isupper() and not second.isupper()) or (
            second.isupper() and len(second) > 1 and first[:1].isupper() and not first.isupper()
        )
        if (
            _is_first_name(first)
            or _is_first_name(second)
            or (upper_pair and _capitalised(first) and _capitalised(second))
        ):
            spans.append((match.start(1), match.end(2)))
    return spans


def _year_of(match: re.Match) -> tuple[int, int, int | None] | None:
    """(year as written, month, day) of a date match, None when it is no calendar date."""
    groups = match.groupdict()
    for day_key, month_key, year_key in (("d1", "m1", "y1"), ("d2", "m2", "y2"), ("d6", "m6", "y6")):
        if groups[year_key]:
            if groups.get("s1") is not None and groups["s1"].isspace() and len(groups["y1"] or "") != 4:
                return None  # « 12 03 75 » is more likely part of a phone number
            day, month, year = int(groups[day_key]), int(groups[month_key]), groups[year_key]
            return (year, month, day) if _valid(year, month, day) else None
    if groups["y3"]:
        day = 1 if groups["d3"].lower().endswith("er") else int(groups["d3"])
        month = _MONTHS[fold(groups["n3"]).rstrip(".")]
        return (groups["y3"], month, day) if _valid(groups["y3"], month, day) else None
    if groups["y4"]:
        return (groups["y4"], _MONTHS[fold(groups["n4"]).rstrip(".")], None)
    if groups["y5"] and 1 <= int(groups["m5"]) <= 12:
        return (groups["y5"], int(groups["m5"]), None)
    return None


def _valid(year: str, month: int, day: int) -> bool:
    try:
        date(int(year) if len(year) == 4 else 2000 + int(year), month, day)
    except ValueError:
        return False
    return True


def _birth_year_possible(year: str, today: date) -> bool:
    if len(year) == 2:
        return True  # « 12/03/75 »: too short to judge, a two-digit year is suspect enough
    return 1900 <= int(year) <= today.year - 14


def _stands_against_a_word(text: str, start: int, end: int) -> bool:
    """True when the date touches a word that is no preposition (« Dupont, 12/03/1975 »), or, opening the
    sentence, a capitalised word (« 12/03/1975 DUPONT Jean »)."""
    before = text[: _SKIP_BEFORE.search(text[:start]).start()]
    word = re.search(rf"{_WORD}$", before)
    if word:
        return re.split(r"['’]", fold(word.group(0)))[-1] not in _INTRODUCERS
    if before and before[-1] not in ".!?\n":
        return False  # a number or a sign before the date
    after = text[end:]
    after = after[_SKIP_AFTER.match(after).end() :]
    word = re.match(_WORD, after)
    return bool(word) and _capitalised(word.group(0)) and fold(word.group(0)) not in _INTRODUCERS


def find_birth_date_with_name(text: str, today: date | None = None) -> str | None:
    """A date of birth (« Mme Durand, née le 12/03/1975 », « dupont jean 1975-03-12 », « née en 1975 »);
    None if there is none."""
    today = today or date.today()
    text = normalise(text)
    for match in _BORN_IN_YEAR.finditer(text):
        if _birth_year_possible(match.group(1), today):
            return match.group(0)
    names = None
    for match in _DATE.finditer(text):
        found = _year_of(match)
        if found is None or not _birth_year_possible(found[0], today):
            continue
        start, end = match.span()
        if _BIRTH_WORD.search(text[max(0, start - 40) : start]) or _stands_against_a_word(text, start, end):
            return match.group(0)
        if names is None:
            names = _names(text)
        if any(n_end > start - _NEAR and n_start < end + _NEAR for n_start, n_end in names):
            return match.group(0)
    return None


# --- A full name beside a health word or a mobile number ------------------------------------------------------

# Beginnings of folded words that speak of someone's health: illnesses, symptoms, treatments, leave, handicap.
_HEALTH_STEMS_TEXT = """
    malad cancer tumeur leucemi lymphom metasta chimio radiother sclerose diabet epilep avc infarctus cardiaq
    cardiopath hypertens asthm bpco insuffisan dialys greff vih sida seropositi hepatit cirrhos crohn rectocolit
    parkinson alzheimer demence depress anxi burn-out burnout epuisement bipolair schizophren psychos psychiatr
    suicid addict alcool toxicoman lombalg lombalgi lombosciat sciatiq hernie discal cervicalg tendinit
    tendinopath canal carpien capsulit epicondyl arthros arthrit polyarthrit fibromyalg rhumatism spondyl lupus
    mucovisc myopath dystroph paraly paraple tetraple hemiple amput fracture entors luxation trauma commotion
    aveugle malvoyan cecite sourd surdit malentendan acouphen autis dyslex handicap invalid enceinte grossesse
    fausse-couche covid allergi eczema psoriasis obesit anorexi boulimi migrain cephal vertig hospitalis opere
    operation chirurg arret-maladie arret-de-travail inapte inaptitude rqth ald
"""
_HEALTH_STEMS = tuple(_HEALTH_STEMS_TEXT.split())
_HEALTH_SUFFIXES = ("algie", "algies", "pathie", "pathies", "plegie", "plegique", "ectomie", "otomie", "emie")
_HEALTH_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
# A French mobile number (06, 07, +33 6, 0033 7), in any spacing: a person's, never a service's switchboard.
_MOBILE = re.compile(r"(?<![0-9+])(?:(?:\+|00)\s*33\s*(?:\(0\)\s*)?|0)[67](?:[\s.\-]*[0-9]){8}(?![0-9])")
_NAME_NEAR = 100  # characters between a name and what it is said of

NAME_MESSAGE = (
    "Votre texte semble nommer une personne à côté de son état de santé ou d'un numéro de portable. Pour protéger "
    "les patients, ce formulaire n'accepte aucun nom de personne : retirez le nom et décrivez seulement l'erreur "
    "de la fiche."
)


def _full_names(text: str) -> list[tuple[int, int]]:
    """Where a full name stands: a civility and a capitalised word (« Mme Morel »), or a first name and a
    capitalised word side by side in either order (« Camille Roux », « ROUX Camille »)."""
    spans = [match.span() for match in _CIVILITY.finditer(text) if match.group(0).split()[-1][:1].isupper()]
    for match in _WORD_PAIR.finditer(text):
        first, second = match.group(1), match.group(2)
        if not (first[:1].isupper() and second[:1].isupper()):
            continue
        if any(fold(word) in _INTRODUCERS or fold(word) in _NOT_NAMES for word in (first, second)):
            continue
        if _is_first_name(first) or _is_first_name(second):
            spans.append((match.start(1), match.end(2)))
    return spans


# Names of institutions that carry a health word without speaking of anyone's health.
_INSTITUTIONS = re.compile(r"assurance[\s-]+maladie|service[\s-]+medical|sante[\s-]+au[\s-]+travail")


def _speaks_of_health(text: str) -> bool:
    for word in _HEALTH_WORD.findall(_INSTITUTIONS.sub(" ", fold(text).lower())):
        if word.startswith(_HEALTH_STEMS) or word.endswith(_HEALTH_SUFFIXES):
            return True
    return False


def find_name_with_health_or_mobile(text: str) -> str | None:
    """A full name with a health word or a mobile number near it (« Mme Morel a une sclérose en plaques »,
    « appelez Camille Roux au 06 12 34 56 78 »); None if there is none."""
    text = normalise(text)
    for start, end in _full_names(text):
        around = text[max(0, start - _NAME_NEAR) : end + _NAME_NEAR]
        if _MOBILE.search(around) or _speaks_of_health(around.replace(text[start:end], " ")):
            return text[start:end]
    return None


def patient_data_problem(text: str, today: date | None = None) -> str | None:
    """A French explanation when `text` looks like it holds patient data; None when it looks safe."""
    if find_nir(text):
        return NIR_MESSAGE
    if find_birth_date_with_name(text, today):
        return BIRTH_MESSAGE
    if find_name_with_health_or_mobile(text):
        return NAME_MESSAGE
    return None
