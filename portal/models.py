"""The content formats: every YAML key declared once, typed, with its meaning; unknown keys are errors."""

import re
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from portal.text import slug

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
FicheId = Annotated[str, Field(pattern=ID_PATTERN)]

Etape = Literal["sans-arret", "pendant-arret", "reprise", "apres-inaptitude"]
Public = Literal["salarie", "independant", "interimaire", "demandeur-emploi", "agent-public", "employeur"]
Statut = Literal["verifie", "a-verifier"]
# Fields of a contact or a fiche that only editors see: never in a public page, the API or the exports.
EDITORS_ONLY_FIELDS = frozenset({"note_editeurs", "confirme_par"})
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
# When to act on a line of an orientation result, in the order of the visit: its heading on the result page.
Quand = Literal["maintenant", "ensuite", "selon"]
QUAND: dict[str, str] = {"maintenant": "À faire maintenant", "ensuite": "Ensuite", "selon": "Selon la situation"}
MAX_NOW = 5  # « À faire maintenant » lines of one result, at most
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


def _no_formula(value: str) -> str:
    from portal.spreadsheet import looks_like_formula

    if looks_like_formula(value):
        raise ValueError("formule")
    return value


def _domain(value: str) -> str:
    if not re.fullmatch(r"([a-z0-9-]+\.)+[a-z]{2,}|\d{1,3}(\.\d{1,3}){3}", value):  # a name, or an address
        raise ValueError("domaine")
    return value


def _within(host: str, site: str) -> bool:
    return host == site or host.endswith("." + site)


Url = Annotated[str, AfterValidator(_url)]
Domain = Annotated[str, AfterValidator(_domain)]
Phone = Annotated[str, AfterValidator(_phone)]
Email = Annotated[str, AfterValidator(_email)]
Text = Annotated[str, Field(min_length=1)]
PlainText = Annotated[str, AfterValidator(_no_formula)]  # exported to spreadsheets: never run as a formula
ActionText = Annotated[str, Field(min_length=1, max_length=100)]  # one short verb phrase


class Strict(BaseModel):
    """Base of every content model: unknown keys are refused, values are not silently coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True)
    # The docstring under each field is its French meaning: it becomes the description in schemas/.


class Source(Strict):
    """Where a fact comes from: a public page (`url`) or one of the project's source documents."""

    titre: Text  # what the source is, e.g. « ameli.fr, page employeur Essai encadré »
    """Ce qu'est la source, par exemple « ameli.fr, page employeur Essai encadré »."""
    url: Url | None = None
    """L'adresse de la page web de la source (https://…)."""
    document: str | None = None  # a file of shared/sources, e.g. « 002 Carsat BFC 2020 »
    """Le document source du projet, quand la source n'est pas une page web (ex. « faits-pdp.md »)."""
    publie_le: date | None = None  # date shown by the source, when it shows one
    """La date de publication affichée par la source, si elle en affiche une (AAAA-MM-JJ)."""
    vu_le: date  # when an editor read it
    """La date à laquelle un éditeur a lu la source (AAAA-MM-JJ)."""
    primaire: bool = False  # the rule itself, or the organisation speaking for itself; always a web page
    """true pour une source qui dit la règle elle-même : le texte de loi (Légifrance, le Code du travail numérique,
    ou une reproduction fidèle du texte, nommée dans le titre), la page de l'organisme sur ce qu'il fait
    (ameli.fr pour l'Assurance Maladie, agefiph.fr…), une page ou un questions-réponses d'un ministère ou de
    service-public.fr. Elle a toujours une `url`. Pour `portal check`, chaque fiche doit citer au moins une page
    d'un site officiel (Légifrance et les sites en .gouv.fr, service-public.fr, ameli.fr, msa.fr…) ou d'un site
    déclaré dans `sites_propres` : une reproduction sur un autre site ne suffit pas seule. Un cabinet, un
    syndicat, la presse, un compte rendu de réunion ou la note de recherche du portail ne sont pas des sources
    primaires."""

    @model_validator(mode="after")
    def _has_a_place(self) -> "Source":
        if not self.url and not self.document:
            raise ValueError("source-sans-lieu")
        if self.primaire and not self.url:
            raise ValueError("source-primaire-sans-url")
        return self


