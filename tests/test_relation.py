"""The affine index relation ``i = s*m + sigma*d*k + c``: its coefficients, domains,
boundary rules, exact term counts and vectorised enumeration (against brute force)."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from conftest import need_module
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from symconv.errors import InputError, LimitError
from symconv.index.notation import kernel_index, linear_terms, plugged_kernel_index
from symconv.index.relation import AffineAxis, ChannelAxis, Relation, map_boundary
from symconv.index.request import operation


def axis(op: str, n: int, k: int, **kw: Any) -> AffineAxis:
    (f,) = operation(op, n, k, **kw).relation.factors
    assert isinstance(f, AffineAxis)
    return f


# -- coefficients and windows ----------------------------------------------------------------
@pytest.mark.parametrize(("op", "n", "k", "kw", "expected"), [
    # (stride, sigma, dilation, offset, out_lo, out_count)
    pytest.param("conv", 7, 3, dict(mode="same"), (1, -1, 1, 0, -3, 7), id="conv-same-center"),
    pytest.param("corr", 7, 3, dict(mode="same"), (1, 1, 1, 0, -3, 7), id="corr-same-center"),
    pytest.param("corr-reflected", 7, 3, dict(mode="same"), (-1, 1, 1, 0, -3, 7),
                 id="corr-reflected-same"),
    pytest.param("conv", 5, 3, dict(mode="full", origin="corner"), (1, -1, 1, 0, 0, 7),
                 id="conv-full-corner"),
    pytest.param("corr", 5, 3, dict(mode="full", origin="corner"), (1, 1, 1, 0, -2, 7),
                 id="corr-full-corner"),
    pytest.param("corr-reflected", 5, 3, dict(mode="full", origin="corner"),
                 (-1, 1, 1, 0, -4, 7), id="corr-reflected-full-corner"),
    pytest.param("conv", 5, 3, dict(mode="valid", origin="corner"), (1, -1, 1, 0, 2, 3),
                 id="conv-valid-corner"),
    pytest.param("corr", 5, 3, dict(mode="valid", origin="corner"), (1, 1, 1, 0, 0, 3),
                 id="corr-valid-corner"),
    pytest.param("corr", 3, 5, dict(mode="valid", origin="corner"), (1, 1, 1, 0, -2, 3),
                 id="corr-valid-kernel-longer"),
    pytest.param("corr", 8, 3, dict(mode="valid", origin="corner", stride=2, dilation=2),
                 (2, 1, 2, 0, 0, 2), id="corr-valid-stride-dilation"),
    pytest.param("corr", 7, 3, dict(padding=1, origin="corner"), (1, 1, 1, -1, 0, 7),
                 id="padding-1-corner"),
    pytest.param("corr", 7, 3, dict(padding=1, origin="center"), (1, 1, 1, 0, -3, 7),
                 id="padding-1-center"),
    pytest.param("corr", 7, 3, dict(padding=0, origin="corner", stride=2), (2, 1, 1, 0, 0, 3),
                 id="padding-0-stride-2"),
    pytest.param("conv", 7, 3, dict(padding=0, origin="corner"), (1, -1, 1, 2, 0, 5),
                 id="conv-padding-0-corner"),
    pytest.param("corr", 6, 2, dict(padding="same", origin="corner"), (1, 1, 1, 0, 0, 6),
                 id="padding-same-even-kernel"),
])
def test_axis_coefficients(op: str, n: int, k: int, kw: dict[str, Any],
                           expected: tuple[int, ...]) -> None:
    f = axis(op, n, k, **kw)
    assert (f.stride, f.sigma, f.dilation, f.offset, f.out_lo, f.out_count) == expected


@pytest.mark.parametrize(("n", "k", "mode", "convention", "count"), [
    pytest.param(5, 3, "full", "scipy", 7, id="full"),
    pytest.param(5, 3, "same", "scipy", 5, id="same"),
    pytest.param(5, 3, "valid", "scipy", 3, id="valid"),
    pytest.param(3, 5, "same", "scipy", 3, id="same-scipy-long-kernel"),
    pytest.param(3, 5, "same", "numpy", 5, id="same-numpy-long-kernel"),
    pytest.param(3, 5, "valid", "numpy", 3, id="valid-numpy-long-kernel"),
    pytest.param(1, 1, "full", "numpy", 1, id="one-by-one"),
])
def test_mode_lengths(n: int, k: int, mode: str, convention: str, count: int) -> None:
    assert axis("conv", n, k, mode=mode, convention=convention).out_count == count


# -- boundary rules against numpy.pad --------------------------------------------------------
BOUNDARY_CASES = [
    pytest.param(boundary, np_mode, n, lo, id=f"{boundary}-n{n}-lo{lo}")
    for boundary, np_mode in (("circular", "wrap"), ("reflect", "reflect"),
                              ("symmetric", "symmetric"), ("replicate", "edge"))
    for n in (1, 2, 3, 5) for lo in (0, -2)
    if not (np_mode == "reflect" and n == 1)  # numpy.pad cannot reflect one element
]


@pytest.mark.parametrize(("boundary", "np_mode", "n", "lo"), BOUNDARY_CASES)
def test_map_boundary_matches_numpy_pad(boundary: str, np_mode: str, n: int, lo: int) -> None:
    reach = 3 * n + 2
    idx = np.arange(lo - reach, lo + n + reach)
    mapped, valid = map_boundary(idx, lo, n, boundary)
    padded = np.pad(np.arange(lo, lo + n), reach, mode=np_mode)
    np.testing.assert_array_equal(mapped, padded)
    assert valid.all()


def test_map_boundary_reflect_single_element_is_constant() -> None:
    mapped, valid = map_boundary(np.arange(-3, 4), 0, 1, "reflect")
    assert mapped.tolist() == [0] * 7 and valid.all()


def test_map_boundary_zeros_marks_outside_invalid() -> None:
    mapped, valid = map_boundary(np.arange(-2, 5), -1, 3, "zeros")
    assert mapped.tolist() == list(range(-2, 5))
    assert valid.tolist() == [False, True, True, True, False, False, False]


# -- solving and footprints ------------------------------------------------------------------
def test_solve_kernel_and_footprint() -> None:
    f = axis("corr", 8, 3, mode="valid", origin="corner", stride=2, dilation=2)
    assert f.solve_kernel(1, 4) == 1
    assert f.solve_kernel(1, 3) == Fraction(1, 2)
    assert f.footprint(1) == (2, 6)
    c = axis("conv", 7, 3, mode="same")
    assert c.solve_kernel(1, 0) == 1 and c.solve_kernel(1, 3) == -2
    assert c.footprint(1) == (0, 2)


@pytest.mark.parametrize(("op", "kw", "text"), [
    pytest.param("conv", {}, "m-i", id="conv"),
    pytest.param("corr", {}, "i-m", id="corr"),
    pytest.param("corr-reflected", {}, "m+i", id="corr-reflected"),
    pytest.param("corr", dict(stride=2, padding=0, origin="corner"), "i-2m", id="stride"),
    pytest.param("corr", dict(dilation=2, mode="full", origin="corner"), "(i-m)/2",
                 id="dilation"),
    pytest.param("corr", dict(padding=1, origin="corner"), "i-m+1", id="offset"),
])
def test_kernel_index_as_written(op: str, kw: dict[str, Any], text: str) -> None:
    assert kernel_index(axis(op, 7, 3, **kw), "m", "i") == text


def test_plugged_kernel_index_as_the_article_writes_it() -> None:
    f = axis("conv", 7, 3, mode="same")
    assert plugged_kernel_index(f, 1, 0) == "1-0"
    assert plugged_kernel_index(f, 1, -1) == "1-(-1)"
    assert plugged_kernel_index(axis("corr", 7, 3, mode="same"), 1, 0) == "0-1"  # i-m
    assert kernel_index(f, 1, 3) == "-2"


@pytest.mark.parametrize(("coeffs", "const", "text"), [
    pytest.param([(1, "m"), (-1, "i")], 0, "m-i", id="m-minus-i"),
    pytest.param([(-1, "m"), (1, "i")], 0, "i-m", id="positive-first"),
    pytest.param([(-2, "m"), (1, "i")], -1, "i-2m-1", id="coefficient-constant"),
    pytest.param([], 3, "3", id="constant-only"),
    pytest.param([(0, "m")], 0, "0", id="zero"),
    pytest.param([(Fraction(1, 2), "i")], 0, "1/2i", id="fraction"),
])
def test_linear_terms(coeffs: Any, const: int, text: str) -> None:
    assert linear_terms(coeffs, const) == text


# -- channels --------------------------------------------------------------------------------
@pytest.mark.parametrize(("c_in", "c_out", "groups", "expected"), [
    pytest.param(4, 6, 2, [[0, 1], [0, 1], [0, 1], [2, 3], [2, 3], [2, 3]], id="two-groups"),
    pytest.param(3, 3, 3, [[0], [1], [2]], id="depthwise"),
    pytest.param(2, 2, 1, [[0, 1], [0, 1]], id="dense"),
])
def test_channel_axis_groups(c_in: int, c_out: int, groups: int,
                             expected: list[list[int]]) -> None:
    f = ChannelAxis(c_in, c_out, groups)
    img, ker, valid = f.table()
    assert img[..., 0].tolist() == expected
    assert ker[..., 0].tolist() == [[o] * f.taps for o in range(c_out)]
    assert ker[..., 1].tolist() == [list(range(f.taps))] * c_out
    assert valid.all()


# -- counts and enumeration against brute force ----------------------------------------------
def brute_force(rel: Relation) -> list[tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]]:
    """(output, pixel, kernel) for every output, from each factor's formula, no NumPy tricks."""
    per: list[list[list[tuple[tuple[int, ...], tuple[int, ...]]]]] = []
    for f in rel.factors:
        rows = []
        for m in range(f.out_lo, f.out_lo + f.out_count):
            pairs = []
            if isinstance(f, ChannelAxis):
                for t in range(f.taps):
                    pairs.append(((int(f.input_channel(m, t)),), (m, t)))
            else:
                for k in range(f.ker_lo, f.ker_lo + f.ker_size):
                    i = f.stride * m + f.sigma * f.dilation * k + f.offset
                    mapped, ok = map_boundary(np.array([i]), f.img_lo, f.img_size,
                                              f.boundary)
                    if ok[0]:
                        pairs.append(((int(mapped[0]),), (k,)))
            rows.append(pairs)
        per.append(rows)
    out = []
    for ms in itertools.product(*[range(len(p)) for p in per]):
        idx = tuple(f.out_lo + m for f, m in zip(rel.factors, ms, strict=True))
        for combo in itertools.product(*[per[j][m] for j, m in enumerate(ms)]):
            x = tuple(v for c in combo for v in c[0])
            h = tuple(v for c in combo for v in c[1])
            out.append((idx, x, h))
    return out


