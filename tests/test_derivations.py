"""derivations/: the committed outputs are what ``symconv derive --all`` writes, they compile,
they parse, and their numbers are NumPy's.

CI runs ``symconv derive --all --check`` through :func:`test_committed_outputs_are_up_to_date`
(after a change to a renderer, regenerate with ``symconv derive --all`` and review the diff).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from conftest import need_module, need_tool, run_cli
from renderkit import PDFLATEX_ARGS, check_xml

from symconv.app.derive import DOCUMENT_FORMATS, document_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
DERIVATIONS = ROOT / "derivations"
SOURCES = sorted(DERIVATIONS.glob("*.toml"))
#: What issue 5 asks for, by derivation name.
REQUIRED = ("article-2d", "thread-1d", "same-padding", "flip", "duality", "reflection")


def load(name: str) -> dict:
    with open(DERIVATIONS / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)


def output(name: str) -> dict:
    return json.loads((DERIVATIONS / name / f"{name}.json").read_text())


# -- the committed outputs ------------------------------------------------------------------
def test_committed_outputs_are_up_to_date(tmp_path: Path) -> None:
    """What CI runs. same-padding identifies torch.nn.functional.conv1d, so without PyTorch
    the others are checked from a copy (and SYMCONV_REQUIRE_TOOLS=1 makes that a failure)."""
    if importlib.util.find_spec("torch") is not None:
        run = run_cli("derive", "--all", "--check")
        checked = len(SOURCES)
    else:
        for p in SOURCES:
            if "torch." not in p.read_text():
                shutil.copy(p, tmp_path)
                shutil.copytree(DERIVATIONS / p.stem, tmp_path / p.stem)
        run = run_cli("derive", "--all", "--check", "--dir", str(tmp_path))
        checked = len(list(tmp_path.glob("*.toml")))
    assert run.code == 0, run.out + run.err
    assert run.out.endswith("all derivations are up to date\n")
    assert run.out.count("checked ") == checked
    if checked < len(SOURCES):
        need_module("torch")  # skips (or fails under SYMCONV_REQUIRE_TOOLS=1)


def test_every_required_derivation_has_every_output() -> None:
    names = {load(p.stem)["name"] for p in SOURCES}
    assert set(REQUIRED) <= names
    for p in SOURCES:
        name = load(p.stem)["name"]
        assert name == p.stem, f"{p.name}: name {name!r} differs from the file name"
        for pattern in map(document_file, DOCUMENT_FORMATS):
            assert (DERIVATIONS / name / pattern.format(name=name)).is_file()
    readme = (DERIVATIONS / "README.md").read_text()
    for p in SOURCES:
        assert f"`{p.name}`" in readme, f"derivations/README.md does not list {p.name}"


def test_outputs_are_deterministic_under_another_hash_seed(tmp_path: Path) -> None:
    """Set and dict orders must not leak into the outputs: a fresh interpreter with a
    different PYTHONHASHSEED regenerates the same bytes (the derivations with every kind
    of block but identify, whose only cost is importing torch)."""
    for name in ("article-2d", "duality", "flip", "reflection", "thread-1d"):
        shutil.copy(DERIVATIONS / f"{name}.toml", tmp_path)
        shutil.copytree(DERIVATIONS / name, tmp_path / name)
    env = dict(os.environ, PYTHONHASHSEED="12345")
    proc = subprocess.run([sys.executable, "-m", "symconv", "derive", "--all", "--check",
                           "--dir", str(tmp_path)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("checked ") == 5


# -- --check on a copy ------------------------------------------------------------------------
@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """thread-1d and symmetric (sources and outputs) in a folder of their own."""
    for name in ("thread-1d", "symmetric"):
        shutil.copy(DERIVATIONS / f"{name}.toml", tmp_path)
        shutil.copytree(DERIVATIONS / name, tmp_path / name)
    return tmp_path


def test_check_passes_on_an_unmodified_copy(copy: Path) -> None:
    run = run_cli("derive", "--all", "--check", "--dir", str(copy))
    assert run.code == 0, run.out
    assert "differs" not in run.out


def test_check_names_a_modified_output(copy: Path) -> None:
    md = copy / "thread-1d" / "thread-1d.md"
    md.write_text(md.read_text().replace("-1", "+1", 1))
    assert md.read_bytes() != (DERIVATIONS / "thread-1d" / "thread-1d.md").read_bytes()
    tex = copy / "symmetric" / "symmetric.tex"
    tex.write_bytes(tex.read_bytes() + b"%")
    run = run_cli("derive", "--all", "--check", "--dir", str(copy))
    assert run.code == 1
    differ = sorted(line for line in run.out.splitlines() if line.startswith("differs:"))
    assert len(differ) == 2, run.out
    assert differ[0].endswith(os.path.join("symmetric", "symmetric.tex"))
    assert differ[1].endswith(os.path.join("thread-1d", "thread-1d.md"))
    assert "2 output(s) differ: run symconv derive --all" in run.out


def test_check_names_a_stale_figure_and_a_missing_output(copy: Path) -> None:
    (copy / "thread-1d" / "thread-1d-07-kernel.svg").write_text("<svg/>")
    (copy / "symmetric" / "symmetric.json").unlink()
    run = run_cli("derive", "--all", "--check", "--dir", str(copy))
    assert run.code == 1
    assert os.path.join("thread-1d", "thread-1d-07-kernel.svg") in run.out
    assert os.path.join("symmetric", "symmetric.json") in run.out
    # regenerating repairs the copy: the stale figure goes, the missing file comes back
    assert run_cli("derive", "--all", "--dir", str(copy)).code == 0
    assert not (copy / "thread-1d" / "thread-1d-07-kernel.svg").exists()
    assert run_cli("derive", "--all", "--check", "--dir", str(copy)).code == 0


def test_derive_one_file_into_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_cli("derive", str(DERIVATIONS / "thread-1d.toml"), "-o", str(out))
    assert run.code == 0, run.err
    for pattern in map(document_file, DOCUMENT_FORMATS):
        name = pattern.format(name="thread-1d")
        assert (out / name).read_bytes() == (DERIVATIONS / "thread-1d" / name).read_bytes()


# -- bad derivation files ---------------------------------------------------------------------
HEAD = 'name = "bad"\ntitle = "A bad file"\n'
BAD = {
    "bad TOML": (HEAD + "[[block]]\ntext = \"unterminated\n", "not valid TOML"),
    "unknown block key": (HEAD + '[[block]]\ntext = "t"\ncolour = "red"\n',
                          "unknown keys colour"),
    "unknown prove key": (HEAD + '[[block]]\nprove = "flip"\nsize = 3\n', "unknown keys size"),
    "two kinds": (HEAD + '[[block]]\ntext = "t"\nheading = "h"\n', "give exactly one of"),
    "no kind": (HEAD + '[[block]]\nlevel = 2\n', "give exactly one of"),
    "unknown figure": (HEAD + '[[block]]\nexpand = "conv"\nimage = "5"\nkernel = "3"\n'
                       'figures = ["equation", "histogram"]\n', "unknown figures histogram"),
    "unknown theorem": (HEAD + '[[block]]\nprove = "pythagoras"\n', "bad theorem 'pythagoras'"),
    "missing kernel": (HEAD + '[[block]]\nexpand = "conv"\nimage = "5"\n', "missing key kernel"),
    "verdict changed": (HEAD + '[[block]]\nclaim = "conv(x, h) == corr(x, h)"\n'
                        'expect = "proved"\n', "expected the verdict 'proved', got 'refuted'"),
    "no title": ('name = "bad"\n[[block]]\ntext = "t"\n', "needs a string 'title'"),
    "unknown top-level key": (HEAD + 'author = "me"\n', "unknown top-level keys author"),
    "block not a table": (HEAD + "block = [1]\n", "a block is a table"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_is_one_error_line_and_writes_nothing(tmp_path: Path, case: str) -> None:
    text, message = BAD[case]
    src = tmp_path / "bad.toml"
    src.write_text(text)
    out = tmp_path / "out"
    run = run_cli("derive", str(src), "-o", str(out))
    assert run.code == 2, (run.out, run.err)
    assert run.err.count("\n") == 1 and run.err.startswith("symconv derive: error: ")
    assert message in run.err
    assert "Traceback" not in run.err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]  # no temporary left


def test_a_bad_file_in_all_leaves_the_committed_folders_as_they_were(copy: Path) -> None:
    before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    (copy / "zzz.toml").write_text(BAD["unknown theorem"][0].replace('"bad"', '"zzz"'))
    run = run_cli("derive", "--all", "--dir", str(copy))
    assert run.code == 2 and "zzz.toml: block 1 (prove)" in run.err
    assert not (copy / "zzz").exists()
    after = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file() and p.name != "zzz.toml"}
    assert after == before


def test_the_article_derivation_shows_every_figure() -> None:
    from symconv.document import FIGURES

    used = {f for b in load("article-2d")["block"] for f in b.get("figures", ())}
    assert set(FIGURES) <= used, sorted(set(FIGURES) - used)


def test_a_claim_block_may_set_compare() -> None:
    """``compare`` is the claim's option (positions or indices), not a second block kind."""
    blocks = [b for b in load("thread-1d")["block"] if "claim" in b]
    assert any(b.get("compare") == "positions" for b in blocks)


