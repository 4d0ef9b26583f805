"""Every worked example and number in ARTICLE.md, from symconv's own engine.

The article (Draelos 2019): a 7x7 image and a 3x3 kernel indexed from the centre, first index
horizontal (``axes='xy'``), kernel values ``a..i`` in reading order.  The thread: NumPy's 1-D
arrays, 0-based, no padding, stride 1.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import scipy.signal
import sympy

from symconv.expansion import entry_class, expand

ARTICLE = dict(origin="center", axes="xy", mode="same")
THREAD = dict(origin="corner", mode="valid")
F = [2, 1, 3, 5, 4]

CONV_GRID = [["i", "h", "g"], ["f", "e", "d"], ["c", "b", "a"]]  # figure 5: the flip
CORR_GRID = [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]]  # figure 8: unflipped
RED_PATCH = ((0, 0), (2, 2))
GREEN_PATCH = ((-2, -2), (0, 0))


def article(op: str) -> Any:
    return expand(op, "7x7", "3x3", **ARTICLE)


# -- the kernel layout (figure 2) -----------------------------------------------------------
@pytest.mark.parametrize(("kidx", "name"), [
    pytest.param((-1, -1), "a", id="a-top-left"), pytest.param((0, -1), "b", id="b"),
    pytest.param((1, -1), "c", id="c-top-right"), pytest.param((-1, 0), "d", id="d"),
    pytest.param((0, 0), "e", id="e-centre"), pytest.param((1, 0), "f", id="f"),
    pytest.param((-1, 1), "g", id="g-bottom-left"), pytest.param((0, 1), "h", id="h"),
    pytest.param((1, 1), "i", id="i-bottom-right"),
])
def test_kernel_entry_names_as_drawn(kidx: tuple[int, int], name: str) -> None:
    assert article("conv").entry_name(kidx) == name


def test_image_indices_run_from_minus_three() -> None:
    e = article("conv")
    assert e.operation.image.lo == (-3, -3) and e.operation.image.hi == (3, 3)
    assert e.operation.kernel.lo == (-1, -1) and e.operation.kernel.hi == (1, 1)
    assert e.out_lo == (-3, -3) and e.shape == (7, 7)


# -- figures 4/5: convolution y[1,1]; figures 7/8: the article's correlation y[-1,-1] -------
@pytest.mark.parametrize(("op", "at", "grid", "patch", "expr"), [
    pytest.param("conv", (1, 1), CONV_GRID, RED_PATCH,
                 "a*x[2, 2] + b*x[1, 2] + c*x[0, 2] + d*x[2, 1] + e*x[1, 1] + f*x[0, 1] "
                 "+ g*x[2, 0] + h*x[1, 0] + i*x[0, 0]", id="fig4-5-conv-y11"),
    pytest.param("corr-reflected", (-1, -1), CORR_GRID, RED_PATCH,
                 "a*x[0, 0] + b*x[1, 0] + c*x[2, 0] + d*x[0, 1] + e*x[1, 1] + f*x[2, 1] "
                 "+ g*x[0, 2] + h*x[1, 2] + i*x[2, 2]", id="fig7-8-corr-reflected-y-1-1"),
    pytest.param("corr", (1, 1), CORR_GRID, RED_PATCH,
                 "a*x[0, 0] + b*x[1, 0] + c*x[2, 0] + d*x[0, 1] + e*x[1, 1] + f*x[2, 1] "
                 "+ g*x[0, 2] + h*x[1, 2] + i*x[2, 2]", id="standard-corr-y11"),
    pytest.param("corr-reflected", (1, 1), CORR_GRID, GREEN_PATCH,
                 "a*x[-2, -2] + b*x[-1, -2] + c*x[0, -2] + d*x[-2, -1] + e*x[-1, -1] "
                 "+ f*x[0, -1] + g*x[-2, 0] + h*x[-1, 0] + i*x[0, 0]",
                 id="fig6-green-corr-reflected-y11"),
])
def test_worked_examples(op: str, at: tuple[int, int], grid: list[list[str]],
                         patch: Any, expr: str) -> None:
    e = article(op)
    we = e.worked_example(at)
    assert we.grid == grid
    assert we.patch == patch
    assert e.expr_str(at) == expr
    assert str(e.expr(at)) == expr
    assert sum(r.valid for r in we.rows) == 9


def test_fig4_rows_cover_i_and_j_up_to_three() -> None:
    """The article's table runs i, j = 0..3 on purpose: the row/column at 3 is invalid."""
    we = article("conv").worked_example((1, 1))
    rows = {r.x: r for r in we.rows}
    for i in range(4):
        for j in range(4):
            r = rows[(i, j)]
            assert r.h == (1 - i, 1 - j)  # h[1-i, 1-j], solved
            assert r.valid == (i < 3 and j < 3)
            assert (r.entry is not None) == r.valid
    assert rows[(0, 0)].entry == "i" and rows[(2, 2)].entry == "a"
    assert rows[(1, 0)].entry == "h"


