"""Documentation that runs: every command in README.md and docs/*.md is executed and its
output compared, and the generated pages match the code.

In Markdown, a ```console block holds ``$ command`` lines, each followed by the output it
must print (a line ``...`` matches any number of lines).  Commands run in-process from a
scratch folder, so ``-o`` files land there.  A fenced block right after a line
``<!-- file: NAME -->`` is a file the reader writes: it is written to the scratch folder
before the page's console blocks run.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import sys

import pytest
from conftest import run_cli

from tools import docgen

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs",
                                                                           "*.md")))
FENCE = re.compile(r"^```console\n(.*?)^```", re.S | re.M)
FILE = re.compile(r"^<!-- file: (\S+) -->\n```[a-z]*\n(.*?)^```", re.S | re.M)


def page_files(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in FILE.finditer(text)}


def console_blocks() -> list:
    params = []
    for page in PAGES:
        with open(page, encoding="utf-8") as fh:
            text = fh.read()
        files = page_files(text)
        for m in FENCE.finditer(text):
            line = text[: m.start()].count("\n") + 1
            rel = os.path.relpath(page, ROOT)
            params.append(pytest.param(m.group(1), files, id=f"{rel}:{line}"))
    return params


def split_commands(block: str) -> list[tuple[str, list[str]]]:
    cmds: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            cmds.append((line[2:], []))
        elif cmds:
            cmds[-1][1].append(line)
        else:
            raise AssertionError(f"output before any command: {line!r}")
    return cmds


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line-by-line match where a line ``...`` stands for any number of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


@pytest.mark.parametrize(("block", "files"), console_blocks())
def test_console_block(block: str, files: dict[str, str], tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    for cmd, expected in split_commands(block):
        argv = shlex.split(cmd)
        assert argv[0] == "symconv", f"docs may only show symconv commands: {cmd}"
        code = None
        if argv and argv[-1].startswith("#"):
            argv = argv[:-1]
        res = run_cli(*argv[1:])
        code = res.code
        actual = [ln.rstrip() for ln in (res.out + res.err).rstrip("\n").splitlines()]
        want = [ln.rstrip() for ln in expected]
        while want and not want[-1]:
            want.pop()
        assert code in (0, 1), f"{cmd} exited {code}: {res.err}"
        assert matches(want, actual), (
            f"output of `{cmd}` differs from the docs:\n--- docs\n" + "\n".join(want)
            + "\n--- actual\n" + "\n".join(actual))


def test_every_page_has_runnable_examples() -> None:
    blocks = console_blocks()
    assert len(blocks) >= 1
    for page in ("README.md", os.path.join("docs", "tutorial.md")):
        assert any(b.id.startswith(page + ":") for b in blocks), f"{page} runs no command"


# Link text may hold balanced brackets, as in "y[1,1]".
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _links(text: str) -> list[str]:
    # Links in code (fenced or inline) are not links.
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    text = re.sub(r"`[^`\n]*`", "", text)
    return LINK.findall(text)


def _anchors(path: str) -> set[str]:
    """GitHub's anchors of a Markdown file's headings (a repeated one gets -1, -2...)."""
    with open(path, encoding="utf-8") as fh:
        text = re.sub(r"^```.*?^```", "", fh.read(), flags=re.S | re.M)
    seen: dict[str, int] = {}
    out = set()
    for title in re.findall(r"^#+ (.*)$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


@pytest.mark.parametrize("page", PAGES, ids=lambda p: os.path.relpath(p, ROOT))
def test_relative_links_point_at_files(page: str) -> None:
    with open(page, encoding="utf-8") as fh:
        links = _links(fh.read())
    missing = []
    for link in links:
        if re.match(r"[a-z][a-z0-9+.-]*:", link):
            continue  # http(s), mailto: not checked offline
        path, _, anchor = link.partition("#")
        target = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
        if not os.path.exists(target):
            missing.append(link)
        elif anchor and target.endswith(".md") and anchor not in _anchors(target):
            missing.append(link)
    assert not missing, f"{os.path.relpath(page, ROOT)} links to missing files: {missing}"


def test_gallery_shows_every_figure_kind() -> None:
    from symconv.document import FIGURES
    from tools import gallery

    shown = {i.figure for i in gallery.ITEMS if i.kind == "figure"}
    every = set(FIGURES)
    assert shown == every, f"missing from the gallery: {every - shown}"
    for item in gallery.ITEMS:
        ext = ".gif" if item.kind == "animation" else ".png"
        path = os.path.join(ROOT, "docs", "gallery", item.name + ext)
        assert os.path.exists(path), f"{path} is missing: python -m tools.docgen gallery"
        assert os.path.getsize(path) <= gallery.MAX_PNG_BYTES, f"{path} is too large"


@pytest.mark.parametrize("page", sorted(docgen.PAGES))
def test_generated_pages_are_current(page: str) -> None:
    docgen._load_optional_pages()
    filename, fn = docgen.PAGES[page]
    with open(os.path.join(docgen.DOCS, filename), encoding="utf-8") as fh:
        committed = fh.read()
    generated = fn()
    if page == "cli" and sys.version_info[:2] != (3, 11):
        # argparse's layout changes between Python versions: compare what it documents.
        for opt in re.findall(r"--[a-z][a-z-]+", generated):
            assert opt in committed
        return
    assert committed == generated, f"docs/{filename} is stale: run python -m tools.docgen"


def python_examples() -> list:
    params = []
    for page in PAGES:
        with open(page, encoding="utf-8") as fh:
            text = fh.read()
        blocks = [b for b in re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)
                  if b.startswith(">>>")]
        if blocks:
            params.append(pytest.param(blocks, id=os.path.relpath(page, ROOT)))
    return params


@pytest.mark.parametrize("blocks", python_examples())
def test_python_examples_run(blocks: list[str]) -> None:
    """Every ``>>>`` example of a page (the API reference's, the README's) as a doctest,
    with the names of ``symconv.__all__`` imported; a page's blocks share one namespace."""
    import doctest

    import symconv

    globs = {n: getattr(symconv, n) for n in symconv.__all__ if not n.startswith("__")}
    globs["symconv"] = symconv
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report: list[str] = []
    for n, block in enumerate(blocks):
        test = parser.get_doctest(block, globs, f"example {n + 1}", "page", 0)
        runner.run(test, out=report.append, clear_globs=False)
    assert runner.failures == 0, "".join(report)


