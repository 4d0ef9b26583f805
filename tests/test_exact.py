"""Exact and mixed values: numbers parsed by the grammar, exact sums of products checked
against SymPy's own convolutions (``sympy.discrete.convolutions``) and NumPy's floating-point
shadows, one array's values substituted into the other's symbols (held to SymPy's own
``subs`` and ``str``), the classic filters' known responses, and proofs that decide given
values exactly, for every value of their symbols."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import signal
from sympy.discrete.convolutions import convolution as sympy_convolution

from symconv.errors import InputError
from symconv.expansion import expand
from symconv.index.numbers import kind, parse_text, parse_value
from symconv.proof.exact import decide_equal

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
R = sp.Rational


# -- the number forms -------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "value"), [
    ("7", 7), ("-7", -7), ("0.25", Fraction(1, 4)), ("1e-3", Fraction(1, 1000)),
    ("2.50", Fraction(5, 2)), ("1/9", Fraction(1, 9)), ("-3/4", Fraction(-3, 4)),
    (".5", Fraction(1, 2)), ("12345678901234567890", 12345678901234567890),
    ("2^-4", Fraction(1, 16)), ("2**10", 1024), ("(1/2)^2", Fraction(1, 4)),
    ("sqrt(4)", 2), ("sqrt(2)*sqrt(2)", 2), ("1e400", 10**400),
])
def test_rational_forms_are_python_numbers(text: str, value: Any) -> None:
    got = parse_value(text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(("text", "printed"), [
    ("sqrt(2)/2", "sqrt(2)/2"), ("sqrt(3)*pi", "sqrt(3)*pi"), ("1+2j", "1 + 2*I"),
    ("(1+2j)*(2-1j)", "4 + 3*I"), ("2*I", "2*I"), ("E", "E"), ("pi/4", "pi/4"),
    ("(1+sqrt(5))/2", "1/2 + sqrt(5)/2"), ("t", "t"), ("alpha^2 - 1", "alpha**2 - 1"),
    ("(1+t)^2", "t**2 + 2*t + 1"), ("2^(1/2)", "sqrt(2)"), ("sqrt(8)", "2*sqrt(2)"),
    ("1.5j", "3*I/2"),
])
def test_exact_forms_print_as_sympy(text: str, printed: str) -> None:
    assert str(parse_value(text)) == printed


@pytest.mark.parametrize(("text", "needle"), [
    ("1/0", "division by zero"), ("cos(1)", "unknown function 'cos'"),
    ("2^t", "exponent must be a rational"), ("(a+b)^40", "power of a sum"),
    ("1e99999", "exponent of"), ("2^(10^5)", "too large"), ("oo", "'oo' cannot be"),
    ("3 pi", "unexpected 'pi'"), ("$", "unexpected character"), ("sqrt", "argument"),
    ("2-j", "imaginary unit"), ("", "missing"), ("(1", "ends too early"),
    ("-" * 150 + "1", "nested"), ("9" * 2000, "characters"),
    ("(a+b+c+d+e+f+g+h+i+j1+k)^4*(l+m+n+o+p+q+r+s+u+v)^4", "expands to more"),
])
def test_bad_values_are_one_line(text: str, needle: str) -> None:
    with pytest.raises(InputError) as e:
        parse_value(text, "h")
    assert needle in str(e.value) and "\n" not in str(e.value)
    assert str(e.value).startswith("bad value")


def test_array_kinds() -> None:
    assert kind(parse_text("1,2;3,4")) == "integer"
    assert kind(parse_text("1,2.5")) == "rational"
    assert kind(parse_text("1/9,99999999999999999999")) == "rational"
    assert kind(parse_text("1,sqrt(2)")) == "exact"
    assert kind(parse_text("1,t")) == "exact"
    with pytest.raises(InputError, match="different lengths"):
        parse_text("1,2;3")


def test_float_npy_stays_inexact_and_says_so(tmp_path: Any, cli: Any) -> None:
    path = tmp_path / "h.npy"
    np.save(path, np.array([0.1, 0.2, 0.3]))
    r = cli("expand", "conv", "--image", "3", "--kernel", "3", "--mode", "valid",
            "--x", "1,2,3", "--h", str(path), "--format", "json")
    d = json.loads(r.out)
    assert d["values"]["exact"] is False and "rounded" in d["values"]["note"]
    assert d["outputs"][0]["exact"] is None
    assert d["outputs"][0]["value"] == pytest.approx(1 * 0.3 + 2 * 0.2 + 3 * 0.1)
    text = cli("expand", "conv", "--image", "3", "--kernel", "3", "--mode", "valid",
               "--x", "1,2,3", "--h", str(path)).out
    assert "rounded" in text
    # ... and a claim, which is decided exactly, refuses binary floats
    r = cli("prove", "--claim", "conv(x, h) == conv(h, x)", "--h", str(path))
    assert r.code == 2 and "exact" in r.err


# -- exact results against SymPy's own convolutions ------------------------------------------
def _ours(a: list[Any], b: list[Any]) -> list[Any]:
    e = expand("conv", len(a), len(b), origin="corner", mode="full", x=a, h=b)
    return [sp.nsimplify(0) + sp.sympify(v) if isinstance(v, (int, Fraction)) else v
            for v in e.values().tolist()]


def _sym(v: Any) -> Any:
    return sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else \
        sp.Integer(v) if isinstance(v, int) else v


def _poly_product(a: list[Any], b: list[Any]) -> list[Any]:
    """An independent exact oracle: the coefficients of the product of the polynomials
    with coefficients ``a`` and ``b`` (SymPy's polynomial arithmetic)."""
    z = sp.Symbol("z")
    prod = sp.expand(sum(_sym(v) * z**i for i, v in enumerate(a))
                     * sum(_sym(v) * z**j for j, v in enumerate(b)))
    return [sp.expand(prod.coeff(z, k)) for k in range(len(a) + len(b) - 1)]


@pytest.mark.parametrize(("a", "b"), [
    ([R(1, 2)], [R(1, 2)]),
    ([9, 5, 5, 4, 3, 2], [-1, R(5, 3), R(7, 5)]),
    ([1, R(5, 3), sp.sqrt(3), R(7, 5)], [9, 5, 5, 4, 3, 2]),
    ([R(1, 3), R(7, 3), R(5, 9), R(2, 7), R(5, 8)], [R(3, 5), R(4, 7), R(7, 8), R(8, 9)]),
    ([2313, 5323532, 3232, 42142, 42242421], [33456, 56757, 45754, 432423]),
    ([1422, 6572, 3213, 5552], [1, R(5, 3), sp.sqrt(3), R(7, 5)]),
    ([sp.pi, sp.E, 1 + 2 * sp.I], [sp.sqrt(2), R(-1, 3)]),
])
def test_sympys_own_cases(a: list[Any], b: list[Any]) -> None:
    """SymPy's tests of ``convolution`` (rationals, surds, 16-digit products) reproduced:
    exactly where SymPy's result is exact (rationals), to 40 digits where SymPy goes through
    its FFT (surds: its result is an unsimplified trigonometric expression), and exactly
    against the polynomial product in every case."""
    e = expand("conv", len(a), len(b), origin="corner", mode="full", x=a, h=b)
    got = [sp.expand(_sym(v)) for v in e.values().tolist()]
    assert got == _poly_product(a, b)
    theirs = sympy_convolution(a, b)
    if all(sp.sympify(v).is_Rational for v in theirs):
        assert got == [sp.sympify(v) for v in theirs]
    else:
        assert all(abs(complex(sp.N(g - w, 50))) < 1e-40
                   for g, w in zip(got, theirs, strict=True))
    for j, v in enumerate(e.values().tolist()):
        assert e.substituted_str((j,)) == str(_sym(v))


@pytest.mark.parametrize("cycle", [4, 6, 9])
def test_sympys_cyclic_cases(cycle: int) -> None:
    """SymPy's cyclic convolution: the circular boundary with the period as the image."""
    a = [R(1, 3), R(7, 3), R(5, 9), R(2, 7), R(5, 8)]
    b = [R(3, 5), R(4, 7), R(7, 8), R(8, 9)]
    want = sympy_convolution(a, b, cycle=cycle)
    # fold the image onto the period first (SymPy wraps both arrays)
    x = [sum((a[j] for j in range(len(a)) if j % cycle == k), R(0)) for k in range(cycle)]
    k = min(len(b), cycle)
    h = [sum((b[j] for j in range(len(b)) if j % cycle == q), R(0)) for q in range(k)]
    e = expand("conv", cycle, k, origin="corner", padding=f"{k - 1}:0",
               padding_mode="circular", x=x, h=h)
    assert [_sym(v) for v in e.values().tolist()] == list(want)


rationals = st.fractions(min_value=-20, max_value=20, max_denominator=12)
surds = st.sampled_from([sp.sqrt(2), sp.sqrt(3) / 2, sp.pi, 1 + sp.I, R(-2, 3) * sp.E])


@SETTINGS
@given(a=st.lists(st.one_of(rationals, surds), min_size=1, max_size=6),
       b=st.lists(st.one_of(rationals, surds), min_size=1, max_size=5))
def test_exact_convolution_equals_sympys(a: list[Any], b: list[Any]) -> None:
    e = expand("conv", len(a), len(b), origin="corner", mode="full", x=a, h=b)
    got = [sp.expand(_sym(v)) for v in e.values().tolist()]
    assert got == _poly_product(a, b)
    if all(isinstance(v, Fraction) for v in a + b):
        theirs = sympy_convolution([_sym(v) for v in a], [_sym(v) for v in b])
        # SymPy's own convolution may take its FFT path and return rationals as unsimplified
        # nested radicals (0 as -sqrt(2)*sqrt(1/2 - sqrt(2)/4)*sqrt(sqrt(2)/4 + 1/2)/2 + 1/4):
        # ours must equal each exactly, as a number
        assert len(got) == len(theirs)
        for g, t in zip(got, theirs, strict=True):
            d = sp.expand(g - t)
            assert d == 0 or sp.simplify(d) == 0 or abs(sp.N(d, 80)) < sp.Float(10) ** -70


@SETTINGS
@given(data=st.data(), op=st.sampled_from(["conv", "corr"]),
       mode=st.sampled_from(["full", "same", "valid"]))
def test_rational_2d_shadows_scipy(data: Any, op: str, mode: str) -> None:
    """Exact rational results, rounded once, equal SciPy's float results (to rounding)."""
    n = data.draw(st.tuples(st.integers(1, 6), st.integers(1, 6)))
    k = data.draw(st.tuples(st.integers(1, 4), st.integers(1, 4)))
    x = np.array(data.draw(st.lists(rationals, min_size=n[0] * n[1], max_size=n[0] * n[1])),
                 dtype=object).reshape(n)
    h = np.array(data.draw(st.lists(rationals, min_size=k[0] * k[1], max_size=k[0] * k[1])),
                 dtype=object).reshape(k)
    if mode == "valid" and not (all(a >= b for a, b in zip(n, k, strict=True))
                                or all(a <= b for a, b in zip(n, k, strict=True))):
        return  # SciPy refuses these shapes too
    e = expand(op, n, k, mode=mode, x=x, h=h)
    ref = (signal.convolve if op == "conv" else signal.correlate)(
        x.astype(float), h.astype(float), mode=mode, method="direct")
    got = np.array([float(v) for v in e.values().ravel().tolist()]).reshape(e.shape)
    assert got.shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-9)
    assert all(isinstance(v, (int, Fraction)) for v in e.values().ravel().tolist())


