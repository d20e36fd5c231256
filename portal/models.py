"""The content formats: every YAML key declared once, typed, with its meaning; unknown keys are errors."""

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
FicheId = Annotated[str, Field(pattern=ID_PATTERN)]

Etape = Literal["sans-arret", "pendant-arret", "reprise", "apres-inaptitude"]
Public = Literal["salarie", "independant", "interimaire", "demandeur-emploi", "agent-public", "employeur"]
Statut = Literal["verifie", "a-verifier"]
Rqth = Literal["requise", "non-requise", "facilite"]

ETAPES: dict[str, str] = {
    "sans-arret": "Sans arrêt (en poste)",
    "pendant-arret": "Pendant l'arrêt (pré-reprise)",
    "reprise": "À la reprise",
    "apres-inaptitude": "Après un avis d'inaptitude",
}
PUBLICS: dict[str, str] = {
    "salarie": "Salarié",
    "independant": "Travailleur indépendant",
    "interimaire": "Intérimaire",
    "demandeur-emploi": "Demandeur d'emploi",
    "agent-public": "Agent public",
    "employeur": "Employeur",
}
TYPES: dict[str, str] = {"dispositif": "Dispositif", "acteur": "Acteur"}
RQTH_LABELS: dict[str, str] = {
    "requise": "RQTH (ou autre reconnaissance BOETH) nécessaire",
    "non-requise": "RQTH non nécessaire",
    "facilite": "RQTH non nécessaire, mais elle ouvre des aides en plus",
}


def _url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise ValueError("url")
    return value


def _phone(value: str) -> str:
    if not re.fullmatch(r"\+?[0-9][0-9 .]{1,18}[0-9]", value):
        raise ValueError("telephone")
    return value


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", value):
        raise ValueError("email")
    return value


Url = Annotated[str, AfterValidator(_url)]
Phone = Annotated[str, AfterValidator(_phone)]
Email = Annotated[str, AfterValidator(_email)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    """Base of every content model: unknown keys are refused, values are not silently coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Source(Strict):
    """Where a fact comes from: a public page (`url`) or one of the project's source documents."""

    titre: Text  # what the source is, e.g. « ameli.fr, page employeur Essai encadré »
    url: Url | None = None
    document: str | None = None  # a file of shared/sources, e.g. « 002 Carsat BFC 2020 »
    publie_le: date | None = None  # date shown by the source, when it shows one
    vu_le: date  # when an editor read it

    @model_validator(mode="after")
    def _has_a_place(self) -> "Source":
        if not self.url and not self.document:
            raise ValueError("source-sans-lieu")
        return self


class Changement(Strict):
    """A rule that changed: what the older documents said is no longer true since `depuis`."""

    depuis: date
    texte: Text


class Mobiliser(Strict):
    """How to mobilise the dispositif, told to each audience."""

    medecin_du_travail: str | None = None
    medecin_traitant: str | None = None
    salarie: str | None = None
    employeur: str | None = None


class Contact(Strict):
    """A functional contact (a service, a switchboard, a generic address): never a named person."""

    nom: Text  # the service, e.g. « Service social de la Carsat, Côte-d'Or »
    telephone: Phone | None = None
    email: Email | None = None
    adresse: str | None = None
    site: Url | None = None
    horaires: str | None = None
    note: str | None = None
    source: Source
    statut: Statut = "a-verifier"


class Fiche(Strict):
    """One acteur or dispositif (the kind comes from the folder: content/acteurs or content/dispositifs)."""

    id: FicheId  # must equal the file name; part of public URLs, never changes
    type: Literal["dispositif", "acteur"]  # not written in YAML: the loader sets it from the folder
    titre: Text
    sigle: str | None = None
    alias: list[Text] = []  # other and old names (Sameth, contrat de rééducation…), found by search
    resume: Text  # one sentence a médecin reads in five seconds
    description: Text  # paragraphs separated by a blank line
    publics: list[Public] = []
    etapes: list[Etape] = []
    rqth: Rqth | None = None
    conditions: list[Text] = []
    qui_demande: list[Text] = []  # who requests or prescribes it
    duree: str | None = None
    remuneration: str | None = None  # pay and funding
    mobiliser: Mobiliser | None = None
    references_legales: list[Text] = []  # « Art. L323-3-1 du Code de la sécurité sociale »
    changements: list[Changement] = []
    hors_champ: str | None = None  # what the fiche does not cover and where to go instead
    liees: list[FicheId] = []  # related fiches
    acteurs: list[FicheId] = []  # for a dispositif: the acteurs to contact for it
    contact_national: Contact | None = None  # for an acteur: its national entry point
    sources: list[Source] = Field(min_length=1)
    mis_a_jour: date
    revision_mois: int = Field(default=6, ge=1, le=36)  # review period
    responsable: str | None = None  # the team that keeps the fiche (never a person)
    statut: Statut
    a_verifier: str | None = None  # what is still to check, required when statut is a-verifier

    @model_validator(mode="after")
    def _explains_what_to_check(self) -> "Fiche":
        if self.statut == "a-verifier" and not self.a_verifier:
            raise ValueError("a-verifier-sans-explication")
        return self


class LocalContact(Contact):
    """A contact of one acteur in one département."""

    acteur: FicheId
    pour: list[FicheId] = []  # dispositifs this contact handles, when narrower than the acteur's


class Territoire(Strict):
    """One département's local contacts (content/territoires/<code>.yaml)."""

    departement: Annotated[str, Field(pattern=r"^(\d{2}|2A|2B|97\d)$")]
    mis_a_jour: date
    responsable: str | None = None
    contacts: list[LocalContact] = []


class Terme(Strict):
    """A glossary entry: an acronym or a synonym, its expansion, and the fiche it points to."""

    terme: Text  # « RQTH », « mi-temps thérapeutique »
    definition: Text  # the expansion or a one-line meaning
    synonymes: list[Text] = []  # other spellings searched as the same thing
    fiche: FicheId | None = None
    ancien: bool = False  # an old name, kept so that searches for it land on the current fiche


class Glossaire(Strict):
    """content/glossaire.yaml."""

    termes: list[Terme]
