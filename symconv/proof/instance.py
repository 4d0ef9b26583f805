"""The instance scope: both sides of a theorem built from the core's index relation for
given shapes (:mod:`symconv.proof.polyarray` over :meth:`Relation.enumerate`) and compared
exactly as lists of terms (output index, monomial, integer coefficient), by sorting integer
keys.  Any differing term makes the comparison fail, and the derivation is then *refuted*
with the first differing output (:func:`refuted`, with values found by
:func:`counterexample_values`): no path says "proved" without a check that could fail.

The helpers here are shared by the named theorems and by user claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InputError
from ..expansion.exact import value_text
from ..index.notation import IMG_NAMES, OUT_NAMES, kernel_index
from ..index.relation import AffineAxis
from ..index.request import operation
from ..index.signal import parse_shape, resolve_origin
from ..index.values import json_array, json_number
from . import polyarray as pa
from .derivation import Derivation, Step
from .exact import decide_equal
from .options import Options


@dataclass
class Inst:
    reg: pa.Registry
    x: pa.Var
    h: pa.Var
    origin: str

    @staticmethod
    def make(o: Options, layer_ok: bool = False) -> Inst:
        if o.layer and not layer_ok:
            raise InputError("--layer (channels, groups) applies to the duality and sizes "
                             "theorems; the others are about the spatial index relation")
        img = parse_shape(o.image or "7", "image shape")
        ker = parse_shape(o.kernel or "3", "kernel shape")
        if o.layer:
            img, ker = img[1:], ker[2:]  # the spatial sizes (channels do not change them)
        if len(img) != len(ker):
            raise InputError(f"image has {len(img)} axes but kernel has {len(ker)}")
        origin = o.origin or "center"
        reg = pa.Registry()
        x = reg.add("x", tuple(-v for v in resolve_origin(origin, img)), img)
        h = reg.add("h", tuple(-v for v in resolve_origin(origin, ker)), ker)
        return Inst(reg, x, h, origin)


def refuted(title: str, name: str, claim_latex: str, claim_text: str, scope_steps: list[Step],
            left: pa.Poly, right: pa.Poly, cmp: pa.Comparison, reg: pa.Registry,
            notes: Sequence[str] = ()) -> Derivation:
    """A check failed: the derivation is refuted with the first differing output."""
    idx = cmp.first_output or ()
    vals, lv, rv = counterexample_values(left, right, reg, idx)
    cex = {"shapes": {n: list(v.shape) for n, v in reg.vars.items()},
           "lo": {n: list(v.lo) for n, v in reg.vars.items()},
           "values": {n: json_array(vals[n]) for n in reg.vars},
           "output": list(idx), "left": json_number(lv), "right": json_number(rv)}
    steps = scope_steps + [Step(r"\text{LHS} \neq \text{RHS}",
                                "the term lists differ first at output "
                                f"[{', '.join(map(str, idx))}]",
                                f"LHS[{idx}] = {lv}, RHS[{idx}] = {rv}")]
    return Derivation(title, claim_latex, claim_text, "refuted", "instance", tuple(steps), cex,
                      tuple(notes), name)


def refuted_plain(title: str, name: str, claim_latex: str, claim_text: str,
                  steps: Sequence[Step], why: str, counterexample: dict[str, Any]
                  ) -> Derivation:
    """Refuted by a check that is not a comparison of term lists (a window, a rank): the
    failed check as the last step, its data as the counterexample."""
    return Derivation(title, claim_latex, claim_text, "refuted", "instance",
                      tuple(steps) + (Step(r"\text{LHS} \neq \text{RHS}", why, why),),
                      counterexample, (), name)


def check_step(cmp: pa.Comparison, what: str) -> Step:
    return Step(r"\text{LHS} - \text{RHS} = 0",
                f"{what}: both sides have {cmp.terms_left:,} terms (output index, monomial, "
                "coefficient); the sorted integer keys are identical, so the two sides agree "
                "for every value of the arrays (a polynomial identity)",
                f"{cmp.terms_left:,} = {cmp.terms_right:,} terms, identical after sorting")


def op_latex(opn: Any, y: str = "y", x: str = "x", h: str = "h") -> str:
    """``y[m,n] = \\sum_i\\sum_j x[i,j] h[m-i,n-j]`` from the core operation's relation."""
    facs = [f for f in opn.relation.factors if isinstance(f, AffineAxis)]
    outs = OUT_NAMES[:len(facs)]
    imgs = IMG_NAMES[:len(facs)]
    kidx = ", ".join(kernel_index(f, m, i) for f, m, i in zip(facs, outs, imgs, strict=False))
    sums = "".join(rf"\sum_{{{i}=-\infty}}^{{\infty}}" for i in reversed(imgs))
    conj = opn.conjugate
    hh = rf"\overline{{{h}[{kidx}]}}" if conj else f"{h}[{kidx}]"
    return f"{y}[{', '.join(outs)}] = {sums} {x}[{', '.join(imgs)}]\\,{hh}"


def op_text(opn: Any, y: str = "y", x: str = "x", h: str = "h") -> str:
    facs = [f for f in opn.relation.factors if isinstance(f, AffineAxis)]
    outs = OUT_NAMES[:len(facs)]
    imgs = IMG_NAMES[:len(facs)]
    kidx = ", ".join(kernel_index(f, m, i) for f, m, i in zip(facs, outs, imgs, strict=False))
    return f"{y}[{', '.join(outs)}] = sum_{{{','.join(imgs)}}} {x}[{', '.join(imgs)}] {h}[{kidx}]"


