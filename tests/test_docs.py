"""Run the ```python blocks of docs/tutorials/*.md, so the pages never rot.

Each page's blocks run in order in one namespace, in a temporary working
directory, with matplotlib's non-interactive Agg backend.
"""

import os
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs" / "tutorials"
PAGES = sorted(DOCS.glob("*.md"))
BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)


def python_blocks(text):
    """The bodies of the fenced ```python blocks of a Markdown text, in order."""
    return [m.group(1) for m in BLOCK.finditer(text)]


def test_block_extraction():
    text = "intro\n```python\nx = 1\n```\n\n```bash\nls\n```\n```python\ny = x + 1\n```\n"
    assert python_blocks(text) == ["x = 1\n", "y = x + 1\n"]


def test_there_are_four_pages_with_code():
    assert len(PAGES) == 4, [p.name for p in PAGES]
    for page in PAGES:
        assert python_blocks(page.read_text(encoding="utf-8")), f"{page.name} has no code"


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_page_runs(page, tmp_path, monkeypatch):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        plt = None
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    if "SCRATCHNET_DATA" not in os.environ:
        monkeypatch.setenv("SCRATCHNET_DATA", str(tmp_path / "no-data"))
    namespace = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    for i, block in enumerate(python_blocks(page.read_text(encoding="utf-8")), start=1):
        code = compile(block, f"{page.name} [block {i}]", "exec")
        try:
            exec(code, namespace)
        except ImportError as exc:
            if "matplotlib" in str(exc) and plt is None:
                pytest.skip(f"{page.name} needs matplotlib")
            raise
    if plt is not None:
        plt.close("all")
