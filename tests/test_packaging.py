"""The sdist and the wheel: what `make dist` builds holds the whole app, compiled
catalogs included, and nothing of the checkout's tests, benches or data.
(test_install.py installs the wheel into a fresh venv and runs it.)"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest
from live import ROOT

from trainer.i18n import catalogs

# What a fresh clone has not got (or must not be read from): the build starts from the
# checkout's files without them, as `make dist` on a fresh clone does.
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "instance", "test-artifacts", "bench-results", "run",
    "__pycache__", "*.pyc", ".pytest_cache", ".hypothesis", ".ruff_cache", "*.mo",
)
_built: dict[str, tuple[Path, Path]] = {}


def built_dist(tmp_path_factory) -> tuple[Path, Path]:
    """(sdist, wheel) as `make dist` builds them: the wheel is built from the sdist. Once a session."""
    if "dist" not in _built:
        work = tmp_path_factory.mktemp("dist")
        source = work / "too-sandy"
        shutil.copytree(ROOT, source, ignore=NOT_IN_A_CLONE)
        subprocess.run(
            [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(work / "dist"), str(source)],
            check=True, cwd=work, capture_output=True,
        )
        _built["dist"] = (next((work / "dist").glob("too_sandy-*.tar.gz")),
                          next((work / "dist").glob("too_sandy-*.whl")))
    return _built["dist"]


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    return built_dist(tmp_path_factory)


def in_package(pattern: str) -> set[str]:
    return {path.relative_to(ROOT).as_posix() for path in (ROOT / "trainer").glob(pattern)
            if "__pycache__" not in path.parts}


def test_the_wheel_holds_every_module_and_every_compiled_catalog(dist):
    _sdist, wheel = dist
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = in_package("**/*.py")
    assert "trainer/coaching/__init__.py" in modules and "trainer/records/__init__.py" in modules
    assert not modules - names, f"left out of the wheel: {sorted(modules - names)}"
    compiled = {po.removesuffix(".po") + ".mo" for po in in_package("translations/*/LC_MESSAGES/*.po")}
    assert len(compiled) == 3 and compiled <= names
    # The data files the code reads (word lists, phrase books), wherever a package keeps them.
    data = {name for name in in_package("**/*") if name.endswith((".txt", ".json", ".csv"))}
    assert "trainer/live/wordlists/en.txt" in data and not data - names, sorted(data - names)
    # The sources stay in the sdist; nothing of the checkout's tests, benches or data rides along.
    assert not [name for name in names if name.endswith((".po", ".pot", ".pyc"))]
    assert not [name for name in names
                if name.split("/")[0] in ("tests", "bench", "instance", "scripts", "deploy", "docs", "build")]
    assert [top for top in {name.split("/")[0] for name in names} if top != "trainer"] == [
        "-".join(wheel.name.split("-")[:2]) + ".dist-info"]
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "too-sandy = trainer.cli:main" in entry_points


def test_the_compiled_catalogs_in_the_wheel_translate(dist):
    from babel.messages.mofile import read_mo

    _sdist, wheel = dist
    with zipfile.ZipFile(wheel) as opened:
        greek = read_mo(opened.open("trainer/translations/el/LC_MESSAGES/messages.mo"))
    assert greek["Room code"].string == "Κωδικός δωματίου"


def test_the_sdist_holds_the_sources_and_no_tests(dist):
    sdist, _wheel = dist
    names = {name.split("/", 1)[1] for name in tarfile.open(sdist).getnames() if "/" in name}
    for expected in ("pyproject.toml", "build_hooks.py", "MANIFEST.in", "CHANGELOG.md", "README.md", "wsgi.py",
                     "static/js/play.js", "templates/host.html", "decks/starter-el.json", "migrations/env.py",
                     "trainer/translations/ru/LC_MESSAGES/messages.po", "trainer/coaching/__init__.py"):
        assert expected in names
    assert not [name for name in names if name.startswith(("tests/", "bench/", "instance/")) or name.endswith(".mo")]


def test_wheel_carries_static_templates_and_decks(dist, tmp_path):
    _sdist, wheel = dist
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "trainer/static/js/play.js",
        "trainer/static/vendor/socket.io/socket.io.esm.min.js",
        "trainer/static/vendor/socket.io/LICENSE",
        "trainer/templates/host.html",
        "trainer/decks/shipped/starter-en.json",
        "trainer/templates/admin/deck.html",
        "trainer/static/js/admin.js",
        "trainer/migrations/env.py",
        "trainer/migrations/versions/0001_baseline.py",
        "trainer/decks/shipped/starter-ru.json",
        "trainer/serve/wsgi.py",
    ):
        assert expected in names

    # Unpacked away from the checkout, the package finds its own copies.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(site)!r})
        from trainer import create_app, paths
        assert paths.CHECKOUT is None and str(paths.STATIC).startswith({str(site)!r}), paths.STATIC
        app = create_app({{"TESTING": True, "SECRET_KEY": "x", "ASYNC_MODE": "threading",
                          "SQLALCHEMY_DATABASE_URI": "sqlite://"}})
        page = app.test_client().get("/join")
        assert page.status_code == 200 and b"Room code" in page.data
        greek = app.test_client().get("/join", headers={{"Accept-Language": "el"}})
        assert "Κωδικός δωματίου" in greek.get_data(as_text=True)
        # The schema came from the wheel's own migrations.
        from trainer.database.schema import current_revision
        with app.app_context():
            assert current_revision() is not None
        print("served")
    """)
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TRAINER_DATA_DIR": str(tmp_path / "data")},
    )
    assert result.stdout.strip() == "served", result.stderr


