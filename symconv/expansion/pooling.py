"""Pooling, read off the index relation: ``avg-pool`` and ``max-pool`` as PyTorch computes
them (``torch.nn.functional.avg_pool1d/2d/3d`` and ``max_pool1d/2d/3d``).

Output ``m`` of a pooling reads the window of the strided, dilated correlation's relation,
``i = s*m + d*k - p`` for the taps ``k = 0..K-1`` (no flip: a pooling is a correlation's
window), keeping the pixels inside the image.  ``max-pool`` takes ``Max`` over them (the
padding is minus infinity, as PyTorch's); ``avg-pool`` divides their sum by PyTorch's
divisor: the window's extent clipped to the padded image (``count_include_pad``, the
default) or to the image itself.  The output count is PyTorch's: ``floor`` (or ``ceil``
with ``ceil_mode``) of ``(N + 2p - d(K-1) - 1)/s`` plus one, where a last window starting
in the right padding is dropped.

Without ``ceil_mode`` every window lies inside the padded image, so with
``count_include_pad`` every divisor is the window's size and ``avg-pool`` IS the
correlation with the constant kernel ``1/|K|`` and the same stride and padding
(:meth:`Pooling.as_correlation`; ``symconv prove pooling`` proves it for every size).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..display import Displayable
from ..errors import InputError
from ..index.ops import POOLS
from ..index.relation import check_limit
from ..limits import check_memory

WORDS = {"avg-pool": "average pooling", "max-pool": "max pooling"}


def pool_size(n: int, k: int, s: int, p: int = 0, d: int = 1, ceil_mode: bool = False
              ) -> int:
    """PyTorch's pooling output size on one axis (``pooling_output_shape``).

    >>> pool_size(5, 2, 2), pool_size(5, 2, 2, ceil_mode=True), pool_size(4, 3, 2, 1)
    (2, 3, 2)
    """
    span = n + 2 * p - d * (k - 1) - 1
    if span < 0:
        return 0
    o = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (o - 1) * s >= n + p:
        o -= 1  # the last window would start in the right padding
    return o


@dataclass(frozen=True)
class PoolAxis:
    """One spatial axis of a pooling: image size ``n``, window ``k``, stride ``s``,
    padding ``p`` (both sides), dilation ``d``."""

    n: int
    k: int
    s: int
    p: int
    d: int
    ceil_mode: bool

    @property
    def out(self) -> int:
        return pool_size(self.n, self.k, self.s, self.p, self.d, self.ceil_mode)

    def start(self, m: int) -> int:
        """The first tap's pixel of output ``m``: ``s*m - p`` (the relation at k = 0)."""
        return self.s * m - self.p

    def taps(self, m: int) -> list[tuple[int, int]]:
        """(tap, pixel) of output ``m`` with the pixel inside the image."""
        b = self.start(m)
        return [(k, b + self.d * k) for k in range(self.k) if 0 <= b + self.d * k < self.n]

    def tap_count(self) -> int:
        """The taps inside the image over every output, without listing each output's:
        the interior outputs (first tap at or after 0, last before n) have all k; only the
        few at each border (about p/s of them) are counted one by one."""
        lo = min(self.out, -(-self.p // self.s))
        hi = min(self.out - 1, (self.n - 1 - self.d * (self.k - 1) + self.p) // self.s)
        if hi < lo:
            return sum(len(self.taps(m)) for m in range(self.out))
        edge = itertools.chain(range(lo), range(hi + 1, self.out))
        return (hi - lo + 1) * self.k + sum(len(self.taps(m)) for m in edge)

    def extent(self, m: int, include_pad: bool) -> int:
        """PyTorch's divisor factor on this axis (average pooling, dilation 1): the window
        clipped to the padded image, or to the image when padding is not counted."""
        lo = self.start(m)
        hi = min(lo + self.k, self.n + self.p)
        if include_pad:
            return hi - lo
        return min(hi, self.n) - max(lo, 0)


class Pooling(Displayable):
    """An average or max pooling of an image of symbols (or of given values).

    >>> p = Pooling("avg-pool", "4x4", "2x2")
    >>> p.out_shape, p.text((0, 1))
    ((2, 2), '(x[0, 2] + x[0, 3] + x[1, 2] + x[1, 3])/4')
    >>> Pooling("max-pool", "5", "3", stride=2, padding=1).text((0,))
    'Max(x[0], x[1])'
    """

    def __init__(self, op: str, image: str | int | Sequence[int], window: str | int |
                 Sequence[int], stride: Any = None, padding: Any = None, dilation: Any = None,
                 ceil_mode: bool = False, count_include_pad: bool | None = None,
                 x: Any = None, max_terms: int | None = None, name: str = "x",
                 output_name: str = "y") -> None:
        from ..index.request import per_axis
        from ..index.signal import parse_shape

        if op not in POOLS:
            raise InputError(f"bad pooling {op!r}: use {', '.join(POOLS)}")
        img = parse_shape(image, "image shape")
        win = parse_shape(window, "window (--kernel) shape")
        nd = len(img)
        if len(win) != nd:
            raise InputError(f"the image has {nd} axes but the window has {len(win)}")
        if nd > 3:
            raise InputError(f"pooling is defined for 1 to 3 spatial axes (PyTorch's "
                             f"avg_pool/max_pool1d-3d), not {nd}")
        s = per_axis(stride, nd, "stride", 0) if stride is not None else win
        if any(v < 1 for v in s):
            raise InputError(f"bad stride {stride!r}: strides are positive")
        p = per_axis(padding, nd, "padding", 0, minimum=0)
        d = per_axis(dilation, nd, "dilation", 1)
        if op == "avg-pool" and any(v != 1 for v in d):
            raise InputError("--dilation does not apply to avg-pool (PyTorch's avg_pool has "
                             "none); max-pool takes it")
        if count_include_pad is not None and op != "avg-pool":
            raise InputError("--count-include-pad applies to avg-pool only")
        for ax in range(nd):
            half = win[ax] // 2
            if p[ax] > half:
                raise InputError(f"padding {p[ax]} on axis {ax + 1} is more than half the "
                                 f"window ({win[ax]} // 2 = {half}): PyTorch refuses it")
        self.op = op
        self.name, self.output_name = name, output_name
        self.ceil_mode = bool(ceil_mode)
        self.count_include_pad = True if count_include_pad is None else bool(count_include_pad)
        self.axes = tuple(PoolAxis(img[a], win[a], s[a], p[a], d[a], self.ceil_mode)
                          for a in range(nd))
        self.image_shape, self.window = img, win
        self.out_shape = tuple(a.out for a in self.axes)
        if any(o < 1 for o in self.out_shape):
            ax = next(i for i, o in enumerate(self.out_shape) if o < 1)
            raise InputError(f"the window ({win[ax]}, dilation {d[ax]}) is larger than the "
                             f"padded image ({img[ax]} + 2*{p[ax]}) on axis {ax + 1}: no "
                             "output")
        limit = check_limit(max_terms)
        count = self.term_count
        if count > limit:
            raise InputError(f"the pooling has {count:,} window terms, over the limit of "
                             f"{limit:,}; raise it with --max-terms")
        check_memory(count, f"the pooling ({count:,} window terms)")
        self.x = self._values(x) if x is not None else None

    # -- the windows --------------------------------------------------------------------------
    @property
    def stride(self) -> tuple[int, ...]:
        return tuple(a.s for a in self.axes)

    @property
    def padding(self) -> tuple[int, ...]:
        return tuple(a.p for a in self.axes)

    @property
    def dilation(self) -> tuple[int, ...]:
        return tuple(a.d for a in self.axes)

    @property
    def term_count(self) -> int:
        return math.prod(a.tap_count() for a in self.axes)

    def outputs(self) -> Iterator[tuple[int, ...]]:
        return itertools.product(*(range(o) for o in self.out_shape))

    def check_index(self, idx: Sequence[int]) -> tuple[int, ...]:
        idx = tuple(int(v) for v in idx)
        if len(idx) != len(self.out_shape) or any(not 0 <= v < o for v, o in
                                                  zip(idx, self.out_shape, strict=True)):
            raise InputError(f"output {list(idx)} is outside the output "
                             f"{'x'.join(map(str, self.out_shape))} (indices from 0)")
        return idx

    def window_taps(self, idx: Sequence[int]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        """(tap, pixel) pairs of output ``idx``, pixels inside the image, in tap order."""
        per = [a.taps(m) for a, m in zip(self.axes, idx, strict=True)]
        return [(tuple(k for k, _ in c), tuple(i for _, i in c)) for c in itertools.product(*per)]

    def pixels(self, idx: Sequence[int]) -> list[tuple[int, ...]]:
        return [px for _, px in self.window_taps(idx)]

    def padding_cells(self, idx: Sequence[int]) -> list[tuple[int, ...]]:
        """The window's cells in the padding (read as 0 by avg-pool's sum, as minus infinity
        by max-pool)."""
        per = [[a.start(m) + a.d * k for k in range(a.k)] for a, m in zip(self.axes, idx,
                                                                         strict=True)]
        return [c for c in itertools.product(*per)
                if any(not 0 <= v < n for v, n in zip(c, self.image_shape, strict=True))]

    def divisor(self, idx: Sequence[int]) -> int:
        """avg-pool's divisor at ``idx`` (PyTorch's ``pool_size`` or the clipped count)."""
        return math.prod(a.extent(m, self.count_include_pad)
                         for a, m in zip(self.axes, idx, strict=True))

    # -- expressions -------------------------------------------------------------------------
    def _px(self, px: Sequence[int]) -> str:
        return f"{self.name}[{', '.join(map(str, px))}]"

    def text(self, idx: Sequence[int]) -> str:
        """The output as text: ``(x[0] + x[1])/2`` or ``Max(x[0], x[1])``."""
        pix = self.pixels(self.check_index(idx))
        if self.op == "max-pool":
            return f"Max({', '.join(self._px(p) for p in pix)})" if pix else "-oo"
        n = self.divisor(idx)
        body = " + ".join(self._px(p) for p in pix)
        if n == 1:
            return body
        return f"({body})/{n}" if len(pix) > 1 else f"{body}/{n}"

    def latex(self, idx: Sequence[int]) -> str:
        pix = self.pixels(self.check_index(idx))
        cells = [rf"\arr{{{self.name}}}[{', '.join(map(str, p))}]" for p in pix]
        if self.op == "max-pool":
            return (r"\max\bigl(" + ", ".join(cells) + r"\bigr)") if cells else r"-\infty"
        n = self.divisor(idx)
        body = " + ".join(cells)
        return body if n == 1 else rf"\frac{{1}}{{{n}}}\bigl({body}\bigr)"

    def expr(self, idx: Sequence[int]) -> Any:
        """The output as a SymPy expression: ``Max(...)`` or the window's sum over its
        divisor (``x[0]/2 + x[1]/2`` as SymPy writes it)."""
        import sympy as sp

        base = sp.IndexedBase(self.name)
        pix = [base[p] for p in self.pixels(self.check_index(idx))]
        if self.op == "max-pool":
            return sp.Max(*pix) if pix else sp.S.NegativeInfinity
        return sp.Add(*pix) / self.divisor(idx)

    # -- values ------------------------------------------------------------------------------
    def _values(self, x: Any) -> np.ndarray:
        from ..index.signal import as_values, parse_values

        arr = parse_values(x, self.name) if isinstance(x, str) else \
            as_values(x, self.image_shape, self.name)
        if arr.shape != self.image_shape:
            raise InputError(f"values for {self.name} have shape "
                             f"{'x'.join(map(str, arr.shape))}, expected "
                             f"{'x'.join(map(str, self.image_shape))}")
        if self.op == "max-pool" and arr.dtype.kind == "c":
            raise InputError("max-pool needs real values (complex numbers have no order)")
        if self.op == "max-pool" and arr.dtype == object:
            for v in arr.ravel().tolist():
                if getattr(v, "is_real", True) is False or getattr(v, "has", None) and \
                        v.has(_imag_unit()):
                    raise InputError("max-pool needs real values (complex numbers have no "
                                     "order)")
        return arr

    def value(self, idx: Sequence[int]) -> Any:
        """The output's value for the given image values (exact when they are)."""
        if self.x is None:
            raise InputError("no values: give --x")
        vals = [self.x[p] for p in self.pixels(self.check_index(idx))]
        vals = [v.item() if isinstance(v, np.generic) else v for v in vals]
        if self.op == "max-pool":
            if not vals:
                return float("-inf")
            if any(hasattr(v, "free_symbols") for v in vals):
                import sympy as sp

                from ..index.numbers import from_sympy, to_sympy

                return from_sympy(sp.Max(*[to_sympy(v) for v in vals]))
            return max(vals)
        total: Any = sum(vals[1:], vals[0]) if vals else 0
        n = self.divisor(idx)
        if isinstance(total, (int, Fraction)):
            r = Fraction(total) / n
            return int(r) if r.denominator == 1 else r
        if isinstance(total, (float, complex)):
            return total / n
        import sympy as sp

        from ..index.numbers import from_sympy

        return from_sympy(sp.expand(total / n))

    def values(self) -> np.ndarray:
        """Every output's value, in array order (an object array when exact)."""
        out = [self.value(i) for i in self.outputs()]
        kind_ = self.x.dtype.kind if self.x is not None else ""
        exact = kind_ in ("i", "u", "O")
        if kind_ in ("i", "u") and all(isinstance(v, int) for v in out):
            return np.array(out, dtype=np.int64).reshape(self.out_shape)
        if exact:
            arr = np.empty(len(out), dtype=object)
            arr[:] = out
            return arr.reshape(self.out_shape)
        return np.array(out).reshape(self.out_shape)

    # -- the correlation it is ---------------------------------------------------------------
    def weight(self, idx: Sequence[int]) -> Fraction | None:
        """avg-pool's weight on each pixel of the window at ``idx`` (None for max-pool)."""
        return Fraction(1, self.divisor(idx)) if self.op == "avg-pool" else None

    def as_correlation(self) -> Any:
        """The correlation with the constant kernel ``1/|K|`` (same window, stride and
        padding, origin at the corner, PyTorch's conv): an :class:`~.core.Expansion`."""
        from . import expand

        size = math.prod(self.window)
        return expand("corr", self.image_shape, self.window, origin="corner",
                      stride=self.stride, padding=self.padding,
                      h=_constant(self.window, Fraction(1, size)), x=self.x)

    def differs_from_correlation(self) -> list[tuple[int, ...]]:
        """The outputs where avg-pool is not the constant-kernel correlation (a window cut by
        ceil mode, or padding not counted), or every output of a max-pool."""
        if self.op != "avg-pool":
            return list(self.outputs())
        full = math.prod(self.window)
        corr_shape = tuple(pool_size(a.n, a.k, a.s, a.p) for a in self.axes)
        return [i for i in self.outputs()
                if self.divisor(i) != full
                or any(v >= o for v, o in zip(i, corr_shape, strict=True))]

    # -- output -------------------------------------------------------------------------------
    def header(self) -> str:
        w = "x".join(map(str, self.window))
        opts = [f"stride {','.join(map(str, self.stride))}"]
        if any(self.padding):
            opts.append(f"padding {','.join(map(str, self.padding))}")
        if any(v != 1 for v in self.dilation):
            opts.append(f"dilation {','.join(map(str, self.dilation))}")
        if self.ceil_mode:
            opts.append("ceil mode")
        if self.op == "avg-pool" and not self.count_include_pad:
            opts.append("padding not counted")
        return (f"{WORDS[self.op]} of {self.name} ({'x'.join(map(str, self.image_shape))}) "
                f"over {w} windows, {', '.join(opts)}: {self.output_name} "
                f"({'x'.join(map(str, self.out_shape))}), indices from 0")

    def relation_text(self) -> str:
        k = "k" if len(self.axes) == 1 else "k_a"
        if self.op == "max-pool":
            return (f"{self.output_name}[m] = Max over taps {k} of {self.name}[s*m + d*{k} - p] "
                    "(pixels inside the image; the padding is -infinity)")
        return (f"{self.output_name}[m] = (1/|W_m|) * sum over taps {k} of "
                f"{self.name}[s*m + {k} - p] (pixels inside the image; |W_m| is PyTorch's "
                "divisor: the window clipped to the padded image"
                + ("" if self.count_include_pad else ", padding not counted") + ")")

    def output_json(self, i: tuple[int, ...]) -> dict[str, Any]:
        """One output as JSON: its index, its window's pixels (``terms``, with avg-pool's
        weight as ``entry``), ``expr`` and, with values, ``value`` and ``exact``."""
        from ..index.values import json_number
        from .exact import json_exact

        w = self.weight(i)
        row: dict[str, Any] = {
            "index": list(i), "pos": list(i),
            "terms": [{"x": list(px), "tap": list(k),
                       "entry": None if w is None else _fraction_text(w)}
                      for k, px in self.window_taps(i)],
            "expr": self.text(i)}
        if self.op == "avg-pool":
            row["divisor"] = self.divisor(i)
        if self.x is not None:
            v = self.value(i)
            num = json_number(v)
            if not isinstance(num, str):
                row["value"] = num
            if self.x.dtype.kind in "iuO":
                row["exact"] = json_exact(v, None)
        return row

    def write_json(self, stream: Any, at: Sequence[int] | None = None) -> None:
        """The JSON document, one output per line (as ``expand`` writes it)."""
        import json

        head = self.to_json(outputs=False)
        idx = [self.check_index(at)] if at is not None else list(self.outputs())
        stream.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "outputs": [\n')
        stream.write(",\n".join(json.dumps(self.output_json(i), ensure_ascii=False)
                                for i in idx))
        stream.write("\n]}\n")

    def to_json(self, outputs: bool = True) -> dict[str, Any]:
        outs = [self.output_json(i) for i in self.outputs()] if outputs else []
        return {
            "op": self.op,
            "image": {"name": self.name, "shape": list(self.image_shape),
                      "lo": [0] * len(self.axes),
                      "hi": [n - 1 for n in self.image_shape]},
            "window": list(self.window),
            "output": {"name": self.output_name, "shape": list(self.out_shape),
                       "lo": [0] * len(self.axes),
                       "hi": [o - 1 for o in self.out_shape]},
            "origin": "corner", "stride": list(self.stride), "padding": list(self.padding),
            "dilation": list(self.dilation), "ceil_mode": self.ceil_mode,
            "count_include_pad": self.count_include_pad if self.op == "avg-pool" else None,
            "relation": self.relation_text(),
            "term_count": self.term_count,
            "correlation": self._correlation_json(),
            **({"outputs": outs} if outputs else {}),
        }

    def _correlation_json(self) -> dict[str, Any] | None:
        if self.op != "avg-pool":
            return None
        diff = self.differs_from_correlation()
        return {"kernel": _fraction_text(Fraction(1, math.prod(self.window))),
                "equal": not diff, "differs_at": [list(i) for i in diff[:20]]}

    def to_text(self) -> str:
        lines = [self.header(), self.relation_text()]
        for i in self.outputs():
            line = f"{self.output_name}[{', '.join(map(str, i))}] = {self.text(i)}"
            if self.x is not None:
                from .exact import value_text

                line += f" = {value_text(self.value(i))}"
            lines.append(line)
        if self.op == "avg-pool":
            diff = self.differs_from_correlation()
            k = _fraction_text(Fraction(1, math.prod(self.window)))
            lines.append(f"as a correlation: corr({self.name}, {k} * ones("
                         f"{'x'.join(map(str, self.window))}), stride="
                         f"{','.join(map(str, self.stride))}, padding="
                         f"{','.join(map(str, self.padding))}) "
                         + ("equals every output" if not diff else
                            f"differs at {outputs_phrase(len(diff))}, first at "
                            f"{list(diff[0])} (divisor {self.divisor(diff[0])})"))
        return "\n".join(lines) + "\n"

    def worked_text(self, idx: Sequence[int]) -> str:
        """One output with its window: each cell, pixel or padding, and its weight."""
        idx = self.check_index(idx)
        lines = [self.header(), f"{self.output_name}[{', '.join(map(str, idx))}] = "
                 + self.text(idx)]
        w = self.weight(idx)
        for k, px in self.window_taps(idx):
            lines.append(f"  tap {list(k)}: {self._px(px)}"
                         + (f" weight {_fraction_text(w)}" if w is not None else ""))
        for c in self.padding_cells(idx):
            lines.append(f"  padding {list(c)}: "
                         + ("-infinity (never the maximum)" if self.op == "max-pool"
                            else "0" + (" (counted in the divisor)" if self.count_include_pad
                                        else " (not counted)")))
        if self.op == "avg-pool":
            lines.append(f"  divisor {self.divisor(idx)}")
        if self.x is not None:
            from .exact import value_text

            lines.append(f"  value {value_text(self.value(idx))}")
        return "\n".join(lines) + "\n"


def outputs_phrase(n: int) -> str:
    return "1 output" if n == 1 else f"{n} outputs"


def _fraction_text(f: Fraction) -> str:
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _constant(shape: Sequence[int], v: Fraction) -> np.ndarray:
    arr = np.empty(tuple(shape), dtype=object)
    arr.fill(v)
    return arr


@functools.cache
def _imag_unit() -> Any:
    import sympy as sp

    return sp.I
