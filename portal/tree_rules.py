"""The rules of the field that every result of an orientation tree keeps, checked by `portal check` at the result.

Each rule is a named predicate over one walk (its answers) and the lines of the result it ends on; it returns the
French sentence of what is wrong there, or None. The answers and fiche ids they name are the canonical ones of
DESIGN.md: a tree without those questions is never concerned. They come from the sources (the research note and
the texts cited in the fiches): the essai encadré takes place during an arrêt and only for a salarié; the
pré-reprise and the rendez-vous de liaison belong to the arrêt; the CRPE comes at its end; Cap emploi and the
Agefiph serve workers with a RQTH (or a pension d'invalidité, which makes a salarié bénéficiaire de l'obligation
d'emploi). The special cases (a programme of one région, a service for one public) are « selon la situation »,
never what every worker of a result does.
"""

from collections.abc import Callable, Mapping

from portal.models import Ligne

Answers = Mapping[str, str]
Rule = Callable[[Answers, list[Ligne]], str | None]

SALARIES_ONLY = ("essai-encadre", "crpe", "visite-pre-reprise", "visite-reprise")
DURING_ARRET = ("visite-pre-reprise", "rendez-vous-liaison")
WITH_RQTH = ("cap-emploi", "agefiph")
# Regional programmes (Bretagne, Pays de la Loire, the Kerpape centre) and services for one public (brain injury,
# the hospital rehabilitation units of Comète France).
SPECIAL_CASES = ("ueros", "bilan-medico-socio-professionnel-kerpape", "comete-france", "moaij", "premij", "arpij")


def _proposed(lines: list[Ligne]) -> dict[str, Ligne]:
    return {line.fiche: line for line in lines}


def no_salarie_scheme_for_an_independant(answers: Answers, lines: list[Ligne]) -> str | None:
    if answers.get("statut") != "independant":
        return None
    found = [fiche for fiche in SALARIES_ONLY if fiche in _proposed(lines)]
    if found:
        return f"un travailleur indépendant se voit proposer {', '.join(found)}, réservés aux salariés"
    return None


def no_essai_encadre_outside_an_arret(answers: Answers, lines: list[Ligne]) -> str | None:
    etape = answers.get("etape")
    essai = _proposed(lines).get("essai-encadre")
    if essai is None:
        return None
    if etape in ("sans-arret", "apres-inaptitude"):
        return "l'essai encadré se fait pendant un arrêt de travail : il n'a pas sa place à cette étape"
    if etape == "reprise" and (essai.quand != "selon" or "temps partiel thérapeutique" not in essai.raison):
        return (
            "à la reprise, l'arrêt est fini : l'essai encadré n'y est proposé que « selon », pendant un temps partiel "
            "thérapeutique, et sa raison le dit"
        )
    return None


def no_arret_step_once_back_at_work(answers: Answers, lines: list[Ligne]) -> str | None:
    if answers.get("etape") != "reprise":
        return None
    found = [fiche for fiche in DURING_ARRET if fiche in _proposed(lines)]
    if found:
        return f"à la reprise, l'arrêt est fini : {', '.join(found)} appartiennent à l'étape « en arrêt »"
    return None


def training_during_arret_only_in_arret(answers: Answers, lines: list[Ligne]) -> str | None:
    if answers.get("etape") in ("reprise", "apres-inaptitude", "sans-arret") and "formation-pendant-arret" in (
        _proposed(lines)
    ):
        return "la formation pendant l'arrêt n'est proposée qu'à l'étape « en arrêt »"
    return None


def crpe_never_first(answers: Answers, lines: list[Ligne]) -> str | None:
    crpe = _proposed(lines).get("crpe")
    if crpe is not None and crpe.quand == "maintenant":
        return "la CRPE se prépare vers la fin de l'arrêt : elle n'est jamais « maintenant »"
    return None


def rqth_services_now_only_with_a_rqth(answers: Answers, lines: list[Ligne]) -> str | None:
    pensioned_salarie = (answers.get("etape"), answers.get("statut")) == ("invalidite", "salarie")
    if answers.get("rqth") == "oui" or pensioned_salarie:
        return None
    now = [line.fiche for line in lines if line.quand == "maintenant" and line.fiche in WITH_RQTH]
    if now:
        return (
            f"{', '.join(now)} en « maintenant » sans RQTH : ils accompagnent les bénéficiaires de l'obligation "
            "d'emploi ; mettez-les en « ensuite » ou « selon »"
        )
    return None


def special_cases_only_selon(answers: Answers, lines: list[Ligne]) -> str | None:
    found = [line.fiche for line in lines if line.fiche in SPECIAL_CASES and line.quand != "selon"]
    if not found:
        return None
    verb, pronoun = ("vaut", "la") if len(found) == 1 else ("valent", "les")
    return (
        f"{', '.join(found)} ne {verb} que dans certaines situations (une région, un public particulier) : "
        f"mettez-{pronoun} en « selon »"
    )


RULES: tuple[Rule, ...] = (
    no_salarie_scheme_for_an_independant,
    no_essai_encadre_outside_an_arret,
    no_arret_step_once_back_at_work,
    training_during_arret_only_in_arret,
    crpe_never_first,
    rqth_services_now_only_with_a_rqth,
    special_cases_only_selon,
)


def broken_rules(answers: Answers, lines: list[Ligne]) -> list[str]:
    """What a result breaks for a walk that ends on it, in French (empty: nothing)."""
    return [message for rule in RULES if (message := rule(answers, lines))]
