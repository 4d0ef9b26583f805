"""An independent reading of the claim language with the libraries themselves: every
operation computed by SciPy (modes), PyTorch (paddings, transposed convolution, autograd for
``grad``) and NumPy, on signals (an array and the index of its first entry).

It shares no code with symconv's engines beyond the parser: the soundness tests use it to
check that what symconv proves holds numerically at large random shapes, and that every
counterexample symconv prints really is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.signal

from symconv.parse.claim import Binary, Call, Claim, Indexed, Name, Num, Unary


@dataclass
class Sig:
    """Values (float64 or complex128) and the index of the first entry per axis."""

    v: np.ndarray
    lo: tuple[int, ...]

    @property
    def ndim(self) -> int:
        return self.v.ndim


def lo_of(shape: tuple[int, ...], origin: str) -> tuple[int, ...]:
    return tuple(-(n // 2) if origin == "center" else 0 for n in shape)


def _embed(s: Sig, lo: tuple[int, ...], shape: tuple[int, ...]) -> np.ndarray:
    out = np.zeros(shape, dtype=np.result_type(s.v, np.float64))
    src, dst = [], []
    for a in range(s.ndim):
        o = s.lo[a] - lo[a]
        a0, a1 = max(0, o), min(shape[a], o + s.v.shape[a])
        if a1 <= a0:
            return out
        dst.append(slice(a0, a1))
        src.append(slice(a0 - o, a1 - o))
    out[tuple(dst)] = s.v[tuple(src)]
    return out


def union(a: Sig, b: Sig) -> tuple[tuple[int, ...], tuple[int, ...]]:
    lo = tuple(min(x, y) for x, y in zip(a.lo, b.lo, strict=True))
    hi = tuple(max(x + n - 1, y + m - 1) for x, n, y, m in zip(a.lo, a.v.shape, b.lo,
                                                               b.v.shape, strict=True))
    return lo, tuple(h - lw + 1 for lw, h in zip(lo, hi, strict=True))


def add(a: Sig, b: Sig, sign: int) -> Sig:
    if a.ndim == 0:
        return Sig(a.v + sign * b.v, ())
    lo, shape = union(a, b)
    return Sig(_embed(a, lo, shape) + sign * _embed(b, lo, shape), lo)


def multiply(a: Sig, b: Sig) -> Sig:
    if a.ndim == 0 or b.ndim == 0:
        return Sig(a.v * b.v, a.lo if a.ndim else b.lo)
    lo, shape = union(a, b)
    return Sig(_embed(a, lo, shape) * _embed(b, lo, shape), lo)


def dilate_kernel(h: np.ndarray, d: tuple[int, ...]) -> np.ndarray:
    shape = tuple((n - 1) * s + 1 for n, s in zip(h.shape, d, strict=True))
    out = np.zeros(shape, dtype=h.dtype)
    out[tuple(slice(None, None, s) for s in d)] = h
    return out


def scipy_op(op: str, a: Sig, b: Sig, mode: str, stride: tuple[int, ...],
             dilation: tuple[int, ...], conj: bool) -> Sig:
    """conv/corr in SciPy's modes, on natural indices (conv: t = i + d*k, corr: t = i - d*k),
    then the natural positions that are multiples of the stride."""
    hd = dilate_kernel(np.conj(b.v) if conj else b.v, dilation)
    klo = tuple(d * lw for d, lw in zip(dilation, b.lo, strict=True))
    if op == "corr":
        # scipy.signal.correlate conjugates its second argument: hand it conj(hd) so that
        # it computes sum a * hd (hd itself is conjugated when the claim says so)
        hd = np.conj(hd)
    if op == "conv":
        full = scipy.signal.convolve(a.v, hd, mode="full", method="direct")
        full_lo = tuple(x + k for x, k in zip(a.lo, klo, strict=True))
    else:
        full = scipy.signal.correlate(a.v, hd, mode="full", method="direct")
        # correlate(a, hd)[p] = sum_j a[p + j - (Kd-1)] hd[j]: natural t = i - k
        full_lo = tuple(x - (k + n - 1) for x, k, n in zip(a.lo, klo, hd.shape, strict=True))
    if mode == "full":
        out, lo = full, full_lo
    else:
        ref = scipy.signal.convolve(a.v, hd, mode=mode, method="direct") if op == "conv" else \
            scipy.signal.correlate(a.v, hd, mode=mode, method="direct")
        # locate SciPy's window inside the full output (its documented centring)
        starts = []
        for ax in range(a.ndim):
            n, k = a.v.shape[ax], hd.shape[ax]
            if mode == "valid":
                starts.append(min(n, k) - 1)
            else:  # same: centred on the full output, as scipy.signal._centered
                starts.append((n + k - 1 - ref.shape[ax]) // 2)
        out = ref
        lo = tuple(fl + s for fl, s in zip(full_lo, starts, strict=True))
        sl = tuple(slice(s, s + n) for s, n in zip(starts, ref.shape, strict=True))
        assert np.allclose(full[sl], ref)  # the window is where we say it is
    # stride: keep natural positions that are multiples of s
    sl, new_lo = [], []
    for ax, s in enumerate(stride):
        first = -((-lo[ax]) // s) * s
        sl.append(slice(first - lo[ax], None, s))
        new_lo.append(first // s)
    return Sig(out[tuple(sl)], tuple(new_lo))


def torch_op(op: str, a: Sig, b: Sig, padding: Any, stride: tuple[int, ...],
             dilation: tuple[int, ...], conj: bool, origin: str) -> Sig:
    """conv/corr with PyTorch's padding: the output starts where the kernel fits at the
    padded image's low edge (index 0, or centred under the centre origin)."""
    import torch  # imported when used: collecting this module needs no PyTorch

    nd = a.ndim
    fn = (torch.nn.functional.conv1d, torch.nn.functional.conv2d,
          torch.nn.functional.conv3d)[nd - 1]
    h = np.conj(b.v) if conj else b.v
    if op == "conv":
        h = h[tuple(slice(None, None, -1) for _ in range(nd))]
    if isinstance(padding, str):
        pads = []
        for ax in range(nd):
            t = dilation[ax] * (b.v.shape[ax] - 1)
            pads.append((t // 2, t - t // 2))
    else:
        pads = list(padding)
    xt = torch.tensor(np.array(a.v.real, copy=True), dtype=torch.float64)[None, None]
    flat = []
    for lw, hi in reversed(pads):
        flat += [lw, hi]
    xt = torch.nn.functional.pad(xt, flat)
    ht = torch.tensor(np.array(h.real, copy=True), dtype=torch.float64)[None, None]
    out = fn(xt, ht, stride=stride, dilation=dilation)[0, 0].numpy()
    if np.iscomplexobj(a.v) or np.iscomplexobj(h):  # complex: real and imaginary passes
        def part(x: np.ndarray, k: np.ndarray) -> np.ndarray:
            xt_ = torch.nn.functional.pad(torch.tensor(np.array(x, copy=True))[None, None],
                                          flat)
            return fn(xt_, torch.tensor(np.array(k, copy=True))[None, None], stride=stride,
                      dilation=dilation)[0, 0].numpy()
        out = (part(a.v.real, h.real) - part(a.v.imag, h.imag)
               + 1j * (part(a.v.real, h.imag) + part(a.v.imag, h.real)))
    lo = tuple(-(n // 2) if origin == "center" else 0 for n in out.shape)
    # The relation's offset: the first output reads the padded image's first pixel, i.e.
    # image index a.lo - pad_low; torch's output 0 is that position.  Under the centre
    # origin the outputs are renumbered only (values in the same order).
    return Sig(out, lo)


def conv_transpose(g: Sig, h: Sig, stride: tuple[int, ...], padding: tuple[int, ...],
                   dilation: tuple[int, ...], output_padding: tuple[int, ...]) -> Sig:
    import torch  # imported when used: collecting this module needs no PyTorch

    nd = g.ndim
    fn = (torch.nn.functional.conv_transpose1d, torch.nn.functional.conv_transpose2d,
          torch.nn.functional.conv_transpose3d)[nd - 1]
    out = fn(torch.tensor(np.array(g.v.real, copy=True), dtype=torch.float64)[None, None],
             torch.tensor(np.array(h.v.real, copy=True), dtype=torch.float64)[None, None],
             stride=stride, padding=padding, output_padding=output_padding,
             dilation=dilation)[0, 0].numpy()
    lo = tuple(s * gl + d * hl for s, gl, d, hl in zip(stride, g.lo, dilation, h.lo,
                                                       strict=True))
    return Sig(out, lo)


class Oracle:
    """Evaluates a claim on given arrays (names -> values) with the libraries."""

    def __init__(self, values: dict[str, np.ndarray], origin: str, lo: dict[str, Any]
                 | None = None, seed: int = 0) -> None:
        self.values = values
        self.origin = origin
        self.lo = lo or {}
        self.bound: dict[str, Sig] = {}
        self.rng = np.random.default_rng(seed)

    def like(self, name: str, e: Sig) -> Sig:
        """The upstream gradient ``name``: its given values, or random integers, on E's
        index box."""
        if name not in self.bound:
            v = self.values.get(name)
            if v is None:
                v = self.rng.integers(-9, 10, size=e.v.shape)
                self.values[name] = v
            self.bound[name] = Sig(np.asarray(v, dtype=np.float64), e.lo)
        return self.bound[name]

    def sig(self, name: str) -> Sig:
        if name in self.bound:
            return self.bound[name]
        v = np.asarray(self.values[name])
        lo = tuple(self.lo[name]) if name in self.lo else lo_of(v.shape, self.origin)
        return Sig(v.astype(np.complex128 if np.iscomplexobj(v) else np.float64), lo)

    def eval(self, n: Any) -> Sig:
        if isinstance(n, Name):
            return self.sig(n.name)
        if isinstance(n, Num):
            return Sig(np.array(float(n.value)), ())
        if isinstance(n, Unary):
            s = self.eval(n.arg)
            return Sig(-s.v, s.lo)
        if isinstance(n, Binary):
            for first, other in ((n.left, n.right), (n.right, n.left)):
                if n.op == "*" and isinstance(first, Name) and first.name not in self.values \
                        and not isinstance(other, (Name, Num)):
                    e = self.eval(other)
                    return multiply(self.like(first.name, e), e)
            a, b = self.eval(n.left), self.eval(n.right)
            return multiply(a, b) if n.op == "*" else add(a, b, 1 if n.op == "+" else -1)
        if isinstance(n, Indexed):
            s = self.eval(n.arg)
            return reflect(s, n.signs)
        assert isinstance(n, Call)
        kw = dict(n.kwargs)
        if n.fn in ("conv", "corr", "corr_reflected"):
            a, b = self.eval(n.args[0]), self.eval(n.args[1])
            nd = a.ndim
            st = _per_axis(kw.get("stride", 1), nd)
            dl = _per_axis(kw.get("dilation", 1), nd)
            op = "conv" if n.fn == "conv" else "corr"
            conj = bool(kw.get("conjugate", False))
            if "padding" in kw:
                p = kw["padding"]
                pad = p if isinstance(p, str) and p == "same" else \
                    [(0, 0)] * nd if p == "valid" else [(v, v) for v in _per_axis(p, nd)]
                out = torch_op(op, a, b, pad, st, dl, conj, self.origin)
            else:
                out = scipy_op(op, a, b, kw.get("mode", "full"), st, dl, conj)
            return reflect(out, (True,) * nd) if n.fn == "corr_reflected" else out
        if n.fn == "flip":
            return reflect(self.eval(n.args[0]), None)
        if n.fn == "conj":
            s = self.eval(n.args[0])
            return Sig(np.conj(s.v), s.lo)
        if n.fn == "dilate":
            s = self.eval(n.args[0])
            f = n.args[1].value
            d = (f,) * s.ndim
            return Sig(dilate_kernel(s.v, d), tuple(f * lw for lw in s.lo))
        if n.fn == "sum":
            s = self.eval(n.args[0])
            return Sig(np.array(s.v.sum()), ())
        if n.fn == "conv_transpose":
            g, h = self.eval(n.args[0]), self.eval(n.args[1])
            nd = g.ndim
            return conv_transpose(g, h, _per_axis(kw.get("stride", 1), nd),
                                  _per_axis(kw.get("padding", 0), nd),
                                  _per_axis(kw.get("dilation", 1), nd),
                                  _per_axis(kw.get("output_padding", 0), nd))
        if n.fn == "grad":
            return self.grad(n)
        raise AssertionError(n.fn)

    def grad(self, n: Call) -> Sig:
        """dE/dx by PyTorch's autograd through a differentiable re-reading of E: E is linear
        in x, so its gradient is E's value with x replaced by each impulse (in float64)."""
        wrt = n.args[1].name
        x = self.sig(wrt)
        out = np.zeros(x.v.shape, dtype=np.complex128)
        for flat in range(x.v.size):
            imp = np.zeros(x.v.size)
            imp[flat] = 1.0
            saved = dict(self.values)
            self.values[wrt] = imp.reshape(x.v.shape)
            e = self.eval(n.args[0])
            if len(n.args) == 3:
                g = self.like(n.args[2].name, e)
                e = Sig(np.array((_embed(g, *union(g, e)) * _embed(e, *union(g, e))).sum()),
                        ())
            out.ravel()[flat] = complex(e.v)
            self.values = saved
        return Sig(out.real if np.allclose(out.imag, 0) else out, x.lo)


def reflect(s: Sig, signs: Any) -> Sig:
    sel = [True] * s.ndim if signs is None else list(signs)
    v = s.v[tuple(slice(None, None, -1) if r else slice(None) for r in sel)]
    lo = tuple(-(lw + n - 1) if r else lw for lw, n, r in zip(s.lo, s.v.shape, sel,
                                                            strict=True))
    return Sig(v, lo)


def _per_axis(v: Any, nd: int) -> tuple[int, ...]:
    t = v if isinstance(v, tuple) else (v,)
    return tuple(int(x) for x in (t * nd if len(t) == 1 else t))


def sides_differ_at(claim: Claim, values: dict[str, np.ndarray], origin: str,
                    positions: bool = False) -> tuple[bool, Sig, Sig]:
    """Evaluate both sides; True when they differ anywhere (as signals, zero outside)."""
    o = Oracle(dict(values), origin)
    try:
        left = o.eval(claim.left)
        right = o.eval(claim.right)
    except KeyError:  # a name the right side binds (grad's g) used first on the left
        o = Oracle(dict(values), origin)
        right = o.eval(claim.right)
        left = o.eval(claim.left)
    if positions:
        left, right = Sig(left.v, (0,) * left.ndim), Sig(right.v, (0,) * right.ndim)
    if left.ndim == 0:
        return not np.isclose(complex(left.v), complex(right.v)), left, right
    lo, shape = union(left, right)
    a, b = _embed(left, lo, shape), _embed(right, lo, shape)
    return not np.allclose(a, b, rtol=1e-9, atol=1e-6), left, right


def value_at(s: Sig, idx: tuple[int, ...]) -> complex:
    if s.ndim == 0:
        return complex(s.v)
    pos = tuple(i - lw for i, lw in zip(idx, s.lo, strict=True))
    if any(p < 0 or p >= n for p, n in zip(pos, s.v.shape, strict=True)):
        return 0j
    return complex(s.v[pos])


def from_json(v: Any) -> np.ndarray:
    """A counterexample's values (nested lists; complex entries as {"re", "im"})."""
    def conv(x: Any) -> Any:
        if isinstance(x, dict):
            return complex(x["re"], x["im"])
        if isinstance(x, list):
            return [conv(y) for y in x]
        return x
    return np.array(conv(v))
