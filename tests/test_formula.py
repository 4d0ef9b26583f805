"""The formula parser: its tree, its errors (always a FormulaError with a caret), and a
hypothesis fuzz that it never raises anything else and never evaluates anything."""

from __future__ import annotations

import builtins
import contextlib
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symconv.errors import FormulaError, SymconvError
from symconv.parse.formula import (
    MAX_CHARS,
    Array,
    Product,
    Sum,
    parse_formula,
    poly_str,
)


def _index_texts(a: Array) -> list[str]:
    return [i.text for i in a.indices or ()]


def test_tree_plain_text() -> None:
    f = parse_formula("y[m,n] = sum_{i,j} x[i,j]*h[m-i,n-j]")
    lhs, rhs = f.sides
    assert isinstance(lhs, Array) and lhs.name == "y" and _index_texts(lhs) == ["m", "n"]
    assert isinstance(rhs, Sum) and [v.name for v in rhs.vars] == ["i", "j"]
    assert isinstance(rhs.body, Product)
    x, h = rhs.body.factors
    assert isinstance(x, Array) and isinstance(h, Array) and h.indices is not None
    assert (x.name, h.name) == ("x", "h")
    assert [poly_str(i.poly) for i in h.indices] == ["m-i", "n-j"]


def test_tree_latex_bounds() -> None:
    f = parse_formula(r"y[m,n]=\sum_{j=-\infty}^{\infty}\sum_{i=-\infty}^{\infty}"
                      r"x[i,j]\,h[m-i,n-j]")
    outer = f.sides[1]
    assert isinstance(outer, Sum)
    assert outer.vars[0].name == "j"
    assert (outer.vars[0].lower, outer.vars[0].upper) == (r"-\infty", r"\infty")
    assert isinstance(outer.body, Sum) and outer.body.vars[0].name == "i"


@pytest.mark.parametrize("text, expected", [
    pytest.param("(j-1)s+m", "j*s+m-s", id="one-based-stride"),
    pytest.param(r"m\cdot s + k - p", "k+m*s-p", id="cdot"),
    pytest.param("2m + 3k - 1", "3k+2m-1", id="juxtaposed-numbers"),
    pytest.param(r"\text{stride}\cdot m", "m*stride", id="text-name"),
    pytest.param("strides[1] * i + di", "di+i*strides[1]", id="indexed-parameter"),
    pytest.param(r"s_0 m + C_{\text{in}} k", "C_{in}*k+m*s_0", id="subscripted-parameters"),
    pytest.param("s(m-1)", "m*s-s", id="juxtaposed-group"),
    pytest.param("-(i - m)", "m-i", id="negated-group"),
])
def test_index_polynomials(text: str, expected: str) -> None:
    f = parse_formula(f"y[m] = x[{text}]")
    rhs = f.sides[1]
    assert isinstance(rhs, Array) and rhs.indices is not None
    assert poly_str(rhs.indices[0].poly) == expected


@pytest.mark.parametrize("text, conj", [
    pytest.param(r"\overline{h[m]}", True, id="overline-array"),
    pytest.param(r"\overline{h}[m]", True, id="overline-name"),
    pytest.param(r"\bar{h}_m", True, id="bar"),
    pytest.param("conj(h[m])", True, id="conj-function"),
    pytest.param(r"\operatorname{conj}(h[m])", True, id="operatorname-conj"),
    pytest.param("h^*[m]", True, id="star-before"),
    pytest.param("h[m]^*", True, id="star-after"),
    pytest.param("h^{*}_{m}", True, id="star-braced"),
    pytest.param(r"\overline{\overline{h[m]}}", False, id="double"),
    pytest.param("h[m]", False, id="plain"),
])
def test_conjugation_forms(text: str, conj: bool) -> None:
    rhs = parse_formula(f"y[m] = {text}").sides[1]
    assert isinstance(rhs, Array) and rhs.name == "h" and rhs.conj is conj


@pytest.mark.parametrize("text", [
    pytest.param(r"\mathbf{y}[m] = x[m]", id="mathbf"),
    pytest.param(r"\boldsymbol{y}[m] = x[m]", id="boldsymbol"),
    pytest.param(r"y\left[m\right] = x\left(m\right)", id="left-right"),
    pytest.param(r"y_{m} := x_m", id="coloneq-subscripts"),
    pytest.param(r"y[m] \triangleq x[m]", id="triangleq"),
    pytest.param(r"y[m] = \displaystyle\sum\limits_{k=0}^{K-1} x[m]\!h[k]", id="limits"),
    pytest.param("y[m] = x[m] \\ h[m]", id="backslash-space"),
    pytest.param("y[m] =\n  x[m]\th[m]", id="newlines-and-tabs"),
    pytest.param("y[n] = \u2211_k x[n\u2212k]\u00b7h[k]", id="unicode"),
])
def test_notation_variants_parse(text: str) -> None:
    f = parse_formula(text)
    assert isinstance(f.sides[0], Array)


# -- errors: always FormulaError, with the column and a caret line ---------------------------

ERRORS = [
    pytest.param("y[m] = sum_i x[i] h[m-i", "never closed", 19, id="unclosed-bracket"),
    pytest.param("y[m] = sum_i x[i] h[m-i]]", "closes nothing", 24, id="extra-bracket"),
    pytest.param("y[m] = sum_i x[i) h[m-i]", "')' closes '['", 16, id="mismatched"),
    pytest.param(r"y[m] = \foo x[m]", r"unknown LaTeX command '\\foo'", 7, id="unknown-command"),
    pytest.param("y[m] = x[m] $ h[m]", "unexpected character '$'", 12, id="bad-character"),
    pytest.param("y[m] = x[m] h[m] +", "ends too early", 18, id="ends-early"),
    pytest.param("y[m] = = x[m]", "unexpected '='", 7, id="double-equals"),
    pytest.param("y[m] = x[m]^2", "unexpected '2'", 12, id="power"),
    pytest.param(r"y[m] = \sum_{i:=0} x[i]", "write i=0", 14, id="sum-bound"),
    pytest.param("y[m] = x[m]\x00 h[m]", "U+0000", 11, id="nul"),
    pytest.param("y[m] = x[m]\x1b[31m h[m]", "U+001B", 11, id="escape-sequence"),
    pytest.param("y[m] = x[m]\u200b h[m]", "U+200B", 11, id="zero-width-space"),
]


