"""The house rule: `nn` knows no screen. No module under nn/ imports a UI package."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import nn

UI_PACKAGES = ("textual", "rich", "plotext", "tui")
NN_DIR = Path(nn.__file__).parent
NN_FILES = sorted(NN_DIR.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(NN_DIR.parent).with_suffix("").parts
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


def test_the_static_check_sees_every_nn_module():
    names = {path.relative_to(NN_DIR).as_posix() for path in NN_FILES}
    assert {"network.py", "layers.py", "comparison.py", "data/__init__.py"} <= names


def test_no_nn_source_file_imports_a_ui_package():
    offenders = {
        path.relative_to(NN_DIR).as_posix(): sorted(imported_roots(path) & set(UI_PACKAGES))
        for path in NN_FILES
    }
    assert {name: found for name, found in offenders.items() if found} == {}


IMPORT_EVERYTHING = """
import importlib, json, pkgutil, sys
import nn
names = [m.name for m in pkgutil.walk_packages(nn.__path__, "nn.")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": names, "loaded": sorted(sys.modules)}))
"""


def test_importing_every_nn_module_loads_no_ui_package():
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING],
        capture_output=True,
        text=True,
        check=True,
        cwd=NN_DIR.parent,
    )
    report = json.loads(result.stdout)
    assert {"nn", *report["modules"]} == {module_name(path) for path in NN_FILES}
    loaded_ui = [name for name in report["loaded"] if name.split(".")[0] in UI_PACKAGES]
    assert loaded_ui == []