@st.composite
def relations(draw: Any) -> Relation:
    dims = draw(st.integers(1, 3))
    layer = draw(st.booleans())
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    dil = draw(st.integers(1, 2))
    image = tuple(draw(st.integers(dil * (k - 1) + 1, 6)) for k in kernel)
    opts: dict[str, Any] = dict(origin=draw(st.sampled_from(("center", "corner"))),
                                dilation=dil, axes=draw(st.sampled_from(("xy", "ij"))))
    op = draw(st.sampled_from(("conv", "corr", "corr-reflected")))
    if layer:
        g = draw(st.integers(1, 2))
        image = (g * draw(st.integers(1, 2)),) + image
        kernel = (g * draw(st.integers(1, 2)), image[0] // g) + kernel
        opts.update(layer=True, groups=g, padding=draw(st.integers(0, 1)),
                    stride=draw(st.integers(1, 2)))
    elif draw(st.booleans()):
        opts.update(mode=draw(st.sampled_from(("full", "same", "valid"))),
                    padding_mode=draw(st.sampled_from(("zeros", "circular", "reflect",
                                                       "replicate", "symmetric"))))
        if opts["mode"] == "valid":
            opts["padding_mode"] = "zeros"
        opts["stride"] = draw(st.integers(1, 2))
    else:
        opts.update(padding=draw(st.integers(0, 2)), stride=draw(st.integers(1, 3)))
    try:
        return operation(op, image, kernel, **opts).relation
    except InputError as exc:  # a strided window can hold no natural position
        assert "leaves no output" in str(exc)
        assume(False)
        raise


@settings(max_examples=120, deadline=None)
@given(rel=relations(), reverse=st.booleans())
def test_enumerate_equals_brute_force(rel: Relation, reverse: bool) -> None:
    order = tuple(range(len(rel.factors)))
    if reverse:
        order = order[::-1]
    t = rel.enumerate(order)
    assert t.count == rel.term_count() == t.starts[-1]
    assert t.out_shape == rel.out_shape
    expected = brute_force(rel)
    got = []
    for p in range(len(t.starts) - 1):
        idx = t.output_index(p)
        for j in range(int(t.starts[p]), int(t.starts[p + 1])):
            got.append((idx, tuple(int(v) for v in t.image[j]),
                        tuple(int(v) for v in t.kernel[j])))
    # Same terms per output; within an output, taps follow the requested factor order.
    assert sorted(got) == sorted(expected)
    assert [g[0] for g in got] == [e[0] for e in expected]
    for p in range(len(t.starts) - 1):
        block = t.kernel[int(t.starts[p]):int(t.starts[p + 1])]
        key = [tuple(row[_columns(rel, j)] for j in order) for row in block.tolist()]
        assert key == sorted(key)


def _columns(rel: Relation, j: int) -> Any:
    """The kernel columns of factor ``j`` (a channel factor has two), as a slice key."""
    start = sum(f.ker_dims for f in rel.factors[:j])
    return slice(start, start + rel.factors[j].ker_dims)


def test_enumerate_display_order_under_xy() -> None:
    """Tap order (1, 0): the second (vertical) index is the slow one, as rows are read."""
    rel = operation("conv", "7x7", "3x3", mode="same").relation
    t = rel.enumerate((1, 0))
    p = int(np.ravel_multi_index((4, 4), rel.out_shape))  # y[1, 1]
    block = t.kernel[int(t.starts[p]):int(t.starts[p + 1])].tolist()
    assert block == [[k, j] for j in (-1, 0, 1) for k in (-1, 0, 1)]
    t0 = rel.enumerate()
    block0 = t0.kernel[int(t0.starts[p]):int(t0.starts[p + 1])].tolist()
    assert block0 == [[k, j] for k in (-1, 0, 1) for j in (-1, 0, 1)]


def test_enumerate_empty_outputs() -> None:
    """A strided full window can leave outputs with no term at all; starts stay consistent."""
    rel = operation("corr", 3, 1, mode="full", origin="corner").relation
    t = rel.enumerate()
    assert np.diff(t.starts).tolist() == [1, 1, 1]
    rel = operation("corr", "2x2", "1x1", padding=1, origin="corner").relation
    t = rel.enumerate()
    assert t.count == 4 and rel.out_shape == (4, 4)
    assert int(np.count_nonzero(np.diff(t.starts))) == 4


def test_term_count_without_enumerating_and_limit() -> None:
    rel = operation("corr", "30000x30000", "3x3", mode="same").relation
    assert rel.term_count() == (3 * 30000 - 2) ** 2
    with pytest.raises(LimitError, match=r"8,099,640,004 product terms.*--max-terms"):
        rel.enumerate()
    small = operation("corr", 5, 3, mode="same").relation
    assert small.check_size(13 + 5) == 13  # 13 terms, 5 outputs
    with pytest.raises(LimitError, match="13 product terms and 5 outputs, 18 in all .* over "
                                         "the limit of 17"):
        small.check_size(17)


@settings(max_examples=100, deadline=None)
@given(rel=relations(), reverse=st.booleans(), data=st.data())
def test_enumerate_at_is_that_outputs_block(rel: Relation, reverse: bool, data: Any) -> None:
    """One output enumerated alone gives exactly its block of the whole table, in order."""
    order = tuple(range(len(rel.factors)))[::-1 if reverse else 1]
    full = rel.enumerate(order)
    p = data.draw(st.integers(0, len(full.starts) - 2))
    index = full.output_index(p)
    one = rel.enumerate_at(index, order)
    s, e = int(full.starts[p]), int(full.starts[p + 1])
    assert one.out_shape == (1,) * len(index) and one.out_lo == index
    assert one.starts.tolist() == [0, e - s]
    np.testing.assert_array_equal(one.image, full.image[s:e])
    np.testing.assert_array_equal(one.kernel, full.kernel[s:e])


@st.composite
def expansions(draw: Any) -> Any:
    from symconv.expansion import Expansion

    rel_op = draw(st.sampled_from(("conv", "corr", "corr-reflected")))
    dims = draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    dil = draw(st.integers(1, 2))
    image = tuple(draw(st.integers(dil * (k - 1) + 1, 6)) for k in kernel)
    opts: dict[str, Any] = dict(origin=draw(st.sampled_from(("center", "corner"))),
                                dilation=dil, axes=draw(st.sampled_from(("xy", "ij"))))
    if draw(st.booleans()):
        g = draw(st.integers(1, 2))
        image = (g * draw(st.integers(1, 2)),) + image
        kernel = (g * draw(st.integers(1, 2)), image[0] // g) + kernel
        opts.update(layer=True, groups=g, padding=draw(st.integers(0, 1)),
                    stride=draw(st.integers(1, 2)))
    elif draw(st.booleans()):
        opts.update(mode=draw(st.sampled_from(("full", "same"))),
                    padding_mode=draw(st.sampled_from(("zeros", "circular", "reflect",
                                                       "replicate", "symmetric"))))
    else:
        opts.update(padding=draw(st.integers(0, 2)), stride=draw(st.integers(1, 3)))
    e = Expansion(operation(rel_op, image, kernel, **opts))
    index = e.terms_table.output_index(draw(st.integers(0, len(e.terms_table.starts) - 2)))
    return e, index


@settings(max_examples=150, deadline=None)
@given(case=expansions())
def test_worked_example_agrees_with_the_terms(case: Any) -> None:
    """The worked example's valid rows are exactly the output's terms (pixel after the
    boundary rule, kernel index, entry); the patch is their box; the grid names them."""
    e, index = case
    we = e.worked_example(index)
    rows = {((r.source or r.x), r.h, r.entry) for r in we.rows if r.valid}
    terms = {(t.x, t.h, t.entry) for t in e.terms(index)}
    assert rows == terms
    assert len([r for r in we.rows if r.valid]) == len(e.terms(index))
    valid_x = [r.x for r in we.rows if r.valid]
    if valid_x:
        arr = np.array(valid_x)
        assert we.patch == (tuple(arr.min(0).tolist()), tuple(arr.max(0).tolist()))
        names = [c for c in np.array(we.grid, dtype=object).ravel().tolist() if c is not None]
        assert sorted(names) == sorted(r.entry for r in we.rows if r.valid)
    else:
        assert we.patch is None and we.grid == []
    for r in we.rows:
        assert all(lo <= v <= hi for v, lo, hi in zip(r.x, *we.window, strict=True))


# -- the input stride u: u*i = s*m + sigma*d*k + c -------------------------------------------
def _transposed_axis(n: int, k: int, s: int, p: int, d: int, a: int) -> AffineAxis:
    """PyTorch's conv_transpose1d as one relation row: ``s*i = o - d*k + p`` (u = s, output
    stride 1, sigma -1), on the outputs ``0 .. (n-1)s - 2p + d(k-1) + a``."""
    count = (n - 1) * s - 2 * p + d * (k - 1) + a + 1
    return AffineAxis(1, -1, d, p, 0, count, 0, n, 0, k, in_stride=s)


def test_input_stride_solves_and_bounds_like_the_formula() -> None:
    f = _transposed_axis(4, 3, 2, 0, 1, 0)
    # output 3 = 2*i + k: pixels 1 (k=1) and 0 (k=3: no such tap), i.e. 2i = 3 - k.
    assert f.solve_kernel(3, 1) == 1
    assert f.solve_kernel(3, 0) == 3
    assert f.solve_kernel(3, 2) == -1
    assert f.footprint(3) == (1, 1)  # u*i in 1..3 -> i = 1 only
    assert f.footprint(4) == (1, 2)
    assert kernel_index(f, "m", "i") == "m-2i"
    img, ker, valid = f.table()
    # the table lists ceil(K / (u/gcd(u, d))) = 2 tap slots per output, not the 3 taps:
    # only one tap in two reaches a pixel from a given output
    assert valid.shape == (f.out_count, 2) and f.taps == 2
    # only the taps whose s*m - d*k + c is divisible by u = 2 are terms
    assert [int(v) for v in valid.sum(axis=1)] == [1, 1, 2, 1, 2, 1, 2, 1, 1]
    assert all((3 - 2 * int(i) == int(k)) for i, k, ok in zip(
        img[3, :, 0], ker[3, :, 0], valid[3], strict=True) if ok)


@settings(max_examples=80, deadline=None)
@given(n=st.integers(1, 5), k=st.integers(1, 4), s=st.integers(1, 3), p=st.integers(0, 2),
       d=st.integers(1, 2), a=st.integers(0, 2), data=st.data())
def test_input_stride_relation_equals_torch_conv_transpose(n: int, k: int, s: int, p: int,
                                                           d: int, a: int, data: Any) -> None:
    """A transposed convolution is a new row of the relation, not new code: its enumeration,
    summed with values, equals torch.nn.functional.conv_transpose1d."""
    torch = need_module("torch")
    assume(a < max(s, d))
    assume((n - 1) * s - 2 * p + d * (k - 1) + a + 1 >= 1)
    f = _transposed_axis(n, k, s, p, d, a)
    rel = Relation((f,))
    x = np.array(data.draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n)))
    h = np.array(data.draw(st.lists(st.integers(-5, 5), min_size=k, max_size=k)))
    t = rel.enumerate()
    assert t.count == rel.term_count()
    prod = x[t.image[:, 0]] * h[t.kernel[:, 0]]
    ours = np.array([prod[t.starts[j]:t.starts[j + 1]].sum() for j in range(f.out_count)])
    ref = torch.nn.functional.conv_transpose1d(
        torch.tensor(x, dtype=torch.float64).reshape(1, 1, n),
        torch.tensor(h, dtype=torch.float64).reshape(1, 1, k),
        stride=s, padding=p, output_padding=a, dilation=d).reshape(-1).numpy()
    assert ours.tolist() == ref.astype(np.int64).tolist()
    # the brute force of the relation's own definition agrees term for term
    brute = sorted((m, i, kk) for m in range(f.out_count) for kk in range(k) for i in range(n)
                   if s * i == m - d * kk + p)
    got = sorted((m, int(t.image[j, 0]), int(t.kernel[j, 0]))
                 for m in range(f.out_count) for j in range(t.starts[m], t.starts[m + 1]))
    assert got == brute


