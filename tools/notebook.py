"""The tutorial notebook: executed so it cannot rot, stored with its outputs, rendered for the
docs.

``python -m tools.notebook`` runs ``docs/tutorial.ipynb`` top to bottom in a fresh kernel
(nbclient; the kernel is this interpreter's ipykernel, started in a scratch folder with a
timeout per cell), stores it with its outputs and writes its rendered copy,
``docs/tutorial-notebook.md``.  ``--check`` runs it the same way and compares instead of
writing (exit 1 and a diff when the stored notebook or the page differ from a fresh run);
``--no-execute`` renders the page from the stored notebook without running it.

The stored notebook is deterministic: no timing metadata, execution counts 1, 2, 3... over
the code cells, fixed notebook metadata (no Python version), consecutive stream outputs
merged (the kernel may split one cell's printing into several messages) and memory
addresses in plain-text reprs masked; nbformat writes it (sorted keys, one-space indent).

The page (GitHub-flavoured Markdown): markdown cells as they are, code cells fenced as
``python``, and each output as a Markdown reader best shows it:

* printed text and plain-text results: fenced ``text`` blocks;
* a display with LaTeX (symconv's results, SymPy's expressions): its ``$$...$$`` displays as
  fenced ``math`` blocks (GitHub renders them with MathJax); one with text between them (a
  document's title, headings and paragraphs) as a quote, text and displays.  A display
  that also has HTML is shown by its LaTeX here (Jupyter shows the HTML: MathML and SVG,
  which GitHub's Markdown drops);
* a display with Markdown only: as it is;
* a display with HTML only (``display(obj, include=["text/html"])``, ``IPython.display.HTML``):
  inline, each ``<svg>`` figure written to ``docs/tutorial-notebook/`` and shown as an
  ``<img>``, so that it shows where inline SVG is dropped;
* images (PNG, JPEG, SVG): files in ``docs/tutorial-notebook/``, linked.
"""

from __future__ import annotations

import argparse
import base64
import copy
import difflib
import html as htmllib
import os
import re
import sys
import tempfile
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")
NOTEBOOK = os.path.join(DOCS, "tutorial.ipynb")
PAGE = os.path.join(DOCS, "tutorial-notebook.md")
#: Files the page links (images, the SVG figures of HTML displays), named by code cell.
ASSETS = os.path.join(DOCS, "tutorial-notebook")
GENERATED_NOTE = ("<!-- Generated from docs/tutorial.ipynb by `python -m tools.notebook`; do "
                  "not edit by hand: the tests compare this file with the notebook. -->")
#: Seconds one cell may take before the run fails (the slowest takes about 2 s).
TIMEOUT = 120
#: The stored notebook's metadata, whatever the kernel reported (its Python version...).
METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                   "name": "python3"},
    "language_info": {"name": "python"},
}
#: Which output of a display the page shows, first found first.
MIME_ORDER = ("text/latex", "text/markdown", "text/html", "image/svg+xml", "image/png",
              "image/jpeg", "text/plain")
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: A rich display that is a whole page in a frame (``symconv.explore``): title, page.
IFRAME = re.compile(r'<iframe title="([^"]*)"[^>]*srcdoc="([^"]*)"></iframe>\Z', re.S)
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
SVG_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


class NotebookError(Exception):
    """A cell raised, or the notebook could not be run."""


# -- running -------------------------------------------------------------------------------
def read(path: str = NOTEBOOK) -> Any:
    import nbformat

    return nbformat.read(path, as_version=4)


def _kernel_manager() -> Any:
    """A kernel manager that starts ipykernel on this very interpreter: a "python3"
    kernelspec of the user's (another Python, without symconv) cannot shadow it."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]

    class ThisPython(KernelSpecManager):  # type: ignore[misc]
        def get_kernel_spec(self, kernel_name: str) -> Any:
            return KernelSpec(argv=argv, display_name="Python 3 (ipykernel)",
                              language="python")

    return AsyncKernelManager(kernel_name="python3", kernel_spec_manager=ThisPython())


def execute(nb: Any, timeout: int = TIMEOUT) -> Any:
    """A normalised copy of ``nb`` run top to bottom in a fresh kernel, in a scratch
    folder (files a cell writes land there); :class:`NotebookError` if a cell raises."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    # This checkout's symconv first, installed or not; hash order fixed.
    env = {**os.environ, "PYTHONHASHSEED": "0",
           "PYTHONPATH": os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH"))
                                         if p)}
    with tempfile.TemporaryDirectory(prefix="symconv-notebook-") as scratch:
        client = NotebookClient(nb, km=_kernel_manager(), timeout=timeout,
                                record_timing=False, allow_errors=False,
                                # no warning that a local kernel talks over TCP in clear
                                extra_arguments=["--IPKernelApp.log_level=ERROR"],
                                resources={"metadata": {"path": scratch}})
        try:
            client.execute(env=env)
        except CellExecutionError as exc:
            raise NotebookError(str(exc)) from None
    return normalise(nb)


