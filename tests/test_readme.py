"""The README's Python examples run as written (all but the one that needs a running Dask scheduler)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_python_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_python_block_runs(index, tmp_path, monkeypatch):
    code = BLOCKS[index]
    if "scheduler=" in code:
        pytest.skip("needs a running Dask scheduler at the address shown")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, f"README block {index}", "exec"), {"__name__": "readme"})
