"""From the relation to what people read: SymPy expressions, term lists, worked examples.

SymPy objects are the expensive part, so they are built only on request and without
re-canonicalising every product: the canonical argument order of each ``Mul`` and ``Add``
is computed once from ranks of the atoms (ranks taken from SymPy's own ``Basic.compare``
on a few representatives), and the objects are assembled with ``_from_args``.  Printing the
whole output as ``str()`` would print it goes through a formatter that reproduces SymPy's
term order (``sort_key`` ranks) without building objects; the tests hold both to SymPy.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from ..display import Displayable
from ..errors import InputError
from ..index.numbers import kind, symbols_of
from ..index.relation import AffineAxis, ChannelAxis, Terms, check_limit, map_boundary
from ..index.request import Operation
from ..index.values import json_number
from .exact import (
    as_ints,
    check_cost,
    combined_kind,
    gather,
    is_number,
    json_exact,
    sum_products,
)
from .substitution import Substitution
from .substitution import conjugate as _conj


@functools.cache
def _sympy() -> Any:
    import sympy

    return sympy


@functools.cache
def entry_class() -> type:
    """``Entry``: a kernel value named like a ``Symbol`` but never equal to one.

    The article names a kernel value ``h`` while the kernel itself is ``h``; as a class of
    its own, the value ``h`` cannot be confused with ``Symbol('h')`` nor with the label of
    ``IndexedBase('h')``, in substitutions or comparisons.
    """
    sp = _sympy()

    class Entry(sp.Symbol):  # type: ignore[misc,name-defined]
        """A named kernel entry (a value of the kernel, not the kernel)."""

    Entry.__module__ = "symconv.expansion"
    return Entry


@dataclass(frozen=True)
class Term:
    """One product of an output: the pixel index, the kernel index and the entry's name."""

    x: tuple[int, ...]
    h: tuple[int, ...]
    entry: str


@dataclass(frozen=True)
class Row:
    """A candidate pixel of a worked example: which kernel index it would need."""

    x: tuple[int, ...]
    h: tuple[int, ...] | None
    valid: bool
    entry: str | None
    source: tuple[int, ...] | None = None
    #: why an invalid row is invalid: "kernel" (no such kernel entry), "fraction" (the
    #: kernel index is not an integer: a stride or dilation gap), "pixel" (outside the
    #: image, zero padding), "group" (input channel outside the output's group); "" if valid.
    reason: str = ""


@dataclass(frozen=True)
class WorkedExample:
    """The article's worked example for one output (figures 4/5/7/8)."""

    index: tuple[int, ...]
    rows: tuple[Row, ...]
    grid: Any
    patch: tuple[tuple[int, ...], tuple[int, ...]] | None
    window: tuple[tuple[int, ...], tuple[int, ...]]


#: What every output with binary-float values says (text, JSON, documents).
INEXACT_NOTE = ("the values are binary floating point (a .npy file or Python floats): results "
                "are rounded; type decimals or fractions for exact arithmetic")
#: Outputs handled per vectorised step when printing: bounds the temporary strings.
_CHUNK = 4096
#: Single outputs enumerated on their own before the whole table is cheaper.
_SINGLE_OUTPUTS = 64


def _fmt_index(idx: Sequence[int]) -> str:
    return ", ".join(str(int(v)) for v in idx)


