"""Configuration: every setting read from the environment once, with a safe default."""

import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

ROOT = Path(__file__).resolve().parent.parent
# The official communes dataset, installed by npm (package @etalab/decoupage-administratif).
PLACES_DATA_DIR = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data"


class SettingError(SystemExit):
    """A setting the portal cannot use: its name, what it was given and what is expected, in French. A SystemExit,
    so that a start (gunicorn, `portal serve`) or a command stops on the sentence, without a traceback."""


@dataclass(frozen=True)
class Setting:
    """One setting: its environment variable, its type, its default (for the README and the code), its meaning."""

    env: str
    key: str  # the app's config key
    kind: str  # "texte", "dossier", "entier", "décimal", "booléen", "hôtes"
    default: Any  # the value, or a function of the instance folder
    default_doc: str  # the default as the README states it
    doc: str
    low: float = 0
    high: float = 0

    def parse(self, text: str) -> Any:
        """The value of the variable's `text`, or SettingError saying what is expected."""
        text = text.strip()
        if self.kind == "booléen":
            if text in ("0", "1"):
                return text == "1"
            self._refuse(text, "0 ou 1")
        if self.kind in ("entier", "décimal"):
            number = _number(text, self.kind == "entier")
            if number is None or not self.low <= number <= self.high:
                what = "un nombre entier" if self.kind == "entier" else "un nombre (de secondes, 0.5 par exemple)"
                self._refuse(text, f"{what} de {_plain(self.low)} à {_plain(self.high)}")
            return number
        if self.kind == "hôtes":
            return host_list(text)
        return text.rstrip("/") if self.key == "PUBLIC_URL" else text

    def _refuse(self, text: str, expected: str) -> NoReturn:
        raise SettingError(f"Réglage {self.env} : « {text[:40]} » ne convient pas, il faut {expected}.")


def _number(text: str, whole: bool) -> float | int | None:
    allowed = "0123456789" if whole else "0123456789."
    if not text or len(text) > 12 or any(char not in allowed for char in text) or text.count(".") > 1:
        return None
    return int(text) if whole else float(text)