# Where a primary source may live: the State (Légifrance and every .gouv.fr site), service-public.fr, the social
# security bodies' own sites (ENIM for seafarers), the two handicap funds, the Ordre des médecins and the HAS.
# Any other site counts only when the fiche declares it as the organisation's own (`sites_propres`). Kept short:
# a site is added here only when it speaks for a public body.
OFFICIAL_SITE = re.compile(
    r"(^|\.)(gouv\.fr|service-public\.fr|ameli\.fr|assurance-maladie\.fr|msa\.fr|cnav\.fr|carsat-[a-z-]+\.fr"
    r"|cramif\.fr|enim\.eu|urssaf\.fr|agefiph\.fr|fiphfp\.fr|conseil-national\.medecin\.fr|has-sante\.fr)$"
)


def site_of(url: str) -> str:
    """The host of `url`, lowercase, without « www. » or a trailing dot."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    return host.removeprefix("www.")


class Changement(Strict):
    """A rule that changed: what the older documents said is no longer true since `depuis`."""

    depuis: date
    """La date du changement de règle (AAAA-MM-JJ)."""
    texte: Text
    """Ce qui a changé, et ce que les documents plus anciens disent à tort."""


class TexteSelon(Strict):
    """A text for the salarié that replaces `salarie` when the walk's answers match."""

    si: dict[Annotated[str, Field(pattern=ID_PATTERN)], Annotated[str, Field(pattern=ID_PATTERN)]] = Field(min_length=1)
    """Les réponses d'un parcours d'orientation qui appellent ce texte (question: code), toutes à la fois, par
    exemple `{dispense: oui}` ; `portal check` vérifie que chaque question et chaque code existent dans un arbre."""
    texte: Text
    """Le texte écrit au salarié dans ce cas, à la place de `salarie` sur la feuille à lui remettre."""


class Mobiliser(Strict):
    """How to mobilise the dispositif, told to each audience."""

    medecin_du_travail: str | None = None
    """Comment le mobiliser quand on est médecin du travail."""
    medecin_traitant: str | None = None
    """Comment le mobiliser quand on est médecin traitant."""
    salarie: str | None = None
    """Comment le mobiliser quand on est salarié."""
    salarie_selon: list[TexteSelon] = []
    """D'autres textes au salarié, choisis selon les réponses du parcours d'orientation : le premier dont toutes
    les réponses `si` correspondent remplace `salarie` sur la feuille remise au salarié (une obligation que ces
    réponses écartent n'y est jamais écrite)."""
    employeur: str | None = None
    """Comment le mobiliser quand on est employeur."""

    def case_for(self, answers: dict[str, str]) -> TexteSelon | None:
        """The first `salarie_selon` whose answers `si` all match these, or None."""
        for case in self.salarie_selon:
            if all(answers.get(question) == code for question, code in case.si.items()):
                return case
        return None

    def salarie_for(self, answers: dict[str, str]) -> str | None:
        """The text for the salarié on a walk with these answers: the first `salarie_selon` they match, else
        `salarie`."""
        case = self.case_for(answers)
        return case.texte if case is not None else self.salarie