@pytest.mark.parametrize(("pixel", "kernel_index", "valid"), [
    pytest.param((0, 3), (1, -2), False, id="x03-needs-h1-minus2"),
    pytest.param((0, -1), (1, 2), False, id="x0-minus1-needs-h12"),
    pytest.param((3, 0), (-2, 1), False, id="x30-needs-h-minus2-1"),
    pytest.param((0, 0), (1, 1), True, id="x00-is-i"),
])
def test_claim_which_pixel_needs_which_kernel_index(pixel: tuple[int, int],
                                                    kernel_index: tuple[int, int],
                                                    valid: bool) -> None:
    rows = {r.x: r for r in article("conv").worked_example((1, 1)).rows}
    assert rows[pixel].h == kernel_index
    assert rows[pixel].valid is valid


def test_no_pixel_in_zero_to_three_needs_h12() -> None:
    """The article says i=3 or j=3 reaches 'kernel element (1,2)'; it is x[0,-1] that does."""
    rows = article("conv").worked_example((1, 1)).rows
    needers = [r.x for r in rows if r.h == (1, 2)]
    assert needers == [(0, -1)]


# -- figure 7 (ConvolutionOutput / CrossCorrelationOutput): patches for every output --------
def test_every_output_patch_conv_and_corr_reflected() -> None:
    conv, refl, corr = article("conv"), article("corr-reflected"), article("corr")
    for m in range(-3, 4):
        for n in range(-3, 4):
            def clip(lo: tuple[int, int], hi: tuple[int, int]) -> Any:
                return (tuple(max(v, -3) for v in lo), tuple(min(v, 3) for v in hi))
            assert conv.worked_example((m, n)).patch == clip((m - 1, n - 1), (m + 1, n + 1))
            assert corr.worked_example((m, n)).patch == clip((m - 1, n - 1), (m + 1, n + 1))
            assert refl.worked_example((m, n)).patch == clip((-m - 1, -n - 1),
                                                             (-m + 1, -n + 1))


def test_traversal_direction_in_output_order() -> None:
    """In output order the convolution's patch moves right/down; the article's
    correlation h[m+i] moves left/up (its output map is the point reflection)."""
    conv, refl = article("conv"), article("corr-reflected")
    conv_cols = [conv.worked_example((m, 0)).patch[0][0] for m in range(-2, 3)]
    refl_cols = [refl.worked_example((m, 0)).patch[0][0] for m in range(-2, 3)]
    assert conv_cols == sorted(conv_cols) and len(set(conv_cols)) == 5
    assert refl_cols == sorted(refl_cols, reverse=True) and len(set(refl_cols)) == 5


def test_corr_reflected_is_corr_read_at_minus_m() -> None:
    corr, refl = article("corr"), article("corr-reflected")
    for m, n in [(1, 1), (-1, 2), (3, -3), (0, 0)]:
        assert refl.expr((m, n)) == corr.expr((-m, -n))


def test_convolution_flips_kernel_on_every_axis() -> None:
    """conv with the kernel turned by 180 degrees is correlation, term by term."""
    conv, corr = article("conv"), article("corr")
    for idx in [(1, 1), (0, 0), (-2, 3)]:
        conv_terms = {(t.x, t.h) for t in conv.terms(idx)}
        corr_terms = {(t.x, tuple(-k for k in t.h)) for t in corr.terms(idx)}
        assert conv_terms == corr_terms


# -- the kernel entry named h is not the kernel h -------------------------------------------
def test_entry_h_is_not_the_kernel_h() -> None:
    e = article("conv")
    expr = e.expr((1, 1))
    Entry = entry_class()
    entries = {s.name: s for s in expr.atoms(Entry)}
    ent_h = entries["h"]
    assert ent_h != sympy.Symbol("h")
    assert ent_h != sympy.IndexedBase("h").label
    assert not expr.has(sympy.Symbol("h"))
    assert expr.xreplace({sympy.Symbol("h"): 0}) == expr
    assert expr.subs(sympy.Symbol("h"), 0) == expr
    assert expr.xreplace({ent_h: 0}) != expr
    # In JSON the kernel index ("h") and the entry's name ("entry") are different keys.
    (out,) = e.to_json((1, 1))["outputs"]
    term = next(t for t in out["terms"] if t["entry"] == "h")
    assert term["h"] == [0, 1] and term["x"] == [1, 0]


def test_entry_h_with_indexed_kernel_h_in_one_expression() -> None:
    """Even next to the kernel's own IndexedBase h, the entry h stays distinct."""
    e = article("conv")
    expr = e.expr((1, 1)) + sympy.IndexedBase("h")[0, 1]
    assert len(expr.args) == 10
    named_h = [s for s in expr.free_symbols if str(s) == "h"]
    assert len(named_h) == 2  # the entry h and the label of IndexedBase('h'), kept apart
    assert {type(s) for s in named_h} == {entry_class(), sympy.Symbol}


