"""Index names and affine index expressions as people write them (``m-i``, ``i-m``, ``m+i``).

Model-level notation shared by every renderer: which letters index which axis, and the
kernel index each axis's relation solves to, in the written order (positive terms first),
not SymPy's ``-i + m``.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from .relation import AffineAxis, ChannelAxis

#: Output index letters per spatial axis, and image (summation) index letters.
OUT_NAMES = ("m", "n", "p", "q", "r", "s")
IMG_NAMES = ("i", "j", "k", "l", "u", "v")
#: Channel letters under --layer: output channel o, input channel c.
OUT_CHANNEL, IN_CHANNEL = "o", "c"


def axis_names(factors: Sequence[AffineAxis | ChannelAxis]) -> tuple[list[str], list[str]]:
    """(output letters, image letters), one per factor."""
    outs: list[str] = []
    imgs: list[str] = []
    a = 0
    for f in factors:
        if isinstance(f, ChannelAxis):
            outs.append(OUT_CHANNEL)
            imgs.append(IN_CHANNEL)
        else:
            outs.append(OUT_NAMES[a])
            imgs.append(IMG_NAMES[a])
            a += 1
    return outs, imgs


def linear_terms(coeffs: Sequence[tuple[Fraction | int, str]], const: Fraction | int = 0) -> str:
    """``[(1,'m'), (-1,'i')] -> 'm-i'``: positive terms first, then negative, then constant."""
    items = [(Fraction(c), n) for c, n in coeffs if c != 0]
    items.sort(key=lambda t: t[0] < 0)
    out = ""
    for c, n in items:
        mag = abs(c)
        body = n if mag == 1 else f"{_num(mag)}{n}"
        if not out:
            out = ("-" if c < 0 else "") + body
        else:
            out += ("-" if c < 0 else "+") + body
    const = Fraction(const)
    if const or not out:
        if not out:
            out = _num(const)
        else:
            out += ("-" if const < 0 else "+") + _num(abs(const))
    return out


def _num(v: Fraction) -> str:
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def kernel_index(f: AffineAxis, m: str | int, i: str | int) -> str:
    """The kernel index of one axis in terms of ``m`` and ``i`` (letters or numbers).

    ``u*i = s*m + sigma*d*k + c``  =>  ``k = sigma*(u*i - s*m - c)/d``, written over ``d``
    when the dilation is not 1: ``(i-2m+1)/2``.
    """
    sg, d, u = f.sigma, f.dilation, f.in_stride
    coeffs: list[tuple[Fraction | int, str]] = []
    const = -sg * f.offset
    if isinstance(m, str):
        coeffs.append((-sg * f.stride, m))
    else:
        const += -sg * f.stride * m
    if isinstance(i, str):
        coeffs.append((sg * u, i))
    else:
        const += sg * u * i
    if not coeffs:
        return _num(Fraction(const, d))
    body = linear_terms(coeffs, const)
    return body if d == 1 else f"({body})/{d}"


def plugged_kernel_index(f: AffineAxis, m: int, i: int) -> str:
    """The kernel index with numbers plugged in, unsolved: ``1-0``, ``0-1``, ``1+0``,
    ``(2-2*1)/2`` (the same shape as :func:`kernel_index`)."""
    sg = f.sigma
    parts = [(-sg * f.stride, _paren(m)), (sg * f.in_stride, _paren(i))]
    parts.sort(key=lambda t: t[0] < 0)
    out = ""
    for c, n in parts:
        body = n if abs(c) == 1 else f"{abs(c)}\u00b7{n}"
        out += ("-" if c < 0 else ("+" if out else "")) + body
    const = -sg * f.offset
    if const:
        out += ("-" if const < 0 else "+") + str(abs(const))
    return out if f.dilation == 1 else f"({out})/{f.dilation}"


def _paren(v: int) -> str:
    return f"({v})" if v < 0 else str(v)