class Contact(Strict):
    """A functional contact (a service, a switchboard, a generic address): never a named person."""

    nom: Annotated[Text, AfterValidator(_no_formula)]  # the service, e.g. « Service social de la Carsat »
    """Le service, jamais une personne, par exemple « Service social de la Carsat, Côte-d'Or »."""
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=60)] | None = None  # set when the contact is renamed
    """L'identifiant stable du contact dans l'annuaire publié (data·inclusion), quand il n'est plus tiré du nom :
    l'import et le formulaire des éditeurs le posent quand le contact change de nom (c'est l'ancien nom, sans
    accents), pour que les services qui réutilisent l'annuaire le reconnaissent. Ne pas le modifier."""
    telephone: Phone | None = None
    """Le numéro de téléphone du service, par exemple « 02 97 00 00 00 »."""
    email: Email | None = None
    """L'adresse électronique générique du service."""
    adresse: PlainText | None = None
    """L'adresse postale."""
    site: Url | None = None
    """Le site web du service (https://…)."""
    horaires: PlainText | None = None
    """Les horaires d'ouverture ou d'accueil téléphonique."""
    formulaire: Url | None = None
    """Le formulaire de contact en ligne du service (https://…)."""
    annuaire: Url | None = None
    """Une page qui trouve le service local, par exemple « trouver votre MDPH » (https://…)."""
    note: PlainText | None = None
    """Une précision utile au lecteur."""
    source: Source
    """D'où viennent ces coordonnées, et quand elles ont été lues."""
    statut: Statut = "a-verifier"
    """« verifie » si les coordonnées ont été confirmées, sinon « a-verifier »."""
    a_verifier: str | None = None  # as on a fiche; optional here, since contacts are « a-verifier » by default
    """Ce qui reste à vérifier pour ce contact, comme pour une fiche (facultatif) ; affiché à côté du contact."""
    note_editeurs: str | None = None  # never on a public page: the editors' area and `portal revue` only
    """Une note pour les éditeurs, jamais affichée au public : d'où viennent ces coordonnées, ce qui a été lu ou
    non, ce qu'il reste à chercher. Elle s'affiche dans l'espace éditeurs et dans `portal revue`."""
    confirme_le: date | None = None  # stamped by the editors' form when a contact is saved as « verifie »
    """La date à laquelle un éditeur a confirmé ces coordonnées (posée par le formulaire de l'espace éditeurs quand
    un contact est enregistré « verifie »)."""
    confirme_par: str | None = None  # editors only, like note_editeurs
    """Le compte de l'éditeur qui a confirmé ces coordonnées : jamais affiché au public, seulement dans l'espace
    éditeurs."""

    @property
    def stable_id(self) -> str:
        """The key of this contact in the published directory: `id` when set, else its name as a slug."""
        return self.id or slug(self.nom)

    @property
    def reachable(self) -> bool:
        """The reach rule: a phone, an email, a contact form or a page that finds the local office."""
        return bool(self.telephone or self.email or self.formulaire or self.annuaire)


RegionCode = Annotated[str, Field(pattern=r"^\d{2}$")]
DepartementCode = Annotated[str, Field(pattern=r"^(\d{2}|2A|2B|97\d)$")]


class Zone(Strict):
    """Where a fiche applies, when not everywhere in France: régions (INSEE codes) or départements."""

    regions: list[RegionCode] = []
    """Les codes INSEE des régions où la fiche s'applique, par exemple « 53 » pour la Bretagne."""
    departements: list[DepartementCode] = []
    """Les codes des départements où la fiche s'applique, par exemple « 56 »."""
    note: str | None = None
    """Une précision sur la zone, par exemple « accueille aussi des patients des régions voisines »."""

    @model_validator(mode="after")
    def _names_a_place(self) -> "Zone":
        if not self.regions and not self.departements:
            raise ValueError("zone-vide")
        return self


# The fields of a fiche that a point « à vérifier » can be attached to: each is shown on the fiche's page, and the
# note is shown right there.
Champ = Literal[
    "resume",
    "description",
    "publics",
    "etapes",
    "rqth",
    "conditions",
    "qui_demande",
    "duree",
    "remuneration",
    "mobiliser",
    "references_legales",
    "changements",
    "hors_champ",
    "zone",
    "joindre",
    "si_aucun_contact",
]


