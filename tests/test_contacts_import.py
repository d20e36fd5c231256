"""`portal contacts importer` and `exporter`: spreadsheets and the official 2019 annuaire into territoire and
région files that `portal check` accepts; bad rows refused in French; nothing written without --ecrire."""

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.catalog import load_catalog
from portal.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
ANNUAIRE = FIXTURES / "annuaire-2019"
SOURCE_DOCUMENT = (
    "Annuaire de l'administration (service-public.fr, base de données locales, Licence Ouverte), relevé publié "
    "le 23 juillet 2019 dans le dépôt public okfnfr/dada-france-authorities"
)


@pytest.fixture
def content(tmp_path) -> Path:
    """A copy of the small test content, with the acteurs mdph and agefiph."""
    folder = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", folder)
    for fiche in (ANNUAIRE / "acteurs").glob("*.yaml"):
        shutil.copy(fiche, folder / "acteurs" / fiche.name)
    return folder


def run(content: Path, *args: str):
    return CliRunner().invoke(main, ["contacts", *args], env={"PORTAL_CONTENT_DIR": str(content)})


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def by_name(place) -> dict:
    return {contact.nom: contact for contact in place.contacts}


def test_annuaire_extract_gives_files_that_portal_check_accepts(content):
    result = run(content, "importer", str(ANNUAIRE / "extrait.csv"), "--ecrire")
    assert result.exit_code == 0, result.output
    catalog = load_catalog(content)
    ain = by_name(catalog.territoires["01"])["Maison départementale des personnes handicapées (MDPH) - Ain"]
    assert ain.acteur == "mdph" and ain.telephone == "08 00 88 84 44" and ain.email == "mdph@ain.fr"
    assert ain.adresse == "13 avenue de la Victoire - CS 50415, 01012 Bourg-en-Bresse Cedex"
    assert ain.note == "Numéro vert : service et appel gratuits." and ain.site == "http://www.mdph.ain.fr"
    assert ain.statut == "a-verifier"
    assert ain.source.titre == "Annuaire de l'administration (service-public.fr), relevé publié le 23 juillet 2019"
    assert ain.source.url is None and ain.source.document == SOURCE_DOCUMENT
    assert ain.source.publie_le == ain.source.vu_le == date(2019, 7, 23)
    (aisne,) = catalog.territoires["02"].contacts
    assert aisne.adresse == "Route de Besny, 02000 Laon" and aisne.telephone == "03 23 24 89 89" and not aisne.note
    (gard,) = catalog.territoires["30"].contacts
    assert gard.site is None  # « http://www.gard.frpres-de-chez-vous/… » is not a real address
    assert sorted(by_name(catalog.territoires["64"])) == [
        "Maison départementale des personnes handicapées (MDPH) - Pyrénées-Atlantiques - Antenne d'Anglet",
        "Maison départementale des personnes handicapées (MDPH) - Pyrénées-Atlantiques - Siège de Pau",
    ]
    (martinique,) = catalog.territoires["972"].contacts
    assert martinique.telephone == "+596 5 96 70 09 95" and martinique.adresse.endswith(", 97200 Fort-de-France")
    (bretagne,) = catalog.regions["53"].contacts  # the Agefiph délégation: a contact of the région
    assert (bretagne.acteur, bretagne.nom, bretagne.telephone) == ("agefiph", "Agefiph - Bretagne", "08 00 11 10 09")
    assert "agefiph" not in {c.acteur for t in catalog.territoires.values() for c in t.contacts}
    new_file = (content / "territoires" / "01.yaml").read_text(encoding="utf-8").splitlines()
    assert new_file[:5] == [
        "# yaml-language-server: $schema=../../schemas/territoire.schema.json",
        'departement: "01"',
        f"mis_a_jour: {date.today().isoformat()}",
        'responsable: "Équipe éditoriale du portail PDP"',
        "contacts:",
    ]
    assert new_file[5:7] == [
        "  - acteur: mdph",
        '    nom: "Maison départementale des personnes handicapées (MDPH) - Ain"',
    ]
    region_file = (content / "regions" / "53.yaml").read_text(encoding="utf-8")
    assert region_file.startswith('# yaml-language-server: $schema=../../schemas/region.schema.json\nregion: "53"\n')