def test_big_integers_never_overflow() -> None:
    x = [10**18, -(10**18), 3]
    h = [10**18, 7]
    e = expand("conv", 3, 2, origin="corner", mode="full", x=x, h=h)
    assert e.values().tolist() == [int(v) for v in np.convolve(np.array(x, dtype=object),
                                                               np.array(h, dtype=object))]
    out = json.loads(json.dumps(e.to_json()))
    assert out["outputs"][0]["exact"] == str(10**36)


# -- one array given: the other stays symbolic ---------------------------------------------
def _substituted_by_sympy(e: Any, idx: tuple[int, ...]) -> Any:
    """SymPy's own substitution of the given values into the symbolic output."""
    op = e.operation
    expr = e.expr(idx)
    subs: dict[Any, Any] = {}
    if op.kernel.values is not None:
        for t in e.terms(idx):
            pos = tuple(k - a for k, a in zip(t.h, op.kernel.lo, strict=True))
            ent = [s for s in expr.free_symbols if str(s) == t.entry]
            subs[ent[0]] = _sym(op.kernel.values[pos])
    else:
        xb = sp.IndexedBase(op.image.name)
        for t in e.terms(idx):
            pos = tuple(i - a for i, a in zip(t.x, op.image.lo, strict=True))
            subs[xb[t.x]] = _sym(op.image.values[pos])
    return sp.expand(expr.xreplace(subs))


