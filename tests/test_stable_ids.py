"""A contact keeps its data·inclusion id when it is renamed, by the spreadsheet importer or by the editors' form:
the id of a structure comes from the contact's name until the first rename, which writes that name as `id:` in
the file (DORA and the other reusers of the directory recognise the structure under its new name)."""

import shutil

import pytest
from apps import FIXTURES, portal_app
from test_contacts_import import run
from test_territory_editors import (  # noqa: F401 (fixtures)
    accept,
    app,
    contacts_of,
    content,
    invite,
    morbihan,
    national,
    submit,
)

from portal.catalog import load_catalog
from portal.diagnostics import ContentError

STRUCTURES = "/api/data-inclusion/structures"
OLD_ID = "pdp-cap-emploi-56-cap-emploi-du-morbihan"


def structure_ids(content_dir, tmp_path) -> dict[str, str]:
    """Structure id -> name, from a fresh instance on `content_dir`."""
    folder = tmp_path / f"instance-{len(list(tmp_path.glob('instance-*')))}"
    client = portal_app(folder, content_dir, FIXTURES / "trees").test_client()
    return {item["id"]: item["nom"] for item in client.get(STRUCTURES).get_json()["items"]}


def sheet(tmp_path, name: str, phone: str = "02 97 00 00 56"):
    path = tmp_path / f"{name}.csv"
    path.write_text(
        "departement;acteur;nom;telephone;source;source_url;vu_le\n"
        f"56;cap-emploi;{name};{phone};capemploi56.fr;https://capemploi56.fr;2026-12-06\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def imported(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", folder)
    return folder


def test_a_contact_renamed_by_the_importer_keeps_its_id(imported, tmp_path):
    assert run(imported, "importer", str(sheet(tmp_path, "Cap emploi du Morbihan")), "--ecrire").exit_code == 0
    assert structure_ids(imported, tmp_path).get(OLD_ID) == "Cap emploi du Morbihan"
    result = run(imported, "importer", str(sheet(tmp_path, "Cap emploi 56 (Morbihan)")), "--ecrire")
    assert result.exit_code == 0, result.output
    (cap,) = load_catalog(imported).territoires["56"].contacts
    assert (cap.nom, cap.id) == ("Cap emploi 56 (Morbihan)", "cap-emploi-du-morbihan")
    ids = structure_ids(imported, tmp_path)
    assert ids.get(OLD_ID) == "Cap emploi 56 (Morbihan)"
    assert "pdp-cap-emploi-56-cap-emploi-56-morbihan" not in ids
    # A second rename keeps the first id; importing the same file again changes nothing.
    assert run(imported, "importer", str(sheet(tmp_path, "Cap emploi 56")), "--ecrire").exit_code == 0
    assert load_catalog(imported).territoires["56"].contacts[0].id == "cap-emploi-du-morbihan"
    assert "aucun changement" in run(imported, "importer", str(sheet(tmp_path, "Cap emploi 56"))).output
    assert structure_ids(imported, tmp_path).get(OLD_ID) == "Cap emploi 56"


def test_a_contact_renamed_in_the_editors_form_keeps_its_id(morbihan, content, tmp_path):  # noqa: F811
    assert submit(morbihan).status_code == 303  # a phone: the contact becomes a structure
    assert OLD_ID in structure_ids(content, tmp_path)
    assert submit(morbihan, nom="Cap emploi 56, Vannes", raison="Nouveau nom du service").status_code == 303
    (saved,) = contacts_of(content)
    assert (saved["nom"], saved["id"]) == ("Cap emploi 56, Vannes", "cap-emploi-du-morbihan")
    assert structure_ids(content, tmp_path).get(OLD_ID) == "Cap emploi 56, Vannes"
    # Another change keeps the id the file has.
    assert submit(morbihan, nom="Cap emploi 56", raison="Nom court").status_code == 303
    assert contacts_of(content)[0]["id"] == "cap-emploi-du-morbihan"


def test_an_id_that_is_not_kebab_case_is_refused_by_the_check(imported):
    path = imported / "territoires" / "56.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("nom: Cap emploi du Morbihan\n", "nom: Cap emploi du Morbihan\n    id: Cap Emploi\n"))
    with pytest.raises(ContentError) as raised:
        load_catalog(imported)
    assert [(p.file, p.key) for p in raised.value.errors] == [("content/territoires/56.yaml", "contacts[0].id")]