# -- the outputs compile and parse ------------------------------------------------------------
def test_every_tex_compiles(tmp_path: Path) -> None:
    pdflatex = need_tool("pdflatex")
    texs = sorted(DERIVATIONS.glob("*/*.tex"))
    assert len(texs) == 2 * len(SOURCES)

    def compile_one(tex: Path) -> tuple[str, str | None]:
        work = tmp_path / tex.stem
        work.mkdir()
        shutil.copy(tex, work)
        proc = subprocess.run([pdflatex, *PDFLATEX_ARGS, tex.name], cwd=work,
                              capture_output=True, text=True, timeout=300)
        pdf = work / f"{tex.stem}.pdf"
        if proc.returncode != 0 or not pdf.exists() or pdf.stat().st_size < 1000:
            log = (work / f"{tex.stem}.log").read_text(errors="replace")
            return tex.name, log[log.find("\n!"):][:1500] if "\n!" in log else log[-1500:]
        return tex.name, None

    # biggest first, so the pool is not left waiting on the slides of the longest one
    texs.sort(key=lambda p: -p.stat().st_size)
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        failed = [(n, err) for n, err in pool.map(compile_one, texs) if err is not None]
    assert not failed, "\n\n".join(f"{n}:\n{err}" for n, err in failed)


@pytest.mark.parametrize("path", sorted(DERIVATIONS.glob("*/*.html")) +
                         sorted(DERIVATIONS.glob("*/*.svg")), ids=lambda p: p.name)
