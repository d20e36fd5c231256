"""A synthetic national directory for performance work: every département, the antennes of every acteur there."""

import json
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

from portal.text import fold

# The national fiches: (id, kind, title, acronym, aliases, étapes, publics).
NATIONAL = [
    (
        "visite-pre-reprise",
        "dispositif",
        "Visite de pré-reprise",
        None,
        ["pré-reprise"],
        ["pendant-arret"],
        ["salarie"],
    ),
    ("visite-reprise", "dispositif", "Visite de reprise", None, [], ["reprise"], ["salarie"]),
    ("rendez-vous-liaison", "dispositif", "Rendez-vous de liaison", None, [], ["pendant-arret"], ["salarie"]),
    ("visite-mi-carriere", "dispositif", "Visite médicale de mi-carrière", None, [], ["sans-arret"], ["salarie"]),
    ("essai-encadre", "dispositif", "Essai encadré", None, ["essai encadré 3 jours"], ["pendant-arret"], ["salarie"]),
    (
        "crpe",
        "dispositif",
        "Convention de rééducation professionnelle en entreprise",
        "CRPE",
        ["contrat de rééducation professionnelle"],
        ["reprise", "apres-inaptitude"],
        ["salarie"],
    ),
    (
        "temps-partiel-therapeutique",
        "dispositif",
        "Temps partiel thérapeutique",
        "TPT",
        ["mi-temps thérapeutique"],
        ["reprise"],
        ["salarie", "independant"],
    ),
    ("amenagement-poste", "dispositif", "Aménagement du poste de travail", None, [], ["sans-arret", "reprise"], []),
    ("bilan-competences", "dispositif", "Bilan de compétences", None, [], ["pendant-arret"], ["salarie"]),
    ("formation-pendant-arret", "dispositif", "Formation pendant l'arrêt de travail", None, [], ["pendant-arret"], []),
    (
        "projet-transition-professionnelle",
        "dispositif",
        "Projet de transition professionnelle",
        "PTP",
        ["CPF de transition"],
        ["sans-arret", "apres-inaptitude"],
        ["salarie"],
    ),
    ("cep", "dispositif", "Conseil en évolution professionnelle", "CEP", [], ["sans-arret", "pendant-arret"], []),
    (
        "pmsmp",
        "dispositif",
        "Période de mise en situation en milieu professionnel",
        "PMSMP",
        ["immersion professionnelle"],
        ["pendant-arret"],
        [],
    ),
    (
        "esrp",
        "dispositif",
        "Établissements et services de réadaptation professionnelle",
        "ESRP",
        ["centre de rééducation professionnelle"],
        ["apres-inaptitude"],
        ["salarie", "demandeur-emploi"],
    ),
    (
        "espo",
        "dispositif",
        "Établissements et services de préorientation",
        "ESPO",
        ["centre de préorientation"],
        ["apres-inaptitude"],
        ["salarie", "demandeur-emploi"],
    ),
    (
        "rqth",
        "dispositif",
        "Reconnaissance de la qualité de travailleur handicapé",
        "RQTH",
        [],
        ["sans-arret", "pendant-arret", "reprise", "apres-inaptitude"],
        [],
    ),
    ("inaptitude-reclassement", "dispositif", "Inaptitude et reclassement", None, [], ["apres-inaptitude"], []),
    (
        "pdp-travailleurs-independants",
        "dispositif",
        "Prévention de la désinsertion des travailleurs indépendants",
        None,
        [],
        ["pendant-arret"],
        ["independant"],
    ),
    ("moaij", "dispositif", "Module d'orientation approfondie des assurés en IJ", "MOAIJ", [], ["pendant-arret"], []),
    (
        "premij",
        "dispositif",
        "Programme de remobilisation précoce des assurés en IJ",
        "PREMIJ",
        [],
        ["pendant-arret"],
        [],
    ),
    ("cap-emploi", "acteur", "Cap emploi", None, ["Sameth"], ["sans-arret", "pendant-arret", "reprise"], []),
    ("comete-france", "acteur", "Comète France", None, [], ["pendant-arret"], ["salarie"]),
    ("agefiph", "acteur", "Agefiph", None, [], ["sans-arret", "reprise"], []),
    (
        "service-social-assurance-maladie",
        "acteur",
        "Service social de l'Assurance Maladie",
        None,
        ["service social de la Carsat"],
        ["pendant-arret"],
        [],
    ),
    (
        "service-medical-assurance-maladie",
        "acteur",
        "Service médical de l'Assurance Maladie",
        None,
        ["médecin-conseil"],
        ["pendant-arret"],
        [],
    ),
    ("cpam", "acteur", "Caisse primaire d'assurance maladie", "CPAM", [], ["pendant-arret", "reprise"], []),
    ("carsat-prevention", "acteur", "Carsat, service prévention", None, [], ["sans-arret"], ["employeur"]),
    ("spst", "acteur", "Service de prévention et de santé au travail", "SPST", ["SST"], ["sans-arret", "reprise"], []),
    ("cellule-pdp-spst", "acteur", "Cellule PDP du SPST", None, [], ["sans-arret", "pendant-arret"], []),
    (
        "instances-pdp-assurance-maladie",
        "acteur",
        "Instances de coordination PDP de l'Assurance Maladie",
        None,
        [],
        ["pendant-arret"],
        [],
    ),
    ("mdph", "acteur", "Maison départementale des personnes handicapées", "MDPH", [], [], []),
    ("france-travail", "acteur", "France Travail", None, ["Pôle emploi"], ["apres-inaptitude"], ["demandeur-emploi"]),
    ("transitions-pro", "acteur", "Transitions Pro", None, ["Fongecif"], ["sans-arret"], ["salarie"]),
    ("prith", "acteur", "PRITH", None, [], [], []),
    ("medecin-du-travail", "acteur", "Médecin du travail", None, [], ["sans-arret", "pendant-arret", "reprise"], []),
    ("medecin-traitant", "acteur", "Médecin traitant", None, [], ["pendant-arret"], []),
]