@SETTINGS
@given(data=st.data(), op=st.sampled_from(["conv", "corr", "corr-reflected"]),
       side=st.sampled_from(["h", "x"]),
       boundary=st.sampled_from(["zeros", "circular", "reflect"]))
def test_one_side_given_equals_sympys_substitution(data: Any, op: str, side: str,
                                                   boundary: str) -> None:
    nd = data.draw(st.integers(1, 2))
    n = tuple(data.draw(st.integers(2, 5)) for _ in range(nd))
    k = tuple(data.draw(st.integers(1, 3)) for _ in range(nd))
    shape = k if side == "h" else n
    vals = np.array(data.draw(st.lists(st.one_of(rationals, st.integers(-3, 3)),
                                       min_size=int(np.prod(shape)),
                                       max_size=int(np.prod(shape)))),
                    dtype=object).reshape(shape)
    opts: dict[str, Any] = {side: vals}
    if boundary == "zeros":
        opts["mode"] = data.draw(st.sampled_from(["full", "same", "valid"]))
        if opts["mode"] == "valid" and not (all(a >= b for a, b in zip(n, k, strict=True))
                                            or all(b >= a for a, b in zip(n, k, strict=True))):
            return  # SciPy's valid mode (and symconv's) needs one array larger on every axis
    else:
        opts["padding"] = "same"
        opts["padding_mode"] = boundary
        if boundary == "reflect" and any(a < 2 for a in n):
            return
    e = expand(op, n, k, **opts)
    for idx in e.indices():
        want = _substituted_by_sympy(e, idx)
        assert sp.expand(e.substituted(idx) - want) == 0
        assert e.substituted_str(idx) == str(want)


