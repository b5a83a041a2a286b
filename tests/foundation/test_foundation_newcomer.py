"""A newcomer's start (issue 11): the README's apt line names what Qt's window plugin needs and
.ci/run installs the same; ``--db`` before or after the command; a ``--db`` that names no file is
refused (init and demo make one); ``--help`` lists the window's options in Vietnamese; the
project's docs link only inside the repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from handbook_desktop.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[2]
# Always present on Debian/Ubuntu (apt itself needs them): not worth a line in the README.
BASE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g", "libzstd1"}


def _apt_packages(text: str) -> set[str]:
    found: set[str] = set()
    for match in re.finditer(r"apt-get install((?:\\\n|[^\n])*)", text):
        found |= {word for word in match.group(1).replace("\\\n", " ").split() if not word.startswith("-")
                  and re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", word)}
    return found


def _readme_command_one() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("# 1.", 1)[1].split("# 2.", 1)[0]
    return _apt_packages(block)


def _needed_packages() -> set[str]:
    """Debian packages of the libraries that Qt's xcb plugin and the Qt libraries it loads name."""
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    files = [qt / "plugins/platforms/libqxcb.so", *(qt / "plugins/xcbglintegrations").glob("*.so"),
             *[qt / "lib" / f"libQt6{name}.so.6" for name in ("XcbQpa", "Gui", "Core", "Widgets", "DBus")]]
    needed: set[str] = set()
    for file in files:
        dynamic = subprocess.run(["readelf", "-d", str(file)], capture_output=True, text=True).stdout
        needed |= set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic))
    system = {lib for lib in needed if not lib.startswith(("libQt6", "ld-linux")) and not (qt / "lib" / lib).exists()}
    resolved: dict[str, str] = {}  # the file each library name loads, from ldd (one call per file)
    for file in files:
        for name, path in re.findall(r"^\s*(\S+) => (/\S+)", subprocess.run(
                ["ldd", str(file)], capture_output=True, text=True).stdout, re.M):
            resolved.setdefault(name, os.path.realpath(path))
    unknown = sorted(system - resolved.keys())
    assert not unknown, f"{unknown} (needed by Qt) are not installed here, so their packages are unknown"
    owners = subprocess.run(["dpkg", "-S", *(resolved[lib] for lib in system)], capture_output=True, text=True).stdout
    packages = {line.split(":", 1)[0].strip() for line in owners.splitlines() if ": " in line}
    return packages - BASE_PACKAGES


@pytest.mark.skipif(not (shutil.which("dpkg") and shutil.which("readelf")), reason="Debian tools needed")
def test_readme_apt_line_names_every_library_qt_window_needs():
    needed = _needed_packages()
    assert {"libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0", "libxkbcommon-x11-0"} <= needed
    readme = _readme_command_one()
    assert "python3-venv" in readme  # Debian's python3 has no venv without it
    assert not needed - readme, f"README command 1 misses {sorted(needed - readme)}"
    ci = _apt_packages((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    assert not readme - ci, f".ci/run does not install {sorted(readme - ci)}"


def test_db_before_or_after_the_command(db, capsys, monkeypatch):
    from tests.conftest import ADMIN_PASSWORD

    monkeypatch.setenv("HANDBOOK_PASSWORD", ADMIN_PASSWORD)
    path = str(db.file)
    db.close()
    assert cli_main(["--db", path, "info", "--json"]) == 0
    before = capsys.readouterr().out
    assert cli_main(["info", "--json", "--db", path]) == 0
    assert capsys.readouterr().out == before
    assert cli_main(["members", "list", "--db", path]) == 0
    assert cli_main(["meetings", "--db", path, "list"]) == 0


def test_missing_database_is_refused_and_not_created(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HANDBOOK_PASSWORD", "demo1234")
    missing = tmp_path / "danh-sach-go-nham.sqlite3"
    for command in (["info"], ["members", "list"], ["todo"], ["check"], ["sync", "status"]):
        assert cli_main(["--db", str(missing), *command]) == 1, command
        error = capsys.readouterr().err
        assert "Không" in error and str(missing.name) in error, (command, error)
        assert "Lỗi không mong đợi" not in error
        assert not missing.exists(), f"{command} created an empty database"
    assert cli_main(["backup", "list", "--db", str(missing)]) == 0  # a lost database's backups still show
    assert not missing.exists()
    assert cli_main(["demo", "--members", "5", "--db", str(missing)]) == 0
    assert missing.exists()


def test_help_lists_window_options_in_vietnamese(capsys):
    with pytest.raises(SystemExit) as stop:
        cli_main(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    for option, words in (("--demo", "dữ liệu mẫu"), ("--readonly", "chỉ xem"), ("--large-font", "chữ to")):
        line = next(line for line in text.splitlines() if line.strip().startswith(option))
        assert words in line, line
    assert "show this help" not in text and "options:" not in text and "usage:" not in text


def test_window_parser_takes_the_same_options():
    from handbook_desktop.ui.app import parse_gui_args

    args = parse_gui_args(["--readonly", "--large-font", "--db", "x.sqlite3"])
    assert args.readonly and args.large_font and args.db == "x.sqlite3" and not args.demo


def test_readme_and_docs_link_only_inside_the_repository():
    for document in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        text = document.read_text(encoding="utf-8")
        assert "../shared" not in text and "/work/" not in text, document
        for target in re.findall(r"\]\(([^)#]+)", text):
            if target.startswith(("http://", "https://")):
                continue
            assert (document.parent / target).exists(), f"{document.name} links to missing {target}"
    assert (ROOT / "docs" / "design.md").exists() and (ROOT / "docs" / "domain.md").exists()
