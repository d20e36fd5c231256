"""Configuration: every setting read from the environment once, with a safe default."""

import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The official communes dataset, installed by npm (package @etalab/decoupage-administratif).
PLACES_DATA_DIR = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data"


def proxy_count(value: object) -> int | None:
    """The number of trusted reverse proxies in PORTAL_PROXIES (« 0 », « 1 », « 2 »…), or None if it is not one:
    read the same way by the portal (ProxyFix) and by gunicorn (forwarded_allow_ips)."""
    text = str(value or "0").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 3 else None


def instance_dir(given: str | Path | None = None) -> Path:
    """The folder of what the portal writes (database, built versions, secret key): `given`, else
    PORTAL_INSTANCE_DIR, else instance/ beside the code."""
    return Path(given or os.environ.get("PORTAL_INSTANCE_DIR") or ROOT / "instance").resolve()


def settings_from_env(instance_path: str | Path, given: dict | None = None, *, secret: bool = True) -> dict:
    """Return the app settings: each `PORTAL_*` variable overrides one default, and `given` (tests) overrides
    both. The secret key file is created only when a key is needed (`secret`) and none is given."""
    env = os.environ.get
    instance = Path(instance_path)
    given = given or {}
    needs_key = secret and not given.get("SECRET_KEY") and not env("PORTAL_SECRET_KEY")
    settings = {
        "SECRET_KEY": given.get("SECRET_KEY")
        or env("PORTAL_SECRET_KEY")
        or (_instance_secret(instance) if needs_key else None),
        "CONTENT_DIR": env("PORTAL_CONTENT_DIR", str(ROOT / "content")),
        "TREES_DIR": env("PORTAL_TREES_DIR", str(ROOT / "trees")),
        "DATABASE_URL": env("DATABASE_URL", f"sqlite:///{instance / 'portal.sqlite3'}"),
        "VERSIONS_DIR": env("PORTAL_VERSIONS_DIR", str(instance / "versions")),
        "PLACES_DATA_DIR": env("PORTAL_PLACES_DATA_DIR", str(PLACES_DATA_DIR)),
        "DEV": env("PORTAL_DEV", "0") == "1",
        "RELOAD_SECONDS": float(env("PORTAL_RELOAD_SECONDS", "0") or 0),
        "COUNTS_SECONDS": float(env("PORTAL_COUNTS_SECONDS", "60") or 60),
        "CACHE_SECONDS": _whole(env("PORTAL_CACHE_SECONDS", "60"), 60),
        "PAGE_CACHE_MB": _whole(env("PORTAL_PAGE_CACHE_MB", "32"), 32),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env("PORTAL_SECURE_COOKIES", "0") == "1",
        "PROXIES": env("PORTAL_PROXIES", "0"),
        # Flask answers 400 to any other Host (or X-Forwarded-Host behind a trusted proxy): absolute URLs of the
        # API and the data·inclusion lists are built from trusted names only.
        "TRUSTED_HOSTS": host_list(env("PORTAL_TRUSTED_HOSTS", "")) or LOCAL_HOSTS,
        "PUBLIC_URL": env("PORTAL_PUBLIC_URL", "").rstrip("/"),
        "SMTP_HOST": env("PORTAL_SMTP_HOST", ""),
        "SMTP_PORT": _whole(env("PORTAL_SMTP_PORT", "25"), 25),
        "SMTP_USER": env("PORTAL_SMTP_USER", ""),
        "SMTP_PASSWORD": env("PORTAL_SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": env("PORTAL_SMTP_STARTTLS", "0") == "1",
        "SMTP_FROM": env("PORTAL_SMTP_FROM", ""),
        # The legal notices (/mentions-legales, /donnees-personnelles, /accessibilite): « non renseigné » when unset.
        **{key: env(f"PORTAL_{key}", "").strip() for key in LEGAL_SETTINGS},
        "REPORT_RETENTION_MONTHS": _whole(env("PORTAL_REPORT_RETENTION_MONTHS", "12"), 12),
    }
    return settings | given


LOCAL_HOSTS = ["localhost", "127.0.0.1"]
# What the law asks the publisher of a site to say about itself (loi n° 2004-575, art. 6): setting -> its label.
LEGAL_SETTINGS = {
    "PUBLISHER": "éditeur du portail",
    "PUBLICATION_DIRECTOR": "directeur ou directrice de la publication",
    "HOSTING": "hébergeur",
    "CONTACT": "contact",
}


def _whole(value: str, default: int) -> int:
    text = value.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 7 else default


def host_list(value: str) -> list[str]:
    """« portail.example.fr, .example.org » -> the names (a leading dot accepts every subdomain)."""
    return [name.strip() for name in value.split(",") if name.strip()]


# Documented settings: name -> meaning. A test checks that the README lists each of them.
SETTINGS_DOC = {
    "PORTAL_SECRET_KEY": "clé de signature des sessions (défaut : une clé aléatoire gardée dans instance/secret_key, "
    "lisible par son seul propriétaire)",
    "PORTAL_CONTENT_DIR": "dossier des fiches YAML (défaut : content/)",
    "PORTAL_TREES_DIR": "dossier des arbres d'orientation (défaut : trees/)",
    "DATABASE_URL": "base SQL (défaut : SQLite dans instance/portal.sqlite3, fichier lisible par son seul "
    "propriétaire) ; "
    "`postgresql://utilisateur:mot-de-passe@hôte/base` pour partager signalements et comptes entre plusieurs instances",
    "PORTAL_INSTANCE_DIR": "dossier de ce que le portail écrit : base SQLite, versions construites, clé secrète "
    "(défaut : instance/ à côté du code)",
    "PORTAL_VERSIONS_DIR": "dossier des versions construites du contenu : catalogue vérifié, index de recherche, "
    "table des communes ; `portal build` y écrit, les workers y ouvrent la version à servir (défaut : "
    "instance/versions)",
    "PORTAL_PLACES_DATA_DIR": "jeu de données des communes (défaut : le paquet npm @etalab/decoupage-administratif)",
    "PORTAL_DEV": "1 pour l'aperçu des éditeurs : contenu rechargé à chaque modification, problèmes affichés "
    "en français (comme `portal serve --dev`)",
    "PORTAL_RELOAD_SECONDS": "en production, chaque worker regarde toutes les N secondes, hors requêtes, si les "
    "fichiers du contenu ont changé, et sert leur nouvelle version (construite par `portal build` ou, à défaut, par "
    "le premier worker qui la voit) ; si elle est cassée, la dernière version valide reste servie (défaut : 0 : "
    "une nouvelle version est servie au redémarrage des workers, `kill -HUP` du maître gunicorn)",
    "PORTAL_COUNTS_SECONDS": "chaque worker garde en mémoire le nombre d'orientations montrées et l'écrit dans la "
    "base au plus toutes les N secondes, et à son arrêt : afficher un résultat n'écrit rien (défaut : 60)",
    "PORTAL_CACHE_SECONDS": "durée, en secondes, pendant laquelle un navigateur ou un proxy peut resservir une page "
    "publique sans redemander (`Cache-Control: public, max-age=N`) ; ensuite il la redemande avec son ETag et reçoit "
    "304 si la version du contenu n'a pas changé (défaut : 60)",
    "PORTAL_PAGE_CACHE_MB": "mégaoctets de pages publiques que chaque worker garde après les avoir produites, pour "
    "les resservir sans les refaire tant que la version du contenu et le jour sont les mêmes (défaut : 32 ; 0 pour "
    "n'en garder aucune, comme le fait `python -m portal.bench --http --sans-cache`)",
    "PORTAL_SECURE_COOKIES": "1 pour des cookies `Secure` (derrière TLS)",
    "PORTAL_PROXIES": "nombre de proxys inverses de confiance devant le portail (défaut : 0) : le portail (ProxyFix) "
    "et gunicorn (`gunicorn.conf.py`) ne croient les en-têtes X-Forwarded-* (adresse du client, https, nom d'hôte) "
    "que s'il vaut 1 ou plus ; à 0, gunicorn les ignore même venant de 127.0.0.1. Derrière un proxy d'une autre "
    "machine, donnez aussi son adresse à gunicorn (`FORWARDED_ALLOW_IPS=10.0.0.5`)",
    "PORTAL_PUBLIC_URL": "adresse publique du portail (`https://portail.example.fr`), pour les liens d'invitation "
    "que donne `portal editeur inviter` hors d'une requête (défaut : aucune ; le lien commence alors par "
    "http://127.0.0.1:5000)",
    "PORTAL_SMTP_HOST": "serveur SMTP qui envoie les invitations des éditeurs de territoire (défaut : aucun ; le lien "
    "est alors seulement affiché, à transmettre soi-même)",
    "PORTAL_SMTP_PORT": "port du serveur SMTP (défaut : 25)",
    "PORTAL_SMTP_USER": "compte SMTP, s'il faut s'authentifier (défaut : aucun)",
    "PORTAL_SMTP_PASSWORD": "mot de passe du compte SMTP",
    "PORTAL_SMTP_STARTTLS": "1 pour chiffrer la connexion SMTP par STARTTLS (défaut : 0)",
    "PORTAL_SMTP_FROM": "adresse d'expéditeur des invitations (défaut : portail-pdp@localhost)",
    "PORTAL_PUBLISHER": "éditeur du portail, affiché dans les mentions légales et la page « Données personnelles » "
    "(responsable du traitement) : nom de l'organisme et adresse postale (défaut : aucun ; les pages disent alors "
    "« non renseigné » et `portal check` l'avertit)",
    "PORTAL_PUBLICATION_DIRECTOR": "directeur ou directrice de la publication : sa fonction dans l'organisme "
    "éditeur (défaut : aucun, « non renseigné »)",
    "PORTAL_HOSTING": "hébergeur : nom, adresse et téléphone (défaut : aucun, « non renseigné »)",
    "PORTAL_CONTACT": "adresse électronique ou page de contact de l'éditeur, pour les droits sur les données "
    "personnelles et les défauts d'accessibilité (défaut : aucune, « non renseigné »)",
    "PORTAL_REPORT_RETENTION_MONTHS": "durée de conservation, en mois, d'un signalement clos (et de son texte) : "
    "au-delà, `portal purger` et le portail lui-même (au plus une fois par jour et par worker) l'effacent ; 0 pour "
    "ne jamais effacer (défaut : 12)",
    "PORTAL_TRUSTED_HOSTS": "noms d'hôte sous lesquels le portail répond, séparés par des virgules "
    "(`portail.example.fr,.example.org` : un point au début accepte les sous-domaines) ; tout autre en-tête "
    "Host reçoit une erreur 400, et les adresses absolues (API, data·inclusion) ne sont construites qu'avec "
    "ces noms (défaut : localhost,127.0.0.1 ; à régler en production)",
}


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
