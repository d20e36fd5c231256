"""Review dates: which fiches and contacts are due for a new reading, and by whom; and, for the editors, each
doubt, point to check, missing primary source and editors' note."""

from dataclasses import dataclass
from datetime import date

from portal.catalog import Catalog
from portal.models import Fiche

CONTACT_REVIEW_MONTHS = 6  # contacts change first (phones, addresses): read again twice a year


@dataclass(frozen=True)
class DueItem:
    """A fiche or a contact to read again: what, since when, who keeps it, in which file."""

    kind: str  # « fiche » or « contact »
    fiche_id: str
    label: str
    checked: date  # last reading: the fiche's `mis_a_jour`, the contact source's `vu_le`
    due: date
    owner: str | None
    file: str
    a_verifier: str | None = None  # what the editor wrote is still to check, on the fiche or the contact
    note_editeurs: str | None = None  # the editors' own note: never on a public page

    @property
    def kind_label(self) -> str:
        return "fiche" if self.kind == "fiche" else "contact"


def review_date(updated: date, months: int) -> date:
    """`updated` plus `months` months (clamped to the month's last day)."""
    month_index = updated.month - 1 + months
    year, month = updated.year + month_index // 12, month_index % 12 + 1
    for day in (updated.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def fiche_review_date(fiche: Fiche) -> date:
    """When the fiche should be read again: `mis_a_jour` plus `revision_mois`."""
    return review_date(fiche.mis_a_jour, fiche.revision_mois)


def is_overdue(fiche: Fiche, today: date | None = None) -> bool:
    """True when the fiche's review date has passed."""
    return fiche_review_date(fiche) < (today or date.today())


def due_items(catalog: Catalog, today: date | None = None, within_days: int = 0) -> list[DueItem]:
    """Fiches and contacts whose review date is past (or within `within_days`), oldest due first."""
    today = today or date.today()
    items = []
    for fiche in catalog.fiches.values():
        due = fiche_review_date(fiche)
        if (due - today).days <= within_days:
            file = catalog.lines.get(fiche.id, ("", 1))[0]
            items.append(
                DueItem(
                    "fiche",
                    fiche.id,
                    fiche.titre,
                    fiche.mis_a_jour,
                    due,
                    fiche.responsable,
                    file,
                    fiche.a_verifier,
                    fiche.note_editeurs,
                )
            )
    for entry in catalog.contact_entries:
        fiche_id, contact, owner, file = entry.acteur, entry.contact, entry.responsable, entry.file
        checked = contact.source.vu_le
        due = review_date(checked, CONTACT_REVIEW_MONTHS)
        if (due - today).days <= within_days:
            notes = (contact.a_verifier, contact.note_editeurs)
            items.append(DueItem("contact", fiche_id, contact.nom, checked, due, owner, file, *notes))
    return sorted(items, key=lambda item: (item.due, item.kind, item.label))


@dataclass(frozen=True)
class EditorNote:
    """What editors know about a fiche or a contact and readers do not see in this form: a fiche-wide doubt, the
    points to check, the editors' note, a fiche without a primary source."""

    kind: str  # « fiche » or « contact »
    fiche_id: str
    label: str
    file: str
    a_verifier: str | None  # a fiche « a-verifier »: its banner; a contact: its `a_verifier`
    points: tuple[tuple[str, str], ...]  # (field, text) of each point to check
    note_editeurs: str | None

    @property
    def kind_label(self) -> str:
        return "fiche" if self.kind == "fiche" else "contact"


def editor_notes(catalog: Catalog) -> list[EditorNote]:
    """Every fiche with a doubt, a point to check or an editors' note, in title order; then every contact with a
    doubt or an editors' note, file by file. (A fiche without a primary source does not load: `portal check`.)"""
    notes = []
    for fiche in catalog.fiches.values():
        banner = fiche.a_verifier if fiche.statut == "a-verifier" else None
        points = tuple((point.champ, point.texte) for point in fiche.a_verifier_points)
        if banner or points or fiche.note_editeurs:
            file = catalog.lines.get(fiche.id, ("", 1))[0]
            notes.append(EditorNote("fiche", fiche.id, fiche.titre, file, banner, points, fiche.note_editeurs))
    for entry in catalog.contact_entries:
        fiche_id, contact, file = entry.acteur, entry.contact, entry.file
        if contact.a_verifier or contact.note_editeurs:
            doubt = contact.a_verifier
            notes.append(EditorNote("contact", fiche_id, contact.nom, file, doubt, (), contact.note_editeurs))
    return notes
