"""The official « Annuaire de l'administration » extract (service-public.fr, 2019): its rows as contact rows.

Recognised by its header `id,name,request_email,notes,home_page,tag_string`. A row tagged `maison_handicapees`
is the MDPH of the département of the INSEE commune code inside its id (`maison_handicapees-01053-01`: commune
01053, département 01); a row tagged `agefiph` is an Agefiph délégation, a contact of the région of that
département. The `notes` field packs « Adresse : … | Tél : … | Fax : … ».
"""

import re

from portal.contact_rows import InputRow, RowProblem
from portal.places import Departement

HEADER = ["id", "name", "request_email", "notes", "home_page", "tag_string"]
ACTEURS = {"maison_handicapees": "mdph", "agefiph": "agefiph"}
SOURCE = {
    "source_titre": "Annuaire de l'administration (service-public.fr), relevé publié le 23 juillet 2019",
    "source_document": "Annuaire de l'administration (service-public.fr, base de données locales, Licence "
    "Ouverte), relevé publié le 23 juillet 2019 dans le dépôt public okfnfr/dada-france-authorities",
    "publie_le": "2019-07-23",
    "vu_le": "2019-07-23",  # the extract's date: nobody has checked these coordinates since
    "statut": "a-verifier",
}
# The columns each contact column comes from, named as in the file for the messages.
LABELS = {
    "departement": "id",
    "region": "id",
    "acteur": "tag_string",
    "nom": "name",
    "email": "request_email",
    "telephone": "notes",
    "adresse": "notes",
    "note": "notes",
    "site": "home_page",
}
COLUMNS = {"portee", "departement", "region", "acteur", "nom", "email", "telephone", "adresse", "note", "site"}
COLUMNS |= set(SOURCE)

_ID = re.compile(r"^[a-z_]+-(?P<commune>(?:\d{2}|2[AB])\d{3})-\d+$")
_ADDRESS = re.compile(r"^(?P<street>.*?)\s*,\s*(?P<postcode>\d{4,5})\s*,\s*(?P<city>.+)$")
_ID_SUFFIX = re.compile(r"\s+\d{5}-\d{2}$")  # « Agefiph - Occitanie - Toulouse 31555-01 »
# Top-level domains of the extract's real sites; the extract glued some paths to the host (« www.gard.frpres… »).
_DOMAINS = ("fr", "com", "net", "org", "re", "eu", "info")
# A national page given as the site of several MDPH: it is not the site of any one of them.
_NOT_THEIR_SITE = {"www.handicap.gouv.fr"}


def is_annuaire(header: list[str]) -> bool:
    return [cell.strip().lower() for cell in header] == HEADER


def annuaire_rows(table, departements: dict[str, Departement]) -> tuple[list[InputRow], list[RowProblem]]:
    """The extract's rows as contact rows (columns of portal.contact_rows), and the rows it cannot place."""
    rows, problems = [], []
    for number, cells in zip(table.numbers, table.rows, strict=True):
        if not any(cells):
            continue
        record = dict(zip(HEADER, [*cells, *[""] * len(HEADER)], strict=False))
        acteur = ACTEURS.get(record["tag_string"].strip())
        if acteur is None:
            problems.append(
                RowProblem(
                    number,
                    "tag_string",
                    f"« {record['tag_string']} » : ni maison_handicapees ni agefiph, ligne ignorée",
                    "cet import ne sait pas à quel acteur la rattacher",
                    "avertissement",
                )
            )
            continue
        match = _ID.match(record["id"].strip())
        commune = match["commune"] if match else ""
        departement = commune[:3] if commune.startswith("97") else commune[:2]
        if departement not in departements:
            problems.append(
                RowProblem(
                    number,
                    "id",
                    f"« {record['id']} » ne contient pas de code de commune connu",
                    "l'id doit finir par le code INSEE de la commune : maison_handicapees-01053-01",
                )
            )
            continue
        values = {
            "acteur": acteur,
            "nom": _ID_SUFFIX.sub("", record["name"].strip()),
            "email": record["request_email"],
            "site": _site(record["home_page"]),
            **_notes(record["notes"]),
            **SOURCE,
        }
        if acteur == "mdph":
            values |= {"portee": "local", "departement": departement}
        else:
            values |= {"portee": "regional", "region": departements[departement].region}
        rows.append(InputRow(number, values, LABELS))
    return _distinct_names(rows), problems


def _notes(notes: str) -> dict[str, str]:
    """« Adresse : … | Tél : 08 00 … / Numéro vert : … | Fax : … » -> adresse, telephone, note (fax left out)."""
    parts = {}
    for part in notes.split("|"):
        key, _, value = part.partition(":")
        parts[key.strip().lower()] = value.strip()
    phone, _, note = parts.get("tél", "").partition("/")
    return {"adresse": address(parts.get("adresse", "")), "telephone": phone.strip(), "note": note.strip()}


def address(text: str) -> str:
    """« 13 avenue de la Victoire - CS 50415, 01012, Bourg-en-Bresse Cedex » -> « …, 01012 Bourg-en-Bresse Cedex »;
    the extract lost the leading zero of postal codes (« Route de Besny, 2000, Laon » is 02000 Laon)."""
    text = " ".join(text.split())
    match = _ADDRESS.match(text)
    if not match:
        return text
    return f"{match['street']}, {match['postcode'].zfill(5)} {match['city'].strip()}"


def _site(home_page: str) -> str:
    """The home page when it is a real address (http:// kept as published), else nothing."""
    url = home_page.strip()
    if url and "://" not in url:
        url = "http://" + url  # « www.loiret.fr »: a host without its scheme
    match = re.match(r"^https?://([a-z0-9.-]+)(?:[/?#]|$)", url, re.IGNORECASE)
    if not match or match[1].lower() in _NOT_THEIR_SITE or match[1].rsplit(".", 1)[-1].lower() not in _DOMAINS:
        return ""
    return url


def _distinct_names(rows: list[InputRow]) -> list[InputRow]:
    """Two sites of one MDPH with the same name in a département: each gets its commune, to stay distinct."""
    place = lambda row: (row.values.get("departement"), row.values.get("region"), row.values["nom"])  # noqa: E731
    counts: dict[tuple, int] = {}
    for row in rows:
        counts[place(row)] = counts.get(place(row), 0) + 1
    renamed = []
    for row in rows:
        commune = re.sub(r"^\d{5}\s+|\s+Cedex\b.*$", "", row.values["adresse"].rsplit(",", 1)[-1].strip())
        if counts[place(row)] > 1 and commune:
            row = InputRow(row.number, {**row.values, "nom": f"{row.values['nom']} ({commune})"}, row.labels)
        renamed.append(row)
    return renamed