class PointAVerifier(Strict):
    """One point of a fiche still to check, shown right beside the field it concerns (not as a banner)."""

    champ: Champ
    """Le champ de la fiche concerné (par exemple « duree » ou « remuneration ») : la note s'affiche à cet
    endroit de la page. Le champ doit être rempli dans la fiche."""
    texte: Text
    """Ce qui reste à vérifier, écrit pour le lecteur, par exemple « la durée maximale n'est pas confirmée par
    une source officielle »."""


class Archive(Strict):
    """A fiche taken out of the portal: its address redirects to the fiche that replaces it."""

    le: date
    """La date du retrait (AAAA-MM-JJ)."""
    remplacee_par: FicheId
    """L'id de la fiche actuelle vers laquelle l'adresse de cette fiche redirige (par exemple « amenagement-poste »)."""
    raison: Text
    """Pourquoi la fiche est retirée, par exemple « aucune source primaire ne confirme que le dispositif existe
    encore »."""


class Fiche(Strict):
    """One acteur or dispositif (the kind comes from the folder: content/acteurs or content/dispositifs)."""

    id: FicheId  # must equal the file name; part of public URLs, never changes
    """L'identifiant : égal au nom du fichier, il fait partie des adresses publiques et ne change jamais."""
    type: Literal["dispositif", "acteur"]  # not written in YAML: the loader sets it from the folder
    """Dispositif ou acteur : déduit du dossier, ne s'écrit pas dans le fichier."""
    titre: Text
    """Le nom de la fiche, tel qu'il s'affiche."""
    sigle: str | None = None
    """Le sigle usuel, par exemple « CRPE »."""
    alias: list[Text] = []  # other and old names (Sameth, contrat de rééducation…), found by search
    """Les autres noms et anciens noms (Sameth, contrat de rééducation…), trouvés par la recherche."""
    resume: Text  # one sentence a médecin reads in five seconds
    """Une phrase qu'un médecin lit en cinq secondes."""
    description: Text  # paragraphs separated by a blank line
    """Le texte de la fiche ; une ligne vide sépare les paragraphes."""
    publics: list[Public] = []
    """Pour qui : salarie, independant, interimaire, demandeur-emploi, agent-public, employeur."""
    etapes: list[Etape] = []
    """À quelle étape : sans-arret, pendant-arret, reprise, apres-inaptitude."""
    rqth: Rqth | None = None
    """Si la RQTH est nécessaire : requise, non-requise ou facilite."""
    conditions: list[Text] = []
    """Les conditions à remplir, une par ligne."""
    qui_demande: list[Text] = []  # who requests or prescribes it
    """Qui le demande ou le prescrit, un par ligne."""
    duree: str | None = None
    """La durée."""
    remuneration: str | None = None  # pay and funding
    """La rémunération et le financement."""
    mobiliser: Mobiliser | None = None
    """Comment le mobiliser, selon qui lit (médecin du travail, médecin traitant, salarié, employeur)."""
    apporter: list[Text] = []  # the documents the person brings, only those the sources name
    """Les documents que la personne apporte ou joint à sa démarche, seulement ceux que les sources citent (ex. « le
    certificat médical de votre médecin traitant ») : la feuille remise au salarié les reprend."""
    references_legales: list[Text] = []  # « Art. L323-3-1 du Code de la sécurité sociale »
    """Les références juridiques, par exemple « Art. L323-3-1 du Code de la sécurité sociale »."""
    changements: list[Changement] = []
    """Les règles qui ont changé, avec leur date."""
    hors_champ: str | None = None  # what the fiche does not cover and where to go instead
    """Ce que la fiche ne couvre pas, et où aller à la place."""
    liees: list[FicheId] = []  # related fiches
    """Les ids des fiches liées."""
    acteurs: list[FicheId] = []  # for a dispositif: the acteurs to contact for it
    """Pour un dispositif : les ids des acteurs à contacter."""
    zone: Zone | None = None  # absent: the fiche applies everywhere in France
    """Où la fiche s'applique, si ce n'est pas partout en France : régions ou départements."""
    joindre: list[Contact] = []  # for an acteur: its national means, each reachable (the reach rule)
    """Pour un acteur : comment le joindre au niveau national (numéro, courriel, formulaire, page qui trouve
    le service local) ; chaque moyen a au moins un téléphone, un courriel, un formulaire ou un annuaire."""
    recense_localement: bool = True  # false: a role with no office to list per département (the doctors)
    """Pour un acteur : false pour un rôle qui n'a pas d'antenne à recenser dans chaque département (le médecin du
    travail, le médecin traitant) ; la couverture et la liste à faire des éditeurs le laissent alors de côté."""
    si_aucun_contact: str | None = None  # what to do when the portal knows no way to reach it
    """Pour un acteur : que faire quand le portail ne connaît aucun moyen de le joindre, par exemple « le service
    de santé au travail de l'employeur, indiqué sur la fiche de paie ou par l'employeur »."""
    sources: list[Source] = Field(min_length=1)
    """Les sources de la fiche (au moins une), avec leur date."""
    sites_propres: list[Domain] = []  # the organisation's own sites: a primary source may come from them
    """Les domaines des sites de l'organisme que décrit la fiche, sans « https:// » (par exemple
    « transitionspro.fr ») : une page de ces sites compte comme source primaire, comme
    Légifrance, un site en .gouv.fr ou ameli.fr."""
    anciens_ids: list[FicheId] = []  # ids this fiche had before a rename: their addresses redirect here
    """Les anciens ids de la fiche, si elle a été renommée : les anciennes adresses (/fiches/<ancien-id>)
    redirigent vers elle."""
    archive: Archive | None = None  # set: the fiche is out of the portal, its address redirects
    """À remplir pour retirer la fiche du portail : elle sort de la recherche, des arbres, des listes et de l'API,
    et son adresse redirige vers la fiche qui la remplace. Pour la rétablir, retirez ce bloc et citez une source
    primaire."""
    mis_a_jour: date
    """La date de la dernière relecture de la fiche (AAAA-MM-JJ)."""
    revision_mois: int = Field(default=6, ge=1, le=36)  # review period
    """Tous les combien de mois relire la fiche (6 par défaut, de 1 à 36)."""
    responsable: str | None = None  # the team that keeps the fiche (never a person)
    """L'équipe qui tient la fiche, jamais une personne."""
    statut: Statut
    """« verifie » si la fiche a été confirmée, sinon « a-verifier »."""
    a_verifier: str | None = None  # what is still to check, required when statut is a-verifier
    """Ce qui rend la fiche entière incertaine ; obligatoire quand le statut est « a-verifier », affiché en tête
    de la fiche (« À vérifier avant d'agir »). Un doute sur un point précis va dans `a_verifier_points`."""
    a_verifier_points: list[PointAVerifier] = []  # minor doubts, each shown at its field
    """Les points précis qui restent à vérifier, chacun affiché à côté du champ qu'il concerne (« À vérifier :
    … ») ; une fiche « verifie » peut en avoir."""
    note_editeurs: str | None = None  # never on a public page: the editors' area and `portal revue` only
    """Une note pour les éditeurs, jamais affichée au public : ce qui a été lu ou non, d'où vient un fait, ce
    qu'il reste à chercher. Elle s'affiche dans l'espace éditeurs (/editeurs/revue) et dans `portal revue`."""

    @property
    def primary_sources(self) -> list[Source]:
        """The pages that speak for the rule itself: those on an official site or on one of the fiche's own sites."""
        own = set(self.sites_propres)
        return [
            source
            for source in self.sources
            if source.url
            and (OFFICIAL_SITE.search(site_of(source.url)) or any(_within(site_of(source.url), s) for s in own))
        ]

    @model_validator(mode="after")
    def _explains_what_to_check(self) -> "Fiche":
        if self.statut == "a-verifier" and not self.a_verifier:
            raise ValueError("a-verifier-sans-explication")
        return self