GLOSSARY = [
    ("RQTH", "reconnaissance de la qualité de travailleur handicapé", [], "rqth", False),
    ("TPT", "temps partiel thérapeutique", ["mi-temps thérapeutique"], "temps-partiel-therapeutique", False),
    ("Sameth", "service d'appui au maintien dans l'emploi, intégré à Cap emploi en 2018", [], "cap-emploi", True),
    ("PREO", "préorientation, aujourd'hui ESPO", ["CPO"], "espo", True),
    ("CRP", "centre de rééducation professionnelle, aujourd'hui ESRP", [], "esrp", True),
    ("SPST", "service de prévention et de santé au travail", ["SST", "santé au travail"], "spst", False),
    ("CRPE", "convention de rééducation professionnelle en entreprise", [], "crpe", False),
    ("PDP", "prévention de la désinsertion professionnelle", [], None, False),
    ("IJ", "indemnités journalières", [], None, False),
    ("OPS", "organisme de placement spécialisé", [], "cap-emploi", False),
    ("CDAPH", "commission des droits et de l'autonomie des personnes handicapées", [], "mdph", False),
    ("Pôle emploi", "ancien nom de France Travail (2024)", [], "france-travail", True),
]

# A few situations of the vocabulary, as content/vocabulaire.yaml writes them: (name, words, fiches).
VOCABULARY = [
    ("AVC", ["accident vasculaire cérébral", "hémiplégie"], ["comete-france", "visite-pre-reprise", "rqth", "crpe"]),
    ("Troubles psychiques", ["burn-out", "dépression"], ["visite-pre-reprise", "temps-partiel-therapeutique"]),
    ("Lombalgie", ["mal de dos", "lumbago"], ["amenagement-poste", "visite-pre-reprise", "essai-encadre"]),
    ("Fonction publique", ["fonctionnaire", "agent public"], ["cap-emploi", "rqth", "mdph"]),
    (
        "Arrêt long",
        ["arrêt de travail long", "longue maladie"],
        ["visite-pre-reprise", "service-social-assurance-maladie", "rendez-vous-liaison"],
    ),
    ("Qui contacter", ["appeler", "joindre"], ["service-social-assurance-maladie", "medecin-du-travail", "cpam"]),
]

