"""Property tests: the symbolic expansion, evaluated, against NumPy and SciPy.

Each test draws shapes, options and integer values with hypothesis, expands with symconv and
compares ``Expansion.values()`` (and, for small cases, the SymPy expressions with numbers
substituted) with what the reference library computes.  Integers keep the comparison exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.signal
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symconv.errors import InputError
from symconv.expansion import entry_class, expand

SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
SMALL = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MODES = ("full", "valid", "same")
ORIGINS = ("center", "corner")


def ints(shape: tuple[int, ...], seed: int, lo: int = -4, hi: int = 5) -> np.ndarray:
    return np.random.default_rng(seed).integers(lo, hi, size=shape).astype(np.int64)


def substitute(e: Any, index: tuple[int, ...], x: np.ndarray, h: np.ndarray) -> Any:
    """Put numbers into the SymPy expression of ``y[index]`` (pixels and kernel entries)."""
    op = e.operation
    expr = e.expr(index)
    Entry = entry_class()
    repl: dict[Any, Any] = {}
    for px in expr.atoms(sympy.Indexed):
        if px.base.label.name == op.image.name:
            pos = tuple(int(v) - lo for v, lo in zip(px.indices, op.image.lo, strict=True))
            repl[px] = sympy.Integer(int(x[pos]))
        else:
            pos = tuple(int(v) - lo for v, lo in zip(px.indices, op.kernel.lo, strict=True))
            repl[px] = sympy.Integer(int(h[pos]))
    names = op.kernel.entry_names()
    if names is not None:
        flat = h.ravel()
        where = {n: k for k, n in enumerate(names)}
        for ent in expr.atoms(Entry):
            repl[ent] = sympy.Integer(int(flat[where[ent.name]]))
    value = expr.xreplace(repl)
    assert value.is_number, value
    return value


# -- 1-D against numpy.convolve / numpy.correlate ------------------------------------------
@SETTINGS
@given(n=st.integers(1, 9), k=st.integers(1, 9), mode=st.sampled_from(MODES),
       op=st.sampled_from(("conv", "corr", "corr-reflected")),
       origin=st.sampled_from(ORIGINS), seed=st.integers(0, 2**31))
def test_numpy_1d_all_modes(n: int, k: int, mode: str, op: str, origin: str,
                            seed: int) -> None:
    x, h = ints((n,), seed), ints((k,), seed + 1)
    e = expand(op, n, k, origin=origin, mode=mode, convention="numpy", x=x, h=h)
    if op == "conv":
        ref = np.convolve(x, h, mode)
    else:
        ref = np.correlate(x, h, mode)
        if op == "corr-reflected":
            ref = ref[::-1]  # the article's h[m+i] is correlation read at -m
    np.testing.assert_array_equal(e.values(), ref)
    assert e.shape == ref.shape


@SMALL
@given(n=st.integers(1, 6), k=st.integers(1, 6), mode=st.sampled_from(MODES),
       op=st.sampled_from(("conv", "corr", "corr-reflected")),
       origin=st.sampled_from(ORIGINS), seed=st.integers(0, 2**31))
def test_numpy_1d_sympy_substitution(n: int, k: int, mode: str, op: str, origin: str,
                                     seed: int) -> None:
    """The SymPy expressions themselves, with numbers put in, give NumPy's numbers."""
    x, h = ints((n,), seed), ints((k,), seed + 1)
    e = expand(op, n, k, origin=origin, mode=mode, convention="numpy", x=x, h=h)
    ref = np.convolve(x, h, mode) if op == "conv" else np.correlate(x, h, mode)
    if op == "corr-reflected":
        ref = ref[::-1]
    got = [substitute(e, idx, x, h) for idx in e.indices()]
    assert got == [sympy.Integer(int(v)) for v in ref]


@SETTINGS
@given(n=st.integers(1, 8), k=st.integers(1, 8), mode=st.sampled_from(MODES),
       seed=st.integers(0, 2**31))
def test_numpy_complex_correlation_conjugates_kernel(n: int, k: int, mode: str,
                                                     seed: int) -> None:
    x = ints((n,), seed) + 1j * ints((n,), seed + 2)
    h = ints((k,), seed + 1) + 1j * ints((k,), seed + 3)
    e = expand("corr", n, k, origin="corner", mode=mode, convention="numpy", conjugate=True,
               x=x, h=h)
    np.testing.assert_allclose(e.values(), np.correlate(x, h, mode), atol=1e-9)
    if n * k <= 12:
        for idx in e.indices():
            assert "conjugate(" in str(e.expr(idx)) or e.terms(idx) == []


