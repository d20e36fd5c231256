"""The reach rule, the zone of regional fiches and the coverage table, on the real content."""

from pathlib import Path

import pytest

from portal.catalog import load_catalog
from portal.diagnostics import ContentError

ROOT = Path(__file__).parent.parent
IN_ARRET = "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&contrat=en-cours"
RECONVERSION = f"{IN_ARRET}&situation=reconversion&rqth=non"
A_EVALUER = f"{IN_ARRET}&situation=a-evaluer&rqth=non"
REGIONAL = ("ARPIJ", "MOAIJ", "PREMIJ", "Kerpape")


@pytest.fixture(scope="module")
def client(real_client):
    return real_client


def result_fiches(client, url: str) -> list[str]:
    body = client.get(url.replace("/orientation/", "/api/orientation/")).get_json()
    return [fiche["id"] for fiche in body["resultat"]["fiches"]]


def test_without_a_place_regional_dispositifs_show_their_zone(client):
    assert {"moaij", "premij", "arpij"} <= set(result_fiches(client, RECONVERSION))
    page = client.get(RECONVERSION).text
    assert "Pays de la Loire uniquement" in page and "Bretagne uniquement" in page


def test_dijon_is_offered_no_regional_dispositif_of_another_region(client):
    for url in (RECONVERSION, A_EVALUER):
        fiches = result_fiches(client, f"{url}&lieu=Dijon")
        assert not {"arpij", "moaij", "premij", "bilan-medico-socio-professionnel-kerpape"} & set(fiches)
        page = client.get(f"{url}&lieu=Dijon").text
        results = page[page.index('class="result-fiches"') : page.index('class="result-contacts"')]
        assert not any(name in results for name in REGIONAL), url


def test_nantes_is_offered_the_pays_de_la_loire_actions_in_its_region(client):
    fiches = result_fiches(client, f"{RECONVERSION}&lieu=Nantes")
    assert {"moaij", "premij"} <= set(fiches) and "arpij" not in fiches
    page = client.get(f"{RECONVERSION}&lieu=Nantes").text
    assert "dans votre région" in page


def test_vannes_keeps_kerpape_and_arpij(client):
    assert "bilan-medico-socio-professionnel-kerpape" in result_fiches(client, f"{A_EVALUER}&lieu=Vannes")
    assert "arpij" in result_fiches(client, f"{RECONVERSION}&lieu=Vannes")


def test_a_regional_fiche_says_where_it_exists(client):
    page = client.get("/fiches/moaij").text
    assert "Zone :</strong> Pays de la Loire seulement" in page
    card = client.get("/fiches?type=dispositif").text
    assert "Pays de la Loire uniquement" in card


def test_an_acteur_that_does_not_exist_in_a_place_is_not_listed_there(client):
    body = client.get("/api/contacts?lieu=Dijon").get_json()
    listed = {c["acteur"] for c in body["contacts"]} | {a["acteur"] for a in body["sans_contact"]}
    assert "centre-kerpape" not in listed and "cemaphor" not in listed
    body = client.get("/api/contacts?lieu=Lorient").get_json()
    assert "centre-kerpape" in {a["acteur"] for a in body["sans_contact"]}


def test_coverage_lists_every_departement_with_totals(client):
    page = client.get("/couverture").text
    assert "Ce que le portail connaît" in page and "En tout" in page
    body = client.get("/api/couverture").get_json()
    assert len(body["departements"]) == 101
    assert sum(body["totaux"].values()) == sum(len(d["acteurs"]) for d in body["departements"])
    for departement in body["departements"]:
        assert f'id="dep-{departement["code"]}"' in page
    morbihan = next(d for d in body["departements"] if d["code"] == "56")
    assert morbihan["region"] == {"code": "53", "nom": "Bretagne"}
    assert "Voir la couverture" in client.get("/").text
    assert 'href="/couverture#dep-56"' in client.get("/contacts?lieu=56").text


