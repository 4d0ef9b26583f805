"""``symconv expand`` in-process: the JSON contract, text output, determinism, ``-o``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from symconv.errors import InputError

ARTICLE = ("--image", "7x7", "--kernel", "3x3", "--mode", "same")


def jrun(cli: Any, *argv: str) -> dict[str, Any]:
    run = cli("expand", *argv, "--format", "json")
    assert run.code == 0, run.err
    assert run.err == ""
    doc = json.loads(run.out)
    assert isinstance(doc, dict)
    return doc


# -- the JSON contract -----------------------------------------------------------------------
def test_json_outputs_contract(cli: Any) -> None:
    doc = jrun(cli, "conv", "--image", "4x3", "--kernel", "2x2")
    outs = doc["outputs"]
    assert len(outs) == 5 * 4
    for n, o in enumerate(outs):
        assert set(o) == {"index", "pos", "terms", "expr"}  # no value without --x/--h
        assert o["pos"] == [n // 4, n % 4]  # row-major, 0-based
        assert [i - p for i, p in zip(o["index"], o["pos"], strict=True)] == [-3, -2]
        for t in o["terms"]:
            assert set(t) == {"x", "h", "entry"}
            assert isinstance(t["entry"], str)
            assert [xi + hi for xi, hi in zip(t["x"], t["h"], strict=True)] == o["index"]
        assert o["expr"] == " + ".join(sorted(f'{t["entry"]}*x[{t["x"][0]}, {t["x"][1]}]'
                                              for t in o["terms"])) or not o["terms"]
    assert outs[0]["index"] == [-3, -2]  # image -2..1 x -1..1 plus kernel -1..0


def test_json_terms_match_the_expression(cli: Any) -> None:
    doc = jrun(cli, "conv", *ARTICLE, "--at", "1,1")
    (o,) = doc["outputs"]
    pairs = {(t["entry"], tuple(t["x"])) for t in o["terms"]}
    assert pairs == {("a", (2, 2)), ("b", (1, 2)), ("c", (0, 2)), ("d", (2, 1)),
                     ("e", (1, 1)), ("f", (0, 1)), ("g", (2, 0)), ("h", (1, 0)),
                     ("i", (0, 0))}
    assert o["expr"].startswith("a*x[2, 2] + b*x[1, 2]")


def test_json_worked_example_contract(cli: Any) -> None:
    doc = jrun(cli, "conv", *ARTICLE, "--at", "1,1")
    (o,) = doc["outputs"]
    assert {"index", "pos", "terms", "expr", "rows", "grid", "patch"} <= set(o)
    assert o["index"] == [1, 1] and o["pos"] == [4, 4]
    assert o["grid"] == [["i", "h", "g"], ["f", "e", "d"], ["c", "b", "a"]]
    assert o["patch"] == {"from": [0, 0], "to": [2, 2]}
    assert len(o["rows"]) == 25
    for r in o["rows"]:
        assert {"x", "h", "valid", "entry"} <= set(r)
        assert isinstance(r["valid"], bool)
        assert (r["entry"] is None) == (not r["valid"])
    row03 = next(r for r in o["rows"] if r["x"] == [0, 3])
    assert row03 == {**row03, "h": [1, -2], "valid": False, "entry": None}


def test_json_corr_reflected_red_patch(cli: Any) -> None:
    (o,) = jrun(cli, "corr-reflected", *ARTICLE, "--at", "-1,-1")["outputs"]
    assert o["grid"] == [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]]
    assert o["patch"] == {"from": [0, 0], "to": [2, 2]}


@pytest.mark.parametrize(("argv", "values"), [
    pytest.param(("conv", "--h", "1,-1"), [-1, 2, 2, -1], id="conv"),
    pytest.param(("corr", "--h", "1,-1"), [1, -2, -2, 1], id="corr"),
    pytest.param(("corr", "--h", "0.5,-1"), [0, -2.5, -3.5, -1.5], id="float"),
])
def test_json_values(cli: Any, argv: tuple[str, ...], values: list[float]) -> None:
    doc = jrun(cli, argv[0], "--image", "5", "--kernel", "2", "--origin", "corner",
               "--mode", "valid", "--x", "2,1,3,5,4", *argv[1:])
    assert [o["value"] for o in doc["outputs"]] == values


def test_json_values_need_both(cli: Any) -> None:
    doc = jrun(cli, "corr", "--image", "5", "--kernel", "2", "--x", "2,1,3,5,4")
    assert all("value" not in o for o in doc["outputs"])


def test_json_layer_indices(cli: Any) -> None:
    doc = jrun(cli, "corr", "--image", "2x5", "--kernel", "4x1x3", "--layer", "--groups", "2",
               "--origin", "corner", "--padding", "1")
    outs = doc["outputs"]
    assert [o["index"] for o in outs[:6]] == [[0, 0], [0, 1], [0, 2], [0, 3], [0, 4], [1, 0]]
    t = outs[5 * 3]["terms"][0]  # output channel 3, position 0
    assert t["x"] == [1, 0] and t["h"] == [3, 0, 1]
    assert t["entry"] == "k"  # 12 entries: letters, in C order (channels first)


def test_json_indexed_names_and_entries(cli: Any) -> None:
    doc = jrun(cli, "corr", "--image", "3", "--kernel", "2", "--names",
               "image=img,kernel=w,output=z", "--entries", "p,q")
    assert doc["outputs"][1]["expr"] == "p*img[-1] + q*img[0]"
    assert {t["entry"] for o in doc["outputs"] for t in o["terms"]} == {"p", "q"}
    doc = jrun(cli, "corr", "--image", "3", "--kernel", "2", "--entries", "indexed")
    assert doc["outputs"][1]["terms"][0]["entry"] == "h[-1]"


# -- text ------------------------------------------------------------------------------------
def test_text_worked_example(cli: Any) -> None:
    run = cli("expand", "conv", *ARTICLE, "--at", "1,1")
    assert run.code == 0 and run.err == ""
    lines = run.out.splitlines()
    assert lines[1] == "y[m, n] = sum_{i,j} x[i, j] h[m-i, n-j]"
    assert "y[1, 1] = a*x[2, 2] + b*x[1, 2] + c*x[0, 2] + d*x[2, 1] + e*x[1, 1] + " \
           "f*x[0, 1] + g*x[2, 0] + h*x[1, 0] + i*x[0, 0]" in lines
    assert any("x[0, 3]" in ln and "h[1, -2]" in ln and "invalid" in ln for ln in lines)
    assert any("x[1, 0]" in ln and "= h" in ln for ln in lines)
    assert lines[-3:] == ["  i h g", "  f e d", "  c b a"]


def test_text_every_output(cli: Any) -> None:
    run = cli("expand", "corr", "--image", "5", "--kernel", "2", "--origin", "corner",
              "--mode", "valid", "--x", "2,1,3,5,4", "--h", "1,-1")
    assert run.code == 0
    assert "y[m] = sum_{i} x[i] h[i-m]" in run.out
    assert "y[0] = a*x[0] + b*x[1] = 1" in run.out
    assert "y[3] = a*x[3] + b*x[4] = 1" in run.out


@pytest.mark.parametrize("op,formula", [
    pytest.param("conv", "y[m, n] = sum_{i,j} x[i, j] h[m-i, n-j]", id="conv"),
    pytest.param("corr", "y[m, n] = sum_{i,j} x[i, j] h[i-m, j-n]", id="corr"),
    pytest.param("corr-reflected", "y[m, n] = sum_{i,j} x[i, j] h[m+i, n+j]",
                 id="corr-reflected"),
])
def test_text_formula_per_operation(cli: Any, op: str, formula: str) -> None:
    run = cli("expand", op, *ARTICLE, "--at", "0,0")
    assert run.out.splitlines()[1] == formula


# -- determinism and files -------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_same_command_same_bytes(cli: Any, tmp_path: Path, fmt: str) -> None:
    argv = ("expand", "corr", "--image", "6x5", "--kernel", "3x2", "--padding-mode",
            "reflect", "--mode", "same", "--x", str(_npy(tmp_path)), "--h", "1,2;3,4;5,6",
            "--format", fmt)
    first, second = cli(*argv), cli(*argv)
    assert first.code == 0 and first.out == second.out
    a, b = tmp_path / "a", tmp_path / "b"
    cli(*argv, "-o", str(a))
    cli(*argv, "-o", str(b))
    assert a.read_bytes() == b.read_bytes() == first.out.encode()


def test_same_bytes_across_hash_seeds(tmp_path: Path) -> None:
    """Nothing depends on set or dict hashing: other hash seeds print the same bytes."""
    argv = [sys.executable, "-m", "symconv", "expand", "corr", "--image", "4x5", "--kernel",
            "3x2", "--names", "image=a,kernel=w", "--entries", "indexed", "--padding-mode",
            "circular", "--mode", "same", "--format", "json", "--at", "0,1"]
    outs = {subprocess.run(argv, capture_output=True, check=True, cwd=tmp_path,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")}
    assert len(outs) == 1 and json.loads(outs.pop())["outputs"][0]["index"] == [0, 1]


def _npy(tmp_path: Path) -> Path:
    import numpy as np

    path = tmp_path / "x.npy"
    np.save(path, np.arange(30).reshape(6, 5))
    return path


def test_output_file_written_and_nothing_on_stdout(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "y.json"
    run = cli("expand", "conv", *ARTICLE, "--at", "1,1", "--format", "json", "-o",
              str(target))
    assert run.code == 0 and run.out == "" and run.err == ""
    assert json.loads(target.read_text())["outputs"][0]["index"] == [1, 1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["y.json"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)


def test_output_is_atomic_when_rendering_fails(cli: Any, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure half-way through writing leaves the old file intact and no temp file."""
    target = tmp_path / "y.json"
    target.write_text("old contents\n")
    import symconv.render.jsonfmt as jsonfmt

    def broken(self: Any, expansion: Any) -> None:
        self.write('{"outputs": [')
        raise InputError("disk on fire")

    monkeypatch.setattr(jsonfmt.JsonPrinter, "_page_Expansion", broken)
    run = cli("expand", "conv", *ARTICLE, "--format", "json", "-o", str(target))
    assert run.code == 2 and "disk on fire" in run.err
    assert target.read_text() == "old contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["y.json"]


