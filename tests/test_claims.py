"""Claims: true ones proved for every size, false ones refuted with counterexamples that
really differ, the rest undecided, never proved.

Every refutation is re-checked with the independent reading of the claim language in
``tests/claim_oracle.py`` (SciPy's modes, PyTorch's paddings and transposed convolution,
NumPy), not with symconv's relation: at the counterexample's values the two sides must differ
at the reported output with the reported values.  ``tests/test_claims_soundness.py`` holds
the large tables; this file the language, the verdicts and the command line.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from conftest import need_module

from symconv.errors import FormulaError, InputError
from symconv.parse.claim import parse_claim
from symconv.proof.claims import prove_claim


def _value(v: Any) -> complex:
    return complex(v["re"], v["im"]) if isinstance(v, dict) else complex(v)


def recheck(text: str, cex: dict[str, Any], origin: str = "center"
            ) -> tuple[complex, complex]:
    """Both sides at the counterexample's values and output, by the independent reader."""
    need_module("torch")
    from claim_oracle import Oracle, Sig, from_json, value_at

    claim = parse_claim(text)
    values = {k: from_json(v) for k, v in cex["values"].items()}
    for name, vals in cex.get("fixed", {}).items():
        values[name] = from_json(vals)
    left = Oracle(dict(values), cex.get("origin", origin), cex["lo"]).eval(claim.left)
    right = Oracle(dict(values), cex.get("origin", origin), cex["lo"]).eval(claim.right)
    if cex.get("compare") == "positions":
        left, right = Sig(left.v, (0,) * left.ndim), Sig(right.v, (0,) * right.ndim)
    idx = tuple(cex["output"])
    return value_at(left, idx), value_at(right, idx)


# -- tables ---------------------------------------------------------------------------------------
TRUE_CLAIMS = [
    "conv(x, h) == corr(x, flip(h))",
    "corr(x, h) == conv(x, flip(h))",
    "conv(x, h) == conv(h, x)",
    "corr(x, h) == flip(corr(h, x))",
    "corr(x, h) == corr(h, x)[-m]",
    "corr_reflected(x, h) == corr(x, h)[-m]",
    "corr_reflected(x, h) == corr(h, x)",
    "flip(conv(x, h)) == corr(flip(x), h)",
    "conv(x, h, mode=same) == corr(x, flip(h), mode=same)",
    "conv(x, h, mode='valid') == corr(x, flip(h), mode='valid')",
    "corr(x, h, dilation=2) == corr(x, dilate(h, 2))",
    "conv(x, h, stride=2, dilation=2) == corr(x, flip(h), stride=2, dilation=2)",
    "conv_transpose(g, h, stride=2) == conv(dilate(g, 2), h)",
    "conv_transpose(g, h, stride=3, dilation=2) == corr(dilate(g, 3), flip(dilate(h, 2)))",
    "grad(corr(x, h), x, g) == conv(g, h, mode=valid)",
    "grad(sum(g * corr(x, h)), h) == corr(x, g, mode=valid)",
    "sum(conv(x, h)) == sum(x) * sum(h)",
    "corr(x, h, conjugate=true) == corr(x, conj(h))",
    "2 * conv(x, h) == conv(x, h) + corr(x, flip(h))",
    "-conv(x, h) == conv(-x, h)",
    "grad(sum(conv(x, x)), x) == grad(sum(x) * sum(x), x)",
]