def normalise(nb: Any) -> Any:
    """``nb`` without what changes from run to run (see the module); in place, returned."""
    import nbformat

    nb.metadata = nbformat.from_dict(copy.deepcopy(METADATA))
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        if cell.execution_count is not None or cell.outputs:
            count += 1
            cell.execution_count = count
        outputs: list[Any] = []
        for out in cell.outputs:
            if (out.output_type == "stream" and outputs and outputs[-1].output_type == "stream"
                    and outputs[-1].name == out.name):
                outputs[-1].text += out.text
                continue
            if out.output_type == "execute_result":
                out.execution_count = count
            if "data" in out and "text/plain" in out.data:
                out.data["text/plain"] = ADDRESS.sub(" at 0x...", out.data["text/plain"])
            outputs.append(out)
        cell.outputs = outputs
    return nb


def dumps(nb: Any) -> str:
    import nbformat

    return nbformat.writes(nb) + "\n"


def errors(nb: Any) -> list[str]:
    """The error outputs of ``nb`` (cell number: the exception), and the code cells that
    never ran."""
    found = []
    for n, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.execution_count is None:
            found.append(f"cell {n}: not executed")
        for out in cell.outputs:
            if out.output_type == "error":
                found.append(f"cell {n}: {out.ename}: {out.evalue}")
    return found


# -- the page ------------------------------------------------------------------------------
def render_markdown(nb: Any) -> tuple[str, dict[str, bytes]]:
    """The page for ``nb`` and the files it links (name in the assets folder -> bytes)."""
    assets: dict[str, bytes] = {}
    folder = os.path.basename(ASSETS)
    parts = [GENERATED_NOTE]
    number = 0
    for cell in nb.cells:
        source = cell.source.strip("\n")
        if cell.cell_type == "markdown":
            parts.append(source)
            continue
        if cell.cell_type != "code":
            continue
        number += 1
        if source.strip():
            parts.append(f"```python\n{source}\n```")
        for k, out in enumerate(cell.outputs, 1):
            stem = f"cell-{number:02d}-{k}"
            parts += _output(out, stem, folder, assets)
    return "\n\n".join(p.rstrip("\n") for p in parts if p.strip()) + "\n", assets


def _output(out: Any, stem: str, folder: str, assets: dict[str, bytes]) -> list[str]:
    kind = out.output_type
    if kind == "stream":
        return [_fence("text", out.text)]
    if kind == "error":
        return [_fence("text", ANSI.sub("", "\n".join(out.traceback)))]
    data = out.get("data", {})
    mime = next((m for m in MIME_ORDER if m in data), None)
    if mime is None:
        return []
    value = data[mime]
    if mime == "text/latex":
        return _latex(value)
    if mime == "text/markdown":
        return [value]
    if mime == "text/html":
        return [_html(value, stem, folder, assets)]
    if mime == "text/plain":
        return [_fence("text", value)]
    ext = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpg"}[mime]
    name = f"{stem}.{ext}"
    assets[name] = value.encode("utf-8") if ext == "svg" else base64.b64decode(value)
    return [f"![output {stem}]({folder}/{name})"]


def _fence(lang: str, text: str) -> str:
    text = text.rstrip("\n")
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}{lang}\n{text}\n{ticks}"


def _latex(value: str) -> list[str]:
    """``$$...$$`` displays as ``math`` blocks, the text between them as paragraphs; a
    SymPy-style ``$\\displaystyle ...$`` as one display."""
    value = value.strip()
    if "$$" not in value:
        body = value[1:-1] if value.startswith("$") and value.endswith("$") else value
        return [_fence("math", body.removeprefix(r"\displaystyle").strip())]
    out = []
    for n, piece in enumerate(value.split("$$")):
        if not piece.strip():
            continue
        out.append(_fence("math", piece.strip()) if n % 2 else piece.strip())
    if any(not p.startswith("```") for p in out):
        # Text between the displays (a document's title, headings, paragraphs): the whole
        # output quoted, so that it does not read as the page's own prose.
        return ["\n".join(f"> {line}".rstrip() for line in "\n\n".join(out).splitlines())]
    return out