def _plain(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


SETTINGS = (
    Setting(
        "PORTAL_SETTINGS_FILE",
        "SETTINGS_FILE",
        "texte",
        "/etc/portail-pdp.env",
        "/etc/portail-pdp.env",
        "fichier des réglages de l'instance (`NOM=valeur`, un par ligne, comme l'`EnvironmentFile` de l'unité "
        "systemd) : le service et chaque commande `portal` le lisent s'il existe, une variable "
        "d'environnement l'emportant sur lui ; un fichier présent mais illisible arrête la commande",
    ),
    Setting(
        "PORTAL_SECRET_KEY",
        "SECRET_KEY",
        "texte",
        None,
        "une clé aléatoire gardée dans instance/secret_key, lisible par son seul propriétaire",
        "clé de signature des sessions ; la même sur toutes les instances",
    ),
    Setting(
        "PORTAL_CONTENT_DIR", "CONTENT_DIR", "dossier", str(ROOT / "content"), "content/", "dossier des fiches YAML"
    ),
    Setting(
        "PORTAL_TREES_DIR", "TREES_DIR", "dossier", str(ROOT / "trees"), "trees/", "dossier des arbres d'orientation"
    ),
    Setting(
        "DATABASE_URL",
        "DATABASE_URL",
        "texte",
        lambda instance: f"sqlite:///{instance / 'portal.sqlite3'}",
        "SQLite dans instance/portal.sqlite3, fichier lisible par son seul propriétaire",
        "base SQL ; `postgresql://utilisateur:mot-de-passe@hôte/base` pour partager signalements et comptes "
        "entre plusieurs instances (en production, SQLite est refusé : voir PORTAL_SQLITE_IN_PRODUCTION)",
    ),
    Setting(
        "PORTAL_INSTANCE_DIR",
        "INSTANCE_DIR",
        "dossier",
        None,
        "instance/ à côté du code",
        "dossier de ce que le portail écrit : base SQLite, versions construites, clé secrète",
    ),
    Setting(
        "PORTAL_VERSIONS_DIR",
        "VERSIONS_DIR",
        "dossier",
        lambda instance: str(instance / "versions"),
        "instance/versions",
        "dossier des versions construites du contenu : catalogue vérifié, index de "
        "recherche, table des communes ; `portal build` et `portal publish` y écrivent, les workers y ouvrent "
        "la version à servir ; il doit appartenir au compte du portail (ou à root) et n'être modifiable par aucun "
        "autre, sinon il est refusé en entier",
    ),
    Setting(
        "PORTAL_PLACES_DATA_DIR",
        "PLACES_DATA_DIR",
        "dossier",
        str(PLACES_DATA_DIR),
        "le paquet npm @etalab/decoupage-administratif",
        "jeu de données des communes",
    ),
    Setting(
        "PORTAL_DEV",
        "DEV",
        "booléen",
        False,
        "0",
        "1 pour l'aperçu des éditeurs : contenu rechargé à "
        "chaque modification, problèmes affichés en français (comme `portal serve --dev`)",
    ),
    Setting(
        "PORTAL_SERVE_PUBLISHED",
        "SERVE_PUBLISHED",
        "booléen",
        False,
        "0",
        "1 pour servir la version installée par `portal publish` (une seule construction pour tous les "
        "nœuds), sans lire ni construire les fichiers du contenu de ce nœud ; le rechargement "
        "(PORTAL_RELOAD_SECONDS) suit alors la version publiée",
    ),
    Setting(
        "PORTAL_RELOAD_SECONDS",
        "RELOAD_SECONDS",
        "décimal",
        0.0,
        "0 : une nouvelle version est servie au redémarrage des workers, `kill -HUP` du maître gunicorn",
        "en production, chaque worker regarde "
        "toutes les N secondes, hors requêtes, si les fichiers du contenu ont changé, et sert leur nouvelle "
        "version (construite par `portal build` ou, à défaut, par le premier worker qui la voit) ; si elle est "
        "cassée, la dernière version valide reste servie",
        0,
        86400,
    ),
    Setting(
        "PORTAL_COUNTS_SECONDS",
        "COUNTS_SECONDS",
        "décimal",
        60.0,
        "60",
        "chaque worker garde en mémoire "
        "le nombre d'orientations montrées et l'écrit dans la base au plus toutes les N secondes, et à son "
        "arrêt : afficher un résultat n'écrit rien",
        0,
        86400,
    ),
    Setting(
        "PORTAL_CACHE_SECONDS",
        "CACHE_SECONDS",
        "entier",
        60,
        "60",
        "durée, en secondes, pendant laquelle "
        "un navigateur ou un proxy peut resservir une page publique sans redemander (`Cache-Control: public, "
        "max-age=N`) ; ensuite il la redemande avec son ETag et reçoit 304 si la version du contenu n'a pas "
        "changé",
        0,
        31536000,
    ),
    Setting(
        "PORTAL_PAGE_CACHE_MB",
        "PAGE_CACHE_MB",
        "entier",
        32,
        "32",
        "mégaoctets de pages publiques que "
        "chaque worker garde après les avoir produites, pour les resservir sans les refaire tant que la "
        "version du contenu et le jour sont les mêmes (0 pour n'en garder aucune, comme le fait "
        "`python -m bench --http --sans-cache`)",
        0,
        4096,
    ),
    Setting(
        "PORTAL_FRAGMENTS_MB",
        "FRAGMENTS_MB",
        "entier",
        32,
        "32",
        "mégaoctets de morceaux de pages (le "
        "résultat d'un arbre dans un département, une fiche, l'en-tête…) que chaque worker garde, rendus une fois "
        "par version du contenu, pour assembler vite une page qu'aucun cache n'a encore (0 pour n'en garder "
        "aucun)",
        0,
        4096,
    ),
    Setting(
        "PORTAL_PUBLISHER",
        "PUBLISHER",
        "texte",
        "",
        "aucun ; les pages disent alors « non renseigné » et `portal check` l'avertit",
        "éditeur du portail, affiché dans les mentions légales et la page « Données personnelles » (responsable du "
        "traitement) : nom de l'organisme et adresse postale",
    ),
    Setting(
        "PORTAL_PUBLICATION_DIRECTOR",
        "PUBLICATION_DIRECTOR",
        "texte",
        "",
        "aucun, « non renseigné »",
        "directeur ou directrice de la publication : sa fonction dans l'organisme éditeur",
    ),
    Setting(
        "PORTAL_HOSTING", "HOSTING", "texte", "", "aucun, « non renseigné »", "hébergeur : nom, adresse et téléphone"
    ),
    Setting(
        "PORTAL_CONTACT",
        "CONTACT",
        "texte",
        "",
        "aucune, « non renseigné »",
        "adresse électronique ou page de contact de l'éditeur, pour les droits sur les données personnelles et les "
        "défauts d'accessibilité",
    ),
    Setting(
        "PORTAL_REPORT_RETENTION_MONTHS",
        "REPORT_RETENTION_MONTHS",
        "entier",
        12,
        "12",
        "durée de conservation, en mois, d'un signalement clos (et de son texte) : au-delà, `portal purger` et le "
        "portail lui-même (au plus une fois par jour et par worker) l'effacent ; 0 pour ne jamais effacer",
        0,
        1200,
    ),
    Setting(
        "PORTAL_DASHBOARD_MIN_COUNT",
        "DASHBOARD_MIN_COUNT",
        "entier",
        5,
        "5",
        "nombre en dessous duquel une case du tableau de bord (/tableau-de-bord) s'affiche « < N » et n'est pas "
        "exportée en CSV, pour qu'aucun chiffre ne désigne quelqu'un",
        1,
        1000,
    ),
    Setting(
        "PORTAL_SECURE_COOKIES",
        "SESSION_COOKIE_SECURE",
        "booléen",
        False,
        "0",
        "1 pour des cookies `Secure` (derrière TLS)",
    ),
    Setting(
        "PORTAL_PROXIES",
        "PROXIES",
        "entier",
        0,
        "0",
        "nombre de proxys inverses de confiance devant le "
        "portail : le portail (ProxyFix) et gunicorn (`gunicorn.conf.py`) ne croient les en-têtes X-Forwarded-* "
        "(adresse du client, https, nom d'hôte) que s'il vaut 1 ou plus ; à 0, gunicorn les ignore même venant "
        "de 127.0.0.1. Derrière un proxy d'une autre machine, donnez aussi son adresse à gunicorn "
        "(`FORWARDED_ALLOW_IPS=10.0.0.5`). Un répartiteur de charge devant nginx : voir « Production »",
        0,
        9,
    ),
    Setting(
        "PORTAL_TRUSTED_HOSTS",
        "TRUSTED_HOSTS",
        "hôtes",
        None,
        "localhost,127.0.0.1 ; à régler en production",
        "noms d'hôte sous lesquels le portail répond, séparés par des virgules "
        "(`portail.example.fr,.example.org` : un point au début accepte les sous-domaines) ; tout autre en-tête "
        "Host reçoit une erreur 400, et les adresses absolues (API, data·inclusion) ne sont construites qu'avec "
        "ces noms",
    ),
    Setting(
        "PORTAL_SQLITE_IN_PRODUCTION",
        "SQLITE_IN_PRODUCTION",
        "booléen",
        False,
        "0",
        "1 pour accepter une "
        "base SQLite quand le portail est en production (PORTAL_PROXIES à 1 ou plus, ou un nom d'hôte autre "
        "que localhost dans PORTAL_TRUSTED_HOSTS) : sans lui, le démarrage et les commandes `portal` refusent "
        "SQLite, pour qu'un nœud sans DATABASE_URL ne garde pas ses signalements et ses comptes pour lui seul",
    ),
    Setting(
        "PORTAL_MIGRATE_ON_START",
        "MIGRATE_ON_START",
        "booléen",
        True,
        "1",
        "0 pour qu'un démarrage ne "
        "migre pas la base : les migrations deviennent une étape du déploiement (`portal migrer`, avec un rôle "
        "qui a les droits DDL), et les workers peuvent tourner avec un rôle limité aux données ; une base pas à "
        "jour arrête alors le démarrage",
    ),
    Setting(
        "PORTAL_PUBLIC_URL",
        "PUBLIC_URL",
        "texte",
        "",
        "aucune ; le lien commence alors par http://127.0.0.1:5000",
        "adresse publique du portail (`https://portail.example.fr`), pour les liens "
        "d'invitation que donne `portal editeur inviter` hors d'une requête",
    ),
    Setting(
        "PORTAL_SMTP_HOST",
        "SMTP_HOST",
        "texte",
        "",
        "aucun ; le lien est alors seulement affiché, à transmettre soi-même",
        "serveur SMTP qui envoie les invitations des éditeurs de territoire",
    ),
    Setting("PORTAL_SMTP_PORT", "SMTP_PORT", "entier", 25, "25", "port du serveur SMTP", 1, 65535),
    Setting("PORTAL_SMTP_USER", "SMTP_USER", "texte", "", "aucun", "compte SMTP, s'il faut s'authentifier"),
    Setting("PORTAL_SMTP_PASSWORD", "SMTP_PASSWORD", "texte", "", "aucun", "mot de passe du compte SMTP"),
    Setting(
        "PORTAL_SMTP_STARTTLS", "SMTP_STARTTLS", "booléen", False, "0", "1 pour chiffrer la connexion SMTP par STARTTLS"
    ),
    Setting(
        "PORTAL_SMTP_FROM", "SMTP_FROM", "texte", "", "portail-pdp@localhost", "adresse d'expéditeur des invitations"
    ),
)
BY_ENV = {setting.env: setting for setting in SETTINGS}
LOCAL_HOSTS = ["localhost", "127.0.0.1"]
FIXED = {"SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax"}


def proxy_count(value: object) -> int | None:
    """The number of trusted reverse proxies in PORTAL_PROXIES (« 0 », « 1 », « 2 »…), or None if it is not one:
    read the same way by the portal (ProxyFix) and by gunicorn (forwarded_allow_ips)."""
    text = str(value or "0").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 2 else None


def instance_dir(given: str | Path | None = None) -> Path:
    """The folder of what the portal writes (database, built versions, secret key): `given`, else
    PORTAL_INSTANCE_DIR (environment or settings file), else instance/ beside the code."""
    return Path(given or environment().get("PORTAL_INSTANCE_DIR") or ROOT / "instance").resolve()


def environment() -> dict[str, str]:
    """The variables the portal reads: those of the settings file (PORTAL_SETTINGS_FILE, by default the
    systemd unit's /etc/portail-pdp.env) under those of the environment, as systemd gives them to the service:
    `portal editeur ajouter` typed by an operator reaches the base the service uses."""
    path = os.environ.get("PORTAL_SETTINGS_FILE", BY_ENV["PORTAL_SETTINGS_FILE"].default).strip()
    return (read_settings_file(Path(path)) if path else {}) | dict(os.environ)


def read_settings_file(path: Path) -> dict[str, str]:
    """`NOM=valeur` lines (systemd's EnvironmentFile: `#` comments, optional quotes); nothing if there is no file."""
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as error:
        raise SettingError(
            f"Le fichier des réglages {path} ne se lit pas ({error.__class__.__name__}) : lancez la commande avec "
            "le compte du portail (sudo -u portail …) ou donnez PORTAL_SETTINGS_FILE."
        ) from None
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")) or "=" not in line:
            continue
        name, value = (part.strip() for part in line.split("=", 1))
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name.removeprefix("export ").strip()] = value
    return values


