"""Spreadsheet rows <-> contacts: the columns an editor may use, each cell checked, every problem in French.

A row becomes a local contact (content/territoires/<département>.yaml) or a regional one
(content/regions/<région>.yaml). Nothing is guessed: a value that is not clearly right is refused with the row,
the column and what to write instead.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from pydantic import TypeAdapter, ValidationError

from portal.catalog import Catalog, ContactEntry
from portal.diagnostics import nearest
from portal.models import Email, LocalContact, Url
from portal.places import Departement
from portal.spreadsheet import looks_like_formula
from portal.text import clean, fold, folded_words

# Column (canonical name) -> the headers an editor may write for it, compared accent-, case- and
# punctuation-blind (« Téléphone », « TEL. », « code_département »).
COLUMNS: dict[str, tuple[str, ...]] = {
    "portee": ("portee",),
    "code": ("code",),
    "departement": ("departement", "dep", "dept", "code departement", "code dep", "numero departement"),
    "region": ("region", "code region"),
    "acteur": ("acteur", "id acteur"),
    "nom": ("nom", "service", "structure", "nom du service"),
    "telephone": ("telephone", "tel", "numero de telephone"),
    "email": ("courriel", "email", "e mail", "mail", "adresse electronique"),
    "formulaire": ("formulaire", "formulaire de contact"),
    "annuaire": ("annuaire",),
    "adresse": ("adresse", "adresse postale"),
    "site": ("site", "site web", "site internet"),
    "horaires": ("horaires", "horaire"),
    "note": ("note", "remarque", "remarques"),
    "pour": ("pour", "dispositifs"),
    "statut": ("statut",),
    "source_titre": ("source", "source titre", "titre de la source"),
    "source_url": ("source url", "url de la source", "lien de la source"),
    "source_document": ("source document", "document source"),
    "publie_le": ("publie le", "source publie le", "date de publication"),
    "vu_le": ("vu le", "source vu le", "date de lecture", "consulte le"),
}
# The export's columns, in this order; the importer reads them back.
EXPORT_COLUMNS = [
    *("portee", "code", "acteur", "nom", "telephone", "email", "formulaire", "annuaire", "adresse", "site"),
    *("horaires", "note", "pour", "statut", "source_titre", "source_url", "source_document", "publie_le", "vu_le"),
]
_CONTACT_KEYS = ("nom", "telephone", "email", "formulaire", "annuaire", "adresse", "site", "horaires", "note", "pour")
_URL_KEYS = ("formulaire", "annuaire", "site", "source_url")

# A name or email word that says « this is a service »: an address made of it is not a person's.
GENERIC_WORDS = (
    *("contact", "accueil", "service", "info", "secretariat", "courrier", "direction", "standard", "support", "rh"),
    *("equipe", "cellule", "antenne", "agence", "pole", "social", "sante", "handicap", "emploi", "maintien", "pdp"),
    *("prevention", "insertion", "travail", "medical", "autonomie", "mdph", "mda", "cpam", "carsat", "prith", "msa"),
    *("caf", "agefiph", "fiphfp", "spst", "sst", "cnsa", "urssaf", "ars", "dreets", "ddets", "comete", "ameli"),
)
_TITLE = re.compile(
    r"(?<![\w.])(?:M\.|MM\.|Mme|Mmes|Mlle|Mr|Dr\.?|Pr\.?|(?i:docteur|professeur|monsieur|madame|mademoiselle))(?!\w)"
)
_PORTEES = {
    "": ("",),
    "local": ("local", "locale", "departement", "departemental", "departementale"),
    "regional": ("regional", "regionale", "region"),
    "national": ("national", "nationale"),
}
_OVERSEAS_PREFIXES = ("262", "269", "508", "590", "594", "596", "681", "687", "689")
PERSON_HINT = "les contacts sont des services, jamais des personnes"


@dataclass(frozen=True)
class RowProblem:
    """One problem of the file: its row (None: the header), its column as the editor wrote it, what and how."""

    row: int | str | None  # a row number, or a text naming several (« lignes 2 à 7 »)
    column: str | None
    message: str
    hint: str = ""
    severity: str = "erreur"  # « erreur » stops the import; « avertissement » and « info » do not

    def __str__(self) -> str:
        where = "en-tête" if self.row is None else f"ligne {self.row}" if isinstance(self.row, int) else self.row
        if self.column:
            where += f", colonne « {self.column} »"
        if self.severity != "erreur":
            where += f" ({self.severity})"
        return f"{where} : {self.message}" + (f" — {self.hint}" if self.hint else "")


@dataclass(frozen=True)
class InputRow:
    """One row to import, with canonical column names; `labels` names each column as the file does."""

    number: int
    values: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, column: str) -> str:
        return self.labels.get(column, column)


@dataclass(frozen=True)
class ImportedContact:
    """A checked row: the file it goes to (« territoires » or « regions », code) and the keys its row gave."""

    row: int
    kind: str
    code: str
    contact: LocalContact
    given: frozenset


def header_key(text: str) -> str:
    return " ".join(folded_words(text.replace("_", " ")))


def map_header(header: list[str]) -> tuple[dict[str, int], dict[str, str], list[RowProblem]]:
    """Canonical column -> its index and its label in the file; problems: unknown or repeated columns."""
    by_alias = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
    indexes: dict[str, int] = {}
    labels: dict[str, str] = {}
    problems = []
    for index, label in enumerate(header):
        if not label.strip():
            continue
        column = by_alias.get(header_key(label))
        if column is None:
            guess = nearest(header_key(label), by_alias)
            hint = f"vouliez-vous dire « {guess} » ?" if guess else "colonnes reconnues : " + ", ".join(COLUMNS)
            problems.append(RowProblem(None, label, "colonne inconnue, ignorée", hint, "avertissement"))
        elif column in indexes:
            problems.append(
                RowProblem(None, label, f"cette colonne répète la colonne « {labels[column]} »", "gardez-en une")
            )
        else:
            indexes[column], labels[column] = index, label
    return indexes, labels, problems


def rows_of(table, indexes: dict[str, int], labels: dict[str, str]) -> list[InputRow]:
    """The table's non-empty rows, keyed by canonical column."""
    rows = []
    for number, cells in zip(table.numbers, table.rows, strict=True):
        if not any(cell.strip() for cell in cells):
            continue
        values = {column: (cells[i] if i < len(cells) else "") for column, i in indexes.items()}
        rows.append(InputRow(number, values, labels))
    return rows