class LocalContact(Contact):
    """A contact of one acteur in one département."""

    acteur: FicheId
    """L'id de l'acteur dont c'est l'antenne locale."""
    pour: list[FicheId] = []  # dispositifs this contact handles, when narrower than the acteur's
    """Les ids des dispositifs que ce contact traite, quand c'est moins que tout ce que fait l'acteur."""


class Territoire(Strict):
    """One département's local contacts (content/territoires/<code>.yaml)."""

    departement: DepartementCode
    """Le code du département, égal au nom du fichier (« 56 », « 2A », « 974 »)."""
    mis_a_jour: date
    """La date de la dernière relecture du fichier (AAAA-MM-JJ)."""
    responsable: str | None = None
    """L'équipe qui tient ce territoire, jamais une personne."""
    contacts: list[LocalContact] = []
    """Les contacts locaux des acteurs dans le département."""


class Region(Strict):
    """One région's contacts, for every département of the région (content/regions/<code>.yaml)."""

    region: RegionCode
    """Le code INSEE de la région, égal au nom du fichier (« 53 » pour la Bretagne, « 27 » pour la
    Bourgogne-Franche-Comté)."""
    mis_a_jour: date
    """La date de la dernière relecture du fichier (AAAA-MM-JJ)."""
    responsable: str | None = None
    """L'équipe qui tient cette région, jamais une personne."""
    contacts: list[LocalContact] = []
    """Les contacts régionaux des acteurs (Carsat, Transitions Pro, délégation Agefiph, PRITH…)."""