# -- N-D against scipy.signal --------------------------------------------------------------
def nd_shapes(draw: Any, dims: int, lo: int = 1, hi: int = 5) -> tuple[int, ...]:
    return tuple(draw(st.integers(lo, hi)) for _ in range(dims))


@st.composite
def nd_case(draw: Any) -> dict[str, Any]:
    dims = draw(st.integers(1, 3))
    hi = (8, 6, 4)[dims - 1]
    image = nd_shapes(draw, dims, 1, hi)
    kernel = nd_shapes(draw, dims, 1, 4)
    mode = draw(st.sampled_from(MODES))
    if mode == "valid" and dims > 1:
        # scipy's 'valid' needs one array at least as large as the other on every axis.
        big = draw(st.booleans())
        kernel = tuple(min(k, n) if big else max(k, n) for n, k in zip(image, kernel, strict=True))
    return dict(image=image, kernel=kernel, mode=mode,
                origin=draw(st.sampled_from(ORIGINS)),
                axes=draw(st.sampled_from(("xy", "ij"))),
                seed=draw(st.integers(0, 2**31)))


@SETTINGS
@given(case=nd_case(), op=st.sampled_from(("conv", "corr", "corr-reflected")))
def test_scipy_nd_all_modes(case: dict[str, Any], op: str) -> None:
    x, h = ints(case["image"], case["seed"]), ints(case["kernel"], case["seed"] + 1)
    e = expand(op, case["image"], case["kernel"], origin=case["origin"], axes=case["axes"],
               mode=case["mode"], x=x, h=h)
    if op == "conv":
        ref = scipy.signal.convolve(x, h, case["mode"], method="direct")
    else:
        ref = scipy.signal.correlate(x, h, case["mode"], method="direct")
        if op == "corr-reflected":
            ref = ref[(slice(None, None, -1),) * ref.ndim]
    assert e.shape == ref.shape
    np.testing.assert_array_equal(e.values(), ref)


@SMALL
@given(case=nd_case(), op=st.sampled_from(("conv", "corr")))
def test_scipy_nd_sympy_substitution(case: dict[str, Any], op: str) -> None:
    image = tuple(min(n, 4) for n in case["image"])
    kernel = tuple(min(k, 3) for k in case["kernel"])
    mode = case["mode"] if case["mode"] != "valid" else "full"
    x, h = ints(image, case["seed"]), ints(kernel, case["seed"] + 1)
    e = expand(op, image, kernel, origin=case["origin"], axes=case["axes"], mode=mode,
               x=x, h=h)
    fn = scipy.signal.convolve if op == "conv" else scipy.signal.correlate
    ref = fn(x, h, mode, method="direct")
    got = np.array([int(substitute(e, idx, x, h)) for idx in e.indices()]).reshape(e.shape)
    np.testing.assert_array_equal(got, ref)


@SETTINGS
@given(n=st.tuples(st.integers(1, 7), st.integers(1, 7)),
       k=st.tuples(st.integers(1, 4), st.integers(1, 4)),
       mode=st.sampled_from(MODES), boundary=st.sampled_from(("fill", "wrap", "symm")),
       op=st.sampled_from(("conv", "corr")), origin=st.sampled_from(ORIGINS),
       seed=st.integers(0, 2**31))
def test_scipy_2d_boundaries(n: tuple[int, int], k: tuple[int, int], mode: str,
                             boundary: str, op: str, origin: str, seed: int) -> None:
    if mode == "valid":
        k = (min(k[0], n[0]), min(k[1], n[1]))
    x, h = ints(n, seed), ints(k, seed + 1)
    padding_mode = {"fill": "zeros", "wrap": "circular", "symm": "symmetric"}[boundary]
    e = expand(op, n, k, origin=origin, mode=mode, padding_mode=padding_mode, x=x, h=h)
    if op == "conv":
        ref = scipy.signal.convolve2d(x, h, mode=mode, boundary=boundary)
    elif mode != "same" or all(kk % 2 for kk in k):
        ref = scipy.signal.correlate2d(x, h, mode=mode, boundary=boundary)
    else:
        # correlate2d's 'same' window sits one place later than scipy.signal.correlate's for
        # an even kernel size (a SciPy quirk); symconv follows scipy.signal.correlate, which
        # is convolve2d with the kernel turned by 180 degrees.
        ref = scipy.signal.convolve2d(x, h[::-1, ::-1], mode=mode, boundary=boundary)
    np.testing.assert_array_equal(e.values(), ref)
    # SciPy's own names for the boundary are accepted as aliases.
    alias = expand(op, n, k, origin=origin, mode=mode, padding_mode=boundary, x=x, h=h)
    np.testing.assert_array_equal(alias.values(), ref)


