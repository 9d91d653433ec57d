"""Build step: a wheel carries the repository's data folders as provisioner/data/.

Authors keep labs/, terraform/, ansible/, templates/, images/, schema/ and scripts/ at the top of
the repository; an installed package has no checkout beside it, so the wheel gets copies of them
(provisioner/core/paths.py looks in the checkout first, then in these copies). An editable
install reads the checkout itself and copies nothing. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA = ("labs", "terraform", "ansible", "templates", "images", "schema", "scripts")
# The same leftovers .gitignore keeps out of the repository (MANIFEST.in keeps them out of an sdist).
SKIP = shutil.ignore_patterns("__pycache__", "*.py[cod]", ".terraform", "*.tfstate*")


class BuildWithData(build_py):
    """build_py, then the data folders under build_lib/provisioner/data."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "provisioner" / "data"
        shutil.rmtree(target, ignore_errors=True)  # a folder removed since the last build goes too
        for name in DATA:
            shutil.copytree(name, target / name, ignore=SKIP)


setup(cmdclass={"build_py": BuildWithData})
