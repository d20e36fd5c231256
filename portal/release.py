"""One build for every node: a built content version packed as one checksummed archive, installed whole on a node.

    portal build --archive version.tar.gz    # once: version.tar.gz and version.tar.gz.sha256
    portal publish version.tar.gz            # on each node: checked, opened, renamed into place, made current

The archive holds one folder, the stored version as `portal build` wrote it (whatever its format), named by its
id: nodes that publish the same archive serve the same version and the same ETags.
"""

import hashlib
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from portal.atomic import write_atomically
from portal.places import write_lookup
from portal.version import _publish, build_lock, code_stamp, is_stored, open_version

CHUNK = 1 << 20


class ReleaseError(Exception):
    """An archive that cannot be published, said in French."""


def checksum_path(archive: Path) -> Path:
    return archive.with_name(archive.name + ".sha256")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def pack(versions_dir: str | Path, version: str, archive: Path) -> str:
    """Write the stored `version` to `archive` (tar.gz) and its checksum beside it, in `sha256sum` form; both
    appear whole (written under a temporary name, then renamed). Returns the checksum."""
    folder = Path(versions_dir) / version
    archive = archive.resolve()
    archive.parent.mkdir(parents=True, exist_ok=True)
    draft = archive.with_name(f".{archive.name}.{os.getpid()}")
    try:
        with tarfile.open(draft, "w:gz") as tar:
            tar.add(folder, arcname=version, filter=_without_owner)
        digest = sha256(draft)
        os.replace(draft, archive)
    finally:
        draft.unlink(missing_ok=True)
    write_atomically(checksum_path(archive), f"{digest}  {archive.name}\n")
    return digest


def _without_owner(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def install(archive: Path, versions_dir: str | Path, places_data_dir: str | Path) -> str:
    """Check `archive` against its .sha256, check that it holds one version this code can serve, open it, then
    rename it into `versions_dir` and make it the current version (what workers with PORTAL_SERVE_PUBLISHED=1
    serve). Nothing changes on any error (ReleaseError, in French). Returns the version's id."""
    archive, versions_dir = Path(archive), Path(versions_dir)
    sums = checksum_path(archive)
    try:
        expected = sums.read_text().split()[0].lower()
    except (OSError, IndexError):
        raise ReleaseError(
            f"Pas de somme de contrôle lisible à côté de l'archive ({sums}) : rien n'est publié."
        ) from None
    if not archive.is_file():
        raise ReleaseError(f"Archive introuvable : {archive}.")
    if sha256(archive) != expected:
        raise ReleaseError(
            f"L'archive {archive.name} ne correspond pas à sa somme de contrôle ({sums.name}) : incomplète ou "
            "modifiée, elle n'est pas publiée. Copiez-la de nouveau."
        )
    try:
        with tarfile.open(archive, "r:gz") as tar:
            version = _single_folder(tar)
            if not version.endswith(f"-{code_stamp()}"):
                raise ReleaseError(
                    f"La version {version} a été construite par un autre code que celui de ce nœud "
                    f"(empreinte {code_stamp()}) : mettez le code à jour ou reconstruisez l'archive avec ce code."
                )
            versions_dir.mkdir(parents=True, exist_ok=True)
            with build_lock(versions_dir):
                if not is_stored(versions_dir, version):
                    _unpack(tar, version, versions_dir, places_data_dir)
                # The communes lookup beside it, as `portal build` leaves it: workers of another account read it.
                write_lookup(places_data_dir, versions_dir)
                _publish(versions_dir, version)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise ReleaseError(f"L'archive {archive.name} ne se lit pas ({error}) : rien n'est publié.") from None
    return version


def _single_folder(tar: tarfile.TarFile) -> str:
    """The one top folder of the archive; refuses links, devices, absolute paths and `..`."""
    tops = set()
    for member in tar.getmembers():
        parts = Path(member.name).parts
        if not parts or member.name.startswith("/") or ".." in parts or not (member.isfile() or member.isdir()):
            raise ReleaseError(f"L'archive contient « {member.name} », qui n'est pas un fichier d'une version.")
        tops.add(parts[0])
    if len(tops) != 1 or tops == {"."}:
        raise ReleaseError("L'archive doit contenir un seul dossier, la version construite par `portal build`.")
    return tops.pop()


def _unpack(tar: tarfile.TarFile, version: str, versions_dir: Path, places_data_dir: str | Path) -> None:
    unpacking = Path(tempfile.mkdtemp(prefix=".publishing-", dir=versions_dir))
    try:
        tar.extractall(unpacking, filter="data")
        for path in (unpacking, *unpacking.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)  # as `portal build` leaves a version
        try:
            open_version(unpacking, version, places_data_dir)  # the workers will open it: prove it now
        except Exception as error:  # noqa: BLE001 — whatever the stored format refuses, nothing is published
            raise ReleaseError(
                f"La version {version} de l'archive ne s'ouvre pas ({error}) : rien n'est publié."
            ) from None
        os.rename(unpacking / version, versions_dir / version)  # atomic: workers see no version or a whole one
    finally:
        shutil.rmtree(unpacking, ignore_errors=True)
