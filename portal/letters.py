"""The liaison letters a person prepares and prints: who writes to whom, on which legal basis, with which fields.

A letter is a fixed text with blanks. The blanks are filled in the browser and printed; the portal never receives
what is typed (portal/web/letters.py says how). Each article cited was read on Légifrance or the Code du travail
numérique; the text of a letter says only what the article says.
"""

import re
from dataclasses import dataclass, field

CTN = "https://code.travail.gouv.fr/code-du-travail/"  # the Code du travail numérique: one page per article


@dataclass(frozen=True)
class Blank:
    """One blank of a letter: its label (read by a screen reader, shown on screen) and its shape."""

    label: str
    kind: str = "line"  # line (a few words), date, or text (the writer's own wording, several lines)
    size: int = 24  # characters shown on screen for a line


@dataclass(frozen=True)
class LegalBasis:
    article: str  # « Art. R4624-29 du Code du travail »
    url: str
    says: str  # what it says, in one sentence


@dataclass(frozen=True)
class Letter:
    id: str
    titre: str
    de: str  # who writes
    a: str  # to whom
    quand: str  # when it is written, for the list of letters
    bases: tuple[LegalBasis, ...]
    fiches: tuple[str, ...]  # the fiches whose page offers it (and the orientation results that list them)
    acteurs: tuple[str, ...]  # whose contacts in the place are printed with it (the recipient, or who to ask)
    expediteur: str  # the label of the sender's block
    destinataire: str  # the label of the recipient's block
    objet: str
    paragraphs: tuple[str, ...]  # text with {blank} markers
    blanks: dict[str, Blank] = field(default_factory=dict)
    signature: str = "Signature"

    def segments(self, paragraph: str) -> list[tuple[str, Blank | None, str]]:
        """The paragraph as (text, blank after it or None, blank id) pieces, in order."""
        pieces, last = [], 0
        for match in _BLANK.finditer(paragraph):
            pieces.append((paragraph[last : match.start()], self.blanks[match.group(1)], match.group(1)))
            last = match.end()
        pieces.append((paragraph[last:], None, ""))
        return pieces


_BLANK = re.compile(r"\{([a-z_]+)\}")

CT = "du Code du travail"
L4624_2_4 = LegalBasis(
    f"Art. L4624-2-4 {CT}",
    f"{CTN}l4624-2-4",
    "En cas d'absence au travail de plus de trente jours, le travailleur peut bénéficier d'un examen de "
    "préreprise par le médecin du travail.",
)
R4624_29 = LegalBasis(
    f"Art. R4624-29 {CT}",
    f"{CTN}r4624-29",
    "Le travailleur en arrêt de travail de plus de trente jours peut bénéficier d'une visite de préreprise, "
    "organisée par le médecin du travail à l'initiative du travailleur, du médecin traitant, des services "
    "médicaux de l'Assurance Maladie ou du médecin du travail.",
)
R4624_30 = LegalBasis(
    f"Art. R4624-30 {CT}",
    f"{CTN}r4624-30",
    "Au cours de l'examen de préreprise, le médecin du travail peut recommander des aménagements du poste, des "
    "préconisations de reclassement ou des formations ; il en informe, sauf si le travailleur s'y oppose, "
    "l'employeur et le médecin-conseil.",
)
L1226_1_3 = LegalBasis(
    f"Art. L1226-1-3 {CT}",
    f"{CTN}l1226-1-3",
    "Pendant un arrêt de plus de trente jours, un rendez-vous de liaison entre le salarié et l'employeur, "
    "associant le service de prévention et de santé au travail, peut être organisé à l'initiative de l'un ou de "
    "l'autre ; aucune conséquence ne peut être tirée du refus du salarié de s'y rendre.",
)
D1226_8_1 = LegalBasis(
    f"Art. D1226-8-1 {CT}",
    f"{CTN}d1226-8-1",
    "La durée d'arrêt de travail à partir de laquelle le rendez-vous de liaison est possible est de trente jours.",
)
L4624_3 = LegalBasis(
    f"Art. L4624-3 {CT}",
    f"{CTN}l4624-3",
    "Le médecin du travail peut proposer, par écrit et après échange avec le salarié et l'employeur, des mesures "
    "individuelles d'aménagement, d'adaptation ou de transformation du poste ou d'aménagement du temps de travail.",
)
L4624_6 = LegalBasis(
    f"Art. L4624-6 {CT}",
    f"{CTN}l4624-6",
    "L'employeur prend en considération les propositions du médecin du travail ; en cas de refus, il fait "
    "connaître par écrit au travailleur et au médecin du travail les motifs qui s'opposent à ce qu'il y soit "
    "donné suite.",
)
R4624_34 = LegalBasis(
    f"Art. R4624-34 {CT}",
    f"{CTN}r4624-34",
    "Le travailleur bénéficie, à sa demande, d'un examen par le médecin du travail, notamment lorsqu'il anticipe "
    "un risque d'inaptitude ; sa demande ne peut motiver aucune sanction.",
)
L1110_4 = LegalBasis(
    "Art. L1110-4 du Code de la santé publique",
    # The code on Légifrance: the article is found there by its number.
    "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006072665",
    "Le partage d'informations nécessaires à la prise en charge d'une personne entre des professionnels qui ne "
    "font pas partie de la même équipe de soins requiert son consentement préalable.",
)