def test_without_ecrire_the_diff_is_shown_and_nothing_is_written(content):
    before = snapshot(content)
    result = run(content, "importer", str(ANNUAIRE / "extrait.csv"))
    assert result.exit_code == 0, result.output
    assert snapshot(content) == before
    assert "--- /dev/null\n+++ territoires/01.yaml\n" not in result.output  # paths name the content folder
    assert "--- /dev/null\n+++ content/territoires/01.yaml\n" in result.output
    assert '+    telephone: "08 00 88 84 44"\n' in result.output
    assert "content/regions/53.yaml (nouveau fichier) : 1 contact(s) ajouté(s), 0 modifié(s)" in result.output
    assert "Rien n'a été écrit : relancez avec --ecrire pour enregistrer." in result.output


def test_importing_the_same_file_again_changes_nothing(content):
    assert run(content, "importer", str(ANNUAIRE / "extrait.csv"), "--ecrire").exit_code == 0
    written = snapshot(content)
    result = run(content, "importer", str(ANNUAIRE / "extrait.csv"), "--ecrire")
    assert result.exit_code == 0, result.output
    assert "7 contact(s) lu(s), 7 déjà à jour : aucun changement." in result.output
    assert "---" not in result.output and snapshot(content) == written


def test_the_full_2019_annuaire_gives_an_mdph_phone_in_almost_every_departement(content):
    result = run(content, "importer", str(ANNUAIRE / "mdph-agefiph.csv"), "--ecrire")
    assert result.exit_code == 0, result.output
    assert "113 contact(s) lu(s)" in result.output
    catalog = load_catalog(content)
    with_phone = {
        code for code, t in catalog.territoires.items() if any(c.acteur == "mdph" and c.telephone for c in t.contacts)
    }
    assert len(with_phone) == 89 and not with_phone & {"06", "15", "2A", "2B", "93", "971", "976"}
    assert len(catalog.territoires["71"].contacts) == 4  # four sites in Saône-et-Loire, each kept
    assert sum(len(r.contacts) for r in catalog.regions.values()) == 20
    assert {c.telephone for r in catalog.regions.values() for c in r.contacts} == {
        "08 00 11 10 09",
        "05 96 71 24 66",
        "02 62 20 98 11",
    }


