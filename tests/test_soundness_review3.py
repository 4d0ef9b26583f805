"""The third adversarial soundness review's findings, each a false "proved" (or a
traceback) before its fix, kept as regressions, with property tests around each:

1. integer coefficients wrapped around in int64 (``2**32 * 2**32 == 0``);
2. ``conj`` flipped the entries' marks but left given complex values (and the DFT's roots
   of unity) unconjugated;
3. a gradient by (or with) an array of given values read as 0 or as a constant;
4. ``prove symmetric --h`` under a stride wider than the image read only some pairs
   h[k], h[-k] and called the kernel centrosymmetric;
5. ``check`` ignored a sum's finite limits.

Every number here is checked against NumPy, independently of symconv's engines.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import run_cli
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from symconv.classify.check import check_formula
from symconv.errors import InputError
from symconv.proof.claims import prove_claim
from symconv.proof.theorems import prove

#: the left side against given values y (``e = [1]``: conv(y, e) is y)
CLAIM_Y = "{}(x, h) == conv(y, e)"

SLOW = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def _text(values: np.ndarray | list) -> str:
    return ",".join(str(v) for v in list(values))


def _ctext(z: complex) -> str:
    re_, im = int(z.real), int(z.imag)
    return f"{re_}{'+' if im >= 0 else '-'}{abs(im)}j"


# -- 1. integers past int64 -------------------------------------------------------------------
@pytest.mark.parametrize("claim,kw", [
    ("4294967296*(4294967296*x) == 0*x", {"image": "3", "kernel": "1"}),
    ("4294967296*(4294967296*x) == 0*x", {}),
    ("conv(x, h) == 0*x", {"x": "4294967296", "h": "4294967296"}),
    ("-9223372036854775808*x == 9223372036854775808*x", {"image": "2", "kernel": "1"}),
])
def test_wrapped_integers_are_refuted(claim: str, kw: dict) -> None:
    assert prove_claim(claim, **kw).verdict == "refuted"


def test_large_integers_are_exact_where_true() -> None:
    d = prove_claim("4294967296*(4294967296*x) == 18446744073709551616*x")
    assert (d.verdict, d.scope) == ("proved", "all-sizes")
    d = prove_claim("4294967296*(4294967296*x) == 18446744073709551616*x", image="3",
                    kernel="1")
    assert (d.verdict, d.scope) == ("proved", "instance")


@SLOW
@given(st.lists(st.integers(-2 ** 70, 2 ** 70), min_size=1, max_size=4),
       st.lists(st.integers(-2 ** 70, 2 ** 70), min_size=1, max_size=3),
       st.integers(0, 10), st.sampled_from([1, -1, 2 ** 64, 2 ** 63]))
@example([2 ** 32], [2 ** 32], 0, 2 ** 64)
@example([2 ** 62, 2 ** 62, 2 ** 62], [2, 2], 1, 2 ** 64)
def test_big_integer_convolution_against_numpy(x: list[int], h: list[int], at: int,
                                               bump: int) -> None:
    # NumPy's convolve on Python integers (object arrays) is exact at any size
    y = np.convolve(np.array(x, dtype=object), np.array(h, dtype=object))
    # y enters through conv(y, e) with e = [1] (the identity at corner indices): --let
    # names an operation's array
    common = {"x": _text(x), "h": _text(h), "origin": "corner", "compare": "positions"}
    assert prove_claim(CLAIM_Y.format("conv"), let={"y": _text(y), "e": "1"}, **common).proved
    wrong = y.copy()
    wrong[at % len(wrong)] += bump
    assert prove_claim(CLAIM_Y.format("conv"), let={"y": _text(wrong), "e": "1"},
                       **common).verdict == "refuted"


# -- 2. conjugation of given values -----------------------------------------------------------
@pytest.mark.parametrize("claim,kw", [
    ("conj(h) == h", {"h": "1j"}),
    ("corr(x, h, conjugate=true) == corr(x, h)", {"h": "1j,2"}),
    ("corr(x, h, conjugate=true) == corr(x, h)", {"h": "1j,2", "image": "3"}),
    ("conv(x, conj(v)) == conv(x, v)", {"let": {"v": "1+2j,3"}}),
    ("conj(dft(x)) == dft(conj(x))", {"image": "3", "kernel": "1"}),
])
def test_unconjugated_values_are_refuted(claim: str, kw: dict) -> None:
    assert prove_claim(claim, **kw).verdict == "refuted"


@pytest.mark.parametrize("claim,kw", [
    ("corr(x, h, conjugate=true) == corr(x, conj(h))", {"h": "1j,2"}),
    ("conj(conj(h)) == h", {"h": "1j,2-3j"}),
    ("conj(h) == h", {"h": "2,1/3,sqrt(2),pi"}),
    ("conj(dft(x)) == 3*idft(conj(x))", {"image": "3", "kernel": "1"}),
])
def test_conjugation_identities_stay_proved(claim: str, kw: dict) -> None:
    assert prove_claim(claim, **kw).verdict == "proved"


gaussian = st.builds(complex, st.integers(-3, 3), st.integers(-3, 3))


@SLOW
@given(st.lists(gaussian, min_size=1, max_size=4), st.lists(gaussian, min_size=1, max_size=3))
def test_conjugate_correlation_against_numpy(x: list[complex], h: list[complex]) -> None:
    # np.correlate conjugates its second argument: the same as corr(..., conjugate=true)
    y = np.correlate(np.array(x), np.array(h), "full")
    common = {"x": _text(map(_ctext, x)), "h": _text(map(_ctext, h)), "origin": "corner",
              "compare": "positions", "let": {"y": _text(map(_ctext, y)), "e": "1"}}
    assert prove_claim("corr(x, h, conjugate=true) == conv(y, e)", **common).proved
    plain = prove_claim(CLAIM_Y.format("corr"), **common)
    differs = not np.array_equal(np.correlate(np.array(x), np.conj(np.array(h)), "full"), y)
    assert plain.verdict == ("refuted" if differs else "proved")


# -- 3. gradients by given values -------------------------------------------------------------
@pytest.mark.parametrize("claim,kw", [
    ("grad(sum(conv(x, h)), h) == 0*h", {"h": "1,2,3"}),
    ("grad(sum(conv(x, h)), h) == 0*h", {"h": "1,2,3", "image": "3"}),
    ("grad(sum(conv(x, h)), x) == 0*x", {"x": "1,2,3", "image": "3"}),
    ("grad(conv(x, h), x, g) == corr(g, h)", {"let": {"g": "1,2"}}),
])
def test_gradient_by_given_values_is_refused(claim: str, kw: dict) -> None:
    with pytest.raises(InputError, match="has given values"):
        prove_claim(claim, **kw)


def test_gradient_by_given_values_is_one_line_on_the_command_line() -> None:
    r = run_cli("prove", "--claim", "grad(sum(conv(x, h)), h) == 0*h", "--h", "1,2,3",
                "--image", "3")
    assert r.code == 2 and "Traceback" not in r.err and "has given values" in r.err


def test_gradient_with_symbolic_entries_and_a_given_kernel_still_proves() -> None:
    # the duality with h's values given: the gradient is by x, whose entries are symbols
    d = prove_claim("grad(conv(x, h), x, g) == corr(g, h, mode='valid')", h="1,2,3")
    assert d.verdict == "proved"


# -- 4. symmetric under a stride ---------------------------------------------------------------
def _centrosymmetric(h: list[int], origin: str) -> bool:
    k = len(h)
    if origin == "corner":
        return k == 1 or all(v == 0 for v in h[1:])
    lo = -(k // 2)
    vals = {lo + i: v for i, v in enumerate(h)}
    return all(vals.get(-i, 0) == v for i, v in vals.items())


def test_symmetric_under_a_wide_stride_is_refuted() -> None:
    h = "1,0,0,0,0,0,0,0,0"
    assert prove("symmetric", h=h, stride="8").verdict == "refuted"
    assert prove("symmetric", h=h, stride="8", image="9").verdict == "refuted"
    narrow = prove("symmetric", h=h, stride="8", image="7")
    assert narrow.verdict != "proved"


@SLOW
@given(st.lists(st.integers(0, 1), min_size=1, max_size=9), st.booleans(),
       st.integers(1, 12), st.integers(1, 3), st.sampled_from(["center", "corner"]),
       st.one_of(st.none(), st.integers(1, 12)))
@example([1, 0, 0, 0, 0, 0, 0, 0, 0], False, 8, 1, "center", None)
def test_symmetric_proved_only_for_centrosymmetric_kernels(h: list[int], mirror: bool, s: int,
                                                           d: int, origin: str,
                                                           n: int | None) -> None:
    if mirror:
        h = h[: (len(h) + 1) // 2] + h[: len(h) // 2][::-1]
    kw = {"h": _text(h), "stride": str(s), "dilation": str(d), "origin": origin}
    if n is not None:
        kw["image"] = str(n)
    r = prove("symmetric", **kw)
    if r.verdict == "proved" and any("centrosymmetric" in st_.text for st_ in r.steps):
        assert _centrosymmetric(h, origin), (h, s, d, origin, n)
    if r.verdict == "proved" and n is None:
        assert _centrosymmetric(h, origin), (h, s, d, origin)
    if r.verdict == "refuted":
        assert not _centrosymmetric(h, origin), (h, s, d, origin, n)


# -- 5. check's finite limits -----------------------------------------------------------------
@pytest.mark.parametrize("formula", [
    r"y[m] = sum_{i=m}^{m+1} x[i] h[m-i]",
    r"y[m] = \sum_{i=-m}^{m} x[i] h[m-i]",
    r"y[m] = sum_{k=0}^{2} x[m-k+j] h[k+j]",
])
def test_limits_that_make_another_sum_are_refused(formula: str) -> None:
    with pytest.raises(InputError):
        check_formula(formula)


@pytest.mark.parametrize("formula,owner", [
    (r"y[m] = sum_{i=5}^{5} x[i] h[m-i]", "x"),
    (r"y[j] = \sum_{m=0}^{K-1} x[(j-1)s+m] w[m]", "w"),
    (r"y[m] = sum_{i=0}^{N-1} x[i] h[m-i]", "x"),
])
def test_limits_read_as_an_arrays_range_are_said(formula: str, owner: str) -> None:
    r = check_formula(formula)
    assert any(f"range of {owner}'s index" in n for n in r.notes), r.notes


def test_infinite_limits_need_no_note() -> None:
    r = check_formula(r"y[n] = \sum_{k=-\infty}^{\infty} x[k] h[n-k]")
    assert not any("limits" in n for n in r.notes)