PATIENT = Blank("Nom et prénom du salarié", size=28)
SALARIE_BLOCK = Blank("Vos nom, prénom et adresse", "text")
ENTREPRISE = Blank("Entreprise ou employeur", size=24)
EMPLOI_OCCUPE = Blank("Emploi occupé", size=24)
SPST_BLOCK = Blank("Service de prévention et de santé au travail : nom et adresse", "text")
JOINDRE = Blank("Téléphone ou adresse électronique", size=30)
MDT_BLOCK = Blank("Nom, service et téléphone du médecin du travail", "text")
EMPLOYEUR_BLOCK = Blank("Employeur : nom et adresse", "text")
DATE_ARRET = Blank("Date de début de l'arrêt de travail", "date")
LIEU_DATE = Blank("Lieu et date de la lettre", size=26)
EMPLOI = Blank("Emploi occupé et entreprise", size=32)

LETTERS: dict[str, Letter] = {
    letter.id: letter
    for letter in (
        Letter(
            id="pre-reprise-medecin-traitant",
            titre="Demande de visite de pré-reprise par le médecin traitant",
            de="le médecin traitant",
            a="le médecin du travail (lettre remise au salarié, qui la porte à son service de santé au travail)",
            quand="Pendant un arrêt de plus de 30 jours, quand le retour au poste s'annonce difficile.",
            bases=(L4624_2_4, R4624_29, R4624_30),
            fiches=("visite-pre-reprise", "secret-medical-partage", "medecin-traitant"),
            acteurs=("spst",),
            expediteur="Le médecin traitant (nom, adresse, téléphone)",
            destinataire="Au médecin du travail du service de prévention et de santé au travail (nom et adresse)",
            objet="Demande de visite de pré-reprise (art. R4624-29 du Code du travail)",
            paragraphs=(
                "Cher confrère, chère consœur,",
                "Je vous adresse {patient}, salarié(e) de l'entreprise {entreprise}, en arrêt de travail depuis le "
                "{date_arret}, pour une visite de pré-reprise, en vue de préparer son retour au travail et de "
                "favoriser son maintien dans l'emploi.",
                "Avec l'accord de mon patient, je porte à votre connaissance les éléments suivants : {elements}",
                "Je reste à votre disposition pour en parler. Bien confraternellement,",
            ),
            blanks={
                "patient": PATIENT,
                "entreprise": ENTREPRISE,
                "date_arret": DATE_ARRET,
                "elements": Blank("Vos éléments, dans vos mots (avec l'accord du patient)", "text"),
                "expediteur": Blank("Nom, adresse et téléphone du médecin traitant", "text"),
                "destinataire": SPST_BLOCK,
                "lieu_date": LIEU_DATE,
            },
            signature="Signature et cachet",
        ),
        Letter(
            id="pre-reprise-salarie",
            titre="Demande de visite de pré-reprise par le salarié",
            de="le salarié en arrêt de travail",
            a="son service de prévention et de santé au travail",
            quand="Pendant un arrêt de plus de 30 jours : le salarié peut la demander lui-même.",
            bases=(L4624_2_4, R4624_29),
            fiches=("visite-pre-reprise",),
            acteurs=("spst",),
            expediteur="Le salarié",
            destinataire="Au service de prévention et de santé au travail, à l'attention du médecin du travail",
            objet="Demande de visite de pré-reprise (art. R4624-29 du Code du travail)",
            paragraphs=(
                "Madame, Monsieur,",
                "Salarié(e) de l'entreprise {entreprise} comme {emploi}, je suis en arrêt de travail depuis le "
                "{date_arret}. Je vous demande, en application de l'article R4624-29 du Code du travail, une visite "
                "de pré-reprise avec le médecin du travail, pour préparer mon retour au travail.",
                "Vous pouvez me joindre : {joindre}",
                "Je vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.",
            ),
            blanks={
                "entreprise": ENTREPRISE,
                "emploi": EMPLOI_OCCUPE,
                "date_arret": DATE_ARRET,
                "joindre": JOINDRE,
                "expediteur": SALARIE_BLOCK,
                "destinataire": SPST_BLOCK,
                "lieu_date": LIEU_DATE,
            },
        ),
        Letter(
            id="rendez-vous-liaison",
            titre="Demande de rendez-vous de liaison",
            de="le salarié en arrêt de travail",
            a="son employeur",
            quand="Pendant un arrêt de plus de 30 jours : un échange avec l'employeur, qui n'est pas médical.",
            bases=(L1226_1_3, D1226_8_1),
            fiches=("rendez-vous-liaison",),
            acteurs=("spst",),
            expediteur="Le salarié",
            destinataire="À l'employeur (service des ressources humaines)",
            objet="Demande de rendez-vous de liaison (art. L1226-1-3 du Code du travail)",
            paragraphs=(
                "Madame, Monsieur,",
                "Salarié(e) de l'entreprise comme {emploi}, je suis en arrêt de travail depuis le {date_arret}. "
                "En application de l'article L1226-1-3 du Code du travail, je souhaite un rendez-vous de liaison, "
                "associant le service de prévention et de santé au travail, pour être informé(e) des actions de "
                "prévention de la désinsertion professionnelle, de l'examen de pré-reprise et des mesures "
                "d'aménagement dont je peux bénéficier.",
                "Mes disponibilités et le moyen de me joindre : {disponibilites}",
                "Je vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.",
            ),
            blanks={
                "emploi": EMPLOI_OCCUPE,
                "date_arret": DATE_ARRET,
                "disponibilites": Blank("Vos disponibilités, votre téléphone ou adresse électronique", "text"),
                "expediteur": SALARIE_BLOCK,
                "destinataire": EMPLOYEUR_BLOCK,
                "lieu_date": LIEU_DATE,
            },
        ),
        Letter(
            id="visite-a-la-demande",
            titre="Demande de visite auprès du médecin du travail",
            de="le salarié, en poste ou en arrêt",
            a="son service de prévention et de santé au travail",
            quand="À tout moment, notamment quand le salarié craint de ne plus pouvoir tenir son poste.",
            bases=(R4624_34,),
            fiches=("visite-a-la-demande", "amenagement-poste"),
            acteurs=("spst",),
            expediteur="Le salarié",
            destinataire="Au service de prévention et de santé au travail, à l'attention du médecin du travail",
            objet="Demande de visite auprès du médecin du travail (art. R4624-34 du Code du travail)",
            paragraphs=(
                "Madame, Monsieur,",
                "Salarié(e) de l'entreprise {entreprise} comme {emploi}, je demande à être reçu(e) par le médecin "
                "du travail, en application de l'article R4624-34 du Code du travail, afin d'engager une démarche "
                "de maintien en emploi.",
                "Vous pouvez me joindre : {joindre}",
                "Je vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.",
            ),
            blanks={
                "entreprise": ENTREPRISE,
                "emploi": EMPLOI_OCCUPE,
                "joindre": JOINDRE,
                "expediteur": SALARIE_BLOCK,
                "destinataire": SPST_BLOCK,
                "lieu_date": LIEU_DATE,
            },
        ),
        Letter(
            id="information-medecin-traitant",
            titre="Information du médecin traitant par le médecin du travail",
            de="le médecin du travail",
            a="le médecin traitant, avec le consentement du salarié",
            quand="Après une visite, pour que le médecin traitant sache ce qui est envisagé pour l'emploi.",
            bases=(L1110_4,),
            fiches=(
                "secret-medical-partage",
                "visite-pre-reprise",
                "visite-reprise",
                "inaptitude-reclassement",
                "medecin-du-travail",
            ),
            acteurs=(),
            expediteur="Le médecin du travail (nom, service, téléphone)",
            destinataire="Au médecin traitant (nom et adresse)",
            objet="Information sur le suivi en santé au travail de votre patient(e)",
            paragraphs=(
                "Cher confrère, chère consœur,",
                "J'ai reçu le {date_visite} votre patient(e) {patient}, {emploi}. Avec son consentement, je vous "
                "informe de ce qui est envisagé pour son maintien dans l'emploi : {elements}",
                "Je reste à votre disposition pour en parler. Bien confraternellement,",
                "Consentement du salarié au partage de ces informations (art. L1110-4 du Code de la santé publique) : "
                "{consentement}",
            ),
            blanks={
                "date_visite": Blank("Date de la visite", "date"),
                "patient": PATIENT,
                "emploi": EMPLOI,
                "elements": Blank("Vos éléments, dans vos mots", "text"),
                "consentement": Blank("Date et signature du salarié", size=30),
                "expediteur": MDT_BLOCK,
                "destinataire": Blank("Nom et adresse du médecin traitant", "text"),
                "lieu_date": LIEU_DATE,
            },
            signature="Signature et cachet",
        ),
        Letter(
            id="propositions-amenagement",
            titre="Propositions d'aménagement du poste par le médecin du travail",
            de="le médecin du travail",
            a="l'employeur",
            quand="Après échange avec le salarié et l'employeur, quand le poste doit être aménagé.",
            bases=(L4624_3, L4624_6),
            fiches=("amenagement-poste", "temps-partiel-therapeutique", "visite-reprise"),
            acteurs=("cap-emploi", "agefiph"),
            expediteur="Le médecin du travail (nom, service, téléphone)",
            destinataire="À l'employeur (nom et adresse)",
            objet="Propositions de mesures individuelles (art. L4624-3 du Code du travail)",
            paragraphs=(
                "Madame, Monsieur,",
                "Après échange avec {patient}, {emploi}, et avec vous, je propose, en application de l'article "
                "L4624-3 du Code du travail, les mesures individuelles suivantes : {mesures}",
                "Durée envisagée et date du prochain point : {duree}",
                "Vous êtes tenu(e) de prendre ces propositions en considération ; en cas de refus, l'article L4624-6 "
                "du Code du travail vous demande de faire connaître par écrit au salarié et au médecin du travail "
                "les motifs qui s'opposent à ce qu'il y soit donné suite.",
                "Je vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.",
            ),
            blanks={
                "patient": PATIENT,
                "emploi": EMPLOI,
                "mesures": Blank("Les mesures proposées, dans vos mots", "text"),
                "duree": Blank("Durée et prochain point", size=30),
                "expediteur": MDT_BLOCK,
                "destinataire": EMPLOYEUR_BLOCK,
                "lieu_date": LIEU_DATE,
            },
            signature="Signature et cachet",
        ),
        Letter(
            id="refus-employeur",
            titre="Réponse écrite de l'employeur qui ne peut pas suivre les propositions",
            de="l'employeur",
            a="le salarié et le médecin du travail",
            quand="Quand l'employeur ne peut pas mettre en œuvre les propositions du médecin du travail.",
            bases=(L4624_6,),
            fiches=("amenagement-poste", "inaptitude-reclassement"),
            acteurs=("cap-emploi",),
            expediteur="L'employeur (nom, adresse)",
            destinataire="Au salarié et au médecin du travail",
            objet="Propositions du médecin du travail : motifs qui s'opposent à leur mise en œuvre (art. L4624-6)",
            paragraphs=(
                "Madame, Monsieur,",
                "Le médecin du travail a proposé le {date_propositions} des mesures pour {patient}, {emploi}. En "
                "application de l'article L4624-6 du Code du travail, je vous fais connaître par écrit les motifs "
                "qui s'opposent à ce qu'il y soit donné suite : {motifs}",
                "Solutions recherchées ou proposées à la place : {alternatives}",
                "Je vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.",
            ),
            blanks={
                "date_propositions": Blank("Date des propositions", "date"),
                "patient": PATIENT,
                "emploi": EMPLOI,
                "motifs": Blank("Les motifs, précisément", "text"),
                "alternatives": Blank("Autres solutions recherchées", "text"),
                "expediteur": EMPLOYEUR_BLOCK,
                "destinataire": Blank("Salarié et médecin du travail : noms et adresses", "text"),
                "lieu_date": LIEU_DATE,
            },
        ),
    )
}


# The letters of each fiche, in the order of LETTERS: a result page asks for those of its twenty fiches.
LETTERS_BY_FICHE: dict[str, list[Letter]] = {}
for _letter in LETTERS.values():
    for _fiche_id in _letter.fiches:
        LETTERS_BY_FICHE.setdefault(_fiche_id, []).append(_letter)


def letters_for(fiche_ids: list[str] | tuple[str, ...]) -> list[Letter]:
    """The letters offered with these fiches, in the order of the fiches, each once."""
    found: dict[str, Letter] = {}
    for fiche_id in fiche_ids:
        for letter in LETTERS_BY_FICHE.get(fiche_id, ()):
            found.setdefault(letter.id, letter)
    return list(found.values())