class Terme(Strict):
    """A glossary entry: an acronym or a synonym, its expansion, and the fiche it points to."""

    terme: Text  # « RQTH », « mi-temps thérapeutique »
    """Le sigle ou l'expression, par exemple « RQTH » ou « mi-temps thérapeutique »."""
    definition: Text  # the expansion or a one-line meaning
    """Ce que veut dire le sigle, ou le sens en une ligne."""
    synonymes: list[Text] = []  # other spellings searched as the same thing
    """Les autres écritures, cherchées comme le même mot."""
    fiche: FicheId | None = None
    """L'id de la fiche vers laquelle le terme mène."""
    ancien: bool = False  # an old name, kept so that searches for it land on the current fiche
    """true pour un ancien nom, gardé pour que la recherche mène à la fiche actuelle."""


class Glossaire(Strict):
    """content/glossaire.yaml."""

    termes: list[Terme]
    """Les termes du glossaire."""


class Orientation(Strict):
    """A way into an orientation tree for a situation: a label and the address of one step of the walk."""

    libelle: Text
    """Le texte du lien, par exemple « Orienter un salarié en arrêt de travail »."""
    adresse: Annotated[str, Field(pattern=r"^/orientation/[a-z0-9-]+(\?[^\s#]*)?$")]
    """L'adresse d'une étape d'un arbre d'orientation : « /orientation/ », l'id de l'arbre, puis les réponses
    déjà données (question=réponse, séparées par « & »), par exemple
    « /orientation/medecin-du-travail?etape=pendant-arret »."""


class Situation(Strict):
    """A situation or pathology in the words a doctor types, and the fiches that matter for it, in order."""

    nom: Text  # shown as « AVC : voici les fiches utiles »
    """Le nom de la situation, tel qu'il s'affiche (« AVC : voici les fiches utiles ») ; il est cherché aussi."""
    mots: list[Text] = []  # synonyms, spellings, the words of a plain question
    """Les synonymes et les mots qu'un médecin tape pour cette situation (« accident vasculaire cérébral »,
    « hémiplégie ») ; une recherche qui contient l'un d'eux, ou le nom, montre la situation."""
    fiches: list[FicheId] = Field(min_length=1)
    """Les ids des fiches utiles dans cette situation, de la plus utile à la moins utile : elles passent en tête
    des résultats, dans cet ordre."""
    note: str | None = None
    """Une phrase affichée sous le nom, vraie au vu des fiches et des sources (ce que le portail ne couvre pas,
    par exemple)."""
    orientation: list[Orientation] = []
    """Les entrées de l'arbre d'orientation qui conviennent à cette situation, proposées avec les fiches."""