def core_op(op: str, a: pa.Var | pa.Poly, b: pa.Var | pa.Poly, o: Options) -> Any:
    from ..index.signal import Signal

    img = Signal("x", a.shape, tuple(-v for v in a.lo), entries=None)
    ker = Signal("h", b.shape, tuple(-v for v in b.lo), entries=None)
    return operation(op, img, ker, **o.op_kwargs())


def bilinear_op(op: str, a: pa.Poly, b: pa.Poly, o: Options, reg: pa.Registry) -> pa.Poly:
    return pa.bilinear(op, a, b, reg, max_terms=o.max_terms, **o.op_kwargs())


def shape_note(inst: Inst, o: Options) -> str:
    opts = ", ".join(f"{k} {v}" for k, v in o.op_kwargs().items()
                     if k != "origin") or "mode full"
    return (f"scope instance: image {'x'.join(map(str, inst.x.shape))} (indices "
            f"{_rng(inst.x)}), kernel {'x'.join(map(str, inst.h.shape))} (indices "
            f"{_rng(inst.h)}), origin {inst.origin}, {opts}")


def _rng(v: pa.Var | pa.Poly) -> str:
    return " x ".join(f"{a}..{b}" for a, b in zip(v.lo, v.hi, strict=False))


def decide_pairs(title: str, name: str, claim_latex: str, claim_text: str, steps: list[Step],
                 pairs: Sequence[tuple[pa.Poly, pa.Poly, str]], reg: pa.Registry,
                 notes: Sequence[str], closing: Sequence[Step] = ()) -> Derivation:
    """Compare each pair of sides exactly: refuted at the first pair that differs, else
    proved with one check step per pair (then ``closing``)."""
    for left, right, what in pairs:
        cmp = pa.compare(left, right, reg)
        if not cmp.equal:
            return refuted(title, name, claim_latex, claim_text, steps, left, right, cmp, reg,
                           notes)
        steps.append(check_step(cmp, what))
    return Derivation(title, claim_latex, claim_text, "proved", "instance",
                      tuple(steps) + tuple(closing), None, tuple(notes), name)



def counterexample_values(left: pa.Poly, right: pa.Poly, reg: pa.Registry,
                          idx: Sequence[int], tries: int = 40
                          ) -> tuple[dict[str, np.ndarray], Any, Any]:
    """Small integer values (complex when conjugates occur) that make ``left`` and ``right``
    differ at output ``idx``; found by a seeded search and checked numerically.  Returns the
    values and the two sides' numbers there (complex numbers when the values are)."""
    uses_conj = _has_conj(left, reg) or _has_conj(right, reg)
    for t in range(tries):
        rng = np.random.default_rng(t)
        vals: dict[str, np.ndarray] = {}
        for name, v in reg.vars.items():
            arr = rng.integers(-3, 4, size=v.shape)
            if t == 0:
                arr = (np.arange(v.size).reshape(v.shape) % 5) + 1
            if uses_conj:
                arr = arr + 1j * rng.integers(-2, 3, size=v.shape)
            vals[name] = arr
        lv = _at(pa.evaluate(left, reg, vals), left, idx)
        rv = _at(pa.evaluate(right, reg, vals), right, idx)
        if decide_equal(lv, rv).verdict == "unequal":
            if uses_conj:  # complex values: both sides are complex numbers, even when real
                lv, rv = complex(lv), complex(rv)
            return vals, lv, rv
    raise AssertionError("no values separate two different polynomials")  # pragma: no cover


def _has_conj(p: pa.Poly, reg: pa.Registry) -> bool:
    for v in reg.vars.values():
        ids = p.mono[(p.mono >= v.offset + v.size) & (p.mono < v.offset + 2 * v.size)]
        if ids.size:
            return True
    return False


def _at(arr: np.ndarray, p: pa.Poly, idx: Sequence[int]) -> Any:
    if p.ndim == 0:
        return arr.item() if hasattr(arr, "item") else arr
    pos = tuple(i - lo for i, lo in zip(idx, p.lo, strict=False))
    if any(q < 0 or q >= n for q, n in zip(pos, p.shape, strict=False)):
        return 0
    v = arr[pos]
    return v.item() if isinstance(v, np.generic) else v


def poly_text(terms: Sequence[tuple[Any, tuple[int, ...]]], reg: pa.Registry) -> str:
    """``x[0] h[1] - 2 x[1] h[0]``: coefficients (exact values too) and monomials."""
    out = ""
    for c, ids in terms:
        if hasattr(c, "to_sympy") and hasattr(c, "order"):  # a cyclotomic number (DFT)
            c = c.to_sympy()
        body = " ".join(reg.entry_name(i) for i in ids) or "1"
        neg = c.could_extract_minus_sign() if hasattr(c, "could_extract_minus_sign") \
            else c < 0
        mag = -c if neg else c
        num = value_text(mag)
        if hasattr(mag, "is_Add") and mag.is_Add:
            num = f"({num})"
        piece = body if mag == 1 and ids else num + (f" {body}" if ids else "")
        if not out:
            out = ("-" if neg else "") + piece
        else:
            out += (" - " if neg else " + ") + piece
    return out or "0"
