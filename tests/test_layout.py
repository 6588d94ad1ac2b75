"""The tree shows the architecture: imports point down, the rules stay pure."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from live import ROOT

PACKAGE = ROOT / "trainer"
# __main__ is `python -m trainer`: the command line, an edge like cli itself.
EDGES = {"sockets", "views", "cli", "serve", "__main__"}
FEATURES = {"live", "decks", "accounts", "coaching", "records"}


def _imports(path: Path) -> set[str]:
    """Every trainer module this file imports, as a dotted name."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "trainer":
                continue
            if node.module is None or target.count(".") == 0:
                found.update(f"{target}.{alias.name}" for alias in node.names)
            else:
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("trainer"))
    return found


def _layer(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else None


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def test_the_rules_import_neither_flask_nor_sqlalchemy():
    # trainer/__init__ imports Flask, so load the rules under an empty parent.
    probe = (
        "import sys, types\n"
        f"pkg = types.ModuleType('trainer'); pkg.__path__ = [{str(PACKAGE)!r}]; sys.modules['trainer'] = pkg\n"
        "import trainer.game\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'sqlalchemy', 'flask_babel'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"trainer.game pulled in {result.stdout.strip()}"


@pytest.mark.parametrize("path", _modules("game"), ids=lambda p: p.name)
def test_the_rules_import_only_the_rules(path):
    outside = {name for name in _imports(path) if _layer(name) != "game"}
    assert not outside, f"{path.name} reaches out of trainer/game: {sorted(outside)}"


@pytest.mark.parametrize("path", [p for f in sorted(FEATURES) for p in _modules(f)],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_features_never_import_the_edges(path):
    upward = {name for name in _imports(path) if _layer(name) in EDGES}
    assert not upward, f"{path.relative_to(PACKAGE)} imports an edge: {sorted(upward)}"


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_plumbing_never_imports_features_at_module_level(path):
    if path.stem in EDGES or path.stem == "__init__":
        return  # the app factory and the edges wire features in
    upward = {name for name in _imports(path) if _layer(name) in FEATURES | EDGES}
    assert not upward, f"{path.name} imports {sorted(upward)}"


def test_the_top_stays_small_and_names_do_not_repeat_their_folder():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 10, top
    for package in [p for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()]:
        assert (package / "__init__.py").read_text().lstrip().startswith('"""'), f"{package.name} says nothing"
        for module in package.glob("*.py"):
            assert not module.stem.startswith(package.name.rstrip("s")), f"{package.name}/{module.name}"


def test_no_import_cycles_between_features():
    graph: dict[str, set[str]] = {f: set() for f in FEATURES}
    for feature in FEATURES:
        for path in _modules(feature):
            graph[feature] |= {_layer(n) for n in _imports(path)} & (FEATURES - {feature})
    for feature, uses in graph.items():
        for other in uses:
            assert feature not in graph[other], f"{feature} and {other} import each other"