# -- SymPy objects: _from_args and the fast printer agree with SymPy's own ------------------
#: Entry names that sort differently by case, length and digits ('B' < 'a', 'x1' < 'xi').
ENTRY_POOL = ("a", "B", "zz", "h", "x1", "A_2", "k9", "Q", "w", "xi", "b", "Z", "h_1", "hh",
              "y", "c10", "c2", "x")
NAME_PAIRS = (("x", "h"), ("a", "w"), ("w", "a"), ("img", "b"), ("z", "q"), ("A", "B"),
              ("B", "A"), ("f", "g"), ("xi", "h"))


@st.composite
def expr_case(draw: Any) -> dict[str, Any]:
    dims = draw(st.integers(1, 3))
    image = nd_shapes(draw, dims, 1, (9, 5, 3)[dims - 1])
    kernel = nd_shapes(draw, dims, 1, (7, 6, 3)[dims - 1])
    opts: dict[str, Any] = dict(origin=draw(st.sampled_from(ORIGINS)),
                                axes=draw(st.sampled_from(("xy", "ij"))))
    how = draw(st.sampled_from(("mode", "padding", "boundary")))
    if how == "mode":
        opts["mode"] = draw(st.sampled_from(("full", "same")))
    elif how == "padding":
        opts["padding"] = draw(st.integers(0, 2))
        opts["stride"] = draw(st.integers(1, 2))
        opts["dilation"] = draw(st.integers(1, 2))
        ke = tuple(opts["dilation"] * (kk - 1) + 1 for kk in kernel)
        image = tuple(max(n, kk) for n, kk in zip(image, ke, strict=True))
    else:
        opts["mode"] = "same"
        opts["padding_mode"] = draw(st.sampled_from(("circular", "replicate", "symmetric")))
    image_name, kernel_name = draw(st.sampled_from(NAME_PAIRS))
    opts["names"] = dict(image=image_name, kernel=kernel_name, output="out")
    size = int(np.prod(kernel))
    how_entries = draw(st.sampled_from(("default", "indexed", "custom")))
    if how_entries == "indexed":
        opts["entries"] = "indexed"
    elif how_entries == "custom" and size <= len(ENTRY_POOL):
        # (an entry named like the image or the output is refused: x*x[0] is ambiguous)
        pool = [e for e in ENTRY_POOL if e not in (image_name, "out")]
        if size <= len(pool):
            opts["entries"] = draw(st.permutations(pool))[:size]
    return dict(op=draw(st.sampled_from(("conv", "corr", "corr-reflected"))), image=image,
                kernel=kernel, opts=opts)


def canonical(e: Any, index: tuple[int, ...]) -> Any:
    """The same expression built the slow, canonicalising way: Add(*[Mul(...)])."""
    Entry = entry_class()
    op = e.operation
    xb = sympy.IndexedBase(op.image.name)
    names = op.kernel.entry_names()
    prods = []
    for t in e.terms(index):
        if names is None:
            ent = sympy.IndexedBase(op.kernel.name)[t.h]
        else:
            ent = Entry(t.entry)
        prods.append(sympy.Mul(ent, xb[t.x]))
    return sympy.Add(*prods)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=expr_case())
def test_fast_exprs_and_strings_equal_sympy(case: dict[str, Any]) -> None:
    e = expand(case["op"], case["image"], case["kernel"], **case["opts"])
    for idx in list(e.indices())[:12]:
        fast = e.expr(idx)
        slow = canonical(e, idx)
        assert fast == slow
        assert fast.args == slow.args
        assert e.expr_str(idx) == str(slow) == str(fast)


def test_fast_exprs_many_entries_indexed_by_default() -> None:
    """More than 26 entries: entries become h[i,j]; objects and strings still canonical."""
    e = expand("conv", "6x6", "6x5", mode="full")
    assert e.operation.kernel.entries is None
    arr = e.array()
    for pos, idx in zip(np.ndindex(*e.shape), e.indices(), strict=True):
        slow = canonical(e, idx)
        assert arr[pos] == slow and arr[pos].args == slow.args
        assert e.expr_str(idx) == str(slow)


def test_array_strings_match_json_exprs() -> None:
    e = expand("corr", "4x5", "3x2", mode="full", names=dict(image="a", kernel="w"))
    doc = e.to_json()
    arr = e.array()
    for out, pos in zip(doc["outputs"], np.ndindex(*e.shape), strict=True):
        assert out["expr"] == str(arr[pos])
        assert list(pos) == out["pos"]


# -- stride, dilation and boundaries under a mode (beyond what SciPy offers directly) --------
def dilate(h: np.ndarray, d: int) -> np.ndarray:
    """The kernel with d-1 zeros between entries on every axis."""
    out = np.zeros(tuple(d * (k - 1) + 1 for k in h.shape), dtype=h.dtype)
    out[(slice(None, None, d),) * h.ndim] = h
    return out