# Per acteur: (national id, how many antennes per département, title of one antenne, words people type).
ANTENNES = [
    ("cap-emploi", (2, 4), "Cap emploi {du_dep}, antenne de {commune}", "cap emploi"),
    ("service-social-assurance-maladie", (3, 6), "Service social de l'Assurance Maladie, {commune}", "service social"),
    ("cpam", (2, 4), "CPAM {du_dep}, accueil de {commune}", "cpam"),
    ("spst", (12, 20), "{spst}, centre de {commune}", "santé au travail"),
    ("cellule-pdp-spst", (2, 4), "Cellule PDP {spst}, {commune}", "cellule pdp"),
    ("mdph", (1, 2), "MDPH {du_dep}, antenne de {commune}", "mdph"),
    ("france-travail", (7, 12), "France Travail {commune}", "france travail"),
    ("comete-france", (0, 2), "Comète France, SMR de {commune}", "comète"),
    ("transitions-pro", (1, 1), "Transitions Pro {region}, permanence de {commune}", "transitions pro"),
    ("carsat-prevention", (1, 1), "Carsat, service prévention, {dep_nom}", "carsat prévention"),
    ("agefiph", (0, 1), "Agefiph {region}, délégation de {commune}", "agefiph"),
    ("prith", (1, 1), "PRITH {region}, référent {dep_nom}", "prith"),
]
LOCAL_DISPOSITIFS = [
    ("premij", (0, 2), "PREMIJ, session de {commune}"),
    ("moaij", (1, 2), "MOAIJ {du_dep}, module de {commune}"),
    ("esrp", (0, 2), "ESRP de {commune}"),
    ("espo", (0, 1), "ESPO de {commune}"),
    ("instances-pdp-assurance-maladie", (1, 1), "Plateforme départementale PDP {du_dep}"),
]
# The reach rule: a local fiche's coordinates are in its département's territoire file, not in the fiche.
ANTENNE_REACH = "Ses coordonnées sont dans « Qui contacter ? », avec celles du département."
SPST_NAMES = ["AST", "SIST", "Santé au travail", "Prévention Santé Travail", "ACMS", "AMETRA", "Pôle santé travail"]
STREETS = ["de la République", "Jean Jaurès", "du Général de Gaulle", "Victor Hugo", "Pasteur", "de la Gare", "du Port"]

SENTENCES = {
    "acteur": [
        "L'antenne de {commune} accueille les salariés du secteur sur rendez-vous.",
        "Elle intervient auprès des salariés dont l'état de santé menace le maintien dans l'emploi.",
        "Les médecins du travail et les médecins traitants peuvent l'orienter vers un conseiller.",
        "Un conseiller étudie la situation avec le salarié, l'employeur et le médecin du travail.",
        "Elle participe à la cellule de prévention de la désinsertion professionnelle {du_dep}.",
        "Les demandes d'aménagement de poste sont instruites avec l'employeur et l'ergonome.",
        "Pendant l'arrêt de travail, elle peut proposer un essai encadré ou une formation.",
        "Elle accompagne les travailleurs reconnus handicapés (RQTH) et les personnes en cours de reconnaissance.",
        "Les permanences ont lieu à {commune} et dans les communes voisines.",
        "Le délai de premier rendez-vous est en général de deux à trois semaines.",
        "Elle travaille avec le service social de l'Assurance Maladie et le service médical.",
        "La reprise à temps partiel thérapeutique se prépare avec le médecin traitant.",
        "Une visite de pré-reprise est conseillée dès que l'arrêt dépasse trente jours.",
        "Les salariés en intérim et les travailleurs indépendants sont aussi reçus.",
        "En cas d'inaptitude, elle aide à chercher un reclassement ou une reconversion.",
        "Le bilan de compétences et le conseil en évolution professionnelle peuvent être mobilisés.",
    ],
    "dispositif": [
        "Le dispositif s'adresse aux assurés en arrêt de travail dont l'emploi est menacé.",
        "La session de {commune} réunit une dizaine de participants pendant plusieurs semaines.",
        "Les indemnités journalières sont maintenues pendant toute la durée de l'action.",
        "L'orientation est faite par le service social de l'Assurance Maladie ou le médecin-conseil.",
        "Le programme alterne ateliers collectifs, entretiens individuels et périodes en entreprise.",
        "Il aide à construire un projet professionnel compatible avec l'état de santé.",
        "Il peut précéder une reconversion, une formation qualifiante ou une reprise aménagée.",
        "Le médecin du travail est informé et donne son avis sur le projet.",
        "La demande passe par la commission des droits et de l'autonomie (CDAPH) quand il s'agit d'un ESRP.",
    ],
}