def test_api_reference_has_an_example_per_name() -> None:
    import symconv

    with open(os.path.join(ROOT, "docs", "api.md"), encoding="utf-8") as fh:
        sections = re.split(r"^### ", fh.read(), flags=re.M)[1:]
    names = [n for n in symconv.__all__ if not n.startswith("__")]
    assert len(sections) == len(names)
    bare = [s.splitlines()[0] for s in sections
            if ">>>" not in s and not s.startswith(("`symconv.SymconvError`",
                                                    "`symconv.LimitError`"))]
    assert not bare, f"API entries without an example: {bare}"


@pytest.mark.tools
def test_gallery_builds_a_figure(tmp_path) -> None:
    from conftest import need_tool

    from tools import gallery

    for tool in ("pdflatex", "pdftoppm", "pdfinfo", "pdftotext"):
        need_tool(tool)
    [path] = gallery.build(["terms"], outdir=str(tmp_path))
    with open(path, "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"


def test_gallery_blocks_are_valid_derivation_blocks(tmp_path) -> None:
    """The [[block]] shown under each figure of docs/gallery.md renders with symconv derive."""
    with open(os.path.join(ROOT, "docs", "gallery.md"), encoding="utf-8") as fh:
        blocks = re.findall(r"^```toml\n(.*?)^```", fh.read(), re.S | re.M)
    assert blocks
    src = tmp_path / "gallery.toml"
    src.write_text('name = "gallery"\ntitle = "Gallery"\n\n' + "\n".join(blocks),
                   encoding="utf-8")
    res = run_cli("derive", str(src), "-o", str(tmp_path / "out"))
    assert res.code == 0, res.err
    tex = (tmp_path / "out" / "gallery.tex").read_text(encoding="utf-8")
    assert "\\emph{(" not in tex, "a figure could not be drawn"