FALSE_CLAIMS = [
    pytest.param("conv(x, h) == corr(x, h)", id="conv-is-not-corr"),
    pytest.param("corr(x, h) == conv(x, h)", id="corr-is-not-conv"),
    pytest.param("conv(x, h) == -corr(x, h)", id="thread-negation"),
    pytest.param("corr(x, h) == -conv(x, h)", id="thread-negation-2"),
    pytest.param("conv(x, h) == corr(x, h)[-m]", id="reflect-output-not-kernel"),
    pytest.param("conv(x, h) == flip(corr(x, h))", id="flip-the-output"),
    pytest.param("corr(x, h) == corr(h, x)", id="corr-commutes"),
    pytest.param("corr(x, h) == corr_reflected(x, h)", id="article-form-is-usual"),
    pytest.param("corr_reflected(x, h) == conv(x, h)", id="article-form-is-conv"),
    pytest.param("conv(x, flip(h)) == conv(x, h)", id="flip-twice-missing"),
    pytest.param("conv(x, h) == corr(flip(x), h)", id="flip-the-image"),
    pytest.param("conv(x, h, mode=valid) == conv(x, h)", id="valid-is-full"),
    pytest.param("conv(x, h, mode=same) == conv(x, h, mode=valid)", id="same-is-valid"),
    pytest.param("corr(x, h, mode=valid) == corr(x, h, mode=same)", id="valid-is-same"),
    pytest.param("grad(corr(x, h, mode=valid), x, g) == corr(g, h, mode=full)",
                 id="backward-is-corr"),
    pytest.param("grad(corr(x, h, mode=valid), x, g) == conv(g, flip(h), mode=full)",
                 id="backward-flips-twice"),
    pytest.param("grad(corr(x, h, mode=valid), x, g) == conv(g, h, mode=valid)",
                 id="backward-wrong-mode"),
    pytest.param("grad(corr(x, h, mode=valid), x, g) == conv(g, h, mode=same)",
                 id="backward-same-mode"),
    pytest.param("grad(conv(x, h, mode=valid), x, g) == conv(g, h, mode=full)",
                 id="conv-forward-conv-backward"),
    pytest.param("grad(corr(x, h, mode=valid), h, g) == conv(x, g, mode=valid)",
                 id="kernel-grad-is-conv"),
    pytest.param("grad(corr(x, h), h, g) == corr(g, x)", id="kernel-grad-roles-swapped"),
    pytest.param("grad(corr(x, h, stride=2), x, g) == conv(g, h)", id="stride-ignored"),
    pytest.param("grad(corr(x, h, stride=2), x, g) == conv(dilate(g, 2), flip(h))",
                 id="strided-backward-flipped"),
    pytest.param("conv_transpose(g, h, stride=2) == corr(dilate(g, 2), h)",
                 id="transposed-kernel-not-flipped"),
    pytest.param("conv_transpose(g, h, stride=2) == conv(dilate(g, 3), h)",
                 id="transposed-wrong-stride"),
    pytest.param("conv_transpose(g, h, stride=2) == dilate(conv(g, h), 2)",
                 id="dilate-output-not-input"),
    pytest.param("conv_transpose(g, h, stride=2, padding=1) == conv(dilate(g, 2), h)",
                 id="transposed-padding-origin"),
    pytest.param("corr(x, h, conjugate=true) == corr(x, h)", id="missing-conjugation"),
    pytest.param("corr(x, h, conjugate=true) == conj(corr(x, h))", id="conjugate-both"),
    pytest.param("conv(conj(x), h) == conj(conv(x, h))", id="conjugate-one-factor"),
    pytest.param("corr(x, h, stride=2) == corr(x, h)", id="stride-dropped"),
    pytest.param("corr(x, h, dilation=2) == corr(x, h, stride=2)", id="dilation-is-stride"),
    pytest.param("corr(x, h, dilation=2) == dilate(corr(x, h), 2)", id="dilate-the-output"),
    pytest.param("conv(x, h) == conv(x, h)[-m]", id="conv-symmetric-output"),
    pytest.param("sum(g * conv(x, h)) == sum(g * corr(x, h))", id="loss-conv-vs-corr"),
    pytest.param("grad(sum(g * corr(x, h)), x) == conv(g, h)[-m]", id="grad-reflected"),
    pytest.param("flip(conv(x, h)) == conv(x, h)", id="conv-output-symmetric"),
    pytest.param("corr(x, h) == flip(corr(x, h))", id="corr-output-symmetric"),
    pytest.param("corr(x, h) == flip(corr(flip(h), x))", id="corr-is-conv-in-disguise"),
    pytest.param("2 * conv(x, h) == conv(x, h) + corr(x, h)", id="average-of-both"),
    pytest.param("conv(x, h) == conv(x, h, dilation=2)", id="dilation-ignored"),
    pytest.param("conv(x, h, mode=same) == conv(h, x, mode=same)", id="same-centre-origin"),
    pytest.param("conv(x, h, mode=same) == corr(x, flip(h), mode=valid)",
                 id="same-vs-valid-flip"),
    pytest.param("conv(x, h, stride=2) == corr(x, flip(h), stride=2)[-m]",
                 id="strided-reflected"),
]

