"""Pieces of page that depend on the content version alone (an acteur's contacts in a place): rendered once per
version and script root, kept with the version within a bound, so that a cold page assembles them."""

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date

from flask import Flask, current_app, g, render_template, request
from markupsafe import Markup

from portal.contacts import ActeurContacts
from portal.models import Fiche, Ligne
from portal.serving import current_version


class FragmentCache:
    """Rendered fragments by key within `limit` bytes of memory (each entry counted whole: the text, its key and
    its slot, as the page cache counts its pages); the oldest used go first. Each entry keeps alive the objects it
    was rendered from, so that an `id()` in a key names the same object while the entry lives."""

    def __init__(self, limit: int):
        self.limit, self.size = limit, 0
        self._fragments: OrderedDict[Hashable, tuple[Markup, object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], str], sources: object) -> Markup:
        with self._lock:
            entry = self._fragments.get(key)
            if entry is not None:
                self._fragments.move_to_end(key)
                return entry[0]
        found = Markup(render())
        size = sys.getsizeof(found) + _key_size(key) + _SLOT_BYTES
        with self._lock:
            if key not in self._fragments and size * 4 <= self.limit:
                self._fragments[key] = (found, sources, size)
                self.size += size
                while self.size > self.limit:
                    _, (_old, _sources, old_size) = self._fragments.popitem(last=False)
                    self.size -= old_size
        return found


_SLOT_BYTES = 200  # the entry's tuple, its hash table slot and order link (the page cache measured 100 for these)


def _key_size(key: object) -> int:
    """The memory of a key and of the tuples and texts in it (names shared with other keys counted each time)."""
    if isinstance(key, tuple):
        return sys.getsizeof(key) + sum(map(_key_size, key))
    return sys.getsizeof(key)


def _cached(key: Hashable, template: str, **context) -> Markup:
    """`template` rendered with `context`, once per version and script root for `key`; in the editors' preview,
    where templates change, rendered each time."""
    return _kept((template, key), lambda: render_template(template, **context), tuple(context.values()))


def version_block(
    name: str, *key: Hashable, caller: Callable[[], str], daily: bool = False, keep: bool = True
) -> Markup:
    """The body of `{% call version_block("name", …) %}…{% endcall %}` in a template, rendered once per version
    and script root for `key`. The key names everything the body shows (a tree, a result, a département code):
    text from the request (a typed place, the answers' URL) stays outside the block. `daily`: the body shows the
    day (« il y a 3 mois », a review notice), and is rendered again the next day; `keep=False`: rendered each
    time (what the body shows depends on the request)."""
    if not keep:
        return Markup(caller())
    return _kept(("block", name, key, date.today() if daily else None), caller, None)


def _kept(key: Hashable, render: Callable[[], str], sources: object) -> Markup:
    found = g.get("fragments")
    if found is None:  # looked up once per request: a result page asks for some twenty fragments
        cache, megabytes = None, current_app.config["FRAGMENTS_MB"]
        if megabytes > 0 and not current_app.config.get("DEV"):
            cache = current_version().derived("fragments", lambda: FragmentCache(megabytes * 1_000_000))
        found = g.fragments = (cache, request.script_root)
    cache, script_root = found
    if cache is None:
        return Markup(render())
    return cache.get((script_root, key), render, sources)


def _group_key(group: ActeurContacts) -> tuple:
    """What an acteur's block in a place shows: its contacts by id (the cache entry keeps them alive)."""
    return (
        group.acteur.id,
        tuple((id(means.contact), means.portee) for means in group.means),
        tuple(id(contact) for contact in group.mentions),
        group.instead,
    )


def acteur_means(group: ActeurContacts) -> Markup:
    """An acteur's entries known by name, its ways to reach it and what to do instead, in a place: the body of
    partials/acteur_contacts.html."""
    return _cached(_group_key(group), "partials/acteur_means.html", group=group, fiche=group.acteur)


def quick_reach_line(group: ActeurContacts, id_prefix: str) -> Markup:
    """An acteur and its most direct means, in one line of partials/quick_reach.html."""
    return _cached((_group_key(group), id_prefix), "partials/quick_reach_line.html", group=group, id_prefix=id_prefix)


def result_line(template: str, fiche: Fiche, line: Ligne, here: object) -> Markup:
    """A line of an orientation result (`template`: orientation/_todo_item.html or _result_fiche.html); `here`:
    whether the place is known. The line is named by its id, as the contacts are."""
    return _cached((fiche.id, id(line), bool(here)), template, fiche=fiche, line=line, here=bool(here))


def hit_heading(fiche: Fiche, here: object) -> Markup:
    """The title and badges of a fiche found by a search (search/_hit_heading.html); `here`: a place was given."""
    return _cached((fiche.id, bool(here)), "search/_hit_heading.html", fiche=fiche, here=bool(here))


def _forget_request_cache() -> None:
    g.pop("fragments", None)  # an app context may outlive a request (tests, CLI): each request looks up its own


def init_app(app: Flask) -> None:
    app.before_request(_forget_request_cache)
    app.jinja_env.globals.update(
        acteur_means=acteur_means,
        quick_reach_line=quick_reach_line,
        result_line=result_line,
        version_block=version_block,
    )
