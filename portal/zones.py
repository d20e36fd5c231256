"""Where a fiche applies: everywhere in France, or only in some régions or départements (its `zone`)."""

from portal.models import Fiche


def applies_in(fiche: Fiche, departement: str, region: str) -> bool:
    """True when `fiche` exists in the département `departement` (of région `region`)."""
    zone = fiche.zone
    return zone is None or departement in zone.departements or (bool(region) and region in zone.regions)


def zone_names(fiche: Fiche, regions: dict[str, str], departements: dict) -> list[str]:
    """The places of a regional fiche, by name (« Bretagne », « Morbihan (56) »); empty for a national one."""
    if fiche.zone is None:
        return []
    names = [regions.get(code, f"région {code}") for code in fiche.zone.regions]
    for code in fiche.zone.departements:
        departement = departements.get(code)
        names.append(f"{departement.nom} ({code})" if departement else f"département {code}")
    return names
