"""Only one thing beyond pyproject.toml: the wheel carries ``resources/`` and ``forms_templates/``.

They sit at the repository root (where build.spec and the tools expect them); a wheel has no
root, so the build copies both into the package as ``handbook_desktop/resources`` and
``handbook_desktop/forms_templates``, which is where ``paths.bundle_root()`` looks in an installed
program. Editable installs read the repository root directly.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("resources", "forms_templates")


class build_py_with_bundle(build_py):  # noqa: N801 - setuptools' naming
    def run(self):
        super().run()
        if self.editable_mode:
            return
        package = Path(self.build_lib) / "handbook_desktop"
        for name in BUNDLED:
            target = package / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "~$*"))


setup(cmdclass={"build_py": build_py_with_bundle})