def test_symbol_coefficients_go_through_sympy() -> None:
    e = expand("conv", 3, 3, mode="same", h="1,t,1")
    assert [e.substituted_str(i) for i in e.indices()] == [
        "t*x[-1] + x[0]", "t*x[0] + x[-1] + x[1]", "t*x[1] + x[0]"]


def test_json_mixed_and_exact(cli: Any) -> None:
    d = json.loads(cli("expand", "conv", "--image", "5", "--kernel", "3", "--origin",
                       "corner", "--mode", "valid", "--h", "1,-2,1", "--format", "json").out)
    assert [o["expr"] for o in d["outputs"]] == [
        "x[0] - 2*x[1] + x[2]", "x[1] - 2*x[2] + x[3]", "x[2] - 2*x[3] + x[4]"]
    assert all(o["exact"] == o["expr"] and "value" not in o for o in d["outputs"])
    assert d["values"] == {"image": None, "kernel": "integer", "exact": True}
    d = json.loads(cli("expand", "conv", "--image", "2", "--kernel", "2", "--origin",
                       "corner", "--mode", "valid", "--x", "3/4,7/8", "--h", "1/4,5/8",
                       "--format", "json").out)
    (o,) = d["outputs"]
    assert o["exact"] == "11/16" and o["value"] == 0.6875  # 1/4*7/8 + 5/8*3/4
    assert o["expr"] == "a*x[1] + b*x[0]"
    d = json.loads(cli("expand", "conv", "--image", "1", "--kernel", "1", "--x", "sqrt(3)",
                       "--h", "pi", "--format", "json").out)
    assert d["outputs"][0]["exact"] == "sqrt(3)*pi"
    assert d["outputs"][0]["value"] == pytest.approx(3 ** 0.5 * np.pi)
    d = json.loads(cli("expand", "conv", "--image", "1", "--kernel", "1", "--x", "1+2j",
                       "--h", "2+3j", "--format", "json").out)
    assert d["outputs"][0]["exact"] == "-4 + 7*I"
    assert d["outputs"][0]["value"] == {"re": -4.0, "im": 7.0}


def test_symbols_must_not_look_like_arrays_or_entries(cli: Any) -> None:
    r = cli("expand", "conv", "--image", "3", "--kernel", "3", "--x", "1,a,2")
    assert r.code == 2 and "kernel entry" in r.err and len(r.err.strip().splitlines()) == 1
    r = cli("expand", "conv", "--image", "3", "--kernel", "3", "--h", "1,y,2")
    assert r.code == 2 and "output's name" in r.err
    # with the kernel's values given its entry names are not shown: 'a' is free
    assert cli("expand", "conv", "--image", "3", "--kernel", "3", "--h", "1,2,3",
               "--x", "1,a,2").code == 0