class Expansion(Displayable):
    """The expansion of one operation: y at every output, read off the relation.

    >>> e = expand("conv", "7x7", "3x3", mode="same")
    >>> e.expr((1, 1))  # doctest: +NORMALIZE_WHITESPACE
    a*x[2, 2] + b*x[1, 2] + c*x[0, 2] + d*x[2, 1] + e*x[1, 1] + f*x[0, 1] + g*x[2, 0]
    + h*x[1, 0] + i*x[0, 0]
    >>> e.worked_example((1, 1)).grid
    [['i', 'h', 'g'], ['f', 'e', 'd'], ['c', 'b', 'a']]
    """

    def __init__(self, operation: Operation, max_terms: int | None = None) -> None:
        self.operation = operation
        self.relation = operation.relation
        self.max_terms = max_terms
        # The limit is checked where a whole table is built (terms_table): single outputs
        # of a large operation (value(), expr() at an index) cost one output's work.
        check_limit(max_terms)
        self._terms: Terms | None = None
        self._single: dict[int, Terms] = {}
        ker = operation.kernel
        self._entry_names = ker.entry_names()
        nf = len(self.relation.factors)
        ch = 1 if operation.layer else 0
        spatial = list(range(ch, nf))
        self.tap_order = tuple(range(ch)) + tuple(
            spatial[::-1] if ker.axes == "xy" else spatial)

    # -- the relation's terms -------------------------------------------------------------
    @property
    def terms_table(self) -> Terms:
        if self._terms is None:
            self._terms = self.relation.enumerate(self.tap_order, self.max_terms)
            self._single.clear()
        return self._terms

    def _terms_for(self, index: Sequence[int]) -> tuple[Terms, int]:
        """A terms table holding ``y[index]`` and its flat position there: the whole table
        once it exists (or once many single outputs were asked for), else a table of that
        one output, so one output of a large image costs one output's work."""
        p = self.flat_position(index)
        if self._terms is not None or len(self._single) >= _SINGLE_OUTPUTS:
            return self.terms_table, p
        t = self._single.get(p)
        if t is None:
            t = self.relation.enumerate_at(tuple(int(v) for v in index), self.tap_order,
                                           self.max_terms)
            self._single[p] = t
        return t, 0

    @property
    def shape(self) -> tuple[int, ...]:
        return self.relation.out_shape

    @property
    def out_lo(self) -> tuple[int, ...]:
        return self.relation.out_lo

    def indices(self) -> Iterator[tuple[int, ...]]:
        """Output indices in C order over positions (the JSON order)."""
        for pos in np.ndindex(*self.shape):
            yield tuple(p + lo for p, lo in zip(pos, self.out_lo, strict=True))

    def flat_position(self, index: Sequence[int]) -> int:
        idx = tuple(int(v) for v in index)
        if len(idx) != len(self.shape):
            raise InputError(f"bad output index {_fmt_index(idx)}: give {len(self.shape)} "
                             "values")
        pos = tuple(v - lo for v, lo in zip(idx, self.out_lo, strict=True))
        for p, n in zip(pos, self.shape, strict=True):
            if not 0 <= p < n:
                rng = ", ".join(f"{a}..{a + b - 1}"
                                for a, b in zip(self.out_lo, self.shape, strict=True))
                raise InputError(f"output index [{_fmt_index(idx)}] is outside the output "
                                 f"(indices {rng})")
        return int(np.ravel_multi_index(pos, self.shape))

    def entry_name(self, kidx: Sequence[int]) -> str:
        ker = self.operation.kernel
        if self._entry_names is None:
            return f"{ker.name}[{_fmt_index(kidx)}]"
        pos = tuple(int(k) + o for k, o in zip(kidx, ker.origin, strict=True))
        return self._entry_names[int(np.ravel_multi_index(pos, ker.shape))]

    def terms(self, index: Sequence[int]) -> list[Term]:
        """The products of ``y[index]``: pixel index, kernel index, entry name."""
        t, p = self._terms_for(index)
        s, e = int(t.starts[p]), int(t.starts[p + 1])
        return [Term(tuple(int(v) for v in t.image[j]), tuple(int(v) for v in t.kernel[j]),
                     self.entry_name(t.kernel[j])) for j in range(s, e)]

    def term_values(self, index: Sequence[int]) -> list[tuple[Any, Any]]:
        """The numbers of each product of ``y[index]`` (as :meth:`terms` orders them): the
        pixel's value and the kernel entry's (conjugated when the operation conjugates);
        None for the array given without values."""
        if not self.substitutes:
            raise InputError("numbers need values for the image (--x) or the kernel (--h)")
        op = self.operation
        xvals, hvals = op.image.values, op.kernel.values
        out = []
        for t in self.terms(index):
            xv = None if xvals is None else \
                xvals[tuple(i - a for i, a in zip(t.x, op.image.lo, strict=True))]
            hv = None if hvals is None else \
                hvals[tuple(k - a for k, a in zip(t.h, op.kernel.lo, strict=True))]
            if hv is not None and op.conjugate:
                hv = _conj(hv)
            out.append((xv, hv))
        return out

    # -- SymPy objects --------------------------------------------------------------------
    @functools.cached_property
    def atoms(self) -> _AtomFactory:
        """The SymPy atoms (pixels, kernel entries) and their print order, made once."""
        return _AtomFactory(self.operation)

    def expr(self, index: Sequence[int]) -> Any:
        """``y[index]`` as a SymPy expression."""
        t, p = self._terms_for(index)
        return self.atoms.exprs(t, [p])[0]

    def array(self) -> Any:
        """Every output as a SymPy ``ImmutableDenseNDimArray`` (positions in C order)."""
        sp = _sympy()
        t = self.terms_table
        exprs = self.atoms.exprs(t, range(len(t.starts) - 1))
        return sp.ImmutableDenseNDimArray(exprs, self.shape)

    def matrix(self) -> Any:
        """2-D outputs as a SymPy ``Matrix`` (1-D as a row)."""
        sp = _sympy()
        arr = self.array()
        if arr.rank() == 1:
            return sp.Matrix([list(arr)])
        if arr.rank() != 2:
            raise InputError("matrix() needs a 1-D or 2-D output; use array()")
        return arr.tomatrix()

    def expr_str(self, index: Sequence[int]) -> str:
        """``str(self.expr(index))``, computed without building SymPy objects."""
        t, p = self._terms_for(index)
        return next(iter(self.atoms.strs(t, [p])))

    # -- numbers ------------------------------------------------------------------------
    @property
    def has_values(self) -> bool:
        """Whether both the image and the kernel have values (``--x``, ``--h``): every
        output is then a number (or, with symbols among the values, an expression in them)."""
        op = self.operation
        return op.image.values is not None and op.kernel.values is not None

    @property
    def substitutes(self) -> bool:
        """Whether the image or the kernel (or both) has values to substitute."""
        op = self.operation
        return op.image.values is not None or op.kernel.values is not None

    @functools.cached_property
    def value_kind(self) -> str | None:
        """The arithmetic of the values: ``integer``, ``rational``, ``exact`` (surds,
        constants, symbols), ``float`` or ``complex`` (binary floating point), or None."""
        op = self.operation
        return combined_kind(op.image.values, op.kernel.values)

    @property
    def exact(self) -> bool:
        """Whether the numbers are exact (False for binary floats: results are rounded)."""
        return self.value_kind not in ("float", "complex")

    def values(self) -> np.ndarray:
        """The output's values (needs values for image and kernel): ``int64`` for integers,
        an object array of ``int``/``Fraction`` for rationals, of SymPy expressions for
        surds, constants and symbols, ``float``/``complex`` for binary floats."""
        if not self.has_values:
            raise InputError("numeric output needs values for both image (--x) and kernel "
                             "(--h)")
        return self.values_of(self.terms_table).reshape(self.shape)

    def value(self, index: Sequence[int]) -> Any:
        """The value of ``y[index]`` (needs values for image and kernel); only that
        output's terms are read."""
        if not self.has_values:
            raise InputError("numeric output needs values for both image (--x) and kernel "
                             "(--h)")
        t, p = self._terms_for(index)
        return self.values_of(t, [p])[0]

    def values_of(self, t: Terms, flats: Sequence[int] | None = None) -> np.ndarray:
        """The values of the outputs of a terms table (all, or those at ``flats``), flat."""
        op = self.operation
        assert op.image.values is not None and op.kernel.values is not None
        if flats is None:
            starts, img, ker = t.starts, t.image, t.kernel
        else:
            counts, sel = self.atoms.select_terms(t, flats)
            starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
            img, ker = t.image[sel], t.kernel[sel]
        check_cost(self.value_kind, len(img), self.max_terms)
        if self.value_kind in ("integer", "rational"):
            (xi, dx), (hi, dh) = self._scaled
            return sum_products(gather(xi, op.image.lo, img), gather(hi, op.kernel.lo, ker),
                                starts, op.conjugate, str(self.value_kind), (dx, dh))
        xv = gather(op.image.values, op.image.lo, img)
        hv = gather(op.kernel.values, op.kernel.lo, ker)
        with np.errstate(over="ignore", invalid="ignore"):
            out = sum_products(xv, hv, starts, op.conjugate, str(self.value_kind))
        if self.value_kind in ("float", "complex") and not np.isfinite(out).all():
            raise InputError("the values overflow binary floating point (a result is inf or "
                             "nan, past 1.8e308): write them exactly (integers, decimals or "
                             "fractions in a value list are computed exactly at any size)")
        return out

    @functools.cached_property
    def _scaled(self) -> tuple[tuple[np.ndarray, int], tuple[np.ndarray, int]]:
        """Rational values as integers over one common denominator per array (made once)."""
        op = self.operation
        assert op.image.values is not None and op.kernel.values is not None
        return as_ints(op.image.values), as_ints(op.kernel.values)

    def substituted(self, index: Sequence[int]) -> Any:
        """``y[index]`` with the given values substituted, as a SymPy expression: a number
        when both arrays have values, else a linear form in the other array's symbols."""
        t, p = self._terms_for(index)
        return self._substitution.exprs(t, [p])[0]

    def substituted_str(self, index: Sequence[int]) -> str:
        """``str(self.substituted(index))``, written directly where the values allow."""
        t, p = self._terms_for(index)
        return self._substitution.strs(t, [p])[0]

    def linear_form(self, index: Sequence[int]) -> list[tuple[Any, Any]]:
        """``y[index]`` with one array's values given, as ``(coefficient, index)`` pairs:
        the index a pixel's (kernel values given) or a kernel entry's (image values
        given); repeated atoms collected, zero coefficients dropped."""
        if self.has_values or not self.substitutes:
            raise InputError("a linear form needs values for exactly one of the image (--x) "
                             "and the kernel (--h)")
        t, p = self._terms_for(index)
        return self._substitution.form(t, p)

    def substituted_strs(self) -> list[str]:
        """:meth:`substituted_str` of every output, in C order over positions."""
        t = self.terms_table
        return self._substitution.strs(t, range(len(t.starts) - 1))

    @functools.cached_property
    def _substitution(self) -> Substitution:
        return Substitution(self)

    # -- the worked example ---------------------------------------------------------------
    def worked_example(self, index: Sequence[int]) -> WorkedExample:
        """Rows of the window one ring wider than the patch, the grid and the patch box."""
        self.flat_position(index)
        op = self.operation
        idx = tuple(int(v) for v in index)
        per: list[list[tuple[tuple[int, ...], tuple[int, ...] | None, bool,
                             tuple[int, ...] | None, str]]] = []
        window_lo: list[int] = []
        window_hi: list[int] = []
        for f, m in zip(self.relation.factors, idx, strict=True):
            cands: list[tuple[tuple[int, ...], tuple[int, ...] | None, bool,
                              tuple[int, ...] | None, str]] = []
            if isinstance(f, ChannelAxis):
                g0 = int(f.input_channel(m, 0))
                for c in range(f.in_channels):
                    ok = g0 <= c < g0 + f.taps
                    cands.append(((c,), f.kernel_index(m, c), ok, None,
                                  "" if ok else "group"))
                window_lo.append(0)
                window_hi.append(f.in_channels - 1)
            else:
                lo, hi = f.footprint(m)
                for i in range(lo - 1, hi + 2):
                    k = f.solve_kernel(m, i)
                    kint = int(k) if k.denominator == 1 else None
                    inside = kint is not None and f.ker_lo <= kint < f.ker_lo + f.ker_size
                    mapped, inside_img = map_boundary(np.array([i]), f.img_lo, f.img_size,
                                                      f.boundary)
                    pixel = int(mapped[0])
                    valid = bool(inside and inside_img[0])
                    reason = ("fraction" if kint is None else "kernel" if not inside
                              else "pixel" if not inside_img[0] else "")
                    cands.append(((i,), (kint,) if kint is not None else None, valid,
                                  (pixel,) if f.boundary != "zeros" and pixel != i else None,
                                  reason))
                window_lo.append(lo - 1)
                window_hi.append(hi + 1)
            per.append(cands)
        img_display = op.image.display_axes()
        # Rows in the image's display order: iterate display axes slowest first.
        n = len(per)
        rows: list[Row] = []
        for combo in np.ndindex(*[len(per[a]) for a in img_display]):
            parts = [per[a][c] for a, c in zip(img_display, combo, strict=True)]
            by_axis: dict[int, Any] = {a: p for a, p in zip(img_display, parts, strict=True)}
            xs = tuple(v for a in range(n) for v in by_axis[a][0])
            hs_parts = [by_axis[a][1] for a in range(n)]
            valid = all(by_axis[a][2] for a in range(n))
            hs = None if any(h is None for h in hs_parts) else \
                tuple(v for h in hs_parts for v in h)  # type: ignore[union-attr]
            src_parts = [by_axis[a][3] for a in range(n)]
            src: tuple[int, ...] | None = None
            if any(s is not None for s in src_parts):
                src = tuple(v for a in range(n) for v in (src_parts[a] or by_axis[a][0]))
            entry = self.entry_name(hs) if valid and hs is not None else None
            reasons = [by_axis[a][4] for a in range(n) if by_axis[a][4]]
            order = ("fraction", "group", "kernel", "pixel")
            reason = min(reasons, key=order.index) if reasons else ""
            rows.append(Row(xs, hs, valid, entry, src, reason))
        valid_rows = [r for r in rows if r.valid]
        patch = None
        if valid_rows:
            arr = np.array([r.x for r in valid_rows])
            patch = (tuple(int(v) for v in arr.min(0)), tuple(int(v) for v in arr.max(0)))
        grid = self._grid(rows, patch)
        return WorkedExample(idx, tuple(rows), grid,
                             patch, (tuple(window_lo), tuple(window_hi)))

    def _grid(self, rows: Sequence[Row], patch: Any) -> Any:
        if patch is None:
            return []
        lookup = {r.x: r.entry for r in rows if r.valid}
        img = self.operation.image
        order = img.display_axes()
        lo, hi = patch

        def build(level: int, fixed: dict[int, int]) -> Any:
            a = order[level]
            vals = range(lo[a], hi[a] + 1)
            if level == len(order) - 1:
                return [lookup.get(tuple({**fixed, a: v}[b] for b in range(len(order))))
                        for v in vals]
            return [build(level + 1, {**fixed, a: v}) for v in vals]

        g = build(0, {})
        return [g] if len(order) == 1 else g

    # -- JSON -----------------------------------------------------------------------------
    def header(self) -> dict[str, Any]:
        op = self.operation
        meta: dict[str, Any] = {
            "op": op.op,
            "image": {"name": op.image.name, "shape": list(op.image.shape),
                      "lo": list(op.image.lo), "hi": list(op.image.hi)},
            "kernel": {"name": op.kernel.name, "shape": list(op.kernel.shape),
                       "lo": list(op.kernel.lo), "hi": list(op.kernel.hi),
                       "entries": list(op.kernel.entries) if op.kernel.entries else None},
            "output": {"name": op.output_name, "shape": list(self.shape),
                       "lo": list(self.out_lo), "hi": list(self.relation.out_hi)},
            "origin": op.origin, "axes": op.image.axes,
            "mode": op.mode, "convention": (op.convention if op.mode or op.convention not in
                                           ("scipy", "numpy") else None),
            "padding": [list(p) for p in op.padding] if op.padding is not None else None,
            "padding_mode": op.boundary, "stride": list(op.stride),
            "dilation": list(op.dilation), "conjugate": op.conjugate,
            **({"output_padding": list(op.output_padding)} if op.output_padding else {}),
            "layer": op.layer, "groups": op.groups,
            "values": self._values_json(),
            "relation": [_factor_json(f) for f in self.relation.factors],
            "term_count": self.relation.term_count(),
        }
        return meta

    def _values_json(self) -> dict[str, Any] | None:
        """Which arrays carry values, of which kind, and whether the results are exact."""
        if not self.substitutes:
            return None
        op = self.operation
        out: dict[str, Any] = {"image": kind(op.image.values), "kernel": kind(op.kernel.values),
                               "exact": self.exact}
        syms = sorted(symbols_of(op.image.values) | symbols_of(op.kernel.values))
        if syms:
            out["symbols"] = syms
        if not self.exact:
            out["note"] = INEXACT_NOTE
        return out

    def write_json(self, stream: IO[str], at: Sequence[int] | None = None) -> None:
        """Stream the contract's JSON object (one output per line)."""
        head = json.dumps(self.header(), sort_keys=False)[:-1]
        stream.write(head + ', "outputs": [')
        # flats: positions in the output (index, pos); tflats: positions in the table t.
        tflats: Sequence[int]
        if at is not None:
            flats: Sequence[int] = [self.flat_position(at)]
            t, p0 = self._terms_for(at)
            tflats = [p0]
        else:
            flats = tflats = range(int(np.prod(self.shape)))
            t = self.terms_table
        vals = self.values_of(t, tflats) if self.has_values else None
        subst = self.substitutes
        how = self.value_kind
        atoms = self.atoms
        ker_frag = self._kernel_fragments()
        we_json = None
        if at is not None:
            we_json = ", " + json.dumps(worked_json(self.worked_example(at)))[1:-1]
        first = True
        # Outputs in chunks: every step is vectorised or one list comprehension per chunk,
        # and memory stays bounded however large the output is.
        for c0 in range(0, len(flats), _CHUNK):
            chunk = flats[c0:c0 + _CHUNK]
            tchunk = tflats[c0:c0 + _CHUNK]
            counts, ip, kp = atoms._select(t, tchunk)
            pix = atoms.pixel_strs(ip)
            frags = ['{"x": [' + pix[i] + ker_frag[k]
                     for i, k in zip(ip.tolist(), kp.tolist(), strict=True)]
            exprs = (atoms.strs(t, tchunk) if self.has_values or not subst
                     else self._substitution.strs(t, tchunk))
            fl = np.asarray(chunk, dtype=np.int64)
            pos = np.stack(np.unravel_index(fl, self.shape), axis=1)
            pos_s = [", ".join(map(str, r)) for r in pos.tolist()]
            idx_s = [", ".join(map(str, r)) for r in (pos + np.array(self.out_lo)).tolist()]
            a = 0
            lines = []
            for q, (c, expr_s) in enumerate(zip(counts.tolist(), exprs, strict=True)):
                line = (f'{{"index": [{idx_s[q]}], "pos": [{pos_s[q]}], '
                        f'"terms": [{", ".join(frags[a:a + c])}], "expr": {json.dumps(expr_s)}')
                a += c
                if vals is not None:
                    v = vals[c0 + q]
                    if is_number(v):
                        line += ', "value": ' + json.dumps(json_number(v))
                    line += ', "exact": ' + json.dumps(json_exact(v, how))
                elif subst:
                    line += ', "exact": ' + json.dumps(expr_s)
                if we_json is not None:
                    line += we_json
                lines.append(("\n" if first else ",\n") + line + "}")
                first = False
            stream.write("".join(lines))
        stream.write("\n]}\n")

    def to_json(self, at: Sequence[int] | None = None) -> dict[str, Any]:
        import io

        buf = io.StringIO()
        self.write_json(buf, at)
        return json.loads(buf.getvalue())  # type: ignore[no-any-return]

    @functools.cached_property
    def _kernel_fragments_cache(self) -> list[str]:
        ker = self.operation.kernel
        out = []
        for flat in range(ker.size):
            pos = np.unravel_index(flat, ker.shape)
            kidx = [int(p) - o for p, o in zip(pos, ker.origin, strict=True)]
            out.append(f'], "h": [{_fmt_index(kidx)}], "entry": '
                       f'{json.dumps(self.entry_name(kidx))}}}')
        return out

    def _kernel_fragments(self) -> list[str]:
        return self._kernel_fragments_cache