@pytest.mark.parametrize("text, fragment, column", ERRORS)
def test_parse_errors_point_at_the_column(text: str, fragment: str, column: int,
                                          cli) -> None:
    with pytest.raises(FormulaError) as exc:
        parse_formula(text)
    msg = str(exc.value)
    assert fragment in msg
    assert exc.value.column == column
    caret = msg.splitlines()[-1]
    assert caret.strip() == "^" and caret.index("^") == column + 2
    res = cli("check", text)
    assert res.code == 2 and res.out == ""
    assert fragment in res.err and res.err.rstrip().endswith("^")


@pytest.mark.parametrize("text", ["", "   ", "\n\t"], ids=["empty", "spaces", "whitespace"])
def test_empty_formula(text: str, cli) -> None:
    with pytest.raises(FormulaError, match="empty formula"):
        parse_formula(text)
    res = cli("check", text)
    assert res.code == 2 and "empty formula" in res.err


def test_huge_input_is_refused_quickly(cli) -> None:
    text = "y[m] = sum_i x[i] h[m-i] " + "+ x[m] " * (100_000 // 7)
    assert len(text) > 100_000
    t0 = time.perf_counter()
    with pytest.raises(FormulaError, match=f"limit is {MAX_CHARS:,}"):
        parse_formula(text)
    res = cli("check", text)
    assert time.perf_counter() - t0 < 1.0
    assert res.code == 2 and "characters long" in res.err


def test_long_formula_error_shows_a_window_with_a_caret(cli) -> None:
    text = "y[m] = sum_k x[m+k] h[k] " + "+ b[m] " * 40 + "$"
    with pytest.raises(FormulaError) as exc:
        parse_formula(text)
    assert exc.value.column == len(text) - 1 and exc.value.text == text
    lines = str(exc.value).splitlines()
    assert lines[-2].strip().startswith("...") and lines[-2].rstrip().endswith("$")
    assert lines[-1].index("^") == lines[-2].index("$")
    res = cli("check", text)
    assert res.code == 2 and res.err.rstrip().endswith("^")


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(FormulaError, match="nested more than"):
        parse_formula("y[m] = " + "(" * 60 + "x[m]" + ")" * 60)


def test_exploding_index_polynomial_is_refused_quickly() -> None:
    t0 = time.perf_counter()
    with pytest.raises(FormulaError, match="too complex"):
        parse_formula("y[m] = x[" + "(a+b+c+d+e+f+g+h)" * 200 + "]")
    assert time.perf_counter() - t0 < 1.0


def test_not_a_string() -> None:
    with pytest.raises(FormulaError, match="must be text"):
        parse_formula(b"y[m] = x[m]")  # type: ignore[arg-type]


# -- fuzzing: only SymconvError, nothing evaluated --------------------------------------------

ALPHABET = list("xyhmnijk01239 +-*=[](){}_^,.:;!|$\\~'\"\u2211\u00b7") + [
    "sum", r"\sum", r"\infty", r"\cdot", r"\overline", r"\mathbf", r"\left", r"\right",
    "conj", r"\,", "_{", "}^{", "\x00", "\n", "__import__('os')", "eval(", "lambda",
]


def _forbidden(*_a: object, **_k: object) -> None:
    raise AssertionError("the parser evaluated a string")


@contextlib.contextmanager
def _no_evaluation() -> Iterator[None]:
    """eval/exec and SymPy's string parsers fail loudly if anything calls them."""
    import sympy
    import sympy.parsing.sympy_parser as sp

    saved = (builtins.eval, builtins.exec, sympy.sympify, sp.parse_expr)
    builtins.eval = builtins.exec = _forbidden  # type: ignore[assignment]
    sympy.sympify = sp.parse_expr = _forbidden  # type: ignore[assignment]
    try:
        yield
    finally:
        builtins.eval, builtins.exec, sympy.sympify, sp.parse_expr = saved


def _fuzz_one(text: str) -> None:
    from symconv.classify.check import check_formula

    with _no_evaluation():
        try:
            check_formula(text)
        except SymconvError:
            pass


@settings(max_examples=6000, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join))
def test_fuzz_token_soup(text: str) -> None:
    _fuzz_one(text)


@settings(max_examples=4000, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_fuzz_any_text(text: str) -> None:
    _fuzz_one(text)


@settings(max_examples=1000, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([
    "y[m,n] = sum_{i,j} x[i,j]*h[m-i,n-j]",
    r"y[m,n]=\sum_{j=-\infty}^{\infty}\sum_{i=-\infty}^{\infty}x[i,j]\,h[m+i,n+j]",
    r"Z_{i,j,k} = \sum_{l,m,n} V_{l,(j-1)\times s+m,(k-1)\times s+n} K_{i,l,m,n}",
]), st.integers(0, 80), st.integers(0, 6), st.sampled_from(ALPHABET))
def test_fuzz_mutated_formulas(base: str, at: int, cut: int,
                               insert: str) -> None:
    at = min(at, len(base))
    _fuzz_one(base[:at] + insert + base[at + cut:])
