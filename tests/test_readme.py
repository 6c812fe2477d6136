"""The README's notebook example is code a student will paste: it must run as printed."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_notebook_example_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "the README has no Python example"
    exec(compile(blocks[0], "README.md", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["base", "sigmoid", "dropout"]
    assert all("done" in line for line in lines)


def test_the_readme_starts_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert text.index("make run") < text.index("make test") < text.index("## A tour")
