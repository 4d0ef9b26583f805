"""Bad input: exit code 2, one line on stderr naming the bad value, no traceback, no file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from symconv.errors import InputError, LimitError, SymconvError
from symconv.expansion import expand
from symconv.index.signal import parse_shape

PREFIX = "symconv expand: error: "
BASE = ("--image", "7x7", "--kernel", "3x3")


@pytest.mark.parametrize(("argv", "needle"), [
    pytest.param(("--image", "7y7", "--kernel", "3"), "'7y7'", id="shape-7y7"),
    pytest.param(("--image", "", "--kernel", "3"), "''", id="shape-empty"),
    pytest.param(("--image", "0x3", "--kernel", "3"), "'0x3'", id="shape-zero"),
    pytest.param(("--image", "-3", "--kernel", "3"), "'-3'", id="shape-negative"),
    pytest.param(("--image", "5", "--kernel", "3x"), "'3x'", id="shape-trailing-x"),
    pytest.param(("--image", "5", "--kernel", "1.5"), "'1.5'", id="shape-decimal"),
    pytest.param(("--image", "5", "--kernel", "3x3"), "spatial axes", id="axes-mismatch"),
    pytest.param(("--image", "5x3", "--kernel", "3x5", "--mode", "valid"),
                 "at least as large", id="valid-mixed-sizes"),
    pytest.param(("--image", "2", "--kernel", "2", "--mode", "valid", "--stride", "2",
                  "--origin", "corner"), "stride 2 leaves no output", id="stride-no-output"),
    pytest.param(BASE + ("--max-terms", "-1"), "bad --max-terms -1", id="max-terms-negative"),
    pytest.param(BASE + ("--stride", "0"), "stride '0'", id="stride-zero"),
    pytest.param(BASE + ("--stride", "a"), "stride 'a'", id="stride-not-int"),
    pytest.param(BASE + ("--stride", "1,1,1"), "stride '1,1,1'", id="stride-per-axis-count"),
    pytest.param(BASE + ("--dilation", "0"), "dilation '0'", id="dilation-zero"),
    pytest.param(BASE + ("--padding", "-1"), "padding '-1'", id="padding-negative"),
    pytest.param(BASE + ("--padding", "x"), "padding 'x'", id="padding-word"),
    pytest.param(BASE + ("--padding", "1", "--mode", "same"), "not both",
                 id="padding-and-mode"),
    pytest.param(BASE + ("--padding", "same", "--stride", "2"), "stride 1",
                 id="padding-same-stride"),
    pytest.param(BASE + ("--padding-mode", "mirror"), "'mirror'", id="padding-mode"),
    pytest.param(BASE + ("--origin", "middle"), "'middle'", id="origin"),
    pytest.param(BASE + ("--origin", "1"), "one offset per spatial axis", id="origin-count"),
    pytest.param(("--image", "5", "--kernel", "3", "--x", "1,a,3,4,5"), "'a'",
                 id="value-not-number"),
    pytest.param(("--image", "2", "--kernel", "1", "--x", "1e99999,1"),
                 "exponent of", id="value-exponent"),
    pytest.param(("--image", "2", "--kernel", "1", "--x", "inf,1"), "finite",
                 id="value-infinite"),
    pytest.param(("--image", "2", "--kernel", "1", "--x", "1+1e99999j,1"), "too large",
                 id="value-complex-huge"),
    pytest.param(("--image", "2", "--kernel", "1", "--x", "nan,1"), "'nan'",
                 id="value-nan"),
    pytest.param(("--image", "2", "--kernel", "1", "--x", "2^(10^6),1"), "too large",
                 id="value-power-huge"),
    pytest.param(("--image", "2", "--kernel", "1", "--x", "(s+t)^99,1"),
                 "power of a sum", id="value-power-of-sum"),
    pytest.param(("--image", "2", "--kernel", "1", "--x", "cos(1),1"), "unknown function",
                 id="value-function"),
    pytest.param(("--image", "2", "--kernel", "1", "--x", "1/0,1"), "division by zero",
                 id="value-division-by-zero"),
    pytest.param(("--image", "2", "--kernel", "1", "--x", "1,x"), "image's name",
                 id="value-symbol-name"),
    pytest.param(("--image", "5", "--kernel", "3", "--x", "1,2,3"), "shape 3, expected 5",
                 id="value-count"),
    pytest.param(("--image", "5", "--kernel", "3", "--h", "1,2;3"), "different lengths",
                 id="value-ragged"),
    pytest.param(("--image", "5", "--kernel", "3", "--h", "missing.npy"), "missing.npy",
                 id="value-missing-npy"),
    pytest.param(("--image", "5", "--kernel", "3", "--h", "1,,2"), "a value is missing",
                 id="value-empty-item"),
    pytest.param(("--image", "2x5", "--kernel", "2x3x3", "--layer", "--groups", "2"),
                 "kernel has 3 input channels", id="layer-channels"),
    pytest.param(("--image", "3x5", "--kernel", "2x1x3", "--layer", "--groups", "2"),
                 "in_channels 3 is not divisible by groups 2", id="layer-groups-in"),
    pytest.param(("--image", "4x5", "--kernel", "3x2x3", "--layer", "--groups", "2"),
                 "out_channels 3 is not divisible by groups 2", id="layer-groups-out"),
    pytest.param(("--image", "5", "--kernel", "3", "--groups", "2"), "--layer",
                 id="groups-without-layer"),
    pytest.param(("--image", "2x5", "--kernel", "2x2x3", "--layer", "--mode", "same"),
                 "--layer", id="layer-with-mode"),
    pytest.param(("--image", "5", "--kernel", "3", "--conjugate"), "correlation",
                 id="conjugate-conv"),
    pytest.param(("--image", "5", "--kernel", "3", "--entries", "a,b"), "2 entry names",
                 id="entries-count"),
    pytest.param(("--image", "5", "--kernel", "3", "--entries", "a,b,a"), "repeated: a",
                 id="entries-repeated"),
    pytest.param(("--image", "5", "--kernel", "3", "--entries", "a,b,c\\"), "entry name",
                 id="entries-backslash"),
    pytest.param(("--image", "5", "--kernel", "3", "--names", "image=h"),
                 "different names", id="names-clash"),
    pytest.param(("--image", "3", "--kernel", "3", "--entries", "x,y,z"), "image's name",
                 id="entry-named-like-the-image"),
    pytest.param(("--image", "3", "--kernel", "3", "--names", "image=m"), "index letter",
                 id="array-named-like-an-index"),
    pytest.param(("--image", "3", "--kernel", "3", "--entries", "a,b,E"), "constant E",
                 id="entry-named-like-a-constant"),
    pytest.param(("--image", "5", "--kernel", "3", "--names", "input=z"), "'input'",
                 id="names-key"),
    pytest.param(("--image", "5", "--kernel", "3", "--names", "image"), "image=I",
                 id="names-no-equals"),
    pytest.param(BASE + ("--mode", "same", "--at", "4,0"), "[4, 0] is outside",
                 id="at-outside"),
    pytest.param(BASE + ("--mode", "same", "--at", "1"), "give 2 values", id="at-rank"),
    pytest.param(BASE + ("--mode", "same", "--at", "a,b"), "'a,b'", id="at-not-int"),
    pytest.param(("--image", "5", "--kernel", "3", "--padding", "0", "--stride", "9",
                  "--at", "1"), "outside", id="at-outside-strided"),
])
def test_bad_input(cli: Any, tmp_path: Path, argv: tuple[str, ...], needle: str) -> None:
    target = tmp_path / "out.json"
    run = cli("expand", "conv", *argv, "--format", "json", "-o", str(target))
    assert run.code == 2
    assert run.out == ""
    lines = run.err.splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith(PREFIX), lines[0]
    assert needle in lines[0]
    assert "Traceback" not in run.err
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file


@pytest.mark.parametrize("name", [
    pytest.param("x\\", id="backslash"), pytest.param("<b>", id="html-tag"),
    pytest.param("a&b", id="ampersand"), pytest.param("%", id="percent"),
    pytest.param("$", id="dollar"), pytest.param("{", id="brace"),
    pytest.param("a b", id="space"), pytest.param("x_{1}", id="tex-subscript"),
    pytest.param("\\alpha", id="tex-command"), pytest.param("1x", id="leading-digit"),
    pytest.param("a" * 33, id="too-long"), pytest.param("é", id="non-ascii"),
])
@pytest.mark.parametrize("key", ["image", "kernel", "output"])
def test_names_with_specials_refused(cli: Any, tmp_path: Path, key: str, name: str) -> None:
    target = tmp_path / "out.txt"
    run = cli("expand", "conv", "--image", "5", "--kernel", "3", "--names", f"{key}={name}",
              "-o", str(target))
    assert run.code == 2
    assert run.err.startswith(PREFIX) and run.err.count("\n") == 1
    assert "name" in run.err and repr(name) in run.err
    assert not target.exists()


def test_term_limit_refused_at_once_with_count(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "big.json"
    run = cli("expand", "corr", "--image", "7x7", "--kernel", "3x3", "--max-terms", "10",
              "--format", "json", "-o", str(target))
    assert run.code == 2
    assert "441 product terms" in run.err  # full window: 21 terms per axis, 21*21
    assert "--max-terms" in run.err and "10" in run.err
    assert not target.exists()


def test_default_term_limit_refuses_huge_request_quickly() -> None:
    """4096x4096 with 9x9 'same' is ~1.4e9 terms: refused from per-axis counts (each axis
    has 4096*9 - 2*(4+3+2+1) = 36844 terms), nothing enumerated."""
    with pytest.raises(LimitError, match="1,357,480,336 product terms"):
        expand("conv", "4096x4096", "9x9", mode="same").terms_table  # noqa: B018


def test_limit_error_is_input_error_and_value_error() -> None:
    assert issubclass(LimitError, InputError)
    assert issubclass(InputError, ValueError) and issubclass(InputError, SymconvError)


@pytest.mark.parametrize(("argv", "check"), [
    pytest.param(("conv", "--image", "3", "--kernel", "3", "--mode", "same", "--h",
                  "-1,2,-1", "--x", "1,2,3"), "value", id="h-negative-separate"),
    pytest.param(("conv", "--image", "3", "--kernel", "3", "--mode", "same", "--h=-1,2,-1",
                  "--x", "1,2,3"), "value", id="h-negative-equals"),
    pytest.param(("corr-reflected", "--image", "7x7", "--kernel", "3x3", "--mode", "same",
                  "--at", "-1,-1"), "grid", id="at-negative"),
    pytest.param(("conv", "--image", "5", "--kernel", "3", "--x", "-2.5,1,3,-4,1e3",
                  "--h", "-1,2,-1"), "value", id="x-negative-decimal"),
    pytest.param(("corr", "--image", "5", "--kernel", "3", "--conjugate", "--x",
                  "1+2j,1,1,1,1", "--h", "-1j,1,1"), "value", id="complex-values"),
])
def test_negative_values_work(cli: Any, argv: tuple[str, ...], check: str) -> None:
    run = cli("expand", *argv, "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert all(check in o for o in doc["outputs"])


def test_negative_values_reach_the_numbers(cli: Any) -> None:
    run = cli("expand", "conv", "--image", "3", "--kernel", "3", "--mode", "same",
              "--origin", "corner", "--x", "1,2,3", "--h", "-1,2,-1", "--format", "json")
    assert [o["value"] for o in json.loads(run.out)["outputs"]] == [0, 0, 4]
    run = cli("expand", "corr", "--image", "5", "--kernel", "3", "--conjugate", "--x",
              "1+2j,1,1,1,1", "--h", "-1j,1,1", "--format", "json", "--origin", "corner",
              "--mode", "valid")
    ref = np.correlate([1 + 2j, 1, 1, 1, 1], [-1j, 1, 1], "valid")
    assert ref[0] == 1j
    assert json.loads(run.out)["outputs"][0]["value"] == {"re": 0.0, "im": 1.0}


def test_non_finite_npy_values_refused(cli: Any, tmp_path: Path) -> None:
    """JSON has no NaN or Infinity: non-finite values are refused at input."""
    path = tmp_path / "x.npy"
    np.save(path, np.array([1.0, np.nan]))
    run = cli("expand", "corr", "--image", "2", "--kernel", "1", "--x", str(path), "--h", "1",
              "--format", "json")
    assert run.code == 2 and "include inf or nan" in run.err and run.out == ""
    with pytest.raises(InputError, match="finite"):
        expand("corr", 2, 1, x=[np.inf, 1.0], h=[1])


def test_largest_int64_values_are_accepted(cli: Any) -> None:
    run = cli("expand", "corr", "--image", "2", "--kernel", "1", "--x",
              "-9223372036854775808,9223372036854775807", "--h", "1", "--format", "json")
    assert run.code == 0
    assert [o["value"] for o in json.loads(run.out)["outputs"]] == [-2**63, 2**63 - 1]


def test_debug_shows_the_exception(cli: Any) -> None:
    with pytest.raises(InputError):
        cli("expand", "conv", "--image", "7y7", "--kernel", "3", "--debug")


def test_argparse_errors_are_one_line_exit_2(cli: Any) -> None:
    run = cli("expand", "conv", "--image", "5")
    assert run.code == 2 and run.err.count("\n") == 1 and "--kernel" in run.err
    run = cli("expand", "flip", "--image", "5", "--kernel", "3")
    assert run.code == 2 and run.err.count("\n") == 1 and "'flip'" in run.err


@pytest.mark.parametrize(("text", "message"), [
    pytest.param("7y7", "write sizes separated by 'x'", id="letters"),
    pytest.param("0", "at least 1", id="zero"),
    pytest.param("1x1x1x1x1x1x1", "1 to 6 axes", id="seven-axes"),
    pytest.param((3, True), "integers", id="bool-in-tuple"),
    pytest.param((), "1 to 6 axes", id="empty-tuple"),
])
def test_parse_shape_errors(text: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_shape(text)


@pytest.mark.parametrize(("text", "shape"), [
    pytest.param("5", (5,), id="one"), pytest.param("7x7", (7, 7), id="two"),
    pytest.param("2X5x5", (2, 5, 5), id="upper-x"), pytest.param(" 3×4 ", (3, 4), id="times"),
    pytest.param(4, (4,), id="int"), pytest.param((2, 3), (2, 3), id="tuple"),
])
def test_parse_shape_accepts(text: Any, shape: tuple[int, ...]) -> None:
    assert parse_shape(text) == shape


# -- fuzz: any combination of options ends in exit 0 or one clean error line ----------------
@st.composite
def argvs(draw: Any) -> list[str]:
    dims = draw(st.integers(1, 3))
    layer = draw(st.booleans())

    def shape(lo: int, hi: int, n: int) -> str:
        return "x".join(str(draw(st.integers(lo, hi))) for _ in range(n))

    image = shape(1, 6, dims + (1 if layer else 0))
    kernel = shape(1, 4, dims + (2 if layer else 0))
    argv = ["expand", draw(st.sampled_from(["conv", "corr", "corr-reflected"])),
            "--image", draw(st.sampled_from([image, image, "0x3", "3y3"])),
            "--kernel", kernel, "--format", draw(st.sampled_from(["text", "json"]))]
    if layer:
        argv += ["--layer", "--groups", str(draw(st.integers(1, 3)))]
    opts = {
        "--origin": st.sampled_from(["center", "corner", "1", "0,1", "-1,0,2"]),
        "--axes": st.sampled_from(["xy", "ij"]),
        "--mode": st.sampled_from(["full", "valid", "same"]),
        "--convention": st.sampled_from(["scipy", "numpy"]),
        "--stride": st.sampled_from(["1", "2", "3", "1,2", "0"]),
        "--padding": st.sampled_from(["0", "1", "same", "valid", "0:1", "1,0", "2:0,0:1"]),
        "--padding-mode": st.sampled_from(["zeros", "circular", "reflect", "replicate",
                                           "symmetric", "wrap", "bogus"]),
        "--dilation": st.sampled_from(["1", "2", "1,2"]),
        "--at": st.sampled_from(["0", "1", "-1", "0,0", "-1,1", "0,0,0", "1,0,-1", "9"]),
        "--entries": st.sampled_from(["indexed", "a,b", "p,q,r"]),
        "--names": st.sampled_from(["image=img", "kernel=w,output=z", "image=h"]),
        "--x": st.sampled_from(["1,2,3", "-1,2", "1;2", "0.5,1,2,3,4,5"]),
        "--h": st.sampled_from(["1,-1", "-1,2,-1", "1", "1+2j,1"]),
        "--max-terms": st.sampled_from(["5", "1000"]),
    }
    for key, strat in opts.items():
        if draw(st.integers(0, 3)) == 0:
            argv += [key, draw(strat)]
    if draw(st.integers(0, 5)) == 0:
        argv.append("--conjugate")
    return argv


@settings(max_examples=300, deadline=None)
@given(argv=argvs())
def test_fuzz_exit_0_or_one_clean_error(argv: list[str]) -> None:
    run = run_cli(*argv)
    assert run.code in (0, 2), (argv, run)
    if run.code == 2:
        assert run.out == ""
        assert run.err.count("\n") == 1 and run.err.startswith("symconv expand: error: ")
    elif "--format" in argv and argv[argv.index("--format") + 1] == "json":
        doc = json.loads(run.out)
        assert all({"index", "pos", "terms", "expr"} <= set(o) for o in doc["outputs"])
        if "--at" in argv:
            assert len(doc["outputs"]) == 1 and "grid" in doc["outputs"][0]
