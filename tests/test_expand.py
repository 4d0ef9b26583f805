"""The expansion API: expressions, arrays, term lists, entry names, values, worked examples."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy

import symconv
from symconv.errors import InputError
from symconv.expansion import Expansion, entry_class, expand
from symconv.index.request import operation


# -- expressions as str() prints them --------------------------------------------------------
@pytest.mark.parametrize(("op", "image", "kernel", "opts", "at", "text"), [
    pytest.param("conv", 5, 3, dict(origin="corner", mode="valid"), (2,),
                 "a*x[2] + b*x[1] + c*x[0]", id="conv-1d-valid"),
    pytest.param("corr", 5, 3, dict(origin="corner", mode="valid"), (0,),
                 "a*x[0] + b*x[1] + c*x[2]", id="corr-1d-valid"),
    pytest.param("corr-reflected", 5, 3, dict(mode="same"), (1,),
                 "a*x[-2] + b*x[-1] + c*x[0]", id="corr-reflected-1d"),
    pytest.param("conv", 5, 3, dict(mode="same"), (-2,), "a*x[-1] + b*x[-2]",
                 id="conv-edge-two-terms"),
    pytest.param("conv", 3, 1, dict(mode="full", origin="corner", stride=2), (1,),
                 "a*x[2]", id="single-term-is-a-mul"),
    pytest.param("corr", 5, 3, dict(mode="same", entries="p,q,r"), (0,),
                 "p*x[-1] + q*x[0] + r*x[1]", id="custom-entries"),
    pytest.param("corr", 5, 3, dict(mode="same", entries="indexed"), (0,),
                 "h[-1]*x[-1] + h[0]*x[0] + h[1]*x[1]", id="indexed-entries"),
    pytest.param("corr", 5, 3, dict(mode="same", names=dict(image="img", kernel="w",
                                                          output="z")), (0,),
                 "a*img[-1] + b*img[0] + c*img[1]", id="renamed"),
    pytest.param("corr", 12, 3, dict(origin="corner", mode="valid", entries="indexed",
                                     names=dict(image="a", kernel="w")), (8,),
                 "a[10]*w[2] + a[8]*w[0] + a[9]*w[1]",
                 id="pixels-print-first-in-string-order"),
    pytest.param("corr", 5, 3, dict(mode="same", padding_mode="replicate"), (-2,),
                 "a*x[-2] + b*x[-2] + c*x[-1]", id="replicate-repeats-a-pixel"),
    pytest.param("corr", 5, 3, dict(mode="same", padding_mode="circular"), (2,),
                 "a*x[1] + b*x[2] + c*x[-2]", id="circular-wraps"),
    pytest.param("corr", 5, 2, dict(origin="corner", mode="valid", conjugate=True), (0,),
                 "conjugate(a)*x[0] + conjugate(b)*x[1]", id="conjugate"),
    pytest.param("corr", "5x5", "3x3", dict(mode="same", axes="ij"), (0, 0),
                 "a*x[-1, -1] + b*x[-1, 0] + c*x[-1, 1] + d*x[0, -1] + e*x[0, 0] "
                 "+ f*x[0, 1] + g*x[1, -1] + h*x[1, 0] + i*x[1, 1]", id="axes-ij"),
])
def test_expression_strings(op: str, image: Any, kernel: Any, opts: dict[str, Any],
                            at: tuple[int, ...], text: str) -> None:
    e = expand(op, image, kernel, **opts)
    assert e.expr_str(at) == text
    assert str(e.expr(at)) == text


def test_empty_output_is_zero() -> None:
    e = expand("corr", "2x2", "1x1", padding=1, origin="corner")
    assert e.expr((0, 0)) == 0 and e.expr_str((0, 0)) == "0"
    assert e.terms((0, 0)) == []
    assert e.to_json((0, 0))["outputs"][0]["terms"] == []


def test_pixels_beyond_nine_print_in_sympy_string_order() -> None:
    """Regression: 'a[10]' sorts before 'a[8]' in SymPy's printer (Indexed is an atom)."""
    e = expand("corr", 12, 3, origin="corner", mode="valid", entries="indexed",
               names=dict(image="a", kernel="w"))
    assert e.expr_str((8,)) == str(e.expr((8,))) == "a[10]*w[2] + a[8]*w[0] + a[9]*w[1]"


