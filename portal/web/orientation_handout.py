"""The handout for the salarié: what the médecin proposes now, in words written to the person, and whom to call.

Every acteur the sheet names comes with a way to reach it or a line to write its number by hand and whom to ask
for it; the médecin who hands the sheet over is never someone to find. The sheet is paper for a worker who has a
job: no web or editors' wording (`on_paper`), no number meant for demandeurs d'emploi, « à vérifier » beside each
doubtful contact or fact.
"""

import re
from dataclasses import dataclass
from datetime import date

from portal.catalog import Catalog
from portal.contacts import ActeurContacts, national_group
from portal.models import Contact, Fiche
from portal.serving import contacts_in, current_catalog, current_version
from portal.walk import Walk
from portal.web.orientation_contacts import LocalContacts, add_contacts, national_acteurs, result_in_place

# The worker's service de santé au travail: his médecin du travail, the service and its cellule PDP are one entry on
# the sheet, with a line for its number: the médecin du travail writes his own service's number there; on the
# médecin traitant's sheet the entry says where to find it (the employer displays it).
SANTE_AU_TRAVAIL = ("medecin-du-travail", "spst", "cellule-pdp-spst", "service-medecine-prevention")
# The worker's own doctor: he knows how to reach him, never someone to find (nor a line to fill).
KNOWN_TO_WORKER = ("medecin-traitant",)
# The operators a dispositif lists that serve another public than the worker's: France Travail is the conseil en
# évolution professionnelle of demandeurs d'emploi; a salarié or an indépendant has an operator of his own in his
# région (the `cep` fiche: mon-cep.org), for which the sheet leaves a line.
OTHER_PUBLIC_OPERATORS = {"cep": ("france-travail",)}
# Acteurs whose number is the line of demandeurs d'emploi (France Travail's 39 49): the sheet, handed to someone who
# still has a job, gives their site only, for after a licenciement.
JOB_SEEKERS_ONLY = ("france-travail",)

# Web and editors' wording, meaningless on paper: « le portail ne connaît pas… », « voir la fiche », « cliquez »,
# « elles figurent dans les contacts du département quand elles sont connues », « à vérifier par l'éditeur ».
WEB_WORDING = re.compile(
    r"\bportail\b|\bcliquez\b|\bla fiche\b|\bles fiches\b|\bcette page\b|\bce site\b|\béditeur"
    r"|\bcontacts? (du département|régionaux|locaux|de la région)",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý«])")


def on_paper(text: str | None, drop=None) -> str:
    """`text` without its sentences that speak of the web portal or to its editors: a clause after « ; » goes
    alone, a sentence whose first clause is such wording goes whole (what follows would hang). `drop` rejects
    more clauses after « ; » (an aside that names an acteur the worker has no business with)."""
    kept = []
    for sentence in _SENTENCE.split(" ".join((text or "").split())):
        first, *others = sentence.split(" ; ")
        if WEB_WORDING.search(first):
            continue
        clauses = [first] + [c for c in others if not WEB_WORDING.search(c) and not (drop and drop(c))]
        sentence = " ; ".join(clauses)
        kept.append(sentence if sentence[-1:] in ".!?" else sentence + ".")
    return " ".join(kept)


@dataclass(frozen=True)
class Caller:
    """Whom to call: an acteur, its ways to reach it there (or whom to ask), and the steps it is for."""

    group: ActeurContacts
    pour: list[Fiche]  # none when it is a step itself, or only named
    foreign: frozenset[str] = frozenset()  # acteurs that do not serve the worker: never named in whom to ask

    @property
    def acteur(self) -> Fiche:
        return self.group.acteur

    @property
    def contact(self) -> Contact | None:
        """Its most direct means; None: the sheet leaves a line to write the number, and says whom to ask."""
        return self.group.means[0].contact if self.group.means else None

    @property
    def local_name(self) -> str | None:
        """The name of its office in the place (« Service social de la Carsat — Côte-d'Or »), when it is not the
        acteur's own name; a national means keeps the acteur's name only."""
        means = self.group.means[0] if self.group.means else None
        if means is None or means.portee == "national" or means.contact.nom.startswith(self.acteur.titre):
            return None
        return means.contact.nom

    @property
    def job_seekers_only(self) -> Contact | None:
        """For an acteur whose number serves demandeurs d'emploi only: the contact whose site the sheet gives."""
        if self.acteur.id not in JOB_SEEKERS_ONLY:
            return None
        return next((c for c in (*self.group.contacts, *self.acteur.joindre) if c.site), None)

    @property
    def instead(self) -> str:
        """Whom to ask for its number, in words for paper."""
        names = acteur_names()
        return on_paper(self.group.instead, lambda clause: bool(set(names.in_text(clause)) & self.foreign))

    @property
    def instead_doubtful(self) -> bool:
        """Whether whom to ask is a point the editors still have to check."""
        return any(point.champ == "si_aucun_contact" for point in self.acteur.a_verifier_points)

    @property
    def sites(self) -> list[Contact]:
        """Its entries in the place known by name and site only (a Transitions Pro's site): where to look."""
        return [contact for contact in self.group.mentions if contact.site]


