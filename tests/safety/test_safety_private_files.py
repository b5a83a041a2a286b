"""Data folder, database, journal, backups, logs and exports are the owner's only on POSIX; the portable
build warns when its folder stays readable by others (issue 13, point 4)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from handbook_desktop import paths

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_every_file_the_program_writes_is_private(tmp_path):
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k not in {"HANDBOOK_DB", "HANDBOOK_USER"}}
    env.update(HANDBOOK_HOME=str(home), HANDBOOK_PASSWORD="demo1234")
    export = tmp_path / "ra" / "ds.xlsx"
    export.parent.mkdir()

    def run(*args):
        # A shell's usual umask (022) would leave every file readable by every account of the PC.
        done = subprocess.run([sys.executable, "-c", "import os, sys; os.umask(0o022); "
                               "from handbook_desktop.__main__ import main; sys.exit(main(sys.argv[1:]))", *args],
                              env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stderr

    run("demo", "--members", "20")
    run("backup", "create")
    run("members", "export", str(export))
    run("members", "export", str(export.with_suffix(".csv")))
    written = [p for p in home.rglob("*")] + [export, export.with_suffix(".csv")]
    files = [p for p in written if p.is_file()]
    folders = [home] + [p for p in written if p.is_dir()]
    names = {p.name for p in files}
    assert {"demo.sqlite3", "handbook.log"} <= names or any(n.endswith(".sqlite3") for n in names)
    assert any(p.parent.name == "backups" and p.name.endswith(".sqlite3") for p in files)
    open_to_others = [f"{p.relative_to(tmp_path)} {oct(_mode(p))}" for p in files if _mode(p) & 0o077]
    open_to_others += [f"{p.relative_to(tmp_path)}/ {oct(_mode(p))}" for p in folders if _mode(p) & 0o077]
    assert open_to_others == []
    assert all(_mode(p) == 0o700 for p in folders)


def test_an_older_database_and_log_are_closed_when_opened(tmp_path, monkeypatch):
    from handbook_desktop.logs import setup_logging
    from handbook_desktop.store.database import Database

    old = os.umask(0o022)
    try:
        path = tmp_path / "cu.sqlite3"
        Database.open(path).close()
        os.chmod(path, 0o644)  # as an older version left it
        os.chmod(paths.data_dir(), 0o755)
        with Database.open(path):
            assert _mode(path) == 0o600
            wal = path.with_name(path.name + "-wal")
            assert not wal.exists() or _mode(wal) == 0o600
        assert _mode(paths.data_dir()) == 0o700
        log = setup_logging()
        os.chmod(log, 0o644)
        monkeypatch.setenv("HANDBOOK_HOME", str(tmp_path / "other"))
        setup_logging()
        monkeypatch.setenv("HANDBOOK_HOME", str(log.parent.parent))
        assert _mode(setup_logging()) == 0o600
    finally:
        os.umask(old)


def test_portable_folder_readable_by_others_is_warned_about(tmp_path, monkeypatch):
    program = tmp_path / "SoTayChiBo"
    data = program / "DuLieu"
    data.mkdir(parents=True)
    (program / "portable.txt").write_text("")
    os.chmod(data, 0o755)
    monkeypatch.delenv("HANDBOOK_HOME")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(program / "SoTayChiBo.exe"))
    assert paths.is_portable() and paths.home() == data
    assert paths.privacy_warning() is None and _mode(data) == 0o700  # a disk that keeps permissions: closed
    os.chmod(data, 0o755)
    monkeypatch.setattr(os, "chmod", lambda *a, **k: None)  # a FAT stick: chmod has no effect
    warning = paths.privacy_warning()
    assert warning and str(data) in warning and "người khác" in warning
