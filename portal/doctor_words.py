"""The doctors' lexicon (portal/lexique-medecins.yaml): pathologies, body regions, trades, statuses, acronyms and
typed durations, each leading to a situation of the vocabulary, or to the general one with the orientation tree."""

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import Field

from portal.models import FicheId, Orientation, Situation, Strict, Terme, Text

LEXICON = Path(__file__).with_name("lexique-medecins.yaml")
GENERAL = "generale"  # the family's `situation` that leads to the general situation


class Famille(Strict):
    """Words of one kind (pathologies of a CIM-10 chapter, trades…) and the situation they lead to."""

    nom: Text
    situation: Text  # a vocabulary situation's name, or « generale »
    mots: list[Text] = Field(min_length=1)


class Duree(Strict):
    """A typed duration of sick leave beyond `jours` leads to this vocabulary situation."""

    situation: Text
    jours: int = Field(gt=0)


class Generale(Strict):
    """The situation shown for a pathology or a trade that no fiche names."""

    nom: Text
    note: Text
    fiches: list[FicheId] = Field(min_length=1)
    orientation: list[Orientation] = Field(min_length=1)


class Lexique(Strict):
    """portal/lexique-medecins.yaml."""

    generale: Generale
    duree: Duree
    familles: list[Famille] = Field(min_length=1)
    sigles: list[Terme] = []


@lru_cache(maxsize=1)
def doctor_lexicon(path: Path = LEXICON) -> Lexique:
    """The lexicon, read once per process (it ships with the code, not with the content)."""
    return Lexique.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def general_situation(lexique: Lexique) -> Situation:
    """« Quelle que soit la pathologie ou le métier », with its fiches and tree entries."""
    generale = lexique.generale
    return Situation(nom=generale.nom, fiches=generale.fiches, note=generale.note, orientation=generale.orientation)


def family_situations(
    lexique: Lexique, vocabulaire: tuple[Situation, ...], general: Situation
) -> list[tuple[Situation, list[str]]]:
    """(situation, words) for each family whose situation exists in this content's vocabulary (`general` for the
    families of the general situation)."""
    by_name = {situation.nom: situation for situation in vocabulaire}
    found = []
    for famille in lexique.familles:
        situation = general if famille.situation == GENERAL else by_name.get(famille.situation)
        if situation is not None:
            found.append((situation, famille.mots))
    return found


_UNITS = {"j": 1, "jour": 1, "jours": 1, "sem": 7, "semaine": 7, "semaines": 7, "mois": 30, "an": 365, "ans": 365}
_UNITS |= {"annee": 365, "annees": 365}
# « depuis 4 mois », « 90 jours d'arrêt », « arrêt de 6 semaines », « depuis 1 an » (folded text).
_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
DURATION = re.compile(r"\b(?:depuis\s+|pendant\s+|de\s+|d\s)?(\d{1,4})\s*(" + _UNIT + r")\b")


def duration_days(folded: str) -> tuple[int, tuple[int, int]] | None:
    """The longest duration typed in `folded` text, in days, and where it stands; None if there is none."""
    found = [(int(m.group(1)) * _UNITS[m.group(2)], m.span()) for m in DURATION.finditer(folded)]
    return max(found) if found else None