FALSE_2D = [
    pytest.param("conv(x, h) == corr(x, h[-m, n])", id="2d-flip-one-axis"),
    pytest.param("conv(x, h) == corr(x, h)", id="2d-conv-is-corr"),
    pytest.param("conv(x, h) == corr(x, h[m, -n])", id="2d-flip-other-axis"),
    pytest.param("corr(x, h) == corr(h, x)", id="2d-corr-commutes"),
]


@pytest.mark.parametrize("text", TRUE_CLAIMS)
def test_true_claims_are_proved_for_every_size(text: str) -> None:
    d = prove_claim(text)
    assert (d.verdict, d.scope) == ("proved", "all-sizes"), d.notes
    assert "proved for every image and kernel size" in d.notes[0]


def _check_refuted(text: str, dims: int = 1) -> None:
    d = prove_claim(text, dims=dims)
    assert d.verdict == "refuted"
    cex = d.counterexample
    lv, rv = recheck(text, cex)
    assert not np.isclose(lv, rv), (text, cex)
    assert np.isclose(lv, _value(cex["left"])) and np.isclose(rv, _value(cex["right"]))


@pytest.mark.parametrize("text", FALSE_CLAIMS)
def test_false_claims_are_refuted_with_a_real_difference(text: str) -> None:
    _check_refuted(text)


@pytest.mark.parametrize("text", FALSE_2D)
def test_false_2d_claims(text: str) -> None:
    _check_refuted(text, dims=2)


def test_table_size() -> None:
    assert len(FALSE_CLAIMS) + len(FALSE_2D) >= 40


def test_given_shapes_and_smallest_counterexample() -> None:
    d = prove_claim("conv(x, h) == corr(x, h)", image="7", kernel="3")
    assert d.verdict == "refuted"
    # the smallest shapes within the given ones where the sides differ
    assert d.counterexample["image"] == [1] and d.counterexample["kernel"] == [2]


def test_thread_claim_holds_where_the_image_is_the_larger() -> None:
    """The backward pass of a 'valid' correlation is the full convolution when the image is
    at least as large as the kernel (SciPy swaps the operands otherwise): refuted for every
    size, proved for every size under --where "N >= K", and at given shapes."""
    text = "grad(corr(x, h, mode=valid), x, g) == conv(g, h, mode=full)"
    d = prove_claim(text)
    assert d.verdict == "refuted"
    cex = d.counterexample
    assert cex["image"][0] < cex["kernel"][0]
    d = prove_claim(text, where="N >= K")
    assert (d.verdict, d.scope) == ("proved", "all-sizes")
    assert prove_claim(text, image="7", kernel="3").verdict == "proved"


def test_corner_origin() -> None:
    d = prove_claim("corr(x, h, padding=1, stride=2) == corr(x, flip(flip(h)), padding=1, "
                    "stride=2)", image="8", kernel="3", origin="corner")
    assert d.verdict == "proved"


# -- grammar errors -------------------------------------------------------------------------------
BAD = [
    pytest.param("conv(x, h) = corr(x, h)", 11, id="single-equals"),
    pytest.param("conv(x,, h) == corr(x, h)", 7, id="double-comma"),
    pytest.param("conv(x, h) ==", 13, id="missing-rhs"),
    pytest.param("conv(x h) == x", 7, id="missing-comma"),
    pytest.param("foo(x) == x", 0, id="unknown-function"),
    pytest.param("conv(x, h) == corr(x, h))", 24, id="extra-paren"),
    pytest.param("conv(x, h, mode=) == x", 16, id="empty-keyword"),
    pytest.param("conv(x, h) == $x", 14, id="bad-character"),
    pytest.param("conv == x", 0, id="function-as-name"),
    pytest.param("x[-m, -m] == x", 6, id="repeated-index"),
    pytest.param("conv(x, h, mode=full, mode=same) == x", 22, id="repeated-keyword"),
]


@pytest.mark.parametrize("text,col", BAD)
def test_syntax_errors_point_at_the_column(text: str, col: int) -> None:
    with pytest.raises(FormulaError) as exc:
        parse_claim(text)
    assert exc.value.column == col
    assert "^" in str(exc.value)