def _html(value: str, stem: str, folder: str, assets: dict[str, bytes]) -> str:
    """Inline HTML without blank lines (one Markdown HTML block), its SVG as files."""
    count = 0

    def to_file(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        name = f"{stem}-{count}.svg"
        assets[name] = (m.group(0) + "\n").encode("utf-8")
        title = SVG_TITLE.search(m.group(0))
        alt = re.sub(r"\s+", " ", title.group(1)).strip() if title else "figure"
        return f'<img src="{folder}/{name}" alt="{alt}">'

    frame = IFRAME.match(value.strip())
    if frame:  # a whole page in a frame (the explorer): the page as a file, linked
        name = f"{stem}.html"
        assets[name] = htmllib.unescape(frame.group(2)).encode("utf-8")
        return (f"[{htmllib.escape(frame.group(1))}]({folder}/{name}) (an interactive page: "
                "open it in a browser; a code host shows no frames)")
    html = SVG.sub(to_file, value)
    return "\n".join(line for line in html.splitlines() if line.strip())


# -- writing and checking ------------------------------------------------------------------
def _read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def _stored_assets() -> dict[str, bytes]:
    if not os.path.isdir(ASSETS):
        return {}
    out = {}
    for name in sorted(os.listdir(ASSETS)):
        with open(os.path.join(ASSETS, name), "rb") as fh:
            out[name] = fh.read()
    return out


def differences(nb: Any | None = None) -> list[str]:
    """What differs between the stored files and ``nb`` (a fresh run; None: the stored
    notebook, so only the page is compared): one message per file, with a short diff."""
    stored_text = _read_text(NOTEBOOK) or ""
    if nb is None:
        nb = read()
        fresh_text = stored_text
    else:
        fresh_text = dumps(nb)
    page, assets = render_markdown(nb)
    found = []
    for path, fresh, stored in ((NOTEBOOK, fresh_text, stored_text),
                                (PAGE, page, _read_text(PAGE) or "")):
        if fresh != stored:
            diff = difflib.unified_diff(stored.splitlines(), fresh.splitlines(),
                                        "stored", "fresh run", lineterm="", n=1)
            found.append(f"{os.path.relpath(path, ROOT)} differs:\n"
                         + "\n".join(list(diff)[:40]))
    if assets != _stored_assets():
        found.append(f"{os.path.relpath(ASSETS, ROOT)}/ differs: "
                     f"{sorted(set(assets) ^ set(_stored_assets())) or 'file contents'}")
    return found


def write(nb: Any) -> list[str]:
    """Store ``nb`` and its page (and assets); the paths written."""
    from symconv.io import write_text

    page, assets = render_markdown(nb)
    write_text(NOTEBOOK, dumps(nb))
    write_text(PAGE, page)
    written = [NOTEBOOK, PAGE]
    for name in _stored_assets():
        if name not in assets:
            os.remove(os.path.join(ASSETS, name))
    if assets:
        os.makedirs(ASSETS, exist_ok=True)
    for name, data in assets.items():
        path = os.path.join(ASSETS, name)
        with open(path, "wb") as fh:
            fh.write(data)
        written.append(path)
    if os.path.isdir(ASSETS) and not os.listdir(ASSETS):
        os.rmdir(ASSETS)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tools.notebook",
        description="Run docs/tutorial.ipynb in a fresh kernel, store it with its outputs "
                    "and write its rendered copy docs/tutorial-notebook.md (needs nbclient, "
                    "nbformat and ipykernel: pip install -e '.[test]').")
    ap.add_argument("--check", action="store_true",
                    help="compare a fresh run with the stored files instead of writing")
    ap.add_argument("--no-execute", action="store_true",
                    help="render the page from the stored notebook without running it")
    ap.add_argument("--timeout", type=int, default=TIMEOUT, metavar="S",
                    help=f"seconds a cell may take (default {TIMEOUT})")
    args = ap.parse_args(argv)
    try:
        import nbformat  # noqa: F401

        if not args.no_execute:
            import ipykernel  # noqa: F401
            import nbclient  # noqa: F401
    except ImportError as exc:
        print(f"{exc.name} is not installed: pip install -e '.[test]'", file=sys.stderr)
        return 2
    nb = read()
    if not args.no_execute:
        try:
            nb = execute(nb, timeout=args.timeout)
        except NotebookError as exc:
            print(f"a cell failed:\n{exc}", file=sys.stderr)
            return 1
    if args.check:
        found = differences(None if args.no_execute else nb)
        for msg in found:
            print(msg, file=sys.stderr)
        if found:
            print("run python -m tools.notebook to update them", file=sys.stderr)
        return 1 if found else 0
    for path in write(nb):
        print(f"wrote {os.path.relpath(path, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