@settings(max_examples=300, deadline=None)
@given(stride=st.integers(1, 5), sigma=st.sampled_from([1, -1]), dilation=st.integers(1, 4),
       offset=st.integers(-12, 12), out_lo=st.integers(-8, 8), out_count=st.integers(1, 30),
       img_lo=st.integers(-6, 6), img_size=st.integers(1, 12), ker_lo=st.integers(-3, 3),
       ker_size=st.integers(1, 7), in_stride=st.integers(1, 4),
       boundary=st.sampled_from(["zeros", "circular"]))
def test_valid_count_arithmetic_equals_the_table(stride: int, sigma: int, dilation: int,
                                                 offset: int, out_lo: int, out_count: int,
                                                 img_lo: int, img_size: int, ker_lo: int,
                                                 ker_size: int, in_stride: int,
                                                 boundary: str) -> None:
    """The term count the size limit reads (per tap, the outputs whose index is an integer
    inside the image) equals counting the dense table, strides and zero insertion included."""
    import symconv.index.relation as relation

    axis = AffineAxis(stride, sigma, dilation, offset, out_lo, out_count, img_lo, img_size,
                      ker_lo, ker_size, boundary, in_stride)
    table = int(axis.table()[2].sum())
    saved = relation.MAX_AXIS_PAIRS
    relation.MAX_AXIS_PAIRS = 0  # force the arithmetic path
    try:
        assert axis.valid_count() == table
    finally:
        relation.MAX_AXIS_PAIRS = saved