class Vocabulaire(Strict):
    """content/vocabulaire.yaml: the situations a doctor searches by name, and their fiches."""

    situations: list[Situation] = Field(min_length=1)
    """Les situations, pathologies et questions courantes, avec les mots des médecins et les fiches utiles."""


# Orientation trees (trees/<id>.yaml) and their « cas types » (trees/<id>.cas.yaml).

Code = Annotated[str, Field(pattern=ID_PATTERN)]


class Reponse(Strict):
    """One answer of a question: its code (the value in the URL) is the key it is written under."""

    libelle: Text
    """Ce que lit le médecin sur le bouton, par exemple « En arrêt de travail »."""
    aide: str | None = None
    """Une précision sous le libellé, par exemple « dès 30 jours d'arrêt »."""


class Question(Strict):
    """A question of a tree: its id is the URL parameter, each answer's code is a value of it."""

    texte: Text
    """La question posée, par exemple « Où en est la personne ? »."""
    titre_court: Text
    """Le nom de la question dans le récapitulatif des réponses, par exemple « Étape »."""
    aide: str | None = None
    """Une ligne d'aide sous la question."""
    reponses: dict[Code, Reponse] = Field(min_length=2)
    """Les réponses possibles : le code (dans l'adresse) puis son libellé."""


class Noeud(Strict):
    """A step of the walk: which question it asks, and where each answer leads."""

    question: Code
    """L'id de la question posée à cette étape (une clé de `questions`)."""
    suites: dict[Code, Code] = Field(min_length=1)
    """Pour chaque réponse proposée ici, dans l'ordre d'affichage : l'étape ou le résultat qui suit."""
    aide: str | None = None
    """Une ligne d'aide propre à cette étape, à la place de celle de la question."""
    libelles: dict[Code, Text] = {}
    """Des libellés propres à cette étape, à la place de ceux de la question (réponse: libellé)."""
    implique: dict[Code, dict[Code, Code]] = {}
    """Les réponses qu'une réponse donne d'office (ex. apres-inaptitude: {statut: salarie}) : elles ne sont
    pas posées ensuite et comptent dans les combinaisons vérifiées."""


class Ligne(Strict):
    """A line of a result: a fiche with the reason it applies here and when to act, or a named group of lines."""

    fiche: FicheId | None = None
    """L'id de la fiche proposée."""
    raison: Text | None = None
    """Pourquoi elle s'applique ici, en une phrase vraie au vu des sources."""
    quand: Quand = "ensuite"
    """Quand agir, dans l'ordre de la consultation : « maintenant » (la ligne va dans « À faire maintenant », cinq
    au plus par résultat, avec son `action`), « ensuite » (les étapes qui suivront ; c'est la valeur quand la clé
    est absente) ou « selon » (seulement dans certaines situations que l'arbre ne demande pas : lésion cérébrale,
    hospitalisation, région, RQTH obtenue…)."""
    action: ActionText | None = None
    """Pour une ligne « maintenant » (obligatoire) : ce que fait le médecin, un verbe et son objet, par exemple
    « Demander la visite de pré-reprise »."""
    bloc: Code | None = None
    """L'id d'un bloc de `blocs`, à la place d'une fiche : ses lignes s'insèrent ici, chacune avec son `quand`."""