# -- objects ---------------------------------------------------------------------------------
def test_array_and_matrix() -> None:
    e = expand("conv", "4x3", "2x2", mode="valid", origin="corner")
    arr = e.array()
    assert isinstance(arr, sympy.ImmutableDenseNDimArray) and arr.shape == (3, 2)
    mat = e.matrix()
    assert isinstance(mat, sympy.MatrixBase) and mat.shape == (3, 2)
    for pos, idx in zip(np.ndindex(*e.shape), e.indices(), strict=True):
        assert arr[pos] == e.expr(idx) == mat[pos]
    row = expand("corr", 4, 2, mode="valid").matrix()
    assert row.shape == (1, 3)
    with pytest.raises(InputError, match="array"):
        expand("corr", "3x3x3", "1x1x1").matrix()


def test_exprs_of_any_selection_equal_single_outputs() -> None:
    e = expand("corr", "5x4", "3x2", mode="full", names=dict(image="a", kernel="w"))
    t = e.terms_table
    picks = [7, 0, 29, 3, 3, 15]
    many = e.atoms.exprs(t, picks)
    strs = list(e.atoms.strs(t, picks))
    for p, ex, s in zip(picks, many, strs, strict=True):
        single = e.atoms.exprs(t, [p])[0]
        assert ex == single and ex.args == single.args and s == str(single)


def test_entries_are_entry_symbols_and_substitutable() -> None:
    e = expand("conv", "7x7", "3x3", mode="same")
    expr = e.expr((1, 1))
    Entry = entry_class()
    assert {type(s) for s in expr.atoms(sympy.Symbol) if not isinstance(s, sympy.Indexed)
            and s.name != "x"} == {Entry}
    vals = {s: i + 1 for i, s in enumerate(sorted(expr.atoms(Entry), key=str))}
    x = sympy.IndexedBase("x")
    num = expr.xreplace(vals).xreplace({x[i, j]: 1 for i in range(3) for j in range(3)})
    assert num == sum(range(1, 10))


def test_default_entries_layout_per_axes() -> None:
    xy = expand("conv", "7x7", "3x3", mode="same")
    ij = expand("conv", "7x7", "3x3", mode="same", axes="ij")
    assert xy.entry_name((0, -1)) == "b" and xy.entry_name((-1, 0)) == "d"
    assert ij.entry_name((0, -1)) == "d" and ij.entry_name((-1, 0)) == "b"
    assert xy.operation.kernel.entries == tuple("abcdefghi")


@pytest.mark.parametrize(("kernel", "indexed"), [
    pytest.param("26", False, id="26-letters"),
    pytest.param("27", True, id="27-indexed"),
    pytest.param("3x9", True, id="27-2d-indexed"),
])
def test_more_than_26_entries_are_indexed(kernel: str, indexed: bool) -> None:
    e = expand("corr", "30", kernel, mode="same") if "x" not in kernel else \
        expand("corr", "4x30", kernel, mode="same")
    first = e.terms(tuple(0 for _ in e.shape))[0].entry
    assert ("[" in first) == indexed
    assert (e.operation.kernel.entries is None) == indexed


def test_terms_and_entry_names() -> None:
    e = expand("conv", "7x7", "3x3", mode="same")
    terms = e.terms((1, 1))
    assert len(terms) == 9
    assert terms[0].x == (2, 2) and terms[0].h == (-1, -1) and terms[0].entry == "a"
    assert [t.entry for t in terms] == list("abcdefghi")  # the kernel's display order
    assert all(t.x[0] == 1 - t.h[0] and t.x[1] == 1 - t.h[1] for t in terms)