def test_every_format_shows_the_substitution(cli: Any) -> None:
    argv = ("expand", "corr", "--image", "4x4", "--kernel", "3x3", "--mode", "valid",
            "--origin", "corner", "--h", "1/16,1/8,1/16;1/8,1/4,1/8;1/16,1/8,1/16",
            "--at", "1,1")
    text = cli(*argv).out
    assert "= x[1, 1]/16 + x[1, 2]/8 + x[1, 3]/16 + x[2, 1]/8 + x[2, 2]/4" in text
    latex = cli(*argv, "--format", "latex").out
    assert r"\frac{1}{16}\," in latex and r"\frac{1}{4}\," in latex
    md = cli(*argv, "--format", "markdown").out
    html = cli(*argv, "--format", "html").out
    mathml = cli(*argv, "--format", "mathml").out
    for page in (md, html, mathml):
        assert "<mfrac>" in page or "\\frac" in page
    assert "1/16" in cli(*argv, "--format", "beamer").out.replace("{1}/{16}", "1/16") or \
        r"\frac{1}{16}" in cli(*argv, "--format", "beamer").out


# -- the classic filters' known responses ---------------------------------------------------
SOBEL_X = "1,0,-1;2,0,-2;1,0,-1"
LAPLACIAN = "0,1,0;1,-4,1;0,1,0"
GAUSS = "1/16,1/8,1/16;1/8,1/4,1/8;1/16,1/8,1/16"
BOX = ";".join([",".join(["1/9"] * 3)] * 3)


def _filter(h: str, x: np.ndarray) -> np.ndarray:
    e = expand("corr", x.shape, (3, 3), mode="valid", origin="corner", axes="ij",
               x=x.astype(object), h=h)
    return e.values()


def test_sobel_on_a_ramp_is_constant() -> None:
    # x[i, j] = 3*j: a ramp along the second axis; Sobel x (as written, ij) reads -8*3.
    x = np.fromfunction(lambda i, j: 3 * j, (6, 6), dtype=int)
    assert set(_filter(SOBEL_X, x).ravel().tolist()) == {-24}


def test_laplacian_of_a_quadratic_is_its_second_difference() -> None:
    x = np.fromfunction(lambda i, j: i * i + 2 * j * j, (6, 6), dtype=int)
    assert set(_filter(LAPLACIAN, x).ravel().tolist()) == {2 + 4}


def test_box_and_gaussian_keep_constants_and_sum_to_one() -> None:
    x = np.full((5, 5), Fraction(7, 3), dtype=object)
    assert set(_filter(BOX, x).ravel().tolist()) == {Fraction(7, 3)}
    assert set(_filter(GAUSS, x).ravel().tolist()) == {Fraction(7, 3)}
    impulse = np.zeros((5, 5), dtype=object)
    impulse[2, 2] = 1
    e = expand("conv", (5, 5), (3, 3), mode="same", x=impulse, h=GAUSS)
    assert e.values()[1:4, 1:4].tolist() == parse_text(GAUSS).tolist()


def test_gaussian_is_the_outer_product_of_binomials() -> None:
    g = parse_text(GAUSS)
    u = parse_text("1/4,1/2,1/4")
    assert (np.outer(u, u) == g).all()


# -- proofs decide exactly --------------------------------------------------------------------
@pytest.mark.parametrize(("h", "verdict"), [
    ("1,2,1", "proved"), ("1/2,2,1/2", "proved"), ("1,t,1", "proved"),
    ("sqrt(2),1,sqrt(8)/2", "proved"), ("pi,E,pi", "proved"),
    ("1,2,3", "refuted"), ("1/3,1,0.333", "refuted"), ("t,0,1", "refuted"),
    ("pi,1,22/7", "refuted"), ("sqrt(2),0,1.41421356237", "refuted"),
])
def test_prove_symmetric_with_exact_values(cli: Any, h: str, verdict: str) -> None:
    r = cli("prove", "symmetric", "--h", h, "--format", "json")
    d = json.loads(r.out)
    assert d["verdict"] == verdict and r.code == {"proved": 0, "refuted": 1}[verdict]
    if verdict == "refuted":
        cex = d["counterexample"]
        assert cex["left"] != cex["right"]