def settings_from_env(instance_path: str | Path, given: dict | None = None, *, secret: bool = True) -> dict:
    """Return the app settings: each variable of SETTINGS (environment, then settings file) overrides its
    default, read and checked the same way (SettingError, in French); `given` (tests) overrides both. The secret
    key file is created only when a key is needed (`secret`) and none is given."""
    env = environment()
    instance = Path(instance_path)
    given = given or {}
    settings = dict(FIXED)
    for setting in SETTINGS:
        if setting.key == "INSTANCE_DIR":
            continue
        text = env.get(setting.env, "")
        if text.strip() and setting.key not in given:
            settings[setting.key] = setting.parse(text)
        else:
            settings[setting.key] = setting.default(instance) if callable(setting.default) else setting.default
    settings["TRUSTED_HOSTS"] = settings["TRUSTED_HOSTS"] or LOCAL_HOSTS
    settings = settings | given
    if not settings.get("SECRET_KEY"):
        settings["SECRET_KEY"] = _instance_secret(instance) if secret else None
    return settings


def sqlite_refused(settings: dict) -> str | None:
    """Why this instance must not use SQLite (in French), or None: a portal behind a proxy, or under a public
    name, is in production, where each node would keep reports and accounts in a base of its own."""
    if not str(settings.get("DATABASE_URL", "")).startswith("sqlite") or settings.get("SQLITE_IN_PRODUCTION"):
        return None
    public = [name for name in settings.get("TRUSTED_HOSTS") or () if name not in LOCAL_HOSTS]
    if not proxy_count(settings.get("PROXIES")) and not public:
        return None
    why = f"PORTAL_PROXIES={settings.get('PROXIES')}" if proxy_count(settings.get("PROXIES")) else f"l'hôte {public[0]}"
    return (
        f"Ce portail est en production ({why}) mais sa base est un fichier SQLite local : donnez DATABASE_URL "
        "(postgresql://…) dans le fichier des réglages, ou PORTAL_SQLITE_IN_PRODUCTION=1 pour une instance "
        "seule qui garde sa base SQLite."
    )


