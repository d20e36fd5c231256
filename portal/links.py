"""The link check: source and website URLs that fail, found politely (one request at a time per host)."""

import socket
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from portal.catalog import Catalog

USER_AGENT = "PortailPDP-verification-des-liens/1.0 (hebdomadaire ; une requete a la fois par site)"
# Answers that say « this server does not like HEAD » rather than « this page is gone »: try GET.
_RETRY_WITH_GET = {400, 403, 405, 406, 429, 500, 501, 502, 503}


@dataclass(frozen=True)
class LinkResult:
    """The outcome of one URL: ok, or why not (in French)."""

    url: str
    ok: bool
    status: int | None = None
    problem: str = ""
    network_down: bool = False  # the name did not resolve or the network is unreachable


def collect_links(catalog: Catalog) -> dict[str, list[str]]:
    """Every source and website URL of the content -> where it appears (file and what it is)."""
    places: dict[str, list[str]] = defaultdict(list)
    for fiche in catalog.fiches.values():
        file = catalog.lines.get(fiche.id, (fiche.id, 1))[0]
        for source in fiche.sources:
            if source.url:
                places[source.url].append(f"{file} : source « {source.titre} »")
    for entry in catalog.contact_entries:
        where = f"{entry.file} : contact « {entry.contact.nom} »"
        for key in ("site", "formulaire", "annuaire"):
            if getattr(entry.contact, key):
                places[getattr(entry.contact, key)].append(f"{where} ({key})")
        if entry.contact.source.url:
            places[entry.contact.source.url].append(f"{where} (source)")
    return dict(places)


def _request(url: str, method: str, timeout: float) -> int:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only, checked)
            if method == "GET":
                response.read(1024)  # enough to know the page answers; never the whole file
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _network_down(error: BaseException) -> bool:
    reason = getattr(error, "reason", error)
    if isinstance(reason, socket.gaierror):
        return True
    return isinstance(reason, OSError) and reason.errno in {101, 113}  # network / host unreachable


def _failure(url: str, error: BaseException) -> LinkResult:
    reason = getattr(error, "reason", error)
    if isinstance(reason, socket.gaierror):
        text = "le nom du site ne se résout pas (site disparu, ou pas d'accès à internet)"
    elif isinstance(reason, TimeoutError | socket.timeout) or "timed out" in str(reason):
        text = "le site ne répond pas dans le délai"
    elif isinstance(reason, ConnectionRefusedError):
        text = "le site refuse la connexion"
    else:
        text = f"la connexion a échoué ({reason})"
    return LinkResult(url, False, None, text, _network_down(error))


def check_url(url: str, timeout: float = 10.0, pause=time.sleep, delay: float = 0.0) -> LinkResult:
    """HEAD, then GET when the server refuses HEAD; `pause(delay)` between the two (same host)."""
    if urlsplit(url).scheme not in {"http", "https"}:
        return LinkResult(url, False, None, "l'adresse ne commence pas par http:// ou https://")
    try:
        status = _request(url, "HEAD", timeout)
        if status in _RETRY_WITH_GET:
            pause(delay)
            status = _request(url, "GET", timeout)
    except (urllib.error.URLError, OSError, ValueError) as error:
        return _failure(url, error)
    if status < 400:
        return LinkResult(url, True, status)
    words = {404: "la page n'existe plus (404)", 410: "la page a été retirée (410)"}
    return LinkResult(url, False, status, words.get(status, f"le site répond par une erreur ({status})"))


def _check_host(urls: list[str], delay: float, timeout: float, pause) -> list[LinkResult]:
    results = []
    for index, url in enumerate(urls):
        if index:
            pause(delay)  # one request at a time per host, with a pause between them
        results.append(check_url(url, timeout, pause, delay))
    return results


def check_links(
    urls: list[str], delay: float = 2.0, timeout: float = 10.0, hosts_at_once: int = 4, pause=time.sleep
) -> list[LinkResult]:
    """Check `urls`: each host's URLs one after another, at most `hosts_at_once` hosts in parallel."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in sorted(set(urls)):
        by_host[urlsplit(url).hostname or ""].append(url)
    with ThreadPoolExecutor(max_workers=max(1, min(hosts_at_once, len(by_host) or 1))) as pool:
        batches = pool.map(lambda host_urls: _check_host(host_urls, delay, timeout, pause), by_host.values())
        return [result for batch in batches for result in batch]


def internet_reachable(urls: list[str]) -> bool:
    """False when no host of `urls` resolves: this machine has no internet (or no DNS)."""
    hosts = {urlsplit(url).hostname for url in urls} - {None}
    for host in sorted(hosts)[:5]:  # a few names are enough to tell, and bound the wait where DNS hangs
        try:
            socket.getaddrinfo(host, None)
            return True
        except (socket.gaierror, UnicodeError):
            continue
    return not hosts