def test_symbol_witness_and_where(cli: Any) -> None:
    d = json.loads(cli("prove", "symmetric", "--h", "t,0,1", "--format", "json").out)
    assert d["counterexample"]["symbols"] == {"t": 0}
    assert any("only where t = 1" in s["why"] for s in d["steps"])
    d = json.loads(cli("prove", "symmetric", "--h", "t^2,0,1", "--format", "json").out)
    assert any("t = -1 or 1" in s["why"] for s in d["steps"])


@pytest.mark.parametrize(("claim", "h", "code"), [
    ("conv(x, h) == conv(h, x)", "1/2,1/3", 0),
    ("conv(x, h) == corr(x, h)", "1/2,t,1/2", 0),
    ("conv(x, h) == corr(x, h)", "sqrt(2),1,sqrt(2)", 0),
    ("conv(x, h) == corr(x, h)", "1/2,t,1", 1),
    ("conv(x, h) == corr(x, h)", "sqrt(2),1,1", 1),
    ("conv(x, h) == corr(x, h)", "1,1/2", 1),
    ("conv(x, h) == 2*corr(x, h)", "1/2,1,1/2", 1),
])
def test_claims_with_exact_values(cli: Any, claim: str, h: str, code: int) -> None:
    r = cli("prove", "--claim", claim, "--h", h, "--format", "json")
    assert r.code == code, r.out + r.err
    if code == 1:
        cex = json.loads(r.out)["counterexample"]
        assert cex["left"] != cex["right"]


@SETTINGS
@given(h=st.lists(st.one_of(rationals, surds), min_size=3, max_size=3),
       delta=st.one_of(rationals.filter(lambda f: f != 0), surds))
def test_a_broken_symmetric_kernel_is_never_proved(h: list[Any], delta: Any) -> None:
    """Soundness: a centrosymmetric kernel is proved; adding a nonzero amount to one end
    is refuted, never proved."""
    from symconv.proof.claims import prove_claim

    sym = [h[0], h[1], h[0]]
    text = ",".join(str(_sym(v)).replace("**", "^").replace("I", "1j") for v in sym)
    d = prove_claim("conv(x, h) == corr(x, h)", h=text)
    assert d.verdict == "proved"
    broken = sym[:2] + [sp.expand(_sym(h[0]) + _sym(delta))]
    text = ",".join(str(_sym(v)).replace("**", "^").replace("I", "1j") for v in broken)
    assert prove_claim("conv(x, h) == corr(x, h)", h=text).verdict == "refuted"


def test_decide_equal_never_uses_a_tolerance() -> None:
    assert decide_equal(sp.pi, R(355, 113)).verdict == "unequal"
    assert decide_equal(sp.sqrt(2) + sp.sqrt(3), sp.sqrt(5 + 2 * sp.sqrt(6))).verdict == \
        "equal"  # decided by the minimal polynomial, exactly
    assert decide_equal(R(1, 3), Fraction(333333333333, 10**12)).verdict == "unequal"


def test_symbolic_work_is_bounded_before_it_starts(cli: Any) -> None:
    """Surds or symbols cost one SymPy operation per product: a large request is refused
    (one line, exit 2, no file) before any is made, and --max-terms raises the bound."""
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "y.json")
        r = cli("expand", "conv", "--image", "300x300", "--kernel", "3x3", "--h",
                "sqrt(2),1,1;1,1,1;1,1,1", "--format", "json", "-o", out)
        assert r.code == 2 and "810,000 products" in r.err and "--max-terms" in r.err
        assert len(r.err.strip().splitlines()) == 1 and not os.path.exists(out)
        r = cli("expand", "conv", "--image", "300x300", "--kernel", "3x3", "--h",
                "t,1,1;1,1,1;1,1,1", "-o", out)
        assert r.code == 2 and "products" in r.err and not os.path.exists(out)
    # rationals never need SymPy: the same size is accepted
    e = expand("conv", (300, 300), (3, 3), h="1/9,1/9,1/9;1/9,1/9,1/9;1/9,1/9,1/9")
    assert e.substituted_str((0, 0)).startswith("x[")