def test_a_spreadsheet_adds_to_an_existing_file_and_keeps_its_contacts(content, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Département", "Acteur", "Nom du service", "Tél", "E-mail", "Source", "Source URL", "Vu le", "Pour"])
    sheet.append(
        [
            56,
            "Sameth",  # the old name of Cap emploi
            "Cap emploi 56, antenne de Lorient",
            "0297000000",
            "accueil@capemploi56.example.org",
            "capemploi56.example.org, page contact",
            "https://capemploi56.example.org/contact",
            datetime(2026, 11, 20),
            "essai-encadre, crpe",
        ]
    )
    sheet.append(  # two sites of Cap emploi for 56: neither takes the place of the file's own contact
        [56, "cap-emploi", "Cap emploi 56, antenne de Vannes", "", "", "capemploi56", "https://capemploi56.fr", "", ""]
    )
    sheet.append(
        [1, "MDPH", "MDPH de l'Ain", "04 74 32 58 60", "", "Site du département", "https://www.ain.fr", "", ""]
    )
    path = tmp_path / "annuaire.xlsx"
    workbook.save(path)
    original = (content / "territoires" / "56.yaml").read_text(encoding="utf-8")

    result = run(content, "importer", str(path), "--vu-le", "2026-11-21", "--ecrire")
    assert result.exit_code == 0, result.output
    text = (content / "territoires" / "56.yaml").read_text(encoding="utf-8")
    assert text.startswith(original)  # the editor's lines stay as they were; the new contact comes after
    lorient = by_name(load_catalog(content).territoires["56"])["Cap emploi 56, antenne de Lorient"]
    assert (lorient.acteur, lorient.telephone, lorient.pour) == (
        "cap-emploi",
        "02 97 00 00 00",
        ["essai-encadre", "crpe"],
    )
    assert lorient.source.vu_le == date(2026, 11, 20) and lorient.statut == "a-verifier"
    (ain,) = load_catalog(content).territoires["01"].contacts  # « 1 »: the spreadsheet dropped the 0 of « 01 »
    assert ain.source.vu_le == date(2026, 11, 21)  # from --vu-le


def test_a_changed_row_replaces_only_its_contact_and_keeps_what_the_file_does_not_say(content, tmp_path):
    sheet = tmp_path / "contacts.csv"
    header = "departement;acteur;nom;telephone;horaires;source;source_url;vu_le\n"
    row = "56;cap-emploi;Cap emploi du Morbihan;02 97 00 00 01;9 h - 17 h;capemploi56.fr;https://capemploi56.fr;{}\n"
    sheet.write_text(header + row.format("2026-11-23"), encoding="utf-8")
    assert run(content, "importer", str(sheet), "--ecrire").exit_code == 0
    (cap,) = load_catalog(content).territoires["56"].contacts
    assert (cap.telephone, cap.horaires, cap.note) == ("02 97 00 00 01", "9 h - 17 h", "Coordonnées à confirmer.")
    sheet.write_text(header.replace(";horaires", "") + row.replace("9 h - 17 h;", "").format("2026-11-24"), "utf-8")
    result = run(content, "importer", str(sheet))
    assert "0 contact(s) ajouté(s), 1 modifié(s)" in result.output
    assert "-      vu_le: 2026-11-23\n+      vu_le: 2026-11-24\n" in result.output
    assert "horaires" not in result.output  # a column absent from the file keeps its value


def test_a_new_name_for_the_only_contact_of_an_acteur_updates_it_instead_of_adding_a_duplicate(content, tmp_path):
    sheet = tmp_path / "contacts.csv"
    sheet.write_text(
        "departement;acteur;nom;telephone;source;source_url;vu_le\n"
        "56;cap-emploi;Cap emploi 56;02 97 00 00 56;capemploi56.fr;https://capemploi56.fr;2026-12-06\n",
        encoding="utf-8",
    )
    result = run(content, "importer", str(sheet))
    assert "content/territoires/56.yaml (modifié) : 0 contact(s) ajouté(s), 1 modifié(s)" in result.output
    assert "\n-    nom: Cap emploi du Morbihan\n" in result.output and '\n+    nom: "Cap emploi 56"\n' in result.output
    assert run(content, "importer", str(sheet), "--ecrire").exit_code == 0
    (cap,) = load_catalog(content).territoires["56"].contacts
    assert (cap.nom, cap.telephone, cap.note) == ("Cap emploi 56", "02 97 00 00 56", "Coordonnées à confirmer.")
    assert cap.source.url == "https://capemploi56.fr" and cap.statut == "a-verifier"


@pytest.mark.parametrize(
    "rows",
    [
        # two contacts of the acteur in the import: which one is the file's is not known
        "56;cap-emploi;Cap emploi 56, Vannes;02 97 00 00 01\n56;cap-emploi;Cap emploi 56, Lorient;02 97 00 00 02\n",
        # another acteur: the file has no contact of it
        "56;mdph;MDPH du Morbihan;02 97 00 00 03\n",
    ],
)
def test_a_new_name_is_added_when_the_contact_it_would_replace_is_not_certain(content, tmp_path, rows):
    sheet = tmp_path / "contacts.csv"
    sheet.write_text(
        "departement;acteur;nom;telephone;source;source_url;vu_le\n"
        + "".join(f"{row};s;https://exemple.fr;2026-12-06\n" for row in rows.splitlines()),
        encoding="utf-8",
    )
    result = run(content, "importer", str(sheet), "--ecrire")
    assert result.exit_code == 0, result.output
    names = [c.nom for c in load_catalog(content).territoires["56"].contacts]
    assert names == ["Cap emploi du Morbihan", *(row.split(";")[2] for row in rows.splitlines())]


def test_a_new_name_is_added_when_the_file_has_two_contacts_of_the_acteur(content, tmp_path):
    header = "departement;acteur;nom;telephone;source;source_url;vu_le\n"
    first, second = tmp_path / "premier.csv", tmp_path / "second.csv"
    first.write_text(
        header + "56;cap-emploi;Cap emploi 56, Vannes;;s;https://exemple.fr;2026-12-06\n"
        "56;cap-emploi;Cap emploi 56, Lorient;;s;https://exemple.fr;2026-12-06\n",
        encoding="utf-8",
    )
    assert run(content, "importer", str(first), "--ecrire").exit_code == 0
    second.write_text(header + "56;cap-emploi;Cap emploi 56, Pontivy;;s;https://exemple.fr;2026-12-06\n", "utf-8")
    result = run(content, "importer", str(second), "--ecrire")
    assert "1 contact(s) ajouté(s), 0 modifié(s)" in result.output
    assert len(load_catalog(content).territoires["56"].contacts) == 4


@pytest.mark.parametrize("contacts", ["contacts: []\n", ""])
def test_a_file_without_contacts_gets_its_first_one_and_keeps_its_comments(content, tmp_path, contacts):
    head = 'departement: "22"\nmis_a_jour: 2026-11-22\n# Tenu par le PRITH Bretagne\n'
    (content / "territoires" / "22.yaml").write_text(head + contacts, encoding="utf-8")
    sheet = tmp_path / "contacts.csv"
    sheet.write_text("dep;acteur;nom;tel;source;source_url\n22;mdph;MDPH 22;02 96 01 01 80;mdph22;https://mdph22.fr\n")
    assert run(content, "importer", str(sheet), "--vu-le", "2026-11-22", "--ecrire").exit_code == 0
    assert (content / "territoires" / "22.yaml").read_text(encoding="utf-8").startswith(head + "contacts:\n  - acteur")
    assert [c.nom for c in load_catalog(content).territoires["22"].contacts] == ["MDPH 22"]


def test_a_region_row_goes_to_the_region_file(content, tmp_path):
    sheet = tmp_path / "regions.csv"
    sheet.write_text(
        "portee,code,acteur,nom,email,source,source_document,vu_le\n"
        "regional,53,agefiph,Agefiph Bretagne,bretagne@agefiph.asso.fr,Annuaire PRITH,Annuaire du PRITH,2026-11-22\n",
        encoding="utf-8-sig",
    )
    assert run(content, "importer", str(sheet), "--ecrire").exit_code == 0
    (contact,) = load_catalog(content).regions["53"].contacts
    assert (contact.acteur, contact.email, contact.source.document) == (
        "agefiph",
        "bretagne@agefiph.asso.fr",
        "Annuaire du PRITH",
    )


BAD_ROWS = """Département;Acteur;Nom;Téléphone;Courriel;Source;Source_URL;Vu le
56;Cap emploi;Cap emploi 56;02 97 00 00 56;contact@capemploi56.fr;capemploi56.fr;https://capemploi56.fr;22/11/2026
99;cap-emploi;Cap emploi 99;02 97 00 00 99;;capemploi.fr;https://capemploi.fr;2026-11-22
56;Sameht;Cap emploi Vannes;;;capemploi.fr;https://capemploi.fr;2026-11-22
56;cap-emploi;Cap emploi Pontivy;;jean.dupont@capemploi56.fr;capemploi.fr;https://capemploi.fr;2026-11-22
56;cap-emploi;Mme Le Gall;;;capemploi.fr;https://capemploi.fr;2026-11-22
56;cap-emploi;Cap emploi Ploërmel;12 34;;capemploi.fr;https://capemploi.fr;2026-11-22
56;cap-emploi;;02 97 00 00 00;;capemploi.fr;https://capemploi.fr;2026-11-22
"""


def test_bad_rows_are_refused_one_french_line_each_and_nothing_is_written(content, tmp_path):
    sheet = tmp_path / "tableur.csv"
    sheet.write_bytes(BAD_ROWS.encode("cp1252"))  # « Enregistrer sous CSV » of Excel on a French Windows
    before = snapshot(content)
    result = run(content, "importer", str(sheet), "--ecrire")
    assert result.exit_code == 1
    assert snapshot(content) == before
    problems = [line for line in result.output.splitlines() if line.startswith("ligne ")]
    assert problems == [
        "ligne 3, colonne « Département » : « 99 » n'est pas un département — écrivez son code : 56, 2A, 974",
        "ligne 4, colonne « Acteur » : « Sameht » n'est pas un acteur du portail — vouliez-vous dire « cap-emploi » ?",
        "ligne 5, colonne « Courriel » : « jean.dupont@capemploi56.fr » est l'adresse d'une personne — les contacts "
        "sont des services, jamais des personnes : donnez l'adresse générique du service",
        "ligne 6, colonne « Nom » : « Mme Le Gall » nomme une personne — les contacts sont des services, jamais des "
        "personnes : donnez le nom du service",
        "ligne 7, colonne « Téléphone » : « 12 34 » n'est pas un numéro de téléphone français — écrivez 10 chiffres "
        "(02 97 00 00 00) ou un numéro court (36 46)",
        "ligne 8, colonne « Nom » : le nom du service manque — écrivez le service, par exemple « MDPH du Morbihan »",
    ]
    assert "6 erreur(s) : rien n'a été écrit. Corrigez le tableur et relancez." in result.output


def test_a_row_without_any_way_to_reach_it_is_accepted_with_a_warning(content, tmp_path):
    sheet = tmp_path / "contacts.csv"
    sheet.write_text(
        "dep,acteur,nom,source,source_url\n56,cap-emploi,Cap emploi Auray,capemploi.fr,https://capemploi.fr\n"
    )
    result = run(content, "importer", str(sheet), "--vu-le", "2026-11-22", "--ecrire")
    assert result.exit_code == 0, result.output
    assert (
        "ligne 2 (avertissement) : « Cap emploi Auray » n'a ni téléphone, ni courriel, ni formulaire, ni annuaire"
        in result.output
    )
    assert "Cap emploi Auray" in by_name(load_catalog(content).territoires["56"])


def test_missing_columns_are_said_once(content, tmp_path):
    sheet = tmp_path / "contacts.csv"
    sheet.write_text("nom;téléphone;fax\nCap emploi;02 97 00 00 00;02 97 00 00 01\n", encoding="utf-8")
    result = run(content, "importer", str(sheet))
    assert result.exit_code == 1
    assert "en-tête, colonne « fax » (avertissement) : colonne inconnue, ignorée" in result.output
    assert "en-tête : la colonne « acteur » manque" in result.output
    assert "en-tête : aucune colonne ne dit où" in result.output
    assert "en-tête : la date de lecture de la source manque" in result.output
    assert "ligne 2" not in result.output


def test_export_then_reimport_changes_nothing(content, tmp_path):
    assert run(content, "importer", str(ANNUAIRE / "extrait.csv"), "--ecrire").exit_code == 0
    export = tmp_path / "contacts.csv"
    result = run(content, "exporter", "--sortie", str(export))
    assert result.exit_code == 0, result.output
    data = export.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfportee;code;acteur;nom;telephone;email;formulaire;annuaire;adresse;site;")
    lines = data.decode("utf-8-sig").splitlines()
    assert any(line.startswith("regional;53;agefiph;Agefiph - Bretagne;08 00 11 10 09;") for line in lines)
    assert any(line.startswith("national;;service-social-assurance-maladie;") for line in lines)
    written = snapshot(content)
    result = run(content, "importer", str(export), "--ecrire")
    assert result.exit_code == 0, result.output
    assert "aucun changement" in result.output and snapshot(content) == written
    assert "(info) : 3 contact(s) national(aux) ignoré(s)" in result.output


def test_the_commands_say_what_they_do_in_french():
    result = CliRunner().invoke(main, ["contacts", "importer", "--help"])
    assert "Importer les contacts du tableur FICHIER" in result.output and "--ecrire" in result.output
    assert "Exporter tous les contacts" in CliRunner().invoke(main, ["contacts", "exporter", "--help"]).output


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("02 97 00 00 00", "02 97 00 00 00"),
        ("0297000000", "02 97 00 00 00"),
        ("02-97-00-00-00", "02 97 00 00 00"),
        ("0 800 11 10 09", "0 800 11 10 09"),
        ("3646", "36 46"),
        ("+33 2 97 00 00 00", "+33 2 97 00 00 00"),
        ("+596 5 96 70 09 95", "+596 5 96 70 09 95"),
        ("12 34", None),
        ("297000000", None),
        ("02 97 00 00 00 / standard", None),
    ],
)
def test_french_phone_numbers(written, kept):
    from portal.contact_rows import french_phone

    refused = []
    assert french_phone(written, lambda message, hint="": refused.append(message)) == kept
    assert bool(refused) == (kept is None)


