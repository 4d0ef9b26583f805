"""The affine index relation R behind every operation.

Per spatial axis, output index ``m``, kernel index ``k`` and image index ``i`` satisfy

    u*i = s*m + sigma*d*k + c    u: input stride (zero insertion: only the image indices
                                    whose u*i is reached pair; 1 for every forward operation,
                                    the stride of a transposed convolution)
                                 s: stride (negative: reflected output)
                                 sigma: +1 correlation, -1 convolution (the flip)
                                 d: dilation, c: offset (padding, origin shift)

on finite domains.  Channels (PyTorch's ``groups``) add a factor that pairs each output
channel with the input channels of its group.  R is the Cartesian product of its factors,
so the number of terms is known exactly before anything is enumerated, and enumeration is
NumPy integer arithmetic on small per-factor tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Union

import numpy as np

from ..errors import InputError, LimitError
from ..limits import DEFAULT_MAX_TERMS as _DEFAULT_MAX_TERMS
from ..limits import MAX_AXIS_PAIRS, check_memory

BOUNDARIES = ("zeros", "circular", "reflect", "replicate", "symmetric")
#: Names users bring from SciPy (convolve2d's ``boundary``) and NumPy (``np.pad`` modes).
BOUNDARY_ALIASES = {"fill": "zeros", "zero": "zeros", "constant": "zeros", "wrap": "circular",
                    "symm": "symmetric", "edge": "replicate"}
#: Default bound on the work of one request (product terms, or outputs where they are
#: more): see :mod:`symconv.limits` for the measured time and memory.
DEFAULT_MAX_TERMS = _DEFAULT_MAX_TERMS
#: Taps (or outputs) counted per vectorised step when the counts are computed arithmetically.
_COUNT_CHUNK = 1 << 20


def map_boundary(i: np.ndarray, lo: int, n: int, boundary: str) -> tuple[np.ndarray, np.ndarray]:
    """Map image indices outside ``lo..lo+n-1`` by the boundary rule.

    Returns ``(mapped, valid)``; under ``zeros`` the outside indices are invalid (the term is
    absent), otherwise every index maps to a real pixel: ``circular`` wraps (period n),
    ``reflect`` mirrors without repeating the edge (period 2n-2, PyTorch and ``np.pad``
    'reflect'), ``symmetric`` mirrors repeating it (SciPy's 'symm'), ``replicate`` clamps.
    """
    p = i - lo
    inside = (p >= 0) & (p < n)
    if boundary == "zeros":
        return i, inside
    if boundary == "circular":
        q = np.mod(p, n)
    elif boundary == "replicate":
        q = np.clip(p, 0, n - 1)
    elif boundary == "reflect":
        if n == 1:
            q = np.zeros_like(p)
        else:
            per = 2 * n - 2
            q = np.mod(p, per)
            q = np.where(q >= n, per - q, q)
    elif boundary == "symmetric":
        per = 2 * n
        q = np.mod(p, per)
        q = np.where(q >= n, per - 1 - q, q)
    else:  # pragma: no cover - validated by the callers
        raise InputError(f"bad padding mode {boundary!r}: use {', '.join(BOUNDARIES)}")
    return q + lo, np.ones_like(inside)


@dataclass(frozen=True)
class AffineAxis:
    """One spatial axis of R: ``in_stride*i = stride*m + sigma*dilation*k + offset``.

    With ``in_stride`` u > 1 a pair (m, k) reaches an image index only when u divides the
    right side: the image is read as if u-1 zeros were inserted between its pixels (a
    transposed convolution, JAX's lhs dilation).
    """

    stride: int
    sigma: int
    dilation: int
    offset: int
    out_lo: int
    out_count: int
    img_lo: int
    img_size: int
    ker_lo: int
    ker_size: int
    boundary: str = "zeros"
    in_stride: int = 1

    img_dims = 1
    ker_dims = 1

    @property
    def tap_step(self) -> int:
        """With an input stride u, the taps that reach a pixel from one output are ``u /
        gcd(u, d)`` apart: the table lists only those (1 without an input stride)."""
        return self.in_stride // math.gcd(self.in_stride, self.dilation)

    @property
    def taps(self) -> int:
        """Tap slots per output in :meth:`table`: every tap, or with an input stride the
        ``ceil(K / tap_step)`` taps one output can pair with."""
        return -(-self.ker_size // self.tap_step)

    def out_indices(self) -> np.ndarray:
        return np.arange(self.out_lo, self.out_lo + self.out_count, dtype=np.int64)

    def ker_indices(self) -> np.ndarray:
        return np.arange(self.ker_lo, self.ker_lo + self.ker_size, dtype=np.int64)

    def affine(self, m: np.ndarray | int, k: np.ndarray | int) -> np.ndarray | int:
        """The right side ``s*m + sigma*d*k + c``: ``in_stride`` times the image index it
        reaches (before any boundary rule); with ``in_stride`` 1, the image index."""
        return self.stride * m + self.sigma * self.dilation * k + self.offset

    def table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(image (M,T,1), kernel (M,T,1), valid (M,T))`` for every output and tap."""
        m = self.out_indices()[:, None]
        u = self.in_stride
        if u == 1:
            k = self.ker_indices()[None, :]
            raw = np.asarray(self.affine(m, k))
            img, valid = map_boundary(raw, self.img_lo, self.img_size, self.boundary)
            ker = np.broadcast_to(k, raw.shape)
            return img[..., None], ker[..., None], valid
        # Input stride u: only the taps whose s*m + sigma*d*k + c is a multiple of u reach a
        # pixel, one tap in every tap_step from the first such tap k0(m): list just those
        # (a dense table would be mostly invalid pairs, u^dims times the work).
        step = self.tap_step
        first = self.ker_lo + np.arange(step, dtype=np.int64)[None, :]
        hits = np.asarray(self.affine(m, first)) % u == 0
        k0 = first[0][np.argmax(hits, axis=1)][:, None]
        k = k0 + step * np.arange(self.taps, dtype=np.int64)[None, :]
        raw = np.asarray(self.affine(m, k))
        img, valid = map_boundary(raw // u, self.img_lo, self.img_size, self.boundary)
        valid = valid & hits.any(axis=1)[:, None] & (raw % u == 0) & \
            (k < self.ker_lo + self.ker_size)
        return img[..., None], k[..., None], valid

    def valid_count(self) -> int:
        """How many (output, tap) pairs reach an image index (``table()``'s valid count),
        computed without the table when it would be large: per tap, the outputs whose
        index ``(s*m + sigma*d*k + c)/u`` is an integer inside the image."""
        if self.out_count * self.ker_size <= MAX_AXIS_PAIRS:
            return int(self.table()[2].sum())
        s, u = self.stride, self.in_stride
        m0, m1 = self.out_lo, self.out_lo + self.out_count - 1
        inside = self.boundary == "zeros"
        lo_img, hi_img = u * self.img_lo, u * (self.img_lo + self.img_size - 1)
        g = math.gcd(s, u)
        period = u // g
        inv = pow(s // g, -1, period) if period > 1 else 0
        total = 0
        for start in range(self.ker_lo, self.ker_lo + self.ker_size, _COUNT_CHUNK):
            k = np.arange(start, min(start + _COUNT_CHUNK, self.ker_lo + self.ker_size),
                          dtype=object if abs(s * m1) > 2**61 else np.int64)
            b = self.sigma * self.dilation * k + self.offset
            lo = np.full(k.shape, m0, dtype=k.dtype)
            hi = np.full(k.shape, m1, dtype=k.dtype)
            if inside:  # s*m + b within [lo_img, hi_img]
                lo = np.maximum(lo, -((b - lo_img) // s))
                hi = np.minimum(hi, (hi_img - b) // s)
            # s*m + b divisible by u: m = r (mod u/g) where g | b, none otherwise.
            ok = (b % g) == 0
            if period == 1:
                total += int(np.where(ok, np.maximum(hi - lo + 1, 0), 0).sum())
                continue
            r = ((-b // g) * inv) % period
            count = (hi - r) // period - (lo - 1 - r) // period
            total += int(np.where(ok & (hi >= lo), np.maximum(count, 0), 0).sum())
        return total

    def solve_kernel(self, m: int, i: int) -> Fraction:
        """The kernel index that pairs output ``m`` with image index ``i`` (maybe not an int)."""
        return Fraction(self.in_stride * i - self.stride * m - self.offset,
                        self.sigma * self.dilation)

    def footprint(self, m: int) -> tuple[int, int]:
        """Lowest and highest image index that output ``m`` can reach (the extreme taps'
        ``u*i``, rounded inwards when the input stride u is over 1)."""
        ends = [int(self.affine(m, self.ker_lo)),
                int(self.affine(m, self.ker_lo + self.ker_size - 1))]
        u = self.in_stride
        return -((-min(ends)) // u), max(ends) // u


def check_limit(max_terms: int | None) -> int:
    """The term limit in force: ``max_terms``, or the default when None."""
    limit = DEFAULT_MAX_TERMS if max_terms is None else max_terms
    if limit < 0:
        raise InputError(f"bad --max-terms {limit}: the limit must be 0 or more")
    return limit


@dataclass(frozen=True)
class ChannelAxis:
    """Channels with groups, as PyTorch: output channel ``o`` reads the ``C_in/groups`` input
    channels of its group; the kernel is indexed ``(o, t)`` for tap ``t``, or, for a
    transposed convolution (``transposed``: PyTorch's weight layout C_in x C_out/groups),
    ``(c, o mod C_out/groups)`` for the input channel ``c`` the tap reads."""

    in_channels: int
    out_channels: int
    groups: int
    transposed: bool = False

    img_dims = 1
    ker_dims = 2
    out_lo = 0
    boundary = "zeros"

    @property
    def out_count(self) -> int:
        return self.out_channels

    @property
    def taps(self) -> int:
        return self.in_channels // self.groups

    def valid_count(self) -> int:
        """Every (output channel, tap) pair reads an input channel."""
        return self.out_channels * self.taps

    def input_channel(self, o: np.ndarray | int, t: np.ndarray | int) -> np.ndarray | int:
        return (o // (self.out_channels // self.groups)) * self.taps + t

    def out_indices(self) -> np.ndarray:
        return np.arange(self.out_channels, dtype=np.int64)

    @property
    def per_group(self) -> int:
        """Output channels per group."""
        return self.out_channels // self.groups

    def kernel_index(self, o: int, c: int) -> tuple[int, int]:
        """The kernel's channel indices pairing output channel ``o`` with input ``c``."""
        if self.transposed:
            return c, o % self.per_group
        return o, c - int(self.input_channel(o, 0))

    def kernel_parts(self, o: str, c: str) -> list[str]:
        """The kernel's channel indices as a formula in the letters ``o`` and ``c``."""
        if self.transposed:
            return [c, o if self.groups == 1 else f"{o} mod {self.per_group}"]
        if self.groups == 1:
            return [o, c]
        first = o if self.per_group == 1 else f"floor({o}/{self.per_group})"
        return [o, f"{c}-{first}" if self.taps == 1 else f"{c}-{self.taps}*{first}"]

    def plugged(self, o: int, c: int) -> list[str]:
        """The kernel's channel indices with the numbers plugged in (``2``, ``3-2``)."""
        if self.transposed:
            first = o - o % self.per_group
            return [str(c), f"{o}-{first}" if first else str(o)]
        first = int(self.input_channel(o, 0))
        return [str(o), f"{c}-{first}" if first else str(c)]

    def table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        o = self.out_indices()[:, None]
        t = np.arange(self.taps, dtype=np.int64)[None, :]
        img = np.asarray(self.input_channel(o, t))
        if self.transposed:
            ker = np.stack(np.broadcast_arrays(img, o % self.per_group), axis=-1)
        else:
            ker = np.stack(np.broadcast_arrays(o, t), axis=-1)
        return img[..., None], ker, np.ones(img.shape, dtype=bool)


Factor = Union[AffineAxis, ChannelAxis]


@dataclass(frozen=True)
class Terms:
    """Every product term of R, grouped by output (outputs in C order over positions).

    ``starts[p]:starts[p+1]`` are the terms of the output at flat position ``p``; ``image``
    and ``kernel`` hold one index tuple per term (after boundary mapping), in the order the
    relation's ``tap_order`` asks for.
    """

    out_shape: tuple[int, ...]
    out_lo: tuple[int, ...]
    starts: np.ndarray
    image: np.ndarray
    kernel: np.ndarray

    @property
    def count(self) -> int:
        return int(self.image.shape[0])

    def output_index(self, flat: int) -> tuple[int, ...]:
        pos = np.unravel_index(flat, self.out_shape)
        return tuple(int(p) + lo for p, lo in zip(pos, self.out_lo, strict=True))


@dataclass(frozen=True)
class Relation:
    """The whole relation: a product of factors (one per output axis)."""

    factors: tuple[Factor, ...]

    @property
    def out_shape(self) -> tuple[int, ...]:
        return tuple(f.out_count for f in self.factors)

    @property
    def out_lo(self) -> tuple[int, ...]:
        return tuple(f.out_lo for f in self.factors)

    @property
    def out_hi(self) -> tuple[int, ...]:
        return tuple(f.out_lo + f.out_count - 1 for f in self.factors)

    def term_count(self) -> int:
        """The exact number of product terms, from per-factor counts (no enumeration)."""
        total = 1
        for f in self.factors:
            total *= f.valid_count()
        return total

    def out_count(self) -> int:
        total = 1
        for f in self.factors:
            total *= f.out_count
        return total

    def pair_count(self) -> int:
        """Outputs times taps: the size of the dense table enumeration works on."""
        total = 1
        for f in self.factors:
            total *= f.out_count * f.taps
        return total

    def check_size(self, max_terms: int | None) -> int:
        """The term count, or a :class:`LimitError` when the terms and the outputs together
        are over the limit (an output costs about what a term costs on the way to text or
        JSON, so both count); arithmetic only, nothing is enumerated."""
        limit = check_limit(max_terms)
        n = self.term_count()
        outs = self.out_count()
        if n + outs > limit:
            total = n + outs
            raise LimitError(
                f"this request has {n:,} product terms and {outs:,} outputs, {total:,} in "
                f"all (each output counts as a term), over the limit of {limit:,}; raise it "
                f"with --max-terms {total} (Python: max_terms={total})"
            )
        check_memory(n + outs, f"this request ({n:,} product terms, {outs:,} outputs)")
        return n

    def enumerate(self, tap_order: tuple[int, ...] | None = None,
                  max_terms: int | None = None) -> Terms:
        """All terms, vectorised.  ``tap_order`` permutes the factors' taps (display order).

        The valid terms are a product of per-factor validity tables, laid out densely over
        (outputs..., taps in display order...).  Each index column is read by selecting
        that dense layout with the validity mask on a broadcast view of the factor's small
        table, written straight into its row of a (columns, terms) array: no flat positions
        to unravel, no gathers, no stacking.  The counts per output are the outer product of
        the per-factor counts.

        When some pairs are invalid (the padding's border, a transposed convolution's taps,
        which alternate with the output's parity) the layout is built per output of the
        first factor instead: the rest of the relation is enumerated once for each number
        of valid slots that output can have, and each output's block copies that
        enumeration and gathers its own valid slots (the same terms in the same order,
        with no masked pass over the whole dense layout: about twice as fast).
        """
        self.check_size(max_terms)
        nf = len(self.factors)
        order = tuple(range(nf)) if tap_order is None else tap_order
        tables = [f.table() for f in self.factors]
        taps = [f.taps for f in self.factors]
        if nf >= 2 and _by_blocks(tables, self.pair_count()):
            image, kernel = _by_first_factor(tables, taps, order, self.out_shape)
        else:
            image, kernel = _dense_columns(tables, taps, order, self.out_shape)
        counts = np.ones((), dtype=np.int64)
        for _, _, v in tables:
            counts = np.multiply.outer(counts, v.sum(axis=1, dtype=np.int64))
        starts = np.zeros(int(np.prod(self.out_shape)) + 1, dtype=np.int64)
        np.cumsum(counts.ravel(), out=starts[1:])
        # (terms, columns) views of the (columns, terms) arrays: one index tuple per term.
        return Terms(self.out_shape, self.out_lo, starts, image.T, kernel.T)

    def enumerate_at(self, index: tuple[int, ...], tap_order: tuple[int, ...] | None = None,
                     max_terms: int | None = None) -> Terms:
        """The terms of the one output ``index`` (a table with a single output), in the
        order :meth:`enumerate` gives them; nothing else is enumerated.  Each spatial axis
        is restricted to that output; a channel factor (small) is enumerated whole and the
        output channel's block is kept."""
        if len(index) != len(self.factors):
            raise InputError(f"bad output index {index}: give {len(self.factors)} values")
        factors: list[Factor] = []
        pos: list[int] = []
        for f, m in zip(self.factors, index, strict=True):
            if isinstance(f, AffineAxis):
                factors.append(replace(f, out_lo=int(m), out_count=1))
                pos.append(0)
            else:
                factors.append(f)
                pos.append(int(m) - f.out_lo)
        sub = Relation(tuple(factors))
        t = sub.enumerate(tap_order, max_terms)
        p = int(np.ravel_multi_index(tuple(pos), sub.out_shape))
        s, e = int(t.starts[p]), int(t.starts[p + 1])
        return Terms((1,) * len(index), tuple(int(v) for v in index),
                     np.array([0, e - s], dtype=np.int64), t.image[s:e], t.kernel[s:e])


#: The fewest (output, tap) pairs per output of the first factor for
#: :func:`_by_first_factor` (its work has a Python step per such output).
_MIN_BLOCK = 256


def _by_blocks(tables: list[tuple[np.ndarray, np.ndarray, np.ndarray]], pairs: int) -> bool:
    """Whether to enumerate per output of the first factor: some pair is invalid (else the
    dense layout is one broadcast copy per column, the fastest there is) and the first
    factor's outputs are few for the work."""
    outs = tables[0][2].shape[0]
    return outs > 0 and pairs >= _MIN_BLOCK * outs and not all(v.all() for _, _, v in tables)


def _dense_columns(tables: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
                   taps: list[int], order: tuple[int, ...], out_shape: tuple[int, ...]
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The (columns, terms) image and kernel index arrays of the dense layout (see
    :meth:`Relation.enumerate`)."""
    nf = len(tables)
    dense = tuple(out_shape) + tuple(taps[j] for j in order)
    valid = np.ones(dense, dtype=bool)
    shapes: list[list[int]] = []
    for j, (_, _, v) in enumerate(tables):
        shape = [1] * (2 * nf)
        shape[j] = v.shape[0]
        shape[nf + order.index(j)] = v.shape[1]
        shapes.append(shape)
        valid &= v.reshape(shape)
    everything = bool(valid.all())
    n = valid.size if everything else int(np.count_nonzero(valid))
    n_img = sum(t[0].shape[2] for t in tables)
    n_ker = sum(t[1].shape[2] for t in tables)
    image = np.empty((n_img, n), dtype=np.int64)
    kernel = np.empty((n_ker, n), dtype=np.int64)
    filled = {id(image): 0, id(kernel): 0}
    for j, (img, ker, _) in enumerate(tables):
        for src, dst in ((img, image), (ker, kernel)):
            for d in range(src.shape[2]):
                col = np.broadcast_to(src[:, :, d].reshape(shapes[j]), dense)
                row = dst[filled[id(dst)]]
                filled[id(dst)] += 1
                if everything:
                    row.reshape(dense)[...] = col
                else:
                    row[...] = col[valid]
    return image, kernel


def _by_first_factor(tables: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
                     taps: list[int], order: tuple[int, ...], out_shape: tuple[int, ...]
                     ) -> tuple[np.ndarray, np.ndarray]:
    """The same arrays as :func:`_dense_columns`, built one output of the first factor at
    a time (see :meth:`Relation.enumerate`)."""
    img0, ker0, valid0 = tables[0]
    count0 = valid0.sum(axis=1)
    # each output's valid slots first, in slot order: the k-th valid slot's values
    first = np.argsort(~valid0, axis=1, kind="stable")
    comp_img = np.take_along_axis(img0, first[:, :, None], axis=1)
    comp_ker = np.take_along_axis(ker0, first[:, :, None], axis=1)
    rest_shape = tuple(out_shape[1:])
    subs: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for c in np.unique(count0).tolist():
        if c == 0:
            continue
        slot = np.arange(c, dtype=np.int64).reshape(1, c, 1)
        sub = [(slot, slot, np.ones((1, c), dtype=bool))] + tables[1:]
        simg, sker = _dense_columns(sub, [c] + taps[1:], order, (1,) + rest_shape)
        subs[c] = (simg[0], simg[1:], sker[1:])  # the slot, the other factors' columns
    n = int(sum(subs[c][0].size for c in count0.tolist() if c))
    d_img, d_ker = img0.shape[2], ker0.shape[2]
    n_img = d_img + sum(t[0].shape[2] for t in tables[1:])
    n_ker = d_ker + sum(t[1].shape[2] for t in tables[1:])
    image = np.empty((n_img, n), dtype=np.int64)
    kernel = np.empty((n_ker, n), dtype=np.int64)
    at = 0
    for o, c in enumerate(count0.tolist()):
        if not c:
            continue
        slot, rest_img, rest_ker = subs[c]
        end = at + slot.size
        for d in range(d_img):
            image[d, at:end] = comp_img[o, :, d][slot]
        for d in range(d_ker):
            kernel[d, at:end] = comp_ker[o, :, d][slot]
        image[d_img:, at:end] = rest_img
        kernel[d_ker:, at:end] = rest_ker
        at = end
    return image, kernel