# -- what the review found: equal surds written differently, non-polynomials, huge values -----
@pytest.mark.parametrize(("h", "code"), [
    ("(-1)^(1/3),0,1/2+sqrt(3)/2*I", 0),  # equal algebraic numbers: the minimal polynomial
    ("sqrt(2)+sqrt(3),0,sqrt(5+2*sqrt(6))", 0),
    ("(-1)^(1/3),0,1/2+sqrt(3)/3*I", 1),
    # pi inside the radicals: not algebraic, 0 to 60 digits, so neither proved nor refuted
    ("sqrt(2*pi+2*sqrt(pi^2-1)),0,sqrt(pi+1)+sqrt(pi-1)", 3),
])
def test_equal_values_written_differently(cli: Any, h: str, code: int) -> None:
    for extra in ((), ("--image", "4")):
        r = cli("prove", "--claim", "conv(x, h) == corr(x, h)", "--h", h, *extra,
                "--format", "json")
        assert r.code == code, r.out + r.err
        d = json.loads(r.out)
        assert d["verdict"] == {0: "proved", 1: "refuted", 3: "undecided"}[code]
        if code == 3:
            assert "could be shown neither zero nor nonzero" in " ".join(d["notes"])


def test_a_non_polynomial_symbol_is_refuted_by_a_witness(cli: Any) -> None:
    """sqrt(t^2) is not a polynomial in t: no crash; t = -1 makes it differ from t."""
    r = cli("prove", "symmetric", "--h", "sqrt(t^2),0,t", "--format", "json")
    d = json.loads(r.out)
    assert r.code == 1 and d["verdict"] == "refuted"
    assert d["counterexample"]["symbols"] == {"t": -1}
    assert decide_equal(sp.sqrt(sp.Symbol("t") ** 2), sp.Symbol("t")).witness == {"t": -1}
    assert decide_equal(sp.sqrt(sp.Symbol("t") ** 2), sp.Abs(sp.Symbol("t"))
                        ).verdict == "undecided"


@pytest.mark.parametrize("x", [
    "1e1000*1e1000", "1e1000*sqrt(2)*1e1000", "2^999*2^999*2^999*2^999*2^999", "(10^600)^3/7",
])
def test_values_beyond_1200_digits_are_refused(cli: Any, x: str) -> None:
    r = cli("expand", "conv", "--image", "2", "--kernel", "2", "--x", f"{x},1", "--h", "1,3")
    assert r.code == 2 and r.out == ""
    assert "too large (more than about 1,200 digits)" in r.err and r.err.count("\n") == 1


def test_products_too_long_to_print_are_one_line(cli: Any) -> None:
    r = cli("prove", "--claim", "sum(x*x*x*x*x) == sum(x*x*x*x)", "--x", "1e1000")
    assert r.code == 2 and r.out == "" and "more than 4,300 digits" in r.err


def test_json_has_no_infinity(cli: Any) -> None:
    """A value beyond a float is "value": null (its exact string holds it); the document is
    strict JSON, and an error half-way prints no half document."""
    r = cli("expand", "conv", "--image", "3", "--kernel", "2", "--x", "sqrt(2)*1e400,1,2",
            "--h", "1,3", "--format", "json")
    assert r.code == 0 and "Infinity" not in r.out
    outs = json.loads(r.out, parse_constant=lambda c: pytest.fail(c))["outputs"]
    assert outs[0]["value"] is None and outs[0]["exact"].endswith("*sqrt(2)")
    assert outs[-1]["value"] == 6
    r = cli("expand", "conv", "--image", "2", "--kernel", "2", "--x", "1e400/3,1",
            "--h", "1/7,3", "--format", "json")
    assert r.code == 0 and json.loads(r.out)["outputs"][0]["value"] is None


def test_long_sums_and_powers_of_sums() -> None:
    """A sum of many terms is flat (not 100 levels deep); (1+t)^10 has 11 terms, not 2^10."""
    assert parse_value("+".join(["t"] * 300)) == 300 * sp.Symbol("t")
    assert parse_value("+".join(["1/2"] * 400)) == 200
    assert parse_value("(1+t)^10") == sp.expand((1 + sp.Symbol("t")) ** 10)
    assert parse_value("1 - 2 - 3 * 4 / 6 + 2^3^2") == 1 - 2 - 2 + 512
    with pytest.raises(InputError, match="at most 5,000"):
        parse_value("+".join(["t"] * 3000))
