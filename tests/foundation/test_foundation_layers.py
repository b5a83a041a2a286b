"""The layers of DESIGN.md: the core never imports Qt, the domain never imports SQLAlchemy."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import handbook_desktop

CORE = ("domain", "store", "services")


def _modules_of(package: str) -> list[str]:
    base = f"handbook_desktop.{package}"
    module = __import__(base, fromlist=["_"])
    names = [base]
    for info in pkgutil.walk_packages(module.__path__, prefix=base + "."):
        if ".migrations" in info.name:
            continue
        names.append(info.name)
    return names


def _imported_after(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(json.loads(output))


def test_core_layers_do_not_import_qt():
    modules = [name for package in CORE for name in _modules_of(package)]
    assert len(modules) > 20, modules
    loaded = _imported_after(modules)
    qt = sorted(name for name in loaded if name.split(".")[0] in {"PySide6", "shiboken6"})
    assert qt == [], f"domain/store/services pulled in Qt: {qt[:5]}"
    assert not any(name.startswith("handbook_desktop.ui") for name in loaded)


def test_domain_does_not_import_sqlalchemy():
    loaded = _imported_after(_modules_of("domain"))
    assert "sqlalchemy" not in loaded
    assert not any(name.startswith(("handbook_desktop.store", "handbook_desktop.services")) for name in loaded)


def test_the_boundary_test_can_see_a_violation():
    # The checker itself must catch an import of Qt: run it on a module that imports Qt.
    loaded = _imported_after(["handbook_desktop.ui.i18n"])
    assert "PySide6.QtCore" in loaded


def test_package_version_is_the_pyproject_version():
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(handbook_desktop.__file__).parent.parent / "pyproject.toml").read_text())
    assert handbook_desktop.__version__ == pyproject["project"]["version"]