# -- numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("x", "h", "dtype"), [
    pytest.param([1, 2, 3], [1, -1], np.int64, id="int"),
    pytest.param([1.5, 2, 3], [1, -1], np.float64, id="float"),
    pytest.param([1j, 2, 3], [1, -1], np.complex128, id="complex"),
    pytest.param("1,2,3", "1,-1", np.int64, id="strings"),
    pytest.param(np.array([1, 2, 3], dtype=np.uint8), np.array([1, 1]), np.int64,
                 id="unsigned-is-widened"),
])
def test_values_dtypes(x: Any, h: Any, dtype: Any) -> None:
    v = expand("corr", 3, 2, origin="corner", mode="valid", x=x, h=h).values()
    assert v.dtype == dtype and v.shape == (2,)


def test_values_need_both_arrays() -> None:
    with pytest.raises(InputError, match="--x.*--h"):
        expand("corr", 3, 2, x=[1, 2, 3]).values()


def test_values_from_npy_and_rows(tmp_path: Any) -> None:
    path = tmp_path / "k.npy"
    np.save(path, np.array([[1, 0], [0, -1]]))
    e = expand("corr", "2x3", "2x2", origin="corner", mode="valid", x="1,2,3;4,5,6",
               h=str(path))
    np.testing.assert_array_equal(e.values(), [[1 - 5, 2 - 6]])


def test_values_do_not_depend_on_origin() -> None:
    x, h = np.arange(12).reshape(3, 4), np.array([[1, 2], [3, -4]])
    for op in ("conv", "corr", "corr-reflected"):
        for mode in ("full", "same", "valid"):
            a = expand(op, "3x4", "2x2", mode=mode, origin="center", x=x, h=h).values()
            b = expand(op, "3x4", "2x2", mode=mode, origin="corner", x=x, h=h).values()
            np.testing.assert_array_equal(a, b)


# -- worked examples -------------------------------------------------------------------------
def test_even_kernel_worked_example() -> None:
    e = expand("conv", "4x4", "2x2", mode="same")
    we = e.worked_example((0, 0))
    assert we.patch == ((0, 0), (1, 1))
    assert we.grid == [["d", "c"], ["b", "a"]]
    assert we.window == ((-1, -1), (2, 2))
    assert len(we.rows) == 16 and sum(r.valid for r in we.rows) == 4


def test_window_is_one_ring_wider_than_the_footprint() -> None:
    e = expand("conv", "7x7", "3x3", mode="same")
    for at in [(0, 0), (1, 1), (-3, 3)]:
        we = e.worked_example(at)
        assert we.window == ((at[0] - 2, at[1] - 2), (at[0] + 2, at[1] + 2))
        assert [r.x for r in we.rows][:2] == [(at[0] - 2, at[1] - 2), (at[0] - 1, at[1] - 2)]


def test_strided_dilated_rows_mark_fractional_kernel_indices() -> None:
    e = expand("corr", 9, 3, origin="corner", padding=0, dilation=2, stride=2)
    we = e.worked_example((1,))
    by_x = {r.x: r for r in we.rows}
    assert by_x[(2,)].valid and by_x[(2,)].h == (0,) and by_x[(2,)].entry == "a"
    assert by_x[(3,)].h is None and not by_x[(3,)].valid
    assert by_x[(6,)].entry == "c"
    assert we.patch == ((2,), (6,))
    assert we.grid == [["a", None, "b", None, "c"]]


def test_circular_rows_name_the_source_pixel() -> None:
    e = expand("corr", 5, 3, mode="same", padding_mode="circular")
    we = e.worked_example((2,))
    (r,) = [r for r in we.rows if r.x == (3,)]
    assert r.valid and r.source == (-2,) and r.entry == "c"


def test_layer_worked_example_channels() -> None:
    e = expand("corr", (2, 5), (4, 1, 3), layer=True, groups=2, padding=1)
    we = e.worked_example((3, 0))
    valid = [r for r in we.rows if r.valid]
    assert {r.x[0] for r in valid} == {1}  # output channel 3 reads input channel 1 only
    assert all(r.h is not None and r.h[:2] == (3, 0) for r in valid)
    assert [t.x for t in e.terms((3, 0))] == [(1, -1), (1, 0), (1, 1)]


