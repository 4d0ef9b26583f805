"""Documentation that runs: every command in README.md and docs/*.md is executed and its
output compared, and the generated pages match the code.

In Markdown, a ```console block holds ``$ command`` lines, each followed by the output it
must print (a line ``...`` matches any number of lines).  Commands run in-process from a
scratch folder, so ``-o`` files land there.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import sys

import pytest

from symconv import docgen

from conftest import run_cli

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs",
                                                                           "*.md")))
FENCE = re.compile(r"^```console\n(.*?)^```", re.S | re.M)


def console_blocks() -> list:
    params = []
    for page in PAGES:
        with open(page, encoding="utf-8") as fh:
            text = fh.read()
        for n, m in enumerate(FENCE.finditer(text)):
            line = text[: m.start()].count("\n") + 1
            rel = os.path.relpath(page, ROOT)
            params.append(pytest.param(m.group(1), id=f"{rel}:{line}"))
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


@pytest.mark.parametrize("block", console_blocks())
def test_console_block(block: str, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
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
    assert len(console_blocks()) >= 1


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
    assert committed == generated, f"docs/{filename} is stale: run python -m symconv.docgen"