@SETTINGS
@given(case=nd_case(), d=st.integers(1, 3), op=st.sampled_from(("conv", "corr")))
def test_dilation_is_scipy_with_a_dilated_kernel(case: dict[str, Any], d: int,
                                                 op: str) -> None:
    mode = case["mode"] if case["mode"] != "valid" else "full"
    x, h = ints(case["image"], case["seed"]), ints(case["kernel"], case["seed"] + 1)
    e = expand(op, case["image"], case["kernel"], origin=case["origin"], mode=mode,
               dilation=d, x=x, h=h)
    fn = scipy.signal.convolve if op == "conv" else scipy.signal.correlate
    np.testing.assert_array_equal(e.values(), fn(x, dilate(h, d), mode, method="direct"))


@SETTINGS
@given(n=st.integers(1, 9), k=st.integers(1, 5), s=st.integers(1, 4),
       mode=st.sampled_from(MODES), op=st.sampled_from(("conv", "corr")),
       seed=st.integers(0, 2**31))
def test_stride_under_a_mode_samples_natural_positions(n: int, k: int, s: int, mode: str,
                                                       op: str, seed: int) -> None:
    """With a mode, y[m] is the unstrided output at natural position s*m (indices stay the
    m of y[m] = sum_i x[i] h[s*m - i])."""
    x, h = ints((n,), seed), ints((k,), seed + 1)
    plain = expand(op, n, k, origin="corner", mode=mode, x=x, h=h)
    if not any(i[0] % s == 0 for i in plain.indices()):
        with pytest.raises(InputError, match=f"stride {s} leaves no output"):
            expand(op, n, k, origin="corner", mode=mode, stride=s)
        return
    strided = expand(op, n, k, origin="corner", mode=mode, stride=s, x=x, h=h)
    by_index = dict(zip((i[0] for i in plain.indices()), plain.values().tolist(), strict=True))
    got = dict(zip((i[0] for i in strided.indices()), strided.values().tolist(), strict=True))
    assert got == {m: by_index[s * m] for m in got}
    assert set(got) == {v // s for v in by_index if v % s == 0}


@SETTINGS
@given(n=st.tuples(st.integers(1, 6), st.integers(1, 6)),
       k=st.tuples(st.integers(1, 4), st.integers(1, 4)),
       mode=st.sampled_from(("full", "same")),
       boundary=st.sampled_from(("circular", "reflect", "replicate", "symmetric")),
       op=st.sampled_from(("conv", "corr")), seed=st.integers(0, 2**31))
def test_boundaries_are_numpy_pad_then_valid(n: tuple[int, int], k: tuple[int, int],
                                             mode: str, boundary: str, op: str,
                                             seed: int) -> None:
    np_mode = {"circular": "wrap", "reflect": "reflect", "replicate": "edge",
               "symmetric": "symmetric"}[boundary]
    if np_mode == "reflect" and min(n) == 1:
        n = (max(n[0], 2), max(n[1], 2))  # numpy.pad cannot reflect a single element
    x, h = ints(n, seed), ints(k, seed + 1)
    pads = [(kk - 1, kk - 1) for kk in k]
    fn = scipy.signal.convolve if op == "conv" else scipy.signal.correlate
    full = fn(np.pad(x, pads, mode=np_mode), h, "valid", method="direct")
    if mode == "same":
        # scipy's 'same': the centred slice of 'full', starting at (k-1)//2.
        full = full[tuple(slice((kk - 1) // 2, (kk - 1) // 2 + nn)
                          for kk, nn in zip(k, n, strict=True))]
    e = expand(op, n, k, mode=mode, padding_mode=boundary, x=x, h=h)
    np.testing.assert_array_equal(e.values(), full)


@SETTINGS
@given(case=nd_case(), padding=st.integers(0, 2), stride=st.integers(1, 2))
def test_corr_reflected_is_corr_reversed_under_padding(case: dict[str, Any], padding: int,
                                                      stride: int) -> None:
    image = tuple(max(n, k) for n, k in zip(case["image"], case["kernel"], strict=True))
    x, h = ints(image, case["seed"]), ints(case["kernel"], case["seed"] + 1)
    kw = dict(origin=case["origin"], padding=padding, stride=stride, x=x, h=h)
    corr = expand("corr", image, case["kernel"], **kw)
    refl = expand("corr-reflected", image, case["kernel"], **kw)
    np.testing.assert_array_equal(refl.values(), corr.values()[(slice(None, None, -1),)
                                                               * len(image)])
    for idx in list(refl.indices())[:6]:
        assert refl.expr(idx) == corr.expr(tuple(-v for v in idx))
