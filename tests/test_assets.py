"""Static files: versioned URLs in pages, cached for a year; plain URLs revalidated; a change gives a new URL."""

import re

from portal.web.assets import file_version


def test_pages_link_static_files_with_a_version(client):
    page = client.get("/").text
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert {url.split("?")[0] for url in urls} >= {"/static/css/portal.css", "/static/js/portal.js"}
    assert all(re.search(r"\?v=[0-9a-f]{10}$", url) for url in urls), urls


def test_versioned_static_file_is_cached_for_a_year(client):
    url = re.search(r'href="(/static/css/portal\.css\?v=[^"]+)"', client.get("/").text).group(1)
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.immutable and response.cache_control.public
        assert not response.cache_control.no_cache


def test_plain_static_url_is_revalidated(client):
    with client.get("/static/css/portal.css") as response:
        assert response.status_code == 200
        assert not response.cache_control.max_age and not response.cache_control.immutable
        etag = response.headers["ETag"]
    with client.get("/static/css/portal.css", headers={"If-None-Match": etag}) as response:
        assert response.status_code == 304


def test_missing_static_file_is_a_french_404_without_cache(client):
    with client.get("/static/nulle-part.css?v=0123456789") as response:
        assert response.status_code == 404
        assert not response.cache_control.immutable


def test_a_changed_file_gets_a_new_version(tmp_path):
    path = tmp_path / "style.css"
    path.write_text("a { color: red }")
    first = file_version(str(path), path.stat().st_mtime_ns, path.stat().st_size)
    path.write_text("a { color: blue; }")
    assert file_version(str(path), path.stat().st_mtime_ns, path.stat().st_size) != first
