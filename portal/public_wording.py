"""The words of the editors' work that a reader must never read (what was consulted, where a fact came from, a
guess): `portal check` reports them at their line. Sources and the editors' notes are where they belong."""

from pathlib import Path

from portal.diagnostics import Problem, problem_at
from portal.text import fold
from portal.yamlsource import YamlDocument

# Compared without accents or case. A source may name the research note and its paragraph (« Note de recherche du
# portail PDP, § 2.9 »): the keys of NOT_PUBLIC are left out.
EDITORS_PHRASES = [
    "n'a pas été consulté",
    "n'ont pas été consulté",
    "pas été consultée",
    "non consulté",
    "pas été revu",
    "pas été relu",
    "pas encore été relu",
    "pas été vu ",
    "pas été vue",
    "pas été relevé",
    "non revérifié",
    "pas été revérifié",
    "supposée",
    "à confirmer sur",
    "site tiers",
    "sites tiers",
    "source tierce",
    "sources tierces",
    "note de recherche",
    "faits PDP",
    "sources du portail",
    "sources consultées",
    "source consultée",
    "les sources ne donnent",
    "la source ne donne",
    "aucune autre source",
    "voir la mention « à vérifier »",
    "§",
]
NOT_PUBLIC = {"sources", "source", "note_editeurs"}


def editors_phrases(text: str) -> list[str]:
    """The editors' phrases in `text` (accents, case and spacing aside)."""
    folded = " ".join(fold(text).split()).replace("’", "'")
    return [phrase for phrase in EDITORS_PHRASES if fold(phrase) in folded]


def wording_problems(document: YamlDocument, root: Path) -> list[Problem]:
    """Each public text of `document` that carries an editors' phrase, at its line."""
    found: list[Problem] = []

    def walk(data, key_path: tuple) -> None:
        if isinstance(data, dict):
            for key, value in data.items():
                if key not in NOT_PUBLIC:
                    walk(value, (*key_path, key))
        elif isinstance(data, list):
            for index, value in enumerate(data):
                walk(value, (*key_path, index))
        elif isinstance(data, str):
            for phrase in editors_phrases(data):
                found.append(
                    problem_at(
                        document,
                        key_path,
                        f"« {phrase.strip()} » parle du travail des éditeurs : le lecteur ne doit pas le lire",
                        "dites au lecteur le fait ou le doute lui-même ; ce qui a été lu ou non va dans "
                        "`note_editeurs`, d'où vient un fait dans les sources",
                        root=root,
                    )
                )

    walk(document.data, ())
    return found