def missing_columns(columns: set[str], vu_le_default: date | None) -> list[RowProblem]:
    """Columns without which no row can be imported: said once, not on every row."""
    needed = [
        ("nom", "le nom du service"),
        ("acteur", "l'acteur (id ou nom : mdph, Cap emploi, Sameth…)"),
        ("source_titre", "la source des coordonnées (colonne « source »)"),
    ]
    problems = [
        RowProblem(None, None, f"la colonne « {column} » manque", f"ajoutez une colonne pour {what}")
        for column, what in needed
        if column not in columns
    ]
    if not columns & {"departement", "region", "code"}:
        problems.append(
            RowProblem(None, None, "aucune colonne ne dit où", "ajoutez une colonne « département » (ou « région »)")
        )
    if not columns & {"source_url", "source_document"}:
        problems.append(
            RowProblem(
                None,
                None,
                "la source n'a ni adresse ni document",
                "ajoutez une colonne « source_url » (la page lue) ou « source_document » (le document lu)",
            )
        )
    if "vu_le" not in columns and vu_le_default is None:
        problems.append(
            RowProblem(
                None,
                None,
                "la date de lecture de la source manque",
                "ajoutez une colonne « vu_le » (AAAA-MM-JJ) ou donnez la date à la commande : --vu-le AAAA-MM-JJ",
            )
        )
    return problems