class Bloc(Strict):
    """Lines shared by several results (e.g. what a RQTH opens), written once."""

    fiches: list[Ligne] = Field(min_length=1)
    """Les fiches du bloc, chacune avec sa raison et son `quand` (pas de bloc dans un bloc)."""


class Resultat(Strict):
    """Where a walk ends: the fiches to mobilise, each with when to act; the page shows them in the order of the
    visit (maintenant, ensuite, selon)."""

    titre: Text
    """Le titre du résultat, par exemple « Pendant l'arrêt : préparer le retour au même poste »."""
    fiches: list[Ligne] = Field(min_length=1)
    """Les fiches proposées, chacune avec sa raison et son `quand`, ou des blocs ; dans chaque groupe (maintenant,
    ensuite, selon), la page garde l'ordre écrit ici."""


class SansObjet(Strict):
    """A combination of answers that deliberately has no result, and why."""

    reponses: dict[Code, Code] = Field(min_length=1)
    """Les réponses de la combinaison (question: code) ; une question absente vaut pour toutes ses réponses."""
    raison: Text
    """Pourquoi aucun résultat n'est prévu, par exemple « l'avis d'inaptitude ne concerne que les salariés »."""


class Arbre(Strict):
    """One orientation tree (trees/<id>.yaml): questions, steps and results, all explicit."""

    id: Code
    """L'identifiant : déduit du nom du fichier, ne s'écrit pas."""
    titre: Text
    """Le titre de l'arbre, par exemple « Médecin du travail : orienter un salarié »."""
    pour: Text
    """Qui l'utilise, par exemple « médecin du travail »."""
    introduction: Text
    """Une ou deux phrases affichées avant la première question."""
    debut: Code
    """L'id de la première étape (une clé de `noeuds`)."""
    questions: dict[Code, Question] = Field(min_length=1)
    """Les questions, chacune écrite une fois ; leur id est le paramètre de l'adresse."""
    noeuds: dict[Code, Noeud] = Field(min_length=1)
    """Les étapes du parcours : la question posée et la suite de chaque réponse."""
    resultats: dict[Code, Resultat] = Field(min_length=1)
    """Les résultats où mènent les parcours."""
    blocs: dict[Code, Bloc] = {}
    """Des groupes de fiches partagés par plusieurs résultats."""
    couverture: list[Code] = []
    """Les questions dont chaque combinaison de réponses doit mener à un résultat (ex. etape, statut,
    situation) ; `portal check` signale celles qui n'y mènent pas."""
    sans_objet: list[SansObjet] = []
    """Les combinaisons de `couverture` qui n'ont volontairement pas de résultat, avec la raison."""


class CasType(Strict):
    """A worked case: answers, and the fiches the result must (and must not) propose."""

    nom: Text
    """Le cas en une ligne, par exemple « cariste en arrêt depuis 4 mois, RQTH en cours »."""
    source: str | None = None
    """D'où vient le cas, par exemple « faits-pdp.md §5, question 1 »."""
    reponses: dict[Code, Code] = Field(min_length=1)
    """Les réponses données (question: code)."""
    resultat: Code | None = None
    """L'id du résultat attendu, si le cas le fixe."""
    doit_proposer: list[FicheId] = []
    """Les fiches qui doivent figurer dans le résultat."""
    ne_doit_pas_proposer: list[FicheId] = []
    """Les fiches qui ne doivent pas y figurer."""
    feuille_doit_dire: list[Text] = []
    """Des mots que la feuille remise au salarié doit contenir (sans tenir compte des majuscules)."""
    feuille_ne_doit_pas_dire: list[Text] = []
    """Des mots que la feuille remise au salarié ne doit pas contenir, par exemple une obligation que les réponses
    écartent (« reprendre le paiement de votre salaire » pour un apprenti)."""


class CasTypes(Strict):
    """trees/<id>.cas.yaml: the worked cases of one tree, run by `portal check` and by the tests."""

    cas: list[CasType] = Field(min_length=1)
    """Les cas types de l'arbre."""