def test_html_and_svg_parse_as_xml(path: Path) -> None:
    check_xml(path.read_text(encoding="utf-8"), path.name)


def test_markdown_links_only_committed_figures() -> None:
    import re

    for md in DERIVATIONS.glob("*/*.md"):
        for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md.read_text()):
            assert (md.parent / target).is_file(), f"{md.name} links {target}"


# -- the numbers are NumPy's ------------------------------------------------------------------
def _evaluate(block: dict, x: np.ndarray, h: np.ndarray) -> dict[tuple[int, ...], int]:
    """Sum the terms the JSON lists (every output, or the one output of a block with
    ``at``), with the arrays placed at the JSON's index ranges: array position -> value."""
    xlo, hlo = np.array(block["image"]["lo"]), np.array(block["kernel"]["lo"])
    return {tuple(out["pos"]): sum(int(x[tuple(np.array(t["x"]) - xlo)]) *
                                   int(h[tuple(np.array(t["h"]) - hlo)]) for t in out["terms"])
            for out in block["outputs"]}


def _library(block: dict, x: np.ndarray, h: np.ndarray) -> np.ndarray | None:
    """What SciPy (or NumPy) computes for the block's operation and mode, or None."""
    import scipy.signal as ss

    if block["op"] == "conv-transpose" and not block["layer"]:
        # Zero insertion (stride) and a dilated kernel, SciPy's full convolution, then
        # PyTorch's window: p cut at each end, the output padding appended (indices from 0).
        xz = np.zeros([(n - 1) * s + 1 for n, s in zip(x.shape, block["stride"], strict=True)],
                      dtype=np.int64)
        xz[tuple(slice(None, None, s) for s in block["stride"])] = x
        hz = np.zeros([(k - 1) * d + 1 for k, d in zip(h.shape, block["dilation"],
                                                        strict=True)], dtype=np.int64)
        hz[tuple(slice(None, None, d) for d in block["dilation"])] = h
        full = ss.convolve(xz, hz, "full", method="direct")
        out = np.zeros(block["output"]["shape"], dtype=np.int64)
        pads = [lo for lo, _ in block["padding"]]
        src = tuple(slice(p, min(p + n, f)) for p, n, f in zip(pads, out.shape, full.shape,
                                                                 strict=True))
        out[tuple(slice(0, s.stop - s.start) for s in src)] = full[src]
        return out
    if block["layer"] or set(block["stride"]) != {1} or set(block["dilation"]) != {1}:
        return None
    if block.get("padding") is not None:  # PyTorch's zero padding, then a valid correlation
        if block["op"] != "corr" or block["padding_mode"] != "zeros":
            return None
        return ss.correlate(np.pad(x, [tuple(p) for p in block["padding"]]), h, "valid",
                            method="direct")
    if block["mode"] not in ("full", "same", "valid"):
        return None
    if block["op"] == "conv":
        return ss.convolve(x, h, block["mode"], method="direct")
    y = ss.correlate(x, h, block["mode"], method="direct")
    if block["op"] == "corr-reflected":
        return y[(slice(None, None, -1),) * y.ndim]
    return y