@dataclass
class Corpus:
    """Where the synthetic content was written and what it holds."""

    content_dir: Path
    fiches: int
    contacts: int
    queries: list[str]


def generate(folder: Path, places_dir: Path, seed: int = 2024, departements: int | None = None) -> Corpus:
    """Write a synthetic content folder (fiches, territoires, glossary, vocabulary) under `folder`; return its figures.
    `departements` keeps only the first ones (a quick run); by default every département is there."""
    rng = random.Random(seed)
    content = folder / "content"
    for sub in ("dispositifs", "acteurs", "territoires"):
        (content / sub).mkdir(parents=True, exist_ok=True)
    all_departements, communes, regions = _places(places_dir)
    today = date.today()
    count = contacts = 0
    for fiche_id, kind, titre, sigle, alias, etapes, publics in NATIONAL:
        fiche = _fiche(rng, fiche_id, titre, kind, etapes, publics, {"commune": "France", "du_dep": "en France"}, today)
        fiche.update({"sigle": sigle} if sigle else {})
        fiche["alias"] = alias
        if kind == "acteur":
            fiche["joindre"] = [_contact(rng, titre, "France", "75001", "01", today)]
            contacts += 1
        _write(content / f"{kind}s" / f"{fiche_id}.yaml", fiche)
        count += 1
    queries = []
    for dep in all_departements[:departements]:
        places = communes[dep["code"]]
        region = regions.get(dep["region"], dep["nom"])
        slots = {"dep_nom": dep["nom"], "du_dep": f"de {dep['nom']}", "region": region}
        slots["spst"] = f"{rng.choice(SPST_NAMES)} {dep['code']}"
        local = []
        for acteur, (low, high), title, typed in ANTENNES:
            for commune in rng.sample(places, min(len(places), rng.randint(low, high))):
                fiche_id = _unique_id(content, f"{acteur}-{dep['code']}-{commune['nom']}")
                fill = {**slots, "commune": commune["nom"]}
                titre = title.format(**fill)
                fiche = _fiche(rng, fiche_id, titre, "acteur", [], [], fill, today)
                fiche["liees"] = [acteur]
                fiche["si_aucun_contact"] = ANTENNE_REACH  # its coordinates are in the territoire file
                _write(content / "acteurs" / f"{fiche_id}.yaml", fiche)
                cp = (commune.get("codesPostaux") or ["00000"])[0]
                contact = _contact(rng, titre, commune["nom"], cp, dep["code"], today)
                local.append({"acteur": acteur, **contact})
                count += 1
                if rng.random() < 0.08:
                    queries.append(f"{typed} {commune['nom']}")
        for dispositif, (low, high), title in LOCAL_DISPOSITIFS:
            for commune in rng.sample(places, min(len(places), rng.randint(low, high))):
                fiche_id = _unique_id(content, f"{dispositif}-{dep['code']}-{commune['nom']}")
                fill = {**slots, "commune": commune["nom"]}
                fiche = _fiche(rng, fiche_id, title.format(**fill), "dispositif", ["pendant-arret"], [], fill, today)
                fiche["liees"] = [dispositif]
                folder_name = "acteurs" if dispositif.startswith("instances") else "dispositifs"
                if folder_name == "acteurs":
                    fiche["si_aucun_contact"] = ANTENNE_REACH
                _write(content / folder_name / f"{fiche_id}.yaml", fiche)
                count += 1
        territoire = {"departement": dep["code"], "mis_a_jour": today, "contacts": local}
        _write(content / "territoires" / f"{dep['code']}.yaml", territoire)
        contacts += len(local)
    _write(
        content / "glossaire.yaml",
        {
            "termes": [
                {"terme": t, "definition": d, "synonymes": s, "ancien": a, **({"fiche": f} if f else {})}
                for t, d, s, f, a in GLOSSARY
            ]
        },
    )
    _write(
        content / "vocabulaire.yaml",
        {"situations": [{"nom": nom, "mots": mots, "fiches": fiches} for nom, mots, fiches in VOCABULARY]},
    )
    return Corpus(content, count, contacts, queries)