def worked_json(we: WorkedExample) -> dict[str, Any]:
    rows = []
    for r in we.rows:
        d: dict[str, Any] = {"x": list(r.x), "h": list(r.h) if r.h is not None else None,
                             "valid": r.valid, "entry": r.entry}
        if r.reason:
            d["reason"] = r.reason
        if r.source is not None:
            d["source"] = list(r.source)
        rows.append(d)
    return {"rows": rows, "grid": we.grid,
            "patch": None if we.patch is None else {"from": list(we.patch[0]),
                                                    "to": list(we.patch[1])}}


def _factor_json(f: AffineAxis | ChannelAxis) -> dict[str, Any]:
    if isinstance(f, ChannelAxis):
        return {"kind": "channels", "in_channels": f.in_channels,
                "out_channels": f.out_channels, "groups": f.groups}
    kind = ("corr" if f.sigma > 0 else "conv") + ("-reflected" if f.stride < 0 else "")
    out: dict[str, Any] = {"kind": kind, "stride": f.stride, "sigma": f.sigma,
                           "dilation": f.dilation, "offset": f.offset, "boundary": f.boundary}
    lhs = "i" if f.in_stride == 1 else f"{f.in_stride}*i"
    if f.in_stride != 1:
        out["input_stride"] = f.in_stride
    out["formula"] = (f"{lhs} = {f.stride}*m {'+' if f.sigma > 0 else '-'} {f.dilation}*k "
                      f"{'+' if f.offset >= 0 else '-'} {abs(f.offset)}")
    return out


