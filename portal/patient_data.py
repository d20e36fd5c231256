"""Spot text that looks like patient data (a NIR, a date of birth beside a name) before it is stored."""

import re
from datetime import date

# A NIR: sex, year, month, département (2A/2B for Corsica), commune, order number, then the two-digit key.
# Separators (spaces, dots, dashes) are allowed between the groups, as people type them.
_SEP = r"[\s.\-]?"
_NIR = re.compile(
    rf"(?<![0-9A-Za-z])([1-478]){_SEP}(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{2}}|2[AaBb]){_SEP}(\d{{3}}){_SEP}"
    rf"(\d{{3}}){_SEP}(\d{{2}})(?![0-9A-Za-z])"
)

_MONTHS = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
_DATE = re.compile(
    rf"\b(\d{{1,2}})\s*[/.\-]\s*(\d{{1,2}})\s*[/.\-]\s*(\d{{4}}|\d{{2}})\b"
    rf"|\b(\d{{1,2}}|1er)\s+({_MONTHS})\s+(\d{{4}})\b",
    re.IGNORECASE,
)
_BIRTH_WORDS = re.compile(r"\b(née?s?|date de naissance|naissance|ddn|âgée? de)\b", re.IGNORECASE)
_NAME = re.compile(
    r"\b(M\.|Mr\.?|Mme|Mlle|Monsieur|Madame|Mademoiselle|Dr\.?|Docteur)\s+[A-ZÀ-Ý][\w\-']+"
    r"|\b[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?\s+[A-ZÀ-Ý]{2,}(?:-[A-ZÀ-Ý]{2,})?\b"
    r"|\b[A-ZÀ-Ý]{2,}(?:-[A-ZÀ-Ý]{2,})?\s+[A-ZÀ-Ý][a-zà-ÿ]+\b"
)
# How close (in characters) a name must be to a date for the pair to read as « who, born when ».
_NEAR = 60

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


def nir_key_is_valid(digits13: str, key: int) -> bool:
    """The NIR key rule: 97 - (number mod 97); Corsica's 2A and 2B count as 19 and 18 in the number."""
    department = {"2A": "19", "2B": "18"}.get(digits13[5:7].upper(), digits13[5:7])
    number = digits13[:5] + department + digits13[7:]
    return number.isdigit() and 97 - int(number) % 97 == key


def find_nir(text: str) -> str | None:
    """The first NIR with a valid key found in `text`, as typed; None if there is none."""
    for match in _NIR.finditer(text):
        sex, year, month, dept, commune, order, key = match.groups()
        month_number = int(month)
        # Months 20-42 and 50-99 exist for people born abroad or without a known month.
        if not (1 <= month_number <= 12 or 20 <= month_number <= 42 or 50 <= month_number <= 99):
            continue
        if nir_key_is_valid(sex + year + month + dept + commune + order, int(key)):
            return match.group(0)
    return None


def _birth_year_possible(year: str, today: date) -> bool:
    value = int(year)
    if len(year) == 2:
        return True  # « 12/03/75 »: too short to judge, a two-digit year beside a name is suspect enough
    return 1900 <= value <= today.year - 14


def find_birth_date_with_name(text: str, today: date | None = None) -> str | None:
    """A date of birth next to a name (« Mme Durand, née le 12/03/1975 »); None if there is none."""
    today = today or date.today()
    names = [match.span() for match in _NAME.finditer(text)]
    for match in _DATE.finditer(text):
        year = match.group(3) or match.group(6)
        if not _birth_year_possible(year, today):
            continue
        start, end = match.span()
        before = text[max(0, start - 25) : start]
        near_name = any(n_end > start - _NEAR and n_start < end + _NEAR for n_start, n_end in names)
        if near_name or (_BIRTH_WORDS.search(before) and len(year) == 4 and int(year) <= today.year - 14):
            return match.group(0)
    return None


def patient_data_problem(text: str, today: date | None = None) -> str | None:
    """A French explanation when `text` looks like it holds patient data; None when it looks safe."""
    if find_nir(text):
        return NIR_MESSAGE
    if find_birth_date_with_name(text, today):
        return BIRTH_MESSAGE
    return None