@pytest.mark.parametrize(
    ("email", "person"),
    [
        ("jean.dupont@exemple.fr", True),
        ("j.dupont@exemple.fr", True),
        ("marie-claire_martin@exemple.fr", True),
        ("contact.mdph@exemple.fr", False),
        ("servicesocial.dijon@carsat-bfc.fr", False),
        ("cpam.vannes@assurance-maladie.fr", False),
        ("accueil@mdph56.fr", False),
        ("mdph56.vannes@exemple.fr", False),
    ],
)
def test_an_email_that_names_a_person(email, person):
    from portal.contact_rows import looks_like_a_person

    assert looks_like_a_person(email) is person


@pytest.mark.parametrize(
    ("notes_address", "address"),
    [
        ("Route de Besny, 2000, Laon", "Route de Besny, 02000 Laon"),
        ("10, place Alphonse-Jourdain, 31000,Toulouse", "10, place Alphonse-Jourdain, 31000 Toulouse"),
        ("4 avenue Charles-Tillon,35000,Rennes", "4 avenue Charles-Tillon, 35000 Rennes"),
        ("Sans code postal", "Sans code postal"),
    ],
)
def test_annuaire_addresses_get_back_their_postal_code(notes_address, address):
    from portal.annuaire_administration import address as clean_address

    assert clean_address(notes_address) == address
