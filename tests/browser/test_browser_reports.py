"""« Signaler une erreur » with JavaScript: a refused text shows its reason in place, and can then be fixed."""


def test_refused_patient_data_shows_its_reason_in_place_then_the_fixed_text_goes_through(page):
    page.goto("/signaler/crpe")
    page.get_by_role("radio", name="Autre").check()
    page.get_by_label("Précisez").fill("Mme Durand, née le 12/03/1975, attend toujours")
    page.get_by_role("button", name="Envoyer le signalement").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "date de naissance" in alert.inner_text()
    assert page.url.endswith("/signaler/crpe")  # swapped in place, no navigation
    assert page.get_by_role("radio", name="Autre").is_checked()  # the choice is kept
    page.get_by_label("Précisez").fill("La durée maximale a changé.")
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.get_by_role("heading", name="Merci, votre signalement est enregistré").wait_for()