# What the law asks the publisher of a site to say about itself (loi n° 2004-575, art. 6): setting -> its label.
LEGAL_SETTINGS = {
    "PUBLISHER": "éditeur du portail",
    "PUBLICATION_DIRECTOR": "directeur ou directrice de la publication",
    "HOSTING": "hébergeur",
    "CONTACT": "contact",
}


def settings_table() -> str:
    """The README's « Réglages » table, made from SETTINGS."""
    lines = ["| variable | type | défaut | rôle |", "|---|---|---|---|"]
    for setting in SETTINGS:
        kind = setting.kind + (f" ({_plain(setting.low)} à {_plain(setting.high)})" if setting.high else "")
        lines.append(f"| `{setting.env}` | {kind} | {setting.default_doc} | {setting.doc} |")
    return "\n".join(lines) + "\n"


README_START, README_END = "<!-- réglages : début (portal reglages --readme) -->\n", "<!-- réglages : fin -->\n"


def write_readme_table(readme: Path = ROOT / "README.md") -> bool:
    """Rewrite the table between the README's markers; True if it changed."""
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(README_START, 1)
    _old, tail = rest.split(README_END, 1)
    new = head + README_START + settings_table() + README_END + tail
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


def host_list(value: str) -> list[str]:
    """« portail.example.fr, .example.org » -> the names (a leading dot accepts every subdomain)."""
    return [name.strip() for name in value.split(",") if name.strip()]


def _instance_secret(instance: Path) -> str:
    """A random key created once per instance folder, readable by its owner only, so sessions survive restarts
    without a setting. Workers starting together end with one key: each writes a draft of its own, the first
    to link it under the final name wins (a link never replaces a file), the others read the winner's."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        draft = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(8)}"
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(secrets.token_hex(32))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    private_file(path)
    return path.read_text().strip()


def private_file(path: Path) -> None:
    """Create `path` empty and readable by its owner only (0600) unless it exists; an existing file that others
    could read is made private (best effort: it may belong to another user)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            with contextlib.suppress(OSError):
                path.chmod(0o600)


@contextmanager
def exclusive_lock(path: Path, mode: int = 0o600) -> Iterator[None]:
    """Hold `path` locked against every other process, or thread, that locks it too (created with `mode` if
    missing). Opened read-only: a lock file another account created (an operator's `portal build`) still locks."""
    with contextlib.suppress(FileExistsError):
        created = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        os.fchmod(created, mode)  # whatever the umask of whoever creates it
        os.close(created)
    with open(path, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # per open file: threads of one process wait for each other too
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
