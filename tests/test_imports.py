"""The house rules: the arrows between the three packages point one way.

    tui ──▶ presets ──▶ nn

`nn` (the training core) imports neither the scenarios nor the app, nor any UI package;
`presets` (the scenarios) imports `nn` and no UI. Checked twice: statically, every import
statement of every file, and by importing every module in a fresh interpreter.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import nn

ROOT = Path(nn.__file__).parent.parent
UI_PACKAGES = ("textual", "rich", "plotext")
FORBIDDEN = {
    "nn": {*UI_PACKAGES, "tui", "presets"},
    "presets": {*UI_PACKAGES, "tui"},
}


def files_of(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_roots(path: Path) -> set[str]:
    """Top-level package of every import statement in a file, wherever it stands."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_static_check_sees_every_module():
    names = {path.relative_to(ROOT).as_posix() for path in files_of("nn") + files_of("presets")}
    assert {"nn/network.py", "nn/measure.py", "presets/claims.py", "presets/loader.py"} <= names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_source_file_imports_against_the_arrows(package):
    offenders = {
        path.relative_to(ROOT).as_posix(): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in files_of(package)
    }
    assert {name: found for name, found in offenders.items() if found} == {}


IMPORT_EVERYTHING = """
import importlib, json, pkgutil, sys
package = importlib.import_module(sys.argv[1])
names = [m.name for m in pkgutil.walk_packages(package.__path__, sys.argv[1] + ".")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": names, "loaded": sorted(sys.modules)}))
"""


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_importing_every_module_loads_nothing_against_the_arrows(package):
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING, package],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    report = json.loads(result.stdout)
    assert {package, *report["modules"]} == {module_name(path) for path in files_of(package)}
    loaded = [name for name in report["loaded"] if name.split(".")[0] in FORBIDDEN[package]]
    assert loaded == []