class RowReader:
    """Checks rows against the catalog (acteurs, dispositifs) and the official list of départements."""

    def __init__(self, catalog: Catalog, departements: dict[str, Departement], vu_le_default: date | None = None):
        self.catalog = catalog
        self.departements = departements
        self.regions = {d.region: d.region_nom for d in departements.values() if re.fullmatch(r"\d{2}", d.region)}
        self.vu_le_default = vu_le_default
        self.acteur_names = _acteur_names(catalog)
        self.dispositifs = [f.id for f in catalog.of_type("dispositif")]

    def read(self, rows: list[InputRow], columns: set[str]) -> tuple[list[ImportedContact], list[RowProblem]]:
        """Every row checked: the contacts of the good rows, and every problem (of all rows) in row order."""
        contacts, problems = [], []
        seen: dict[tuple, int] = {}
        national = [row.number for row in rows if _portee(row.values.get("portee", "")) == "national"]
        if national:
            problems.append(
                RowProblem(
                    _row_list(national),
                    None,
                    f"{len(national)} contact(s) national(aux) ignoré(s)",
                    "les moyens nationaux d'un acteur se modifient dans sa fiche (content/acteurs, clé « joindre »)",
                    "info",
                )
            )
        for row in rows:
            if row.number in national:
                continue
            contact, row_problems = self.read_row(row, columns)
            problems += row_problems
            if contact is None:
                continue
            key = (contact.kind, contact.code, contact.contact.acteur, contact.contact.nom)
            if key in seen:
                problems.append(
                    RowProblem(
                        row.number,
                        row.label("nom"),
                        f"même acteur et même nom qu'à la ligne {seen[key]}, pour le même fichier",
                        "chaque contact d'un fichier a un nom distinct : précisez le site (ex. « …, antenne de Pau »)",
                    )
                )
                continue
            seen[key] = row.number
            contacts.append(contact)
        return contacts, problems

    def read_row(self, row: InputRow, columns: set[str]) -> tuple[ImportedContact | None, list[RowProblem]]:
        problems: list[RowProblem] = []
        value = lambda column: row.values.get(column, "")  # noqa: E731

        def fail(column: str, message: str, hint: str = "", severity: str = "erreur") -> None:
            problems.append(RowProblem(row.number, row.label(column) if column else None, message, hint, severity))

        portee = _portee(value("portee"))
        if portee is None:
            fail("portee", f"« {value('portee')} » n'est pas une portée", "écrivez « local » ou « regional »")
        elif not portee:  # not said: a row that names only a région is regional
            portee = "regional" if value("region") and not value("departement") else "local"
        place = self._place(row, portee or "local", fail)
        acteur = self._acteur(value("acteur"), lambda m, h="": fail("acteur", m, h))
        data: dict = {"acteur": acteur}
        for key in _CONTACT_KEYS:
            if key in columns:
                data[key] = self._cell(key, value(key), lambda m, h="", k=key: fail(k, m, h))
        for column, text in row.values.items():
            if looks_like_formula(text):
                fail(
                    column,
                    f"la cellule « {text[:40]} » commence comme une formule de tableur",
                    "retirez le signe du début (=, +, -, @) : un tableur exécuterait ce texte comme une formule",
                )
        statut = header_key(value("statut")).replace(" ", "-") or "a-verifier"
        if statut not in {"verifie", "a-verifier"}:
            fail("statut", f"« {value('statut')} » n'est pas un statut", "écrivez « verifie » ou « a-verifier »")
        data["statut"] = statut
        data["source"] = self._source(row, columns, fail)
        if not clean(value("nom")):
            fail("nom", "le nom du service manque", "écrivez le service, par exemple « MDPH du Morbihan »")
        if problems and any(p.severity == "erreur" for p in problems):
            return None, problems
        try:
            contact = LocalContact.model_validate({k: v for k, v in data.items() if v is not None})
        except ValidationError as error:  # a case the cell checks above do not foresee: still said in French
            for item in error.errors(include_url=False):
                column = str(item["loc"][0]) if item["loc"] else "nom"
                fail(column, f"valeur refusée ({item['msg']})", "comparez avec un contact existant")
            return None, problems
        if not contact.reachable:
            fail(
                "",
                f"« {contact.nom} » n'a ni téléphone, ni courriel, ni formulaire, ni annuaire",
                "il est accepté : le portail le cite à côté des moyens régionaux ou nationaux de l'acteur",
                "avertissement",
            )
        given = frozenset({"acteur", "source", *(k for k in (*_CONTACT_KEYS, "statut") if k in columns)})
        return ImportedContact(row.number, place[0], place[1], contact, given), problems

    def _place(self, row: InputRow, portee: str, fail) -> tuple[str, str]:
        """(« territoires », département) or (« regions », région); the `code` column is either, by portée."""
        values = row.values
        dep_column = "departement" if values.get("departement") or "code" not in values else "code"
        dep_text = values.get("departement") or (values.get("code", "") if portee == "local" else "")
        if portee == "local":
            if not dep_text:
                fail(dep_column, "le département manque", "écrivez son code : 56, 2A, 974")
                return "territoires", ""
            return "territoires", self._departement(dep_text, lambda m, h="": fail(dep_column, m, h)) or ""
        region_column = "region" if values.get("region") or "code" not in values else "code"
        region_text = values.get("region") or values.get("code", "")
        region = self._region(region_text, lambda m, h="": fail(region_column, m, h)) if region_text else None
        departement = None
        if values.get("departement"):
            departement = self._departement(values["departement"], lambda m, h="": fail("departement", m, h))
        if departement and not region_text:
            region = self.departements[departement].region
            if region not in self.regions:
                fail("departement", f"le département {departement} n'a pas de région", "écrivez « local »")
        elif departement and region and self.departements[departement].region != region:
            fail(region_column, f"le département {departement} n'est pas dans la région {region}")
        elif not region_text and not values.get("departement"):
            fail(region_column, "la région manque", "écrivez son code INSEE, par exemple 53 pour la Bretagne")
        return "regions", region or ""

    def _departement(self, text: str, fail) -> str | None:
        code = text.strip().upper()
        if code.isdigit() and len(code) == 1:  # a spreadsheet drops the 0 of « 01 »
            code = "0" + code
        if code in self.departements:
            return code
        if code == "20":
            fail("« 20 » : la Corse a deux départements", "écrivez 2A (Corse-du-Sud) ou 2B (Haute-Corse)")
            return None
        names = {header_key(d.nom): d.code for d in self.departements.values()}
        if header_key(text) in names:
            return names[header_key(text)]
        guess = nearest(header_key(text), names)
        hint = f"vouliez-vous dire {names[guess]} ({guess}) ?" if guess else "écrivez son code : 56, 2A, 974"
        fail(f"« {text} » n'est pas un département", hint)
        return None

    def _region(self, text: str, fail) -> str | None:
        code = text.strip()
        if code.isdigit() and len(code) == 1:
            code = "0" + code
        if code in self.regions:
            return code
        names = {header_key(name): code for code, name in self.regions.items()}
        if header_key(text) in names:
            return names[header_key(text)]
        fail(f"« {text} » n'est pas une région", "écrivez son code INSEE, par exemple 53 pour la Bretagne")
        return None

    def _acteur(self, text: str, fail) -> str:
        key = header_key(text)
        if not key:
            fail("l'acteur manque", "écrivez l'id de sa fiche (ex. mdph) ou son nom (ex. Cap emploi)")
            return ""
        found = self.acteur_names.get(key, set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            fail(f"« {text} » désigne plusieurs acteurs : {', '.join(sorted(found))}", "écrivez l'id voulu")
            return ""
        guess = nearest(key, self.acteur_names)
        hint = (
            f"vouliez-vous dire « {sorted(self.acteur_names[guess])[0]} » ?"
            if guess
            else "écrivez l'id d'une fiche de content/acteurs (ex. mdph, cap-emploi)"
        )
        fail(f"« {text} » n'est pas un acteur du portail", hint)
        return ""

    def _cell(self, key: str, text: str, fail):
        """The value of one contact cell, or None when it is empty or refused (then `fail` is called)."""
        # A note keeps its line breaks (Alt+Entrée in a cell); every other cell is one line.
        text = "\n".join(clean(line) for line in text.strip().splitlines()) if key == "note" else clean(text)
        if not text:
            return [] if key == "pour" else None
        if key == "telephone":
            return french_phone(text, fail)
        if key == "email":
            return _email(text, fail)
        if key in _URL_KEYS:
            return _url(text, fail)
        if key == "pour":
            return self._pour(text, fail)
        if key == "nom" and _TITLE.search(text):
            fail(f"« {text} » nomme une personne", f"{PERSON_HINT} : donnez le nom du service")
            return None
        return text

    def _pour(self, text: str, fail) -> list[str]:
        ids = []
        for part in re.split(r"[,;]", text):
            fiche_id = part.strip().lower()
            if not fiche_id:
                continue
            if fiche_id not in self.dispositifs:
                guess = nearest(fiche_id, self.dispositifs)
                hint = f"vouliez-vous dire « {guess} » ?" if guess else "écrivez des ids de content/dispositifs"
                fail(f"« {fiche_id} » n'est pas un dispositif", hint)
                continue
            ids.append(fiche_id)
        return ids

    def _source(self, row: InputRow, columns: set[str], fail) -> dict:
        value = lambda column: clean(row.values.get(column, ""))  # noqa: E731
        source: dict = {"titre": value("source_titre") or None}
        if not source["titre"]:
            fail("source_titre", "la source manque", "écrivez d'où viennent ces coordonnées (page, document)")
        if value("source_url"):
            source["url"] = _url(value("source_url"), lambda m, h="": fail("source_url", m, h))
        if value("source_document"):
            source["document"] = value("source_document")
        if not value("source_url") and not value("source_document"):
            column = "source_url" if "source_url" in columns else "source_document"
            fail(column, "la source n'a ni adresse ni document", "donnez l'adresse de la page ou le document lu")
        for key in ("publie_le", "vu_le"):
            if value(key):
                source[key] = parse_date(value(key), lambda m, h="", k=key: fail(k, m, h))
        if not value("vu_le"):
            if self.vu_le_default is None:
                fail("vu_le", "la date de lecture de la source manque", "écrivez-la (AAAA-MM-JJ) ou donnez --vu-le")
            source["vu_le"] = self.vu_le_default
        return {k: v for k, v in source.items() if v is not None}


def _row_list(numbers: list[int]) -> str:
    """« ligne 4 », « lignes 2 à 7 », « lignes 2, 5, 9 »."""
    if len(numbers) == 1:
        return f"ligne {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"lignes {numbers[0]} à {numbers[-1]}"
    return "lignes " + ", ".join(map(str, numbers))


def _portee(text: str) -> str | None:
    """« local », « regional », « national », « » (not said) or None (not a portée)."""
    key = header_key(text)
    for portee, words in _PORTEES.items():
        if key in words:
            return portee
    return None


def _acteur_names(catalog: Catalog) -> dict[str, set[str]]:
    """Every way to name an acteur -> its id: id, title, sigle, aliases, and its old names in the glossary."""
    names: dict[str, set[str]] = {}
    acteurs = {fiche.id: fiche for fiche in catalog.of_type("acteur")}
    for fiche in acteurs.values():
        for name in (fiche.id, fiche.titre, fiche.sigle or "", *fiche.alias):
            if header_key(name):
                names.setdefault(header_key(name), set()).add(fiche.id)
    for terme in catalog.glossaire:
        if terme.ancien and terme.fiche in acteurs:  # an old name (Sameth), not any word linked to the fiche
            for name in (terme.terme, *terme.synonymes):
                names.setdefault(header_key(name), set()).add(terme.fiche)
    return names


def french_phone(text: str, fail) -> str | None:
    """A French number as written (spaces kept, hyphens become spaces), or None after `fail`.

    Accepted: 10 digits starting with 0 (02 97 00 00 00, 0 800 11 10 09), a short number of 4 digits
    (36 46, 39 49), +33 and 9 digits, an overseas prefix (+262, +590, +596…) and its digits. Digits only are grouped
    by two for reading."""
    written = " ".join(text.replace("-", " ").replace("\u00a0", " ").split())
    digits = re.sub(r"[ .]", "", written)
    hint = "écrivez 10 chiffres (02 97 00 00 00) ou un numéro court (36 46)"
    if not re.fullmatch(r"\+?\d+", digits):
        fail(f"« {text} » n'est pas un numéro de téléphone français", hint + " ; une précision va dans « note »")
        return None
    valid = (
        re.fullmatch(r"0[1-9]\d{8}", digits)
        or re.fullmatch(r"3\d{3}", digits)
        or re.fullmatch(r"(\+33|0033)[1-9]\d{8}", digits)
        or any(re.fullmatch(rf"\+{prefix}\d{{6,9}}", digits) for prefix in _OVERSEAS_PREFIXES)
    )
    if not valid:
        if re.fullmatch(r"[1-9]\d{8}", digits):
            hint += " ; le tableur a sans doute retiré le 0 du début : mettez la colonne au format texte"
        fail(f"« {text} » n'est pas un numéro de téléphone français", hint)
        return None
    if written == digits and len(digits) in (4, 10):
        return " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))
    return written


def looks_like_a_person(email: str) -> bool:
    """« jean.dupont@… », « j.dupont@… »: a first name and a name, without a word that says « service »."""
    local = email.split("@", 1)[0]
    parts = re.split(r"[._]", fold(local))
    if len(parts) != 2 or not all(re.fullmatch(r"[a-z]+(-[a-z]+)*", part) for part in parts):
        return False
    return not any(_says_service(part) for part in parts)


def _says_service(part: str) -> bool:
    # A short word only at an end (« arsbretagne », not « lars »); a long one anywhere (« servicesocial »).
    return any(
        part.startswith(word) or part.endswith(word) or (len(word) >= 5 and word in part) for word in GENERIC_WORDS
    )


def _email(text: str, fail) -> str | None:
    address = text.removeprefix("mailto:").strip()
    try:
        TypeAdapter(Email).validate_python(address)
    except ValidationError:
        fail(f"« {text} » n'est pas une adresse électronique", "écrivez une adresse comme accueil@exemple.fr")
        return None
    if looks_like_a_person(address):
        fail(f"« {text} » est l'adresse d'une personne", f"{PERSON_HINT} : donnez l'adresse générique du service")
        return None
    return address


def _url(text: str, fail) -> str | None:
    try:
        return TypeAdapter(Url).validate_python(text)
    except ValidationError:
        hint = "écrivez l'adresse complète, commençant par https://"
        if re.match(r"^www\.", text):
            hint = f"écrivez https://{text}"
        fail(f"« {text} » n'est pas une adresse web", hint)
        return None


def parse_date(text: str, fail) -> date | None:
    """AAAA-MM-JJ or JJ/MM/AAAA (as a French spreadsheet shows dates)."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        numbers = [int(part) for part in match.groups()]
        year, month, day = numbers if "-" in text else numbers[::-1]
        try:
            return date(year, month, day)
        except ValueError:
            pass
    fail(f"« {text} » n'est pas une date", "écrivez-la AAAA-MM-JJ (2026-11-22) ou JJ/MM/AAAA (22/11/2026)")
    return None


def export_row(entry: ContactEntry) -> list[str]:
    """One contact as a row of EXPORT_COLUMNS."""
    contact, source = entry.contact, entry.contact.source
    values = {
        "portee": entry.portee,
        "code": entry.code or "",
        "acteur": entry.acteur,
        **{key: getattr(contact, key) or "" for key in _CONTACT_KEYS if key != "pour"},
        "pour": ", ".join(getattr(contact, "pour", [])),
        "statut": contact.statut,
        "source_titre": source.titre,
        "source_url": source.url or "",
        "source_document": source.document or "",
        "publie_le": source.publie_le.isoformat() if source.publie_le else "",
        "vu_le": source.vu_le.isoformat(),
    }
    return [values[column] for column in EXPORT_COLUMNS]