class _AtomFactory:
    """Builds (and ranks) the SymPy atoms of one operation: pixels and kernel entries."""

    def __init__(self, operation: Operation) -> None:
        self.op = operation
        img, ker = operation.image, operation.kernel
        names = ker.entry_names()
        self._named = names is not None
        self._symbolic_ready = False
        self._pixels: dict[int, Any] = {}
        self._flat_cache: tuple[Terms, np.ndarray, np.ndarray] | None = None
        self._pixel_str_cache: dict[int, str] = {}
        self.img_lo = np.array(img.lo)
        self.ker_lo = np.array(ker.lo)
        # What printing needs, without importing SymPy (so a worked example or a JSON dump
        # never pays for it).  sort_key puts a Symbol (class key (2, 0, name)) before an
        # Indexed (5, 0, 'Indexed'); two Symbols, or two Indexed (atoms to sort_key),
        # compare by their printed strings.  The property tests hold this to SymPy.
        if names is not None:
            self.enames = list(names)
        else:
            pos = np.stack(np.unravel_index(np.arange(ker.size), ker.shape), axis=1)
            self.enames = [f"{ker.name}[{_fmt_index(row)}]"
                           for row in (pos - np.array(ker.origin)).tolist()]
        order = sorted(range(ker.size), key=lambda j: self.enames[j])
        self.e_prank = np.empty(ker.size, np.int64)
        self.e_prank[order] = np.arange(ker.size)
        self.entry_first_print = self._named or f"{ker.name}[" < f"{img.name}["

    def ensure_symbolic(self) -> None:
        """The SymPy side, made on first use: atoms and their Basic.compare ranks."""
        if self._symbolic_ready:
            return
        sp = _sympy()
        self.sp = sp
        img, ker = self.op.image, self.op.kernel
        self.xbase = sp.IndexedBase(img.name)
        self.hbase = sp.IndexedBase(ker.name)
        Entry = entry_class()
        if self._named:
            self.entries = [Entry(n) for n in self.enames]
        else:
            self.entries = [self._indexed(self.hbase, [int(p) - o for p, o in zip(
                np.unravel_index(f, ker.shape), ker.origin, strict=True)]) for f in range(ker.size)]
        cmp = functools.cmp_to_key(sp.Basic.compare)
        # Ranks of kernel entries under Basic.compare (the canonical order of args).
        order = sorted(range(ker.size), key=lambda j: cmp(self.entries[j]))
        self.e_rank = np.empty(ker.size, np.int64)
        self.e_rank[order] = np.arange(ker.size)
        # Integer ranks per image axis (Basic.compare orders 0, 1, -1 by class, others by
        # value); every multi-index has the same number of axes, so ranks combine
        # lexicographically.
        self.ax_rank: list[dict[int, int]] = []
        for lo, hi in zip(img.lo, img.hi, strict=True):
            ints = list(range(lo, hi + 1))
            objs = [sp.Integer(v) for v in ints]
            by_cmp = sorted(range(len(ints)), key=lambda j: cmp(objs[j]))
            self.ax_rank.append({ints[j]: r for r, j in enumerate(by_cmp)})
        probe_x = self._indexed(self.xbase, list(img.lo))
        self.entry_first = sp.Basic.compare(self.entries[0], probe_x) < 0
        self._symbolic_ready = True

    def _indexed(self, base: Any, idx: Sequence[int]) -> Any:
        sp = self.sp
        obj = sp.Expr.__new__(sp.Indexed, base, *[sp.Integer(int(v)) for v in idx])
        sp.IndexedBase._set_assumptions(obj, base.assumptions0)
        return obj

    def pixel(self, flat: int) -> Any:
        return self._pixel_objects(np.array([flat]))[flat]

    def _flat(self, t: Terms, s: int, e: int) -> tuple[np.ndarray, np.ndarray]:
        img, ker = self.op.image, self.op.kernel
        ip = np.ravel_multi_index(tuple((t.image[s:e] - self.img_lo).T), img.shape)
        kp = np.ravel_multi_index(tuple((t.kernel[s:e] - self.ker_lo).T), ker.shape)
        return ip, kp

    def _select(self, t: Terms, flats: Sequence[int] | range
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(terms per selected output, pixel flats, kernel flats) of the selected outputs,
        their terms in table order; flat positions for the whole table are made once."""
        counts, sel = self.select_terms(t, flats)
        ip, kp = self.flat_of(t, sel)
        return counts, ip, kp

    def flat_of(self, t: Terms, sel: slice | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Flat positions of the pixels and kernel entries of the terms ``sel`` of ``t``."""
        if self._flat_cache is None or self._flat_cache[0] is not t:
            ip_all, kp_all = self._flat(t, 0, t.count)
            self._flat_cache = (t, ip_all, kp_all)
        _, ip_all, kp_all = self._flat_cache
        return ip_all[sel], kp_all[sel]

    @staticmethod
    def select_terms(t: Terms, flats: Sequence[int] | range
                     ) -> tuple[np.ndarray, slice | np.ndarray]:
        """(terms per selected output, the selected terms of ``t``: a slice or positions),
        outputs in the order given, each output's terms in table order."""
        fl = np.asarray(flats, dtype=np.int64)
        counts = t.starts[fl + 1] - t.starts[fl]
        if isinstance(flats, range) and flats.step == 1 and len(flats):
            return counts, slice(int(t.starts[flats.start]), int(t.starts[flats.stop]))
        total = int(counts.sum())
        ends = np.cumsum(counts)
        term = np.arange(total, dtype=np.int64) + np.repeat(t.starts[fl] - (ends - counts),
                                                            counts)
        return counts, term

    @functools.cached_property
    def _pixel_ranks(self) -> np.ndarray:
        """Basic.compare rank of every image pixel, by flat position (axes combine
        lexicographically: every multi-index has the same number of axes)."""
        self.ensure_symbolic()
        img = self.op.image
        key = np.zeros((), dtype=np.int64)
        for a, (lo, hi) in enumerate(zip(img.lo, img.hi, strict=True)):
            table = self.ax_rank[a]
            col = np.array([table[v] for v in range(lo, hi + 1)], dtype=np.int64)
            key = np.add.outer(key * len(table), col)
        return key.ravel()

    def exprs(self, t: Terms, flats: Sequence[int] | range) -> list[Any]:
        """SymPy expressions of the outputs ``flats``, built with ``_from_args``: the
        canonical order of each Add is one vectorised sort over all the terms."""
        self.ensure_symbolic()
        sp = self.sp
        Mul, Add = sp.Mul, sp.Add
        counts, ip, kp = self._select(t, flats)
        if self.op.conjugate:
            out: list[Any] = []
            bounds = np.concatenate([[0], np.cumsum(counts)]).tolist()
            ipl, kpl = ip.tolist(), kp.tolist()
            for q in range(len(counts)):
                a, b = bounds[q], bounds[q + 1]
                out.append(Add(*[Mul(sp.conjugate(self.entries[k]), self.pixel(i))
                                 for i, k in zip(ipl[a:b], kpl[a:b], strict=True)]))
            return out
        er = self.e_rank[kp]
        pr = self._pixel_ranks[ip]
        if self.entry_first:
            keys = er * len(self._pixel_ranks) + pr
        else:
            keys = pr * len(self.e_rank) + er
        seg = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        order = np.lexsort((keys, seg))
        ipl, kpl = ip[order].tolist(), kp[order].tolist()
        pixels = self._pixel_objects(np.unique(ip))
        ents = self.entries
        from_args = Mul._from_args
        if self.entry_first:
            muls = [from_args((ents[k], pixels[i]), True) for i, k in zip(ipl, kpl, strict=True)]
        else:
            muls = [from_args((pixels[i], ents[k]), True) for i, k in zip(ipl, kpl, strict=True)]
        add = Add._from_args
        zero = sp.S.Zero
        out = []
        a = 0
        for c in counts.tolist():
            b = a + c
            out.append(zero if c == 0 else muls[a] if c == 1 else add(tuple(muls[a:b]), True))
            a = b
        return out

    def _pixel_objects(self, flats: np.ndarray) -> dict[int, Any]:
        """The pixels at the given flat positions (made once, then cached)."""
        self.ensure_symbolic()
        missing = [f for f in flats.tolist() if f not in self._pixels]
        if missing:
            img = self.op.image
            pos = np.unravel_index(np.array(missing, dtype=np.int64), img.shape)
            idx = np.stack([p - o for p, o in zip(pos, img.origin, strict=True)], axis=1).tolist()
            for f, ix in zip(missing, idx, strict=True):
                self._pixels[f] = self._indexed(self.xbase, ix)
        return self._pixels

    def pixel_strs(self, flats: np.ndarray) -> dict[int, str]:
        """Index strings (``'1, -2'``) of the pixels at the given flat positions (cached)."""
        cache = self._pixel_str_cache
        missing = [f for f in np.unique(flats).tolist() if f not in cache]
        if missing:
            img = self.op.image
            pos = np.unravel_index(np.array(missing, dtype=np.int64), img.shape)
            idx = np.stack([p - o for p, o in zip(pos, img.origin, strict=True)], axis=1).tolist()
            for f, ix in zip(missing, idx, strict=True):
                cache[f] = ", ".join(map(str, ix))
        return cache

    def strs(self, t: Terms, flats: Sequence[int] | range) -> Iterator[str]:
        """``str()`` of each output's expression, in SymPy's print order, without objects.

        Terms print in ``sort_key`` order: an Indexed is an atom to ``sort_key`` and orders
        by its printed string ('x[-1]' < 'x[-2]' < 'x[10]' < 'x[2]'); kernel entries by
        their ranks.  When entries print first (the usual case) each output's entries are
        distinct, so one vectorised sort per chunk orders every output.
        """
        if self.op.conjugate:
            for c0 in range(0, len(flats), _CHUNK):
                yield from (str(ex) for ex in self.exprs(t, flats[c0:c0 + _CHUNK]))
            return
        enames = self.enames
        xname = self.op.image.name
        for c0 in range(0, len(flats), _CHUNK):
            counts, ip, kp = self._select(t, flats[c0:c0 + _CHUNK])
            pix = self.pixel_strs(ip)
            er = self.e_prank[kp]
            if self.entry_first_print:
                seg = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
                order = np.lexsort((er, seg))
                prods = [f"{enames[k]}*{xname}[{pix[i]}]"
                         for i, k in zip(ip[order].tolist(), kp[order].tolist(), strict=True)]
                a = 0
                for c in counts.tolist():
                    yield " + ".join(prods[a:a + c]) if c else "0"
                    a += c
                continue
            ipl, kpl, ranks = ip.tolist(), kp.tolist(), er.tolist()
            a = 0
            for c in counts.tolist():
                if not c:
                    yield "0"
                    continue
                terms = sorted((f"{xname}[{pix[ipl[j]]}]", ranks[j], enames[kpl[j]])
                               for j in range(a, a + c))
                yield " + ".join(f"{px}*{en}" for px, _, en in terms)
                a += c


def expand(op: str, image: Any, kernel: Any, *, max_terms: int | None = None,
           **options: Any) -> Expansion:
    """Expand ``op`` (``conv``, ``corr``, ``corr-reflected``) of an image and a kernel.

    ``image``/``kernel`` are shapes (``"7x7"``, ``(7, 7)``, ``5``) or :class:`Signal`;
    options are those of :func:`symconv.index.request.operation` (origin, axes, mode, stride,
    padding, padding_mode, dilation, conjugate, layer, groups, names, entries, x, h).

    >>> e = expand("conv", 5, 2, origin="corner", mode="valid", x=[2, 1, 3, 5, 4], h=[1, -1])
    >>> e.values().tolist()
    [-1, 2, 2, -1]
    """
    from ..index.request import operation

    return Expansion(operation(op, image, kernel, **options), max_terms=max_terms)