def test_output_into_missing_folder(cli: Any, tmp_path: Path) -> None:
    run = cli("expand", "conv", *ARTICLE, "-o", str(tmp_path / "no" / "y.txt"))
    assert run.code == 2 and "does not exist" in run.err


# -- the program ---------------------------------------------------------------------------
def test_help_and_version(cli: Any) -> None:
    run = cli("--help")
    assert run.code == 0 and "expand" in run.out
    run = cli("--version")
    assert run.code == 0 and run.out.startswith("symconv ")
    run = cli("expand", "--help")
    assert run.code == 0 and "--padding-mode" in run.out and "--at" in run.out
    run = cli()
    assert run.code == 2 and "usage" in run.err and not run.out


def test_help_does_not_import_sympy_or_numpy() -> None:
    code = ("import sys; from symconv.cli import main; rc = main(['--help']); "
            "print(rc, 'sympy' in sys.modules, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert out.stdout.split()[-3:] == ["0", "False", "False"]


def test_printing_does_not_import_sympy() -> None:
    """The worked example and whole dumps print without building SymPy objects."""
    code = ("import io, sys; from symconv.cli import main; "
            "rc = [main(['expand', 'conv', '--image', '7x7', '--kernel', '3x3', '--mode', "
            "'same', '--at', '1,1', '--format', f], stdout=io.StringIO()) "
            "for f in ('json', 'text')]; "
            "print(rc, 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split()[-3:] == ["[0,", "0]", "False"]


def test_python_dash_m(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "symconv", "expand", "corr", "--image", "5",
                          "--kernel", "2", "--origin", "corner", "--mode", "valid", "--x",
                          "2,1,3,5,4", "--h", "1,-1", "--format", "json"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert [o["value"] for o in json.loads(out.stdout)["outputs"]] == [1, -2, -2, 1]
    bad = subprocess.run([sys.executable, "-m", "symconv", "expand", "conv", "--image", "7y7",
                          "--kernel", "3"], capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("symconv expand: error: ") and bad.stderr.count("\n") == 1


def test_demo_writes_the_article_and_thread(cli: Any, tmp_path: Path) -> None:
    out_dir = tmp_path / "demo"
    run = cli("demo", "--dir", str(out_dir))
    assert run.code == 0, run.err
    assert "values [-1, 2, 2, -1]" in run.out and "values [1, -2, -2, 1]" in run.out
    doc = json.loads((out_dir / "article-conv-y11.json").read_text())
    assert doc["outputs"][0]["grid"] == [["i", "h", "g"], ["f", "e", "d"], ["c", "b", "a"]]
    doc = json.loads((out_dir / "thread-corr-typo.json").read_text())
    assert [o["value"] for o in doc["outputs"]] == [3, 10, 11]


# -- notation options (latex, beamer, mathml, html, markdown) --------------------------------
def test_notation_options_reach_the_latex(cli: Any) -> None:
    base = cli("expand", "conv", *ARTICLE, "--at", "1,1", "--format", "latex")
    run = cli("expand", "conv", *ARTICLE, "--at", "1,1", "--format", "latex",
              "--operator", "circledast", "--index-style", "subscripts", "--plain",
              "--no-colour")
    assert base.code == 0 and run.code == 0, run.err
    assert r"\circledast" in run.out and r"\circledast" not in base.out
    assert r"\mathbf" in base.out and r"\mathbf" not in run.out
    assert "x_{" in run.out and "x_{" not in base.out
    def index_colours(out: str) -> int:  # in the formulas, before the first drawing
        return out.split("tikzpicture")[0].count("textcolor{symconvM}")

    assert index_colours(base.out) > 0 and index_colours(run.out) == 0


def test_rows_and_figures_options(cli: Any) -> None:
    def worked(*extra: str) -> str:
        run = cli("expand", "conv", *ARTICLE, "--at", "1,1", "--format", "markdown",
                  "--figures", "worked", *extra)
        assert run.code == 0, run.err
        return run.out

    window, article = worked(), worked("--rows", "article")
    assert "every pixel of the window" in window and "the article's rows" in article
    assert article.count("\\\\") < window.count("\\\\")
    only_kernel = cli("expand", "conv", *ARTICLE, "--format", "html", "--figures", "kernel")
    assert only_kernel.code == 0 and "symconv-kernel" in only_kernel.out
    assert "symconv-equation" not in only_kernel.out


@pytest.mark.parametrize("argv, message", [
    (("--plain",), "notation options apply to --format latex"),
    (("--format", "json", "--operator", "star"), "not json"),
    (("--format", "latex", "--figures", "equation,nope"), "bad --figures"),
    (("--format", "latex", "--figures", ","), "bad --figures"),
])
def test_notation_options_bad_input(cli: Any, argv: tuple[str, ...], message: str) -> None:
    run = cli("expand", "conv", *ARTICLE, *argv)
    assert run.code == 2 and run.out == ""
    assert run.err.count("\n") == 1 and message in run.err
