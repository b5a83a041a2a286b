"""A plain (non-editable) ``pip install .`` works (issue 11): the wheel carries ``resources/`` and
``forms_templates/`` inside the package (setup.py), and ``paths.py`` finds them there. Before, the
wheel left both out and ``demo`` stopped with RuleNotFound.

The wheel is built as ``pip install .`` builds it, then installed without dependencies into a fresh
environment; the dependencies are borrowed from this test environment by a ``.pth`` line (a plain
path: its own ``.pth`` files, among them the editable install's finder, are not run), so the
program that runs is the wheel's, and no second PySide6 is downloaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(args, **kwargs):
    done = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", timeout=600, **kwargs)
    assert done.returncode == 0, f"{args}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.mark.slow
def test_built_wheel_installs_and_runs_demo_and_check(tmp_path):
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)])
    (wheel,) = wheels.glob("handbook_desktop-*.whl")

    fresh = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=False).create(fresh)
    python = fresh / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)])
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    work = tmp_path / "elsewhere"  # not the repository: nothing can be found beside the working folder
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "HANDBOOK_DB"}}
    env["HANDBOOK_HOME"] = str(tmp_path / "home")
    env["HANDBOOK_PASSWORD"] = "demo1234"  # the demo's administrator, for the commands that sign in
    where = _run([str(python), "-c", "import handbook_desktop.paths as p; print(p.__file__); print(p.bundle_root())"],
                 cwd=work, env=env).stdout.split()
    assert Path(where[0]).is_relative_to(site) and Path(where[1]) == site / "handbook_desktop"

    program = fresh / ("Scripts/handbook-desktop.exe" if sys.platform == "win32" else "bin/handbook-desktop")
    database = work / "mau.sqlite3"
    demo = _run([str(program), "demo", "--members", "40", "--db", str(database)], cwd=work, env=env)
    assert "Đã tạo dữ liệu mẫu" in demo.stdout
    report = json.loads(_run([str(program), "--db", str(database), "check", "--json"], cwd=work, env=env).stdout)
    assert report["ok"], report
    forms = json.loads(_run([str(program), "--db", str(database), "forms", "list", "--json"], cwd=work, env=env).stdout)
    assert len(forms) >= 18
