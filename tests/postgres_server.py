"""A throw-away PostgreSQL server on loopback for the store tests: initdb + pg_ctl in a temporary folder."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def postgres_bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: $PG_BIN, Debian's newest /usr/lib/postgresql/*/bin, or the PATH."""
    candidates = [os.environ.get("PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    found = shutil.which("initdb")
    candidates.append(str(Path(found).parent) if found else "")
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: as root, run it as the Debian `postgres` user.
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server on 127.0.0.1 (a free port, trust auth, no fsync) and yield its base URL; stop and wipe it."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise FileNotFoundError("initdb")
    folder = Path(tempfile.mkdtemp(prefix="portal-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", _free_port()
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        _as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "portal", "-E", "UTF8"]),
        **run,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run(
        _as_server_user(
            [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"]
        ),
        **run,
    )
    try:
        yield f"postgresql+psycopg://portal@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


def new_database(base_url: str) -> str:
    """Create an empty database on the server of `base_url`; return its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    dsn = base_url.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{base_url}/{name}"