def _expansions(name: str) -> list[tuple[dict, dict]]:
    """(TOML block, JSON block) pairs of every expansion, compare variants included."""
    pairs = []
    for src, out in zip(load(name)["block"], output(name)["blocks"], strict=True):
        if "expand" in src:
            pairs.append((src, out))
        elif "compare" in src and "claim" not in src:
            for variant, row in zip(src["variants"], out["variants"], strict=True):
                pairs.append(({**src, **variant}, row))
    return pairs


@pytest.mark.parametrize("name", [p.stem for p in SOURCES])
def test_every_expansion_agrees_with_scipy_on_random_integers(name: str) -> None:
    rng = np.random.default_rng(5)
    checked = 0
    for _src, block in _expansions(name):
        x = rng.integers(-9, 10, block["image"]["shape"])
        h = rng.integers(-9, 10, block["kernel"]["shape"])
        want = _library(block, x, h)
        if want is None:
            continue
        if block["op"] == "corr-reflected" and any(s % 2 == 0 for s in block["kernel"]["shape"]):
            continue  # the reflection of an even 'same' window is not SciPy's window
        got = _evaluate(block, x, h)
        assert len(got) in (1, want.size), block["title"]
        assert got == {p: int(want[p]) for p in got}, block.get("title") or block["label"]
        checked += 1
    if any("expand" in b for b in load(name)["block"]):
        assert checked, f"{name}: no expansion was checked"


@pytest.mark.parametrize("name", [p.stem for p in SOURCES])
def test_given_values_are_numpys(name: str) -> None:
    """Where the source gives x and h, the JSON's values are the library's numbers."""
    for src, block in _expansions(name):
        if "x" not in src or "h" not in src:
            continue
        x, h = np.array(src["x"]), np.array(src["h"])
        got = [o["value"] for o in block["outputs"]]
        want = _library(block, x, h)
        assert want is not None, src
        assert got == [int(v) for v in want], block.get("title") or block["label"]


def test_thread_numbers() -> None:
    """The thread's numbers, stated in the prose and titles, are NumPy's."""
    f = np.array([2, 1, 3, 5, 4])
    values = {b["title"]: [o["value"] for o in b["outputs"]]
              for b in output("thread-1d")["blocks"] if b["block"] == "expansion"}
    expect = {
        "Convolution: [-1, 2, 2, -1]": np.convolve(f, [1, -1], "valid"),
        "Cross-correlation: [1, -2, -2, 1], what tf.nn.conv1d returns":
            np.correlate(f, [1, -1], "valid"),
        "Convolution with h2: [-3, 0, 3]": np.convolve(f, [-1, 2, -1], "valid"),
        "Cross-correlation with h2: [-3, 0, 3]": np.correlate(f, [-1, 2, -1], "valid"),
        "Convolution with [-1, 2, 1]: [1, 2, 9]": np.convolve(f, [-1, 2, 1], "valid"),
        "Cross-correlation with [-1, 2, 1]: [3, 10, 11]": np.correlate(f, [-1, 2, 1], "valid"),
    }
    assert set(values) == set(expect)
    for title, want in expect.items():
        assert values[title] == want.tolist(), title
        assert str(want.tolist()) in title, title


