"""The tutorial notebook runs: docs/tutorial.ipynb is executed in a fresh kernel, every cell
without error, its rich displays present, its outputs those stored in the file, and
docs/tutorial-notebook.md the rendering of the stored notebook (tools/notebook.py)."""

from __future__ import annotations

import base64
import difflib
from typing import Any

import pytest
from conftest import need_module

from tools import notebook


def _stored() -> Any:
    need_module("nbformat")
    return notebook.read()


#: Runs the notebook in a process of its own: the kernel's client threads (ZeroMQ, an event
#: loop) end with that process, never sharing the test process with XLA or PyTorch threads.
_RUN = """
import sys
sys.path.insert(0, {root!r})
from tools import notebook
try:
    nb = notebook.execute(notebook.read())
except notebook.NotebookError as exc:
    print(exc, file=sys.stderr)
    sys.exit(3)
sys.stdout.write(notebook.dumps(nb))
"""


@pytest.fixture(scope="module")
def executed() -> Any:
    """The notebook run once for the module (about 5 s, most of it starting the kernel), in
    a child process."""
    import os
    import subprocess
    import sys

    for name in ("nbformat", "nbclient", "ipykernel"):
        need_module(name)
    import nbformat

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.run([sys.executable, "-c", _RUN.format(root=root)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode == 3:
        pytest.fail(f"a cell of docs/tutorial.ipynb failed:\n{proc.stderr}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return nbformat.reads(proc.stdout, as_version=4)


def _code_cells(nb: Any) -> list[Any]:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_every_code_cell_runs_without_error(executed: Any) -> None:
    assert notebook.errors(executed) == []
    counts = [c.execution_count for c in _code_cells(executed)]
    assert counts == list(range(1, len(counts) + 1))


def test_rich_displays_are_present(executed: Any) -> None:
    """Each kind of symconv result displays as LaTeX and HTML; SymPy's as LaTeX; the
    explicit HTML display is HTML only."""
    kinds: dict[str, set[str]] = {}
    html_only = 0
    for cell in _code_cells(executed):
        for out in cell.outputs:
            data = out.get("data", {})
            if "text/html" in data and "text/latex" not in data:
                html_only += 1
            plain = data.get("text/plain", "")
            for kind in ("<symconv.expansion.core.Expansion ", "Derivation(",
                         "CheckResult(", "Document("):
                if plain.startswith(kind):
                    assert {"text/latex", "text/html"} <= set(data), (kind, set(data))
                    assert "$$" in data["text/latex"]
                    assert data["text/html"].startswith('<div class="symconv">')
                    kinds.setdefault(kind, set()).update(data)
            if plain.startswith(("a*x", "x[0]/4", "Matrix(")):
                assert data["text/latex"].startswith("$\\displaystyle")
                kinds.setdefault("sympy", set()).update(data)
    assert set(kinds) == {"<symconv.expansion.core.Expansion ", "Derivation(",
                          "CheckResult(", "Document(", "sympy"}
    assert html_only >= 1


def test_outputs_equal_the_stored_ones(executed: Any) -> None:
    stored = notebook.dumps(_stored())
    fresh = notebook.dumps(executed)
    if fresh != stored:
        diff = "\n".join(list(difflib.unified_diff(stored.splitlines(), fresh.splitlines(),
                                                   "stored", "fresh", lineterm="", n=2))[:60])
        pytest.fail("docs/tutorial.ipynb differs from a fresh run (python -m tools.notebook "
                    f"updates it):\n{diff}")


def test_page_is_the_rendering_of_the_stored_notebook() -> None:
    """docs/tutorial-notebook.md and the files in docs/tutorial-notebook/ (no kernel)."""
    _stored()
    found = notebook.differences()
    assert not found, "\n".join(found) + "\n(python -m tools.notebook --no-execute updates them)"


def test_markdown_of_each_output_kind(tmp_path) -> None:
    """The page's rules on a small notebook: text fenced, LaTeX as math (a document's text
    quoted), HTML inline with its SVG as files, images as files, the displays' choice."""
    nbformat = need_module("nbformat")
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    png = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><title>A\n figure</title></svg>'
    nb = new_notebook(cells=[
        new_markdown_cell("# Title\n\nSome *prose*."),
        new_code_cell("print('hi')", outputs=[
            new_output("stream", name="stdout", text="hi\n")]),
        new_code_cell("e", outputs=[new_output("execute_result", execution_count=2, data={
            "text/plain": "<E>", "text/latex": "$$a = b$$\n$$\\begin{align*}c\\end{align*}$$",
            "text/html": "<div>no</div>"})]),
        new_code_cell("s", outputs=[new_output("execute_result", execution_count=3, data={
            "text/plain": "x", "text/latex": "$\\displaystyle x_{0}$"})]),
        new_code_cell("doc", outputs=[new_output("display_data", data={
            "text/plain": "D", "text/latex": "Title\n\n$$y$$"})]),
        new_code_cell("html", outputs=[new_output("display_data", data={
            "text/plain": "H", "text/html": f"<div>\n <p>x</p>\n\n {svg}\n</div>"})]),
        new_code_cell("img", outputs=[new_output("display_data", data={
            "text/plain": "I", "image/png": png})]),
        new_code_cell("```", outputs=[new_output("execute_result", execution_count=7, data={
            "text/plain": "has ``` inside"})]),
    ])
    nbformat.validate(nb)
    page, assets = notebook.render_markdown(nb)
    assert page.startswith(notebook.GENERATED_NOTE + "\n\n# Title\n\nSome *prose*.\n\n")
    assert "```python\nprint('hi')\n```\n\n```text\nhi\n```" in page
    assert "```math\na = b\n```\n\n```math\n\\begin{align*}c\\end{align*}\n```" in page
    assert "<div>no</div>" not in page and "<E>" not in page
    assert "```math\nx_{0}\n```" in page
    assert "> Title\n>\n> ```math\n> y\n> ```" in page
    assert ('<div>\n <p>x</p>\n <img src="tutorial-notebook/cell-05-1-1.svg" alt="A figure">'
            "\n</div>") in page
    assert assets["cell-05-1-1.svg"] == (svg + "\n").encode()
    assert "![output cell-06-1](tutorial-notebook/cell-06-1.png)" in page
    assert assets["cell-06-1.png"] == base64.b64decode(png)
    assert "````text\nhas ``` inside\n````" in page


def test_normalise_removes_what_changes_between_runs() -> None:
    nbformat = need_module("nbformat")
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    timing = {"execution": {"iopub.status.idle": "2024-01-01T00:00:00.5Z"}}
    cell = new_code_cell("x", execution_count=7, metadata=timing, outputs=[
        new_output("stream", name="stdout", text="a"),
        new_output("stream", name="stdout", text="b\n"),
        new_output("execute_result", execution_count=7, data={
            "text/plain": "<symconv.X object at 0x7f3a2b1c>"}),
    ])
    nb = new_notebook(cells=[new_code_cell("", execution_count=None), cell],
                      metadata={"language_info": {"name": "python", "version": "3.11.7"}})
    notebook.normalise(nb)
    nbformat.validate(nb)
    assert nb.metadata == notebook.METADATA
    assert nb.cells[0].execution_count is None
    assert cell.execution_count == 1 and "execution" not in cell.metadata
    assert [o.output_type for o in cell.outputs] == ["stream", "execute_result"]
    assert cell.outputs[0].text == "ab\n"
    assert cell.outputs[1].execution_count == 1
    assert cell.outputs[1].data["text/plain"] == "<symconv.X object at 0x...>"