def test_coverage_command_prints_totals_and_a_departement(real_app):
    runner = real_app.test_cli_runner()
    result = runner.invoke(args=["couverture"])
    assert result.exit_code == 0 and result.output.startswith("101 départements")
    result = runner.invoke(args=["couverture", "--departement", "56"])
    assert "56 Morbihan (Bretagne)" in result.output and "Service social de l'Assurance Maladie" in result.output
    result = runner.invoke(args=["couverture", "--departement", "999"])
    assert result.exit_code != 0 and "Département inconnu" in result.output


def copy_content(tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path / "content"


def test_the_checker_refuses_an_acteur_nobody_can_reach(tmp_path):
    content = copy_content(tmp_path)
    path = content / "acteurs" / "spst.yaml"
    text = path.read_text()
    start = text.index("si_aucun_contact:")
    end = text.index("\nliees:", start)
    path.write_text(text[:start] + text[end + 1 :])
    with pytest.raises(ContentError) as error:
        load_catalog(content)
    [problem] = [p for p in error.value.problems if p.severity == "erreur"]
    assert problem.file.endswith("spst.yaml") and "aucun moyen d'être joint" in problem.message
    assert "si_aucun_contact" in problem.hint


def test_the_checker_refuses_a_national_means_that_is_only_a_site(tmp_path):
    content = copy_content(tmp_path)
    path = content / "acteurs" / "cpam.yaml"
    path.write_text(path.read_text().replace('    telephone: "36 46"\n', "", 1))
    with pytest.raises(ContentError) as error:
        load_catalog(content)
    [problem] = [p for p in error.value.problems if p.severity == "erreur"]
    assert problem.key == "joindre[0]" and "ni téléphone, ni courriel" in problem.message


def test_the_checker_refuses_an_empty_zone(tmp_path):
    content = copy_content(tmp_path)
    path = content / "dispositifs" / "moaij.yaml"
    path.write_text(path.read_text().replace('zone:\n  regions: ["52"]\n', "zone:\n  note: quelque part\n", 1))
    with pytest.raises(ContentError) as error:
        load_catalog(content)
    [problem] = [p for p in error.value.problems if p.severity == "erreur"]
    assert "la zone ne nomme ni région ni département" in problem.message


def test_the_directory_narrows_to_a_place(client):
    dijon = client.get("/fiches?type=dispositif&lieu=Dijon").text
    assert "Fiches valables pour Dijon, Côte-d&#39;Or (21)" in dijon
    assert "/fiches/moaij" not in dijon and "/fiches/arpij" not in dijon and "/fiches/crpe" in dijon
    nantes = client.get("/fiches?type=dispositif&lieu=44000").text
    assert "/fiches/moaij" in nantes and "/fiches/arpij" not in nantes
    unknown = client.get("/fiches?type=dispositif&lieu=Xyzzyville").text
    assert "Lieu non reconnu" in unknown and "/fiches/moaij" in unknown


def test_search_narrows_to_a_place(client):
    everywhere = client.get("/api/recherche?q=remobilisation arrêt").get_json()
    ids = {hit["id"] for hit in everywhere["resultats"]}
    assert {"moaij", "premij"} & ids
    dijon = client.get("/api/recherche?q=remobilisation arrêt&lieu=Dijon").get_json()
    assert not {"moaij", "premij", "arpij"} & {hit["id"] for hit in dijon["resultats"]}
    assert dijon["filtres"]["lieu"] == "Dijon"
    page = client.get("/recherche?q=remobilisation arrêt&lieu=Nantes").text
    assert "Fiches valables pour Nantes" in page and "dans votre région" in page and "retirer ce filtre" in page


def test_a_result_without_a_place_already_ends_on_numbers_to_call(real_client):
    # The artisan without arrêt of the sources: the doctor has not typed a place yet.
    page = real_client.get("/orientation/medecin-traitant?etape=sans-arret&statut=independant").text
    numbers = page[page.index('id="titre-contacts"') :]
    assert "Sans lieu, les numéros nationaux" in numbers
    assert 'href="tel:' in numbers  # a number to call, already
    assert "Commune, code postal ou département" in numbers  # the place can still be given