@dataclass(frozen=True)
class Step:
    """A step the salarié takes now: the fiche of a « maintenant » line and its text written to the salarié."""

    fiche: Fiche
    text: str  # the fiche's `mobiliser.salarie`, or the `salarie_selon` text the walk's answers choose


_ADDRESSES = re.compile(r"\S+@\S+|\S*://\S+")


@dataclass(frozen=True)
class ActeurNames:
    """Every acteur's title, acronym and other names, as one pattern: built once per content version."""

    ids: dict[str, str]  # name, casefolded -> acteur id
    pattern: re.Pattern

    @classmethod
    def of(cls, catalog: Catalog) -> "ActeurNames":
        ids = {
            name.casefold(): fiche.id
            for fiche in catalog.of_type("acteur")
            for name in (fiche.titre, fiche.sigle, *fiche.alias)
            if name
        }
        # The longest name first: « service social de la Carsat » is not the Carsat.
        names = "|".join(re.escape(name) for name in sorted(ids, key=len, reverse=True))
        return cls(ids, re.compile(rf"(?<!\w)(?:{names})(?!\w)", re.I))

    def in_text(self, text: str) -> list[str]:
        """The ids of the acteurs `text` names (whole words, any case), in order. Addresses are not names."""
        found = (self.ids[match.group().casefold()] for match in self.pattern.finditer(_ADDRESSES.sub(" ", text)))
        return list(dict.fromkeys(found))


def acteur_names() -> ActeurNames:
    return current_version().derived("noms-des-acteurs", lambda: ActeurNames.of(current_catalog()))


def _group(catalog: Catalog, here: LocalContacts | None, acteur_id: str) -> ActeurContacts | None:
    """An acteur's ways to reach it in the place (None where it does not exist), or nationally."""
    if here is None:
        return national_group(catalog.fiches[acteur_id])
    return next(iter(contacts_in(here.departement, pour=acteur_id)), None)


def _callers(
    catalog: Catalog,
    here: LocalContacts | None,
    steps: list[Step],
    texts: list[str],
    foreign: frozenset[str] = frozenset(),
) -> list[Caller]:
    """The acteurs of the steps that have a way to reach them or that the sheet names, then the others the sheet
    names (in the texts, then in whom to ask, in turn), each once; never the médecin's own service nor the
    worker's own doctor."""
    fiches = [step.fiche for step in steps]
    acteurs = add_contacts(here, catalog, fiches).acteurs if here else national_acteurs(catalog, fiches)
    names = acteur_names()
    named = [acteur_id for text in texts for acteur_id in names.in_text(text)]
    skip = set(SANTE_AU_TRAVAIL) | set(KNOWN_TO_WORKER)
    # An acteur of a step without any means that the sheet does not name (the FIPHFP of an aménagement) would
    # only be a blank line to fill for nothing.
    callers = {}
    for item in acteurs:
        # The operator of another public (France Travail for the CEP) is not the worker's: not « pour » that one.
        pour = [fiche for fiche in item.pour if item.acteur.id not in OTHER_PUBLIC_OPERATORS.get(fiche.id, ())]
        if item.acteur.id in skip or not (pour or item.acteur in fiches or item.acteur.id in named):
            continue
        if item.group.means or item.acteur in fiches or item.acteur.id in named:
            callers[item.acteur.id] = Caller(item.group, [] if item.acteur in fiches else pour, foreign)
    pending = named + [acteur_id for c in callers.values() for acteur_id in names.in_text(c.instead)]
    while pending:
        acteur_id = pending.pop(0)
        if acteur_id in callers or acteur_id in skip:
            continue
        group = _group(catalog, here, acteur_id)
        if group is None:  # it does not exist in the place
            skip.add(acteur_id)
            continue
        callers[acteur_id] = Caller(group, [], foreign)
        pending += names.in_text(callers[acteur_id].instead)
    return list(callers.values())


