"""Settings: one typed table, each variable read and checked the same way (French sentence, no traceback), from
the environment or the settings file that the systemd unit gives the service; the front door builds no app."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import main
from portal.config import SETTINGS, SettingError, settings_from_env

FIXTURES = Path(__file__).parent / "fixtures"
PORTAL = [sys.executable, "-c", "from portal.cli import main; main()"]


@pytest.fixture(autouse=True)
def no_settings_file(monkeypatch):
    monkeypatch.setenv("PORTAL_SETTINGS_FILE", "")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("PORTAL_SMTP_PORT", "abc", "un nombre entier de 1 à 65535"),
        ("PORTAL_SMTP_PORT", "70000", "un nombre entier de 1 à 65535"),
        ("PORTAL_CACHE_SECONDS", "-5", "un nombre entier de 0 à"),
        ("PORTAL_PAGE_CACHE_MB", "32 Mo", "un nombre entier de 0 à 4096"),
        ("PORTAL_RELOAD_SECONDS", "trente", "un nombre (de secondes"),
        ("PORTAL_COUNTS_SECONDS", "1e3", "un nombre (de secondes"),
        ("PORTAL_PROXIES", "beaucoup", "un nombre entier de 0 à 9"),
        ("PORTAL_SECURE_COOKIES", "oui", "0 ou 1"),
        ("PORTAL_MIGRATE_ON_START", "yes", "0 ou 1"),
    ],
)
def test_a_bad_value_stops_with_a_french_sentence_naming_the_setting(monkeypatch, tmp_path, name, value, expected):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingError) as raised:
        settings_from_env(tmp_path, secret=False)
    assert f"Réglage {name} : « {value} » ne convient pas, il faut {expected}" in str(raised.value)


def test_good_values_are_typed(monkeypatch, tmp_path):
    for name, value in {
        "PORTAL_SMTP_PORT": "587",
        "PORTAL_RELOAD_SECONDS": "2.5",
        "PORTAL_PROXIES": "2",
        "PORTAL_SECURE_COOKIES": "1",
        "PORTAL_PUBLIC_URL": "https://portail.example.fr/",
    }.items():
        monkeypatch.setenv(name, value)
    settings = settings_from_env(tmp_path, secret=False)
    assert (settings["SMTP_PORT"], settings["RELOAD_SECONDS"], settings["PROXIES"]) == (587, 2.5, 2)
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["PUBLIC_URL"] == "https://portail.example.fr"


def test_every_setting_has_a_type_a_default_and_a_french_meaning():
    for setting in SETTINGS:
        assert setting.kind in ("texte", "dossier", "entier", "décimal", "booléen", "hôtes"), setting.env
        assert setting.default_doc and len(setting.doc) > 10, setting.env
        if setting.kind in ("entier", "décimal"):
            assert setting.low <= setting.default <= setting.high, setting.env
            assert setting.parse(str(setting.default)) == setting.default


def test_a_bad_setting_stops_a_command_without_a_traceback(tmp_path):
    env = dict(os.environ, PORTAL_SMTP_PORT="abc", PORTAL_INSTANCE_DIR=str(tmp_path / "instance"))
    result = subprocess.run([*PORTAL, "editeur", "liste"], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "Réglage PORTAL_SMTP_PORT : « abc » ne convient pas" in result.stderr and "Traceback" not in result.stderr


def test_commands_read_the_settings_file_of_the_service(tmp_path, monkeypatch):
    """`portal editeur ajouter` typed by an operator writes where the service reads: the file's DATABASE_URL."""
    shared = tmp_path / "commune.sqlite3"
    settings = tmp_path / "portail-pdp.env"
    settings.write_text(f"# réglages du service\nDATABASE_URL='sqlite:///{shared}'\nPORTAL_SMTP_PORT=2525\n")
    monkeypatch.setenv("PORTAL_SETTINGS_FILE", str(settings))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    added = CliRunner().invoke(main, ["editeur", "ajouter", "alice", "--mot-de-passe", "un mot de passe long"])
    assert added.exit_code == 0, added.output
    assert shared.exists() and not (tmp_path / "instance" / "portal.sqlite3").exists()
    assert "alice" in CliRunner().invoke(main, ["editeur", "liste"]).output
    monkeypatch.setenv("PORTAL_SMTP_PORT", "25")  # the environment wins over the file, as with systemd
    assert settings_from_env(tmp_path, secret=False)["SMTP_PORT"] == 25


def test_an_unreadable_settings_file_is_said_not_skipped(tmp_path, monkeypatch):
    if os.geteuid() == 0:
        pytest.skip("root lit tous les fichiers")
    settings = tmp_path / "portail-pdp.env"
    settings.write_text("DATABASE_URL=postgresql://x@y/z\n")
    settings.chmod(0)
    monkeypatch.setenv("PORTAL_SETTINGS_FILE", str(settings))
    with pytest.raises(SettingError, match="ne se lit pas"):
        settings_from_env(tmp_path, secret=False)


@pytest.mark.parametrize(
    "production",
    [{"PORTAL_PROXIES": "1"}, {"PORTAL_TRUSTED_HOSTS": "portail.example.fr"}],
)
def test_production_refuses_sqlite_unless_told(tmp_path, monkeypatch, production):
    from apps import portal_app

    for name, value in production.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit, match="en production .* fichier SQLite local : donnez DATABASE_URL"):
        portal_app(tmp_path / "instance")
    listed = CliRunner().invoke(main, ["editeur", "liste"])
    assert listed.exit_code == 1 and "PORTAL_SQLITE_IN_PRODUCTION=1" in listed.output
    monkeypatch.setenv("PORTAL_SQLITE_IN_PRODUCTION", "1")
    assert portal_app(tmp_path / "instance").test_client().get("/").status_code in (200, 400)


def _broken_content(tmp_path: Path) -> dict:
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    shutil.copytree(FIXTURES / "trees", tmp_path / "trees")
    fiche = sorted((tmp_path / "content" / "dispositifs").glob("*.yaml"))[0]
    fiche.write_text("titre: [pas fermé\n", encoding="utf-8")
    return dict(
        os.environ,
        PORTAL_INSTANCE_DIR=str(tmp_path / "instance"),
        PORTAL_CONTENT_DIR=str(tmp_path / "content"),
        PORTAL_TREES_DIR=str(tmp_path / "trees"),
    )


@pytest.mark.parametrize("args", [["--help"], ["couverture", "--help"], ["serve", "--help"], ["migrer", "--help"]])
def test_help_on_broken_content_prints_help_and_writes_nothing(tmp_path, args):
    env = _broken_content(tmp_path)
    result = subprocess.run([*PORTAL, *args], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout and "Traceback" not in result.stderr
    assert not (tmp_path / "instance").exists()


def test_coverage_builds_the_app_once(tmp_path, monkeypatch):
    import portal

    monkeypatch.setenv("PORTAL_CONTENT_DIR", str(FIXTURES / "content"))
    monkeypatch.setenv("PORTAL_TREES_DIR", str(FIXTURES / "trees"))
    built = []
    real = portal.create_app
    monkeypatch.setattr(portal, "create_app", lambda config=None: built.append(1) or real(config))
    result = CliRunner().invoke(main, ["couverture"])
    assert result.exit_code == 0, result.output
    assert "départements" in result.output and built == [1]