def test_same_padding_rows_are_the_libraries(torch: object) -> None:
    import scipy.signal as ss

    x, h = np.array([1, 2, 3, 4, 5]), np.array([1, 0, 0, 0])
    rows = {r["label"].split("(")[0]: [o["value"] for o in r["outputs"]]
            for b in output("same-padding")["blocks"] if b["block"] == "comparison"
            for r in b["variants"]}
    t = torch.nn.functional.conv1d(torch.tensor(x[None, None], dtype=torch.float64),
                                   torch.tensor(h[None, None], dtype=torch.float64),
                                   padding="same")
    assert rows["numpy.correlate"] == np.correlate(x, h, "same").tolist() == [0, 0, 1, 2, 3]
    assert rows["scipy.signal.correlate"] == ss.correlate(x, h, "same").tolist()
    assert rows["torch.nn.functional.conv1d"] == t.flatten().tolist() == [0, 1, 2, 3, 4]
    assert rows["tf.nn.conv1d"] == rows["torch.nn.functional.conv1d"]
    ident = {b["function"]: b for b in output("same-padding")["blocks"] if "function" in b}
    assert ident["numpy.convolve"]["padding"] == ident["scipy.signal.correlate"]["padding"] \
        == [[2, 1]]
    assert ident["torch.nn.functional.conv1d"]["padding"] == [[1, 2]]


def test_the_typo_counterexample_is_numpys() -> None:
    f, typo = [2, 1, 3, 5, 4], [-1, 2, 1]
    for name in ("thread-1d", "symmetric"):
        refuted = [b for b in output(name)["blocks"] if b["block"] == "derivation"
                   and b["verdict"] == "refuted" and "conv" in (b["counterexample"] or {})]
        assert refuted, name
        cex = refuted[0]["counterexample"]
        assert cex["values"] == {"x": f, "h": typo}
        assert cex["conv"] == np.convolve(f, typo, "valid").tolist() == [1, 2, 9]
        assert cex["corr"] == np.correlate(f, typo, "valid").tolist() == [3, 10, 11]


def test_article_patches_and_entries() -> None:
    """conv y[1,1] and the article's corr y[-1,-1] read the patch x[0..2, 0..2]: the
    kernel rotated by 180 degrees under convolution, as drawn under the article's formula."""
    at = {b["title"]: b for b in output("article-2d")["blocks"] if b["block"] == "expansion"}

    def entries(title: str) -> dict[tuple[int, ...], str]:
        (out,) = at[title]["outputs"]
        assert out["patch"] == {"from": [0, 0], "to": [2, 2]}
        return {tuple(t["x"]): t["entry"] for t in out["terms"]}

    conv = entries(r"Convolution output $\arr{y}[1,1]$: the kernel appears rotated by 180 "
                   "degrees")
    refl = entries(r"The article's cross-correlation, output $\arr{y}[-1,-1]$")
    patch = [(i, j) for j in range(3) for i in range(3)]
    assert [conv[p] for p in patch] == list("ihgfedcba")
    assert [refl[p] for p in patch] == list("abcdefghi")


def test_every_expected_verdict_holds_in_the_outputs() -> None:
    for p in SOURCES:
        srcs = load(p.stem)["block"]
        outs = output(p.stem)["blocks"]
        for src, out in zip(srcs, outs, strict=True):
            if "expect" in src:
                assert out["verdict"] == src["expect"], (p.name, src.get("title"))
                assert out["title"] == src["title"]
    duality = [b for b in output("duality")["blocks"] if b["block"] == "derivation"]
    assert {(b["scope"], b["verdict"]) for b in duality} == {("all-sizes", "proved"),
                                                              ("instance", "proved")}
    assert sum(b["scope"] == "all-sizes" for b in duality) == 4


def test_json_blocks_keep_the_checkers_kind() -> None:
    """A check block is tagged by "block"; its "kind" stays the classification."""
    blocks = output("reflection")["blocks"]
    checks = [b for b in blocks if b["block"] == "check"]
    assert checks and {b["kind"] for b in checks} <= {"conv", "corr", "corr-reflected",
                                                      "conv-reflected", "mixed"}
    assert {b["block"] for b in blocks} <= {"heading", "text", "expansion", "comparison",
                                            "derivation", "check"}