def handout_context(walk: Walk, place: str) -> dict:
    """What the handout shows: the steps to take now, the steps that may follow, whom to call (in the place when
    it is known, else nationally; a line to write the number when no way is known), the documents to bring. Only
    the fiches' texts to the salarié are used: no reason written to the médecin, no editors' note, no patient
    data."""
    catalog = current_catalog()
    found, view = result_in_place(walk, place)
    lines = view.lines
    here = found if found and found.departement else None
    answers = walk.by_question
    # The text that the walk's answers choose (`salarie_selon`): never an obligation that they rule out.
    steps = [
        Step(fiche, text)
        for fiche, line in lines
        if line.quand == "maintenant" and fiche.mobiliser and (text := fiche.mobiliser.salarie_for(answers))
    ]
    later = [fiche for fiche, line in lines if line.quand == "ensuite"]
    # The worker's public (a salarié agricole is a salarié): an aside naming an acteur that does not serve it (the
    # Agefiph for an agent public) is left out of whom to ask and of the « selon » lines.
    public = {"salarie-agricole": "salarie"}.get(answers.get("statut", ""), answers.get("statut", "salarie"))
    foreign = frozenset(a.id for a in catalog.of_type("acteur") if a.publics and public not in a.publics)
    # « Selon la situation »: what may apply in situations the walk did not ask (an arrêt past 30 days, a RQTH
    # obtained, a stay in rééducation), each in plain words (`_maybe_text`).
    maybe = [(fiche, _maybe_text(fiche, answers, foreign)) for fiche, line in lines if line.quand == "selon"]
    bring: list[str] = []
    for step in steps:
        bring += [item for item in step.fiche.apporter if item not in bring]
    texts = (
        [on_paper(step.text) for step in steps]
        + [" ".join(filter(None, (fiche.titre, fiche.sigle))) for fiche in later]
        + [" ".join(filter(None, (fiche.titre, fiche.sigle, text))) for fiche, text in maybe]
        + bring
    )
    catalog_spst = catalog.fiches.get("service-medecine-prevention" if public == "agent-public" else "spst")
    own_doctor = walk.tree.id == "medecin-du-travail"
    cep = next((fiche for fiche, _line in lines if fiche.id in OTHER_PUBLIC_OPERATORS), None)
    if cep and cep not in [step.fiche for step in steps]:
        texts.append(_to_salarie(cep, answers))  # printed beside the line for its operator: the acteurs it names too
    callers = _callers(catalog, here, steps, texts, foreign)
    listed = {caller.acteur.id for caller in callers} | set(SANTE_AU_TRAVAIL)
    return {
        "steps": steps,
        "later": [fiche for fiche in later if fiche.id not in listed],  # an acteur to call is under « Qui contacter »
        "maybe": maybe,
        "callers": callers,
        # « Votre service de santé au travail : ____ »: the médecin du travail writes it; else where to find it.
        "own_line": own_doctor or _names_sante_au_travail([fiche for fiche, _line in lines], texts),
        "own_where": "" if own_doctor or catalog_spst is None else on_paper(catalog_spst.si_aucun_contact),
        "own_steps": {step.fiche.id for step in steps if step.fiche.id in SANTE_AU_TRAVAIL},
        # An agent public's service is the médecine de prévention of his administration.
        "own_label": "médecine de prévention de votre administration"
        if public == "agent-public"
        else "médecin du travail, cellule de prévention de la désinsertion professionnelle",
        # The CEP's operator for a worker with a job: a line to write it, and where to find it.
        "operator": (cep, cep.id in {step.fiche.id for step in steps}, _to_salarie(cep, answers)) if cep else None,
        "place": here.place if here else None,
        "bring": bring,
        "today": date.today(),
        "on_paper": on_paper,
        "paper_url": paper_url,
    }


def paper_url(url: str) -> str:
    """An address as a person copies it from paper: « cnsa.fr/… », without « https:// », « www. » or a final /."""
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


def _names_sante_au_travail(fiches: list[Fiche], texts: list[str]) -> bool:
    """Whether the sheet speaks of the worker's service de santé au travail: a fiche of the result, an acteur of
    one, or a name in its texts."""
    ids = {fiche.id for fiche in fiches} | {acteur for fiche in fiches for acteur in fiche.acteurs}
    ids |= {acteur for text in texts for acteur in acteur_names().in_text(text)}
    return bool(ids & set(SANTE_AU_TRAVAIL))


def _first_sentence(text: str) -> str:
    """The first sentence of a text: a « selon » line on the sheet says what it is in one sentence."""
    return _SENTENCE.split(text, maxsplit=1)[0]


def _maybe_text(fiche: Fiche, answers: dict[str, str], foreign: frozenset[str]) -> str:
    """What a « selon » line says on the sheet, in plain words: the fiche's text to the salarié that a variant
    chooses for these answers; else, when the fiche has no variant, its summary (`resume`, written for everyone,
    with its conditions: « pendant un arrêt de plus de 30 jours »); none when the fiche has variants for other
    walks only (its general text may speak of an employer to a worker whose contract has ended), or when it names
    an acteur that does not serve the worker (the FIPHFP's « comme l'Agefiph » to an agent public). An acteur has
    its title only: it is under « Qui contacter » with its means."""
    if fiche.type == "acteur":
        return ""  # its title: the acteur is under « Qui contacter », with its means
    mobiliser = fiche.mobiliser
    if mobiliser and mobiliser.case_for(answers):
        text = _first_sentence(_to_salarie(fiche, answers))
    else:
        text = "" if mobiliser and mobiliser.salarie_selon else on_paper(fiche.resume)
    return "" if set(acteur_names().in_text(text)) & foreign else text


def _to_salarie(fiche: Fiche, answers: dict[str, str]) -> str:
    """The fiche's text to the salarié that the walk's answers choose, for paper; empty when it has none."""
    return on_paper(fiche.mobiliser.salarie_for(answers)) if fiche.mobiliser else ""