# --- catalogs compiled at start ------------------------------------------------------

@pytest.fixture
def sources(tmp_path) -> Path:
    """A copy of the catalogs' sources, without a single .mo."""
    folder = tmp_path / "translations"
    shutil.copytree(catalogs.HERE, folder, ignore=shutil.ignore_patterns("*.mo"))
    return folder


def test_missing_and_stale_catalogs_are_compiled_and_fresh_ones_left_alone(sources):
    made = catalogs.ensure_compiled(sources)
    assert sorted(mo.parent.parent.name for mo in made) == ["el", "ru", "uk"]
    russian = sources / "ru" / "LC_MESSAGES" / "messages.mo"
    from babel.messages.mofile import read_mo

    with russian.open("rb") as compiled:
        assert read_mo(compiled)["Room code"].string == "Код комнаты"
    assert catalogs.ensure_compiled(sources) == []
    # A .po edited after its .mo was made: that one is compiled again.
    po = russian.with_suffix(".po")
    later = russian.stat().st_mtime + 5
    os.utime(po, (later, later))
    assert catalogs.ensure_compiled(sources) == [russian]
    assert not list(sources.glob("*/LC_MESSAGES/.*.tmp"))


def test_where_catalogs_cannot_be_written_the_server_refuses_with_one_line(sources, monkeypatch):
    def read_only(_po, _mo):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(catalogs, "compile_catalog", read_only)
    with pytest.raises(catalogs.CatalogsNotWritable) as refused:
        catalogs.ensure_compiled(sources)
    message = str(refused.value)
    assert "\n" not in message and "Permission denied" in message
    assert f"pybabel compile -d {sources}" in message and "make catalogs" in message
    # A SystemExit: `python wsgi.py` stops with that line and no traceback.
    assert isinstance(refused.value, SystemExit)


# --- nothing POSIX-only on the way in ------------------------------------------------

POSIX_ONLY = {"fcntl", "pwd", "grp", "termios", "tty", "pty", "resource", "posix", "syslog", "crypt"}


def _guarded(ancestors: list) -> bool:
    """Inside a try that catches ImportError, or under an if (``os.name == "posix"``, say)."""
    for node in ancestors:
        if isinstance(node, ast.If):
            return True
        if isinstance(node, ast.Try) and any(
            isinstance(handler.type, ast.Name) and handler.type.id in ("ImportError", "ModuleNotFoundError")
            for handler in node.handlers
        ):
            return True
    return False


def _unguarded_imports(node, ancestors: list) -> list[int]:
    lines = []
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        if any(name.split(".")[0] in POSIX_ONLY for name in names) and not _guarded(ancestors):
            lines.append(node.lineno)
    for child in ast.iter_child_nodes(node):
        lines += _unguarded_imports(child, [*ancestors, node])
    return lines


def test_no_module_imports_a_posix_only_module_unguarded():
    """Windows has no fcntl (and the rest): an unguarded import stops every command there."""
    found = [f"{path.relative_to(ROOT)}:{line}" for path in sorted((ROOT / "trainer").rglob("*.py"))
             for line in _unguarded_imports(ast.parse(path.read_text(encoding="utf-8")), [])]
    assert not found, found


def test_the_changelog_starts_with_this_version():
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as project:
        version = tomllib.load(project)["project"]["version"]
    releases = [line for line in (ROOT / "CHANGELOG.md").read_text("utf-8").splitlines() if line.startswith("## ")]
    assert releases and releases[0].startswith(f"## {version} ")