# -- the per-first-factor enumeration is the dense one --------------------------------------
@settings(max_examples=150, deadline=None)
@given(op=st.sampled_from(["conv", "corr", "corr-reflected", "conv-transpose"]),
       nd=st.integers(2, 3), data=st.data())
def test_block_enumeration_equals_the_dense_layout(op: str, nd: int, data: Any) -> None:
    """Relation.enumerate builds the terms per output of the first factor when some pairs
    are invalid: the same index columns, in the same order, as the dense masked layout,
    for every operation, boundary, stride, dilation, layer and tap order."""
    import itertools

    from symconv.index import relation as rel_mod
    from symconv.index.request import operation

    n = tuple(data.draw(st.integers(1, 7)) for _ in range(nd))
    k = tuple(data.draw(st.integers(1, 4)) for _ in range(nd))
    kw: dict[str, Any] = {"stride": data.draw(st.integers(1, 3)),
                          "dilation": data.draw(st.integers(1, 2))}
    if op == "conv-transpose":
        kw["origin"] = "corner"
        kw["padding"] = data.draw(st.integers(0, 1))
    else:
        choice = data.draw(st.sampled_from(["full", "same", "valid", "circular", "layer"]))
        if choice in ("full", "same", "valid"):
            if choice == "valid" and not all(a >= b for a, b in zip(n, k, strict=True)):
                choice = "full"
            kw["mode"] = choice
        elif choice == "circular":
            kw.update(padding="same", padding_mode="circular", stride=1)
        else:
            kw.update(layer=True, origin="corner", mode=None)
            n, k = (2,) + n[1:], (3, 2) + k[1:]
    try:
        r = operation(op, n, k, **kw).relation
    except InputError:
        return
    order = data.draw(st.sampled_from(list(itertools.permutations(range(len(r.factors))))))
    tables = [f.table() for f in r.factors]
    img, ker = rel_mod._dense_columns(tables, [f.taps for f in r.factors], order, r.out_shape)
    saved = rel_mod._MIN_BLOCK
    rel_mod._MIN_BLOCK = 0  # the block path on every relation, small ones too
    try:
        t = r.enumerate(tap_order=order, max_terms=10**8)
    finally:
        rel_mod._MIN_BLOCK = saved
    assert np.array_equal(t.image.T, img) and np.array_equal(t.kernel.T, ker)
    assert t.starts[-1] == img.shape[1] == r.term_count()
