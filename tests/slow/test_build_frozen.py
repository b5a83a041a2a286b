"""The Windows build recipe, built here: the one-folder program answers `info --json` on demo data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_one_folder_build_answers_info_json(tmp_path):
    dist, work = tmp_path / "dist", tmp_path / "work"
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm",
         "--distpath", str(dist), "--workpath", str(work)],
        cwd=ROOT, capture_output=True, text=True, timeout=1500,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    folder = dist / "SoTayChiBo"
    exe = ".exe" if sys.platform == "win32" else ""
    cli = folder / f"handbook-desktop{exe}"
    assert cli.exists() and (folder / f"SoTayChiBo{exe}").exists()
    internal = folder / "_internal"
    assert (internal / "resources" / "rules" / "rules.toml").exists()
    assert (internal / "forms_templates").is_dir()
    assert (internal / "handbook_desktop" / "store" / "migrations" / "env.py").exists()

    # The demo's password: the database is encrypted (SQLCipher inside the build), read only with it.
    env = dict(os.environ, HANDBOOK_HOME=str(tmp_path / "home"), HANDBOOK_PASSWORD="demo1234")
    database = tmp_path / "demo.sqlite3"
    demo = subprocess.run([str(cli), "--db", str(database), "demo", "--members", "40"],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)
    assert demo.returncode == 0, demo.stderr
    info = subprocess.run([str(cli), "--db", str(database), "info", "--json"],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)
    assert info.returncode == 0, info.stderr
    data = json.loads(info.stdout)
    assert data["members"] >= 40  # the demo adds a few candidates and arrivals of its own
    assert data["unit"]["code"] == "CB-DEMO"
    assert (tmp_path / "demo.sqlite3.khoa.json").exists()  # encrypted: the build carries SQLCipher
    assert data["schema_version"] == data["schema_head"]
    import tomllib

    assert data["app_version"] == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