def _places(places_dir: Path):
    departements = [
        d
        for d in json.loads((places_dir / "departements.json").read_text(encoding="utf-8"))
        if d["zone"] in ("metro", "drom")
    ]
    regions = {r["code"]: r["nom"] for r in json.loads((places_dir / "regions.json").read_text(encoding="utf-8"))}
    communes: dict[str, list[dict]] = {}
    for commune in json.loads((places_dir / "communes.json").read_text(encoding="utf-8")):
        if commune["type"] in ("commune-actuelle", "arrondissement-municipal") and commune.get("population"):
            communes.setdefault(commune["departement"], []).append(commune)
    for code, items in communes.items():  # the larger towns first: that is where antennes are
        communes[code] = sorted(items, key=lambda c: -c["population"])[:60]
    return departements, communes, regions


def _fiche(rng, fiche_id, titre, kind, etapes, publics, fill, today) -> dict:
    bank = SENTENCES[kind]
    paragraphs = [" ".join(s.format(**fill) for s in rng.sample(bank, rng.randint(2, 4))) for _ in range(3)]
    seen = today - timedelta(days=rng.randint(0, 400))
    fiche = {
        "id": fiche_id,
        "titre": titre,
        "resume": rng.choice(bank).format(**fill),
        "description": "\n\n".join(paragraphs),
        "etapes": etapes or rng.sample(["sans-arret", "pendant-arret", "reprise", "apres-inaptitude"], 2),
        "publics": publics or rng.sample(["salarie", "independant", "interimaire", "demandeur-emploi"], 2),
        "sources": [{"titre": f"Site de {titre}", "url": f"https://www.example.org/{fiche_id}", "vu_le": seen}],
        "sites_propres": ["example.org"],  # the fictional organisation's own site: its primary source
        "mis_a_jour": seen,
        "statut": "verifie",
    }
    if rng.random() < 0.1:
        fiche.update(statut="a-verifier", a_verifier="Les horaires d'accueil n'ont pas été confirmés.")
    return fiche


def _contact(rng, nom, commune, cp, dep_code, today) -> dict:
    prefix = {"97": "0262"}.get(dep_code[:2], rng.choice(["01", "02", "03", "04", "05"]))
    digits = "".join(str(rng.randint(0, 9)) for _ in range(10 - len(prefix)))
    phone = " ".join(re.findall("..", prefix + digits))
    slug = re.sub(r"[^a-z0-9]+", "-", fold(nom)).strip("-")[:40]
    return {
        "nom": nom,
        "telephone": phone,
        "email": f"contact.{slug}@example.org",
        "adresse": f"{rng.randint(1, 120)} rue {rng.choice(STREETS)}, {cp} {commune}",
        "source": {"titre": "Annuaire synthétique", "document": "synthetique", "vu_le": today},
        "statut": "a-verifier",
    }


def _unique_id(content: Path, raw: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", fold(raw)).strip("-")
    candidate, n = base, 2
    while any((content / sub / f"{candidate}.yaml").exists() for sub in ("acteurs", "dispositifs")):
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _write(path: Path, data: dict) -> None:
    data = {k: v for k, v in data.items() if v is not None and k != "type"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
