"""Who may reuse what, and how to credit it: the code under MIT (LICENSE), the content and the data under the
Licence Ouverte 2.0 (LICENCE-CONTENU.md), with the attribution that third-party data requires. Said in the
footer of every page, in a `Link: <…>; rel="license"` header on every /api/ answer, and in the `licence` field of
the list answers (fiches, data·inclusion pages)."""

from portal.catalog import Catalog

CONTENT_LICENCE = "Licence Ouverte 2.0 (Etalab)"
CONTENT_LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
CODE_LICENCE = "MIT"
LINK_HEADER = f'<{CONTENT_LICENCE_URL}>; rel="license"'

# Third-party data the content copies, recognised by the source its contacts cite: (what the source's title or
# document starts with, the attribution its licence asks for).
THIRD_PARTY = [
    (
        "Annuaire de l'administration",
        "Annuaire de l'administration (service-public.fr, Direction de l'information légale et administrative), "
        "Licence Ouverte, relevé publié le 23 juillet 2019",
    ),
]


def third_party_sources(catalog: Catalog) -> list[dict]:
    """The third-party datasets this content copies contacts from: their attribution and how many contacts."""
    found = []
    for prefix, attribution in THIRD_PARTY:
        count = sum(
            1
            for entry in catalog.contact_entries
            if any(
                (text or "").startswith(prefix) for text in (entry.contact.source.titre, entry.contact.source.document)
            )
        )
        if count:
            found.append({"attribution": attribution, "contacts": count})
    return found


def licence_json(catalog: Catalog) -> dict:
    """The `licence` field of the API's list answers."""
    return {
        "nom": CONTENT_LICENCE,
        "url": CONTENT_LICENCE_URL,
        "paternite": f"Portail PDP, version du contenu {catalog.version[:8]}",
        "sources_tierces": third_party_sources(catalog),
        "code": CODE_LICENCE,
    }