# -- the thread's numbers --------------------------------------------------------------------
@pytest.mark.parametrize(("op", "h", "expected"), [
    pytest.param("conv", [1, -1], [-1, 2, 2, -1], id="conv-difference"),
    pytest.param("corr", [1, -1], [1, -2, -2, 1], id="corr-difference-negated"),
    pytest.param("conv", [-1, 2, -1], [-3, 0, 3], id="conv-symmetric"),
    pytest.param("corr", [-1, 2, -1], [-3, 0, 3], id="corr-symmetric"),
    pytest.param("conv", [-1, 2, 1], [1, 2, 9], id="conv-typo-h2"),
    pytest.param("corr", [-1, 2, 1], [3, 10, 11], id="corr-typo-h2"),
])
def test_thread_numbers(op: str, h: list[int], expected: list[int]) -> None:
    e = expand(op, 5, len(h), x=F, h=h, **THREAD)
    assert e.values().tolist() == expected
    ref = np.convolve(F, h, "valid") if op == "conv" else np.correlate(F, h, "valid")
    assert ref.tolist() == expected


def test_thread_typo_conv_and_corr_differ_but_symmetric_agree() -> None:
    def vals(op: str, h: list[int]) -> list[int]:
        return expand(op, 5, 3, x=F, h=h, **THREAD).values().tolist()

    assert vals("conv", [-1, 2, -1]) == vals("corr", [-1, 2, -1])
    assert vals("conv", [-1, 2, 1]) != vals("corr", [-1, 2, 1])
    first = expand("conv", 5, 2, x=F, h=[1, -1], **THREAD).values()
    assert (first == -expand("corr", 5, 2, x=F, h=[1, -1], **THREAD).values()).all()


@pytest.mark.parametrize(("image", "kernel", "shape"), [
    pytest.param("1x5", "1x1", (1, 5), id="1x1-kernel-gives-1x5"),
    pytest.param("1x5", "1x3", (1, 3), id="1x3-kernel-gives-1x3"),
    pytest.param("5", "1", (5,), id="1d-length-1"),
    pytest.param("5", "3", (3,), id="1d-length-3"),
    pytest.param("5", "2", (4,), id="1d-length-2"),
])
def test_valid_output_length_is_n_minus_k_plus_1(image: str, kernel: str,
                                                 shape: tuple[int, ...]) -> None:
    for op in ("conv", "corr", "corr-reflected"):
        assert expand(op, image, kernel, **THREAD).shape == shape


def test_thread_json_values(cli: Any) -> None:
    run = cli("expand", "corr", "--image", "5", "--kernel", "2", "--origin", "corner",
              "--mode", "valid", "--x", "2,1,3,5,4", "--h", "1,-1", "--format", "json")
    assert run.code == 0, run.err
    outs = json.loads(run.out)["outputs"]
    assert [o["value"] for o in outs] == [1, -2, -2, 1]
    assert [o["index"] for o in outs] == [[0], [1], [2], [3]]
    assert outs[0]["expr"] == "a*x[0] + b*x[1]"


@pytest.mark.parametrize("axes", ["xy", "ij"])
def test_flip_picture_does_not_depend_on_axes(axes: str) -> None:
    """Under 'ij' the first index is the row, and entries are named in that reading
    order, so the drawing of figure 5 (and figure 8) is the same picture."""
    conv = expand("conv", "7x7", "3x3", mode="same", axes=axes)
    refl = expand("corr-reflected", "7x7", "3x3", mode="same", axes=axes)
    assert conv.worked_example((1, 1)).grid == CONV_GRID
    assert refl.worked_example((-1, -1)).grid == CORR_GRID


def test_worked_example_json_with_values(cli: Any) -> None:
    x = ";".join(",".join(str(7 * j + i) for i in range(7)) for j in range(7))
    run = cli("expand", "conv", "--image", "7x7", "--kernel", "3x3", "--mode", "same",
              "--at", "1,1", "--x", x, "--h", "1,2,3;4,5,6;7,8,9", "--format", "json")
    assert run.code == 0, run.err
    (o,) = json.loads(run.out)["outputs"]
    # --x rows are array order: x[i, j] is row i, column j of what was typed (axes xy).
    xv = np.arange(49).reshape(7, 7)
    hv = np.arange(1, 10).reshape(3, 3)
    expected = sum(int(xv[t["x"][0] + 3, t["x"][1] + 3]) * int(hv[t["h"][0] + 1, t["h"][1] + 1])
                   for t in o["terms"])
    assert o["value"] == expected == int(scipy.signal.convolve(xv, hv, "same")[4, 4])
    assert o["grid"] == CONV_GRID and o["patch"] == {"from": [0, 0], "to": [2, 2]}
