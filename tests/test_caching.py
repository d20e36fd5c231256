"""Public pages carry an ETag of (content version, URL); a repeat is a 304, or comes from the page cache, unrendered."""

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from apps import portal_app
from flask import template_rendered

FIXTURES = Path(__file__).parent / "fixtures"
RESULT = "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&situation=autre-poste"
PUBLIC = [
    "/",
    "/fiches/crpe",
    "/fiches?etape=reprise",
    "/recherche?q=essai",
    "/contacts?lieu=56",
    RESULT,
    "/api/fiches",
    "/glossaire",
    "/couverture",
]


@contextmanager
def renders(app):
    rendered = []
    record = lambda sender, template, context, **extra: rendered.append(template.name)  # noqa: E731
    template_rendered.connect(record, app)
    try:
        yield rendered
    finally:
        template_rendered.disconnect(record, app)


@pytest.mark.parametrize("url", PUBLIC)
def test_a_public_page_carries_an_etag_and_may_be_kept_a_minute(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('W/"')
    assert response.cache_control.public and response.cache_control.max_age == 60


@pytest.mark.parametrize("url", PUBLIC)
def test_a_page_asked_again_with_its_etag_is_a_304_without_rendering(app, client, url):
    etag = client.get(url).headers["ETag"]
    with renders(app) as rendered:
        response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.data == b"" and rendered == []
    assert response.headers["ETag"] == etag


def test_each_address_and_each_piece_of_page_has_its_own_etag(client):
    etags = {client.get(url).headers["ETag"] for url in PUBLIC}
    assert len(etags) == len(PUBLIC)
    fragment = client.get("/fiches?etape=reprise", headers={"HX-Request": "true"})
    assert fragment.headers["ETag"] != client.get("/fiches?etape=reprise").headers["ETag"]
    assert "HX-Request" in fragment.headers["Vary"]
    # Going back, htmx asks for the whole page at the same address: the browser must not reuse the fragment.
    restore = client.get("/fiches?etape=reprise", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "HX-History-Restore-Request" in fragment.headers["Vary"]
    assert restore.headers["ETag"] not in {fragment.headers["ETag"]} and "<h1" in restore.text


def test_a_new_content_version_makes_new_etags(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    old = portal_app(tmp_path, content, FIXTURES / "trees").test_client()
    etag = old.get("/fiches/crpe").headers["ETag"]
    fiche = content / "dispositifs" / "essai-encadre.yaml"
    fiche.write_text(fiche.read_text(encoding="utf-8").replace("titre: Essai encadré", "titre: Essai"), "utf-8")
    new = portal_app(tmp_path, content, FIXTURES / "trees").test_client()
    response = new.get("/fiches/crpe", headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag  # the page links the new title


@pytest.mark.parametrize("url", ["/signaler/crpe", "/editeurs/connexion"])
def test_pages_with_a_form_or_a_session_are_never_public(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "ETag" not in response.headers and not response.cache_control.public


def test_a_page_shown_again_comes_from_the_page_cache(app, client):
    first = client.get("/fiches/crpe")
    with renders(app) as rendered:
        again = client.get("/fiches/crpe")
    assert rendered == [] and again.data == first.data
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]


def test_without_page_cache_each_page_is_rendered(tmp_path):
    app = portal_app(tmp_path, PAGE_CACHE_MB=0)
    client = app.test_client()
    client.get("/fiches/crpe")
    with renders(app) as rendered:
        client.get("/fiches/crpe")
    assert rendered


def test_the_preview_is_never_a_304_a_saved_template_shows_at_once(tmp_path):
    response = portal_app(tmp_path, DEV=True).test_client().get("/fiches/crpe")
    assert "ETag" not in response.headers and not response.cache_control.public


def test_http_and_https_pages_have_their_own_etag(client):
    # The pages carry absolute addresses (the link to send, the handout): one scheme's page is not the other's.
    plain = client.get(RESULT)
    secure = client.get(RESULT, base_url="https://localhost")
    assert plain.headers["ETag"] != secure.headers["ETag"] and "https://localhost/" in secure.text


def test_if_none_match_star_is_no_shortcut(client):
    assert client.get("/fiches/nexiste-pas", headers={"If-None-Match": "*"}).status_code == 404
    assert client.get("/fiches/crpe", headers={"If-None-Match": "*"}).status_code == 200


def test_a_cache_full_of_tiny_pages_holds_no_more_memory_than_its_budget():
    import hashlib
    import tracemalloc

    from portal.web.caching import Page, PageCache

    budget = 2_000_000
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        cache = PageCache(budget)
        puts = 30_000  # five times what the budget holds: the cache is full long before the end
        for n in range(puts):  # 404 pages, short fragments: a few bytes of body each
            etag = hashlib.blake2b(str(n).encode(), digest_size=12).hexdigest()
            cache.put(etag, Page(b"<p>%d</p>" % n, "text/html".join(("", "")), ()))
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert 1000 < len(cache._pages) < puts / 4  # tiny pages are kept, and the budget was reached long ago…
    assert held <= budget * 1.1  # …within the budget (counting the bodies alone, it held 29 times as much)


def test_the_parts_kept_per_version_hold_no_more_memory_than_their_budget():
    # A crawler walking every result in every département fills the version's parts with small ones: each is
    # counted whole (text, key, slot), not by its characters.
    import tracemalloc

    from portal.web.fragments import FragmentCache

    budget = 1_000_000
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        cache = FragmentCache(budget)
        puts = 10_000  # several times what the budget holds
        for n in range(puts):
            cache.get(
                ("/portail", ("block", "resultat-contacts", ("medecin-du-travail", f"r{n}", "56"), None)),
                lambda: "<p>x</p>",
                None,
            )
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert 1000 < len(cache._fragments) < puts / 3
    assert held <= budget * 1.1
