"""Build step for the wheel (setuptools' build_py, named in pyproject.toml).

The brief's layout keeps static/, templates/, decks/ and migrations/ at the
top of the checkout; a wheel carries them inside the package, where
trainer.paths looks for them in an installed copy. The catalogs are
compiled here too, so the .po files stay the only source and every wheel
speaks every language. Editable installs need neither: they read the
checkout, and the app compiles stale catalogs when it starts.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# Checkout folder -> where it sits inside the installed package.
DATA_FOLDERS = {
    "static": "trainer/static",
    "templates": "trainer/templates",
    "decks": "trainer/decks/shipped",
    "migrations": "trainer/migrations",
}
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".*")


def _catalogs_module():
    """trainer/i18n/catalogs.py by path: importing the package would need Flask at build time."""
    spec = importlib.util.spec_from_file_location("_too_sandy_catalogs", ROOT / "trainer" / "i18n" / "catalogs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        build = Path(self.build_lib)
        for source, target in DATA_FOLDERS.items():
            shutil.copytree(ROOT / source, build / target, ignore=IGNORED, dirs_exist_ok=True)
        catalogs = _catalogs_module()
        for po in catalogs.sources(ROOT / "trainer" / "translations"):
            mo = build / po.relative_to(ROOT).with_suffix(".mo")
            catalogs.compile_catalog(po, mo)