def test_worked_example_outside_output_is_refused() -> None:
    e = expand("conv", "7x7", "3x3", mode="same")
    with pytest.raises(InputError, match=r"\[4, 0\] is outside the output \(indices -3..3, "
                                         r"-3..3\)"):
        e.worked_example((4, 0))


# -- the public API --------------------------------------------------------------------------
def test_public_expand_is_callable_after_submodule_import() -> None:
    """`symconv.expand` stays the function after `symconv.expansion` is imported."""
    e = symconv.expand("corr", 5, 2, origin="corner", mode="valid", x=[2, 1, 3, 5, 4],
                       h=[1, -1])
    assert e.values().tolist() == [1, -2, -2, 1]
    assert isinstance(e, Expansion)
    assert set(symconv.__all__) >= {"expand", "Expansion", "operation", "Relation"}


def test_public_functions_survive_submodule_imports() -> None:
    """No public function shares its name with a submodule, so importing one never hides it."""
    import importlib
    import pkgutil

    submodules = {m.name for m in pkgutil.iter_modules(symconv.__path__)}
    for name in symconv.__all__:
        assert name not in submodules, name
    for m in sorted(submodules - {"__main__"}):
        importlib.import_module(f"symconv.{m}")
    assert callable(symconv.prove) and callable(symconv.identify) and callable(symconv.expand)
    assert symconv.prove("flip").verdict == "proved"
    assert symconv.check_formula("y[m] = sum_i x[i]*h[m-i]").to_json()["kind"] == "conv"


def test_max_terms_on_expansion() -> None:
    op = operation("corr", "7x7", "3x3", mode="same")
    # 19 terms per axis, and 49 outputs: each output counts as a term
    assert Expansion(op, max_terms=361 + 49).terms_table.count == 361
    lazy = Expansion(op, max_terms=409)  # single outputs stay readable under any limit
    assert len(lazy.terms((0, 0))) == 9
    with pytest.raises(symconv.LimitError, match="361 product terms and 49 outputs, 410 in"):
        lazy.terms_table  # noqa: B018 - the whole table is what the limit refuses


def test_explicit_origin_offsets() -> None:
    """Offsets per spatial axis place index 0 at that position, on image and kernel."""
    e = expand("conv", "5x5", "3x3", origin=(1, 2), mode="same")
    assert e.operation.image.lo == (-1, -2) and e.operation.kernel.lo == (-1, -2)
    assert e.out_lo == (-1, -3)
    corner = expand("conv", "5x5", "3x3", origin=(0, 0), mode="same")
    assert corner.operation.image.lo == (0, 0)
    assert corner.expr_str((1, 1)) == expand("conv", "5x5", "3x3", origin="corner",
                                             mode="same").expr_str((1, 1))
    with pytest.raises(InputError, match="one offset per spatial axis"):
        expand("conv", "5x5", "3x3", origin=(1,))


def test_single_outputs_without_the_whole_table() -> None:
    """One output of a large image is read alone; answers equal the whole table's."""
    big = expand("conv", "1400x1400", "3x3", mode="same", x=np.ones((1400, 1400), int),
                 h=np.arange(9).reshape(3, 3))
    assert big.value((0, 0)) == 36 and big.value((-700, -700)) == 0 + 1 + 3 + 4
    assert big.expr_str((1, 1)).startswith("a*x[2, 2] + b*x[1, 2]")
    assert len(big.terms((699, 699))) == 4
    assert big._terms is None  # nothing else was enumerated
    small = expand("corr", "9x9", "3x3", mode="same", x=np.arange(81).reshape(9, 9),
                   h=np.arange(9).reshape(3, 3) - 4)
    alone = [(small.value(i), small.expr_str(i), small.terms(i), small.expr(i))
             for i in small.indices()]  # 81 outputs: past the cut-over to the whole table
    assert small._terms is not None
    whole = small.values()
    for (v, s, ts, ex), pos, idx in zip(alone, np.ndindex(*small.shape), small.indices(),
                                        strict=True):
        assert v == whole[pos] and s == small.expr_str(idx) and ts == small.terms(idx)
        assert ex == small.expr(idx)
    with pytest.raises(InputError, match="--x"):
        expand("corr", 3, 2).value((0,))