@pytest.mark.parametrize("text", [
    "conv(x) == x", "conv(x, h, size=2) == x", "grad(conv(x, h), x) == x",
    "dilate(x, 0) == x", "conv(x, h) == sum(x)"])
def test_semantic_errors(text: str) -> None:
    with pytest.raises(FormulaError):
        prove_claim(text)


def test_never_eval() -> None:
    with pytest.raises(FormulaError):
        parse_claim("__import__('os').system('true') == x")


# -- CLI -------------------------------------------------------------------------------------
def test_cli_claim_proved(cli) -> None:
    r = cli("prove", "--claim", "conv(x, h, mode=same) == corr(x, flip(h), mode=same)",
            "--image", "7x7", "--kernel", "3x3", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert (data["verdict"], data["scope"]) == ("proved", "instance")


def test_cli_claim_refuted(cli) -> None:
    r = cli("prove", "--claim", "conv(x, h) == -corr(x, h)", "--format", "json")
    assert r.code == 1
    cex = json.loads(r.out)["counterexample"]
    assert cex["left"] != cex["right"]


def test_cli_claim_syntax_error(cli) -> None:
    r = cli("prove", "--claim", "conv(x, h) = corr(x, h)")
    assert r.code == 2
    lines = r.err.splitlines()
    assert lines[-1].strip() == "^" and lines[-1].index("^") - 2 == 11


def test_cli_claim_all_sizes(cli) -> None:
    r = cli("prove", "--claim", "conv(x, h, mode=valid) == corr(x, flip(h), mode=valid)",
            "--scope", "all-sizes", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert (data["verdict"], data["scope"]) == ("proved", "all-sizes")


def test_cli_claim_that_is_a_theorem(cli) -> None:
    r = cli("prove", "--claim", "corr(x, flip(h)) == conv(x, h)", "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["scope"] == "all-sizes"


# -- the thread's numbers: given kernels, arrays compared by position --------------------
THREAD = "conv(x, h, mode=valid) == -corr(x, h, mode=valid)"


@pytest.mark.parametrize("h,compare,verdict", [
    (None, "positions", "refuted"),       # false in general
    ("1,-1", "positions", "proved"),      # the thread: one is the other negated (as arrays)
    ("1,-1", "indices", "refuted"),       # as signals the two outputs sit one index apart
    ("-1,2,1", "positions", "refuted"),   # the typo'd h2
])
def test_thread_negation(h, compare, verdict) -> None:
    d = prove_claim(THREAD, h=h, compare=compare)
    assert d.verdict == verdict
    if verdict == "refuted":
        lv, rv = recheck(THREAD, d.counterexample)
        assert lv != rv and np.isclose(lv, _value(d.counterexample["left"]))


@pytest.mark.parametrize("h,verdict", [("-1,2,-1", "proved"), ("-1,2,1", "refuted")])
def test_thread_symmetric_kernel(h, verdict) -> None:
    text = "conv(x, h, mode=valid) == corr(x, h, mode=valid)"
    d = prove_claim(text, h=h, compare="positions")
    assert d.verdict == verdict
    if verdict == "refuted":
        lv, rv = recheck(text, d.counterexample)
        assert lv != rv


def test_thread_cli(cli) -> None:
    r = cli("prove", "--claim", THREAD, "--h", "1,-1", "--compare", "positions")
    assert r.code == 0, r.err
    # Decimals are exact (1.5 is 3/2): the claim is decided exactly, refuted as with 1,-1;
    # binary floats (a .npy file of float64) are refused in a claim.
    r = cli("prove", "--claim", THREAD, "--h", "1.5,-1")
    assert r.code == 1 and '"3/2"' in cli("prove", "--claim", THREAD, "--h", "1.5,-1",
                                          "--format", "json").out


@pytest.mark.parametrize("text", ["corr(x, h, conjugate=true) == corr(x, h)",
                                  "corr(x, conj(h)) == corr(conj(x), h)"])
def test_complex_counterexample_is_complex_throughout(text) -> None:
    """One JSON rule for numbers (symconv.index.values): with conjugates the values are
    complex, and every value and both sides are {re, im}, also where the imaginary part is 0."""
    cex = prove_claim(text).counterexample

    def entries(v: Any) -> list[Any]:
        return [e for x in v for e in entries(x)] if isinstance(v, list) else [v]

    numbers = [e for arr in cex["values"].values() for e in entries(arr)]
    numbers += [cex["left"], cex["right"]]
    assert all(isinstance(e, dict) and set(e) == {"re", "im"} for e in numbers)
    assert all(isinstance(e["re"], float) and isinstance(e["im"], float) for e in numbers)
    lv, rv = recheck(text, cex)
    assert lv != rv and np.isclose(lv, _value(cex["left"])) and \
        np.isclose(rv, _value(cex["right"]))


# -- verdicts, conditions and options --------------------------------------------------------
def test_undecided_when_the_engine_cannot_decide_and_the_search_finds_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With the all-sizes engine unable to decide, a true claim is undecided (exit 3) after
    the search, which says what it tried; it is never proved by the search."""
    import symconv.proof.claim_sizes as cs
    from symconv.proof.symarray import Unsupported

    def unable(*_: Any, **__: Any) -> Any:
        raise Unsupported("switched off for this test")

    monkeypatch.setattr(cs, "decide_all_sizes", unable)
    d = prove_claim("conv(x, h) == corr(x, flip(h))")
    assert (d.verdict, d.exit_code) == ("undecided", 3)
    assert "no counterexample on" in d.notes[0] and "never a proof" in d.notes[0]
    d = prove_claim("conv(x, h) == corr(x, h)")  # the search still refutes false claims
    assert d.verdict == "refuted"


def test_cli_undecided_exit_3(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import symconv.proof.claim_sizes as cs
    from symconv.proof.symarray import Unsupported

    def unable(*_: Any, **__: Any) -> Any:
        raise Unsupported("switched off for this test")

    monkeypatch.setattr(cs, "decide_all_sizes", unable)
    r = cli("prove", "--claim", "conv(x, h) == conv(h, x)", "--format", "json")
    assert r.code == 3
    assert json.loads(r.out)["verdict"] == "undecided"


@pytest.mark.parametrize(("where", "verdict"), [
    ("N >= K", "proved"), ("N >= 2*K - 1", "proved"), ("K <= N, K >= 2", "proved"),
    ("1 <= K <= N", "proved"), ("N < K", "refuted")])
def test_where_conditions(where: str, verdict: str) -> None:
    text = "grad(corr(x, h, mode=valid), x, g) == conv(g, h)"
    d = prove_claim(text, where=where)
    assert d.verdict == verdict
    if verdict == "refuted":
        cex = d.counterexample
        assert cex["image"][0] < cex["kernel"][0]  # the counterexample meets the condition


def test_where_in_2d_means_every_axis() -> None:
    d = prove_claim("grad(corr(x, h, mode=valid), x, g) == conv(g, h)", dims=2,
                    where="N >= K")
    assert (d.verdict, d.scope) == ("proved", "all-sizes")


@pytest.mark.parametrize(("where", "fragment"), [
    ("N != K", "!= is not"), ("N >= s", "unknown size 's'"), ("N >=", "ends too early"),
    ("N < 0", "leaves no size"), ("N >= K and", "ends too early")])
def test_where_errors(where: str, fragment: str) -> None:
    with pytest.raises((FormulaError, InputError), match=fragment):
        prove_claim("conv(x, h) == conv(h, x)", where=where)


@pytest.mark.parametrize("argv", [
    ["--mode", "same"], ["--stride", "2"], ["--dilation", "2"], ["--padding", "1"],
    ["--layer"], ["--groups", "2"], ["--forward", "conv"], ["--wrt", "kernel"],
    ["--padding-mode", "circular"], ["--dims", "0"], ["--dims", "12"]])
def test_cli_claim_refuses_options_it_does_not_use(cli, argv: list[str]) -> None:
    r = cli("prove", "--claim", "conv(x, h) == corr(x, flip(h))", *argv)
    assert r.code == 2, r.out
    assert len(r.err.strip().splitlines()) == 1


def test_given_values_decide_for_every_image() -> None:
    """--h fixes the kernel; the image stays symbolic: proved for every image size."""
    d = prove_claim("conv(x, h, mode=valid) == -corr(x, h, mode=valid)", h="1,-1",
                    compare="positions")
    assert (d.verdict, d.scope) == ("proved", "all-sizes")
    assert "given values of h" in d.notes[0]
