"""Classify an index formula into the normal form ``i = s*m + sigma*d*k + c`` per axis.

    >>> r = check_formula("y[m,n] = sum_{i,j} x[i,j] h[m+i, n+j]")
    >>> r.kind, r.flipped, r.equivalent
    ('corr-reflected', False, 'corr(x, h)[-m, -n]')
    >>> check_formula("S(i,j) = \\\\sum_m \\\\sum_n I(i+m, j+n) K(m,n)").kind
    'corr'

The formula's product has two arrays: the image (pixel index ``i``) and the kernel (tap
``k``).  Each spatial axis pairs one index of each through one summed index ``t`` and one
output index ``m``::

    pixel = a1*t + b1*m + c1,   tap = a2*t + b2*m + c2,   a2 = +-1 (each tap used once)

Eliminating ``t`` gives ``pixel = (b1 - a1*a2*b2)*m + a1*a2*tap + (c1 - a1*a2*c2)``, which is
the normal form with ``s = b1 - a1*a2*b2``, ``sigma*d = a1*a2``, ``c = c1 - a1*a2*c2``.  It does
not matter whether the sum runs over pixels (``x[i] h[m-i]``) or over taps (``x[m+k] h[k]``).
Coefficients may be symbolic (a stride ``s``, a dilation ``d``, a padding ``p``): they are
polynomials in the names that are neither summed nor on the left.  Indices that are a lone
summed name in both arrays and absent from the output are channel sums; a lone output name
in only one array is a batch (image) or output-channel (kernel) axis.

Canonical operations used by ``equivalent`` (natural, unbounded indices):
``conv(x, h)[t] = sum_k x[t - d*k] h[k]`` and ``corr(x, h)[t] = sum_k x[t + d*k] h[k]``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..display import Displayable
from ..errors import InputError
from ..grammar import caret_error
from ..parse.formula import (
    Add,
    Array,
    Conj,
    Formula,
    Index,
    Number,
    Poly,
    Product,
    Sum,
    SumVar,
    parse_formula,
    poly,
    poly_add,
    poly_const,
    poly_mul,
    poly_name,
    poly_str,
)
from .conventions import conventions

#: Names that usually denote the image (input) or the kernel (filter), strongest first.
#: Role inference compares both factors; ``--image`` / ``--kernel`` override it.
IMAGE_NAMES = (
    frozenset({"x", "X", "f", "I", "input", "inputs", "img", "image", "signal", "data",
               "padded_input", "inp"}),
    frozenset({"a", "u", "A", "V", "F", "in1", "s", "z"}),
)
KERNEL_NAMES = (
    frozenset({"h", "w", "W", "k", "K", "g", "kernel", "weight", "weights", "filter",
               "filters", "filt"}),
    frozenset({"v", "b", "G", "H", "in2", "y", "c", "t"}),
)
KINDS = ("conv", "corr", "conv-reflected", "corr-reflected", "mixed")
#: (sigma, reflected output) -> kind.
_KIND = {(-1, False): "conv", (1, False): "corr", (-1, True): "conv-reflected",
         (1, True): "corr-reflected"}
#: Letters that are indices in every text: one of them left unsummed and off the left side
#: is a forgotten sum, not a symbolic parameter such as a stride s or a padding p.
INDEX_LETTERS = frozenset("ijklmn")
#: Canonical letters of the normal form: (image, output, kernel) per axis.
_LETTERS = (("i", "m", "k"), ("j", "n", "l"))

Scalar = Any  # int, or str when symbolic


def _scalar(p: Poly) -> Scalar:
    """An int when the polynomial is a constant, else its text."""
    if not p:
        return 0
    if len(p) == 1 and p[0][0] == ():
        return p[0][1]
    return poly_str(p)


def _is_const(p: Poly, value: int | None = None) -> bool:
    c = 0 if not p else (p[0][1] if len(p) == 1 and p[0][0] == () else None)
    return c is not None and (value is None or c == value)


def _times(coef: Poly, var: str) -> Poly:
    return poly_mul(coef, poly_name(var))


def _term(coef: Poly, var: str) -> str:
    """``coef*var`` as people write it: ``m``, ``-m``, ``2m``, ``s*m``, ``(s+1)*m``."""
    if _is_const(coef):
        c = _scalar(coef)
        return var if c == 1 else ("-" + var if c == -1 else f"{c}{var}")
    if len(coef) == 1:
        mono, c = coef[0]
        names = "*".join(mono)
        lead = "" if c == 1 else ("-" if c == -1 else f"{c}*")
        return f"{lead}{names}*{var}"
    return f"({poly_str(coef)})*{var}"


def _join(parts: Sequence[str]) -> str:
    out = ""
    for p in parts:
        if not p or p == "0":
            continue
        if not out:
            out = p
        elif p.startswith("-"):
            out += " - " + p[1:]
        else:
            out += " + " + p
    return out or "0"


def _const_terms(p: Poly) -> list[str]:
    """A constant (in parameters) as signed terms, names first: ``['-N', '1']``."""
    out = []
    for mono, c in sorted(p, key=lambda t: (t[0] == (), t[0])):
        out.append(poly_str(((mono, c),)))
    return out


@dataclass(frozen=True)
class AxisForm:
    """One spatial axis in normal form: ``pixel = s*m + sigma*d*tap + c``.

    ``s``, ``d`` (>0) and ``c`` are polynomials (ints when numeric); ``output`` is the
    output index's name in the formula, ``image_index`` and ``kernel_index`` the written
    index expressions.
    """

    s: Poly
    sigma: int
    d: Poly
    c: Poly
    output: str = "m"
    image_index: str = ""
    kernel_index: str = ""
    #: the input stride ``u`` of ``u*pixel = s*m + sigma*d*tap + c``: 1, or the stride of
    #: a transposed convolution (zeros inserted between the pixels)
    u: Poly = ((((), 1),))

    @property
    def reflected(self) -> bool:
        return _sign(self.s) < 0

    @property
    def transposed(self) -> bool:
        return not _is_const(self.u, 1)

    @property
    def kind(self) -> str:
        if self.transposed:
            return "conv-transpose"
        return _KIND[(self.sigma, self.reflected)]

    @property
    def input_stride(self) -> Scalar:
        return _scalar(self.u)

    @property
    def stride(self) -> Scalar:
        return _scalar(self.s if not self.reflected else poly_mul(self.s, poly_const(-1)))

    @property
    def dilation(self) -> Scalar:
        return _scalar(self.d)

    @property
    def offset(self) -> Scalar:
        return _scalar(self.c)

    @property
    def offset_one_based(self) -> Scalar:
        """The 0-based offset when the formula counts image, kernel and output from 1 (as
        the Deep Learning book does): ``i0+1 = s*(m0+1) + sigma*d*(k0+1) + c`` gives
        ``c0 = c + s + sigma*d - 1`` (``- u`` with an input stride u)."""
        sd = poly_mul(self.d, poly_const(self.sigma))
        return _scalar(poly_add(poly_add(poly_add(self.c, self.s), sd), self.u, -1))

    def normal_form(self, letters: tuple[str, str, str] = ("i", "m", "k")) -> str:
        i, m, k = letters
        sd = poly_mul(self.d, poly_const(self.sigma))
        return f"{_term(self.u, i)} = " + _join([_term(self.s, m), _term(sd, k),
                                                 *_const_terms(self.c)])

    def natural_index(self) -> str:
        """The canonical operation's index that this axis's output reads: ``s*m + c``."""
        return _join([_term(self.s, self.output), *_const_terms(self.c)])

    def to_json(self) -> dict[str, Any]:
        out = {"kind": self.kind, "stride": self.stride, "dilation": self.dilation,
               "offset": self.offset, "sigma": self.sigma, "reflected": self.reflected,
               "output_index": self.output, "image_index": self.image_index,
               "kernel_index": self.kernel_index,
               "offset_if_one_based": self.offset_one_based}
        if self.transposed:
            # PyTorch's words: the stride of the transposed convolution is the input
            # stride; its padding is the offset (output = stride*pixel + tap - padding).
            out.update(stride=self.input_stride, input_stride=self.input_stride,
                       output_stride=self.stride, padding=self.offset)
        return out


def _sign(p: Poly) -> int:
    """The sign of a stride: of its number, or of its symbol's coefficient (symbols such as
    s are positive sizes)."""
    if not p:
        return 0
    if len(p) == 1:
        return 1 if p[0][1] > 0 else -1
    consts = [c for m, c in p if m == ()]
    others = [c for m, c in p if m != ()]
    return 1 if (others[0] if others else consts[0]) > 0 else -1


@dataclass(frozen=True)
class CheckResult(Displayable):
    """What a formula (or a probed function) computes, in normal form.

    ``to_json()`` is the contract of ``symconv check --format json``.
    """

    axes: tuple[AxisForm, ...]
    image: str = "x"
    kernel: str = "h"
    output: str = "y"
    conjugate: str | None = None
    channels: dict[str, list[str]] = field(default_factory=dict)
    bias: str | None = None
    scale: int = 1
    source: str = ""
    image_factor: str = ""
    kernel_factor: str = ""
    sums: tuple[SumVar, ...] = ()
    notes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    #: Every index of the output as written on the left (channels included); empty means
    #: the spatial axes' output indices.
    output_indices: tuple[str, ...] = ()
    #: Terms added to the product that depend on the image or the kernel (``+ x[m]``):
    #: not a bias, and the relation alone does not describe them.
    extra_terms: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        if any(a.transposed for a in self.axes) and all(_transposable(a) for a in self.axes):
            return "conv-transpose"  # a stride-1 axis of a transposed convolution too
        kinds = {a.kind for a in self.axes}
        return kinds.pop() if len(kinds) == 1 else "mixed"

    @property
    def flipped(self) -> bool:
        """True when the kernel is flipped along every spatial axis (convolution)."""
        return all(a.sigma < 0 for a in self.axes)

    @property
    def flipped_axes(self) -> list[str]:
        return [a.output for a in self.axes if a.sigma < 0]

    def letters(self) -> list[tuple[str, str, str]]:
        if len(self.axes) <= len(_LETTERS):
            return list(_LETTERS[:len(self.axes)])
        return [(f"i{n}", f"m{n}", f"k{n}") for n in range(1, len(self.axes) + 1)]

    @property
    def normal_form(self) -> str:
        return ", ".join(a.normal_form(lt) for a, lt in zip(self.axes, self.letters(), strict=True))

    @property
    def equivalent(self) -> str:
        """The canonical operation, with every other term of the formula: the scale in
        front, then the image- or kernel-dependent extra terms, then the bias."""
        core = _equivalent(self, self.image, self.kernel, self.axes, self.conjugate)
        if self.scale == -1:
            core = "-" + core
        elif self.scale != 1:
            core = f"{self.scale}*{core}"
        return signed_sum([core, *self.extra_terms, *([self.bias] if self.bias else [])])

    def swapped(self) -> CheckResult | None:
        """The same relation with the roles of image and kernel exchanged (when every
        dilation is 1: otherwise the exchanged index is not an integer map)."""
        if not all(_is_const(a.d, 1) and not a.transposed for a in self.axes):
            return None
        axes = []
        for a in self.axes:
            s = poly_mul(a.s, poly_const(-a.sigma))
            c = poly_mul(a.c, poly_const(-a.sigma))
            axes.append(AxisForm(s, a.sigma, a.d, c, a.output, a.kernel_index,
                                 a.image_index))
        conj = {"image": "kernel", "kernel": "image"}.get(self.conjugate or "",
                                                          self.conjugate)
        return CheckResult(tuple(axes), self.kernel, self.image, self.output, conj,
                           {"batch": self.channels.get("output_channel", []),
                            "output_channel": self.channels.get("batch", []),
                            **{k: v for k, v in self.channels.items()
                               if k not in ("batch", "output_channel")}},
                           self.bias, self.scale, extra_terms=self.extra_terms)

    @property
    def conventions(self) -> list[str]:
        return conventions(self)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "flipped": self.flipped,
            "axes": [a.to_json() for a in self.axes],
            "normal_form": self.normal_form,
            "equivalent": self.equivalent,
            "conjugate": self.conjugate,
            "image": self.image,
            "kernel": self.kernel,
            "output": self.output,
            "output_indices": list(self.output_indices or (a.output for a in self.axes)),
            "flipped_axes": self.flipped_axes,
        }
        sw = self.swapped()
        out["roles_swapped"] = None if sw is None else {"kind": sw.kind,
                                                        "equivalent": sw.equivalent}
        out["channels"] = self.channels
        out["bias"] = self.bias
        if self.scale != 1:
            out["scale"] = self.scale
        if self.extra_terms:
            out["extra_terms"] = list(self.extra_terms)
        if self.sums:
            out["sums"] = [{"index": s.name, "from": s.lower, "to": s.upper}
                           for s in self.sums]
        out["conventions"] = self.conventions
        if self.source:
            out["formula"] = self.source
        out["notes"] = list(self.notes)
        out.update(self.extra)
        return out



def signed_sum(parts: Sequence[str]) -> str:
    """``["2*a", "-b", "5"]`` -> ``2*a - b + 5``."""
    out = ""
    for p in parts:
        if not out:
            out = p
        elif p.startswith("-"):
            out += " - " + p[1:]
        else:
            out += " + " + p
    return out


def _term_text(sign: int, term: _Term) -> str:
    """An additive term as written: its coefficient, then its factors (``5*b``, ``-x[m]``)."""
    c = sign * term.scale
    body = "*".join(_array_text(a) for a in term.arrays)
    if not body:
        return str(c)
    return body if c == 1 else "-" + body if c == -1 else f"{c}*{body}"


def _transposable(a: AxisForm) -> bool:
    """An axis a transposed convolution can have: an input stride, or a stride-1 axis of
    it (``i = m - d*k + p``, a convolution's form with unit strides)."""
    return a.transposed or (a.sigma < 0 and _is_const(a.s, 1))


def _equivalent(r: CheckResult, image: str, kernel: str, axes: Sequence[AxisForm],
                conj: str | None) -> str:
    img = image
    ker = kernel
    chans = r.channels
    img_ch = chans.get("batch", []) + chans.get("depthwise", []) + chans.get("contracted", [])
    ker_ch = (chans.get("output_channel", []) + chans.get("depthwise", [])
              + chans.get("contracted", []))
    if img_ch:
        img += "[" + ", ".join(img_ch) + "]"
    if ker_ch:
        ker += "[" + ", ".join(ker_ch) + "]"
    if conj in ("image", "both"):
        img = f"conj({img})"
    if conj in ("kernel", "both"):
        ker = f"conj({ker})"
    if any(a.transposed for a in axes):
        if not all(_transposable(a) for a in axes):
            return "mixed: a transposed axis beside a forward one"
        ss = [a.input_stride for a in axes]
        # PyTorch's padding is >= 0: a negative offset p is the p = 0 output read at o + p
        offs = [a.offset for a in axes]
        pads = [0 if isinstance(p, int) and p < 0 else p for p in offs]
        shifts = [p if isinstance(p, int) and p < 0 else 0 for p in offs]
        args = [img, ker, "stride=" + (str(ss[0]) if len(set(map(str, ss))) == 1 else
                                       "(" + ", ".join(map(str, ss)) + ")")]
        if any(str(p) != "0" for p in pads):
            args.append("padding=" + (str(pads[0]) if len(set(map(str, pads))) == 1 else
                                      "(" + ", ".join(map(str, pads)) + ")"))
        dil = [a.dilation for a in axes]
        if any(str(v) != "1" for v in dil):
            args.append("dilation=" + (str(dil[0]) if len(set(map(str, dil))) == 1 else
                                       "(" + ", ".join(map(str, dil)) + ")"))
        at = [a.output + (f" - {-v}" if v else "") for a, v in zip(axes, shifts, strict=True)]
        return f"conv_transpose({', '.join(args)})[{', '.join(at)}]"
    sigmas = {a.sigma for a in axes}
    if len(sigmas) == 1:
        op = "conv" if -1 in sigmas else "corr"
    else:
        op = "corr"
        flip_axes = [str(n) for n, a in enumerate(axes) if a.sigma < 0]
        ker = f"flip({ker}, axes=({', '.join(flip_axes)},))"
    args = [img, ker]
    dil = [a.dilation for a in axes]
    if any(d != 1 for d in dil):
        args.append("dilation=" + (str(dil[0]) if len(set(map(str, dil))) == 1
                                   else "(" + ", ".join(map(str, dil)) + ")"))
    text = f"{op}({', '.join(args)})[{', '.join(a.natural_index() for a in axes)}]"
    if chans.get("contracted"):
        text = f"sum_{{{','.join(chans['contracted'])}}} {text}"
    return text


# ---------------------------------------------------------------------------------------
# Classification.

def check_formula(text: str, image: str | None = None, kernel: str | None = None) -> CheckResult:
    """Parse and classify ``text``; ``image``/``kernel`` name the roles explicitly."""
    return classify(split_run_together(parse_formula(text)), image=image, kernel=kernel)


def split_run_together(f: Formula) -> Formula:
    """Subscripts written without commas, as textbooks do (Bishop's ``z_{ij}``,
    ``w_{kl}``): a lone index name made of single index letters, where the formula uses
    those letters apart elsewhere, is read as those letters (``ij`` -> ``i, j``)."""
    singles: set[str] = set(INDEX_LETTERS)

    def collect(n: Any) -> None:
        if isinstance(n, Array):
            for idx in n.indices or ():
                singles.update(v for mono, _ in idx.poly for v in mono if len(v) == 1)
        elif isinstance(n, Sum):
            singles.update(v.name for v in n.vars if len(v.name) == 1)
            collect(n.body)
        elif isinstance(n, (Product, Add)):
            for c in (n.factors if isinstance(n, Product) else [t for _, t in n.terms]):
                collect(c)
        elif isinstance(n, Conj):
            collect(n.body)

    for side in f.sides:
        collect(side)

    def split(n: Any) -> Any:
        if isinstance(n, Array) and n.indices is not None and len(n.indices) == 1:
            idx = n.indices[0]
            if len(idx.poly) == 1 and idx.poly[0][1] == 1 and len(idx.poly[0][0]) == 1:
                name = idx.poly[0][0][0]
                if len(name) > 1 and all(ch in singles for ch in name) and \
                        name not in singles and len(set(name)) == len(name):
                    parts = tuple(Index(ch, poly_name(ch), idx.pos + k)
                                  for k, ch in enumerate(name))
                    return replace(n, indices=parts)
            return n
        if isinstance(n, Sum):
            return replace(n, body=split(n.body))
        if isinstance(n, Product):
            return replace(n, factors=tuple(split(c) for c in n.factors))
        if isinstance(n, Add):
            return replace(n, terms=tuple((sg, split(t)) for sg, t in n.terms))
        if isinstance(n, Conj):
            return replace(n, body=split(n.body))
        return n

    return replace(f, sides=tuple(split(side) for side in f.sides))


@dataclass
class _Term:
    arrays: list[Array]
    sums: list[SumVar]
    scale: int
    pos: int
    implicit: bool = False


def _flatten(node: Any, f: Formula, conj: bool = False) -> _Term:
    """A product term: its arrays, the sums around it, and a numeric scale."""
    term = _Term([], [], 1, getattr(node, "pos", 0))
    stack: list[tuple[Any, bool]] = [(node, conj)]
    while stack:
        n, cj = stack.pop()
        if isinstance(n, Sum):
            term.sums.extend(n.vars)
            term.implicit |= not n.vars
            stack.append((n.body, cj))
        elif isinstance(n, Product):
            for op in n.ops:
                if op not in ("*", "\\ast", "\u2217", "\\cdot", "\\times", "\u00b7",
                              "\u00d7", "\u22c5"):
                    raise caret_error(
                        f"the operator {op} between arrays names an operation instead of "
                        "writing it out, so there is nothing to check (PyTorch's docs and "
                        "Wikipedia define \\star as cross-correlation); write it with "
                        "indices, e.g. out[b,o,m,n] = bias[o] + sum_{c,k,l} weight[o,c,k,l] "
                        "input[b,c,m+k,n+l]", f.text, n.pos)
            stack.extend((c, cj) for c in reversed(n.factors))
        elif isinstance(n, Conj):
            stack.append((n.body, not cj))
        elif isinstance(n, Array):
            term.arrays.append(n if not cj else Array(n.name, n.indices, not n.conj, n.pos,
                                                      n.end, n.extra, n.composite))
        elif isinstance(n, Number):
            term.scale *= n.value
        elif isinstance(n, Add):
            raise caret_error("a sum of terms inside a product: expand it first (one "
                               "product of two arrays per term)", f.text, n.pos)
        else:  # pragma: no cover - every node type is handled above
            raise caret_error("unexpected expression", f.text, 0)
    return term


def _terms(node: Any, f: Formula) -> list[tuple[int, _Term]]:
    if isinstance(node, Add):
        return [(sg, _flatten(t, f)) for sg, t in node.terms]
    return [(1, _flatten(node, f))]


def _score(name: str, table: tuple[frozenset[str], ...]) -> int:
    for rank, names in enumerate(table):
        if name in names:
            return len(table) - rank
    return 0


def _roles(a: Array, b: Array, image: str | None, kernel: str | None,
           f: Formula) -> tuple[Array, Array]:
    names = (a.name, b.name)
    for given, what in ((image, "image"), (kernel, "kernel")):
        if given is not None and given not in names:
            raise caret_error(f"unknown {what} name {given!r}: the formula multiplies "
                                f"{a.name} and {b.name}", f.text, a.pos)
    if image is not None and kernel is not None and image == kernel and a.name != b.name:
        raise InputError(f"--image and --kernel are both {image!r}")
    if a.name == b.name:
        raise caret_error(f"both factors are {a.name}: a product of an array with itself "
                           "is not a convolution of an image with a kernel (not of this "
                           "family)", f.text, b.pos)
    if image is not None:
        return (a, b) if a.name == image else (b, a)
    if kernel is not None:
        return (b, a) if a.name == kernel else (a, b)
    ab = _score(a.name, IMAGE_NAMES) + _score(b.name, KERNEL_NAMES)
    ba = _score(b.name, IMAGE_NAMES) + _score(a.name, KERNEL_NAMES)
    if ab > ba:
        return a, b
    if ba > ab:
        return b, a
    both_img = _score(a.name, IMAGE_NAMES) and _score(b.name, IMAGE_NAMES)
    if both_img and not (_score(a.name, KERNEL_NAMES) or _score(b.name, KERNEL_NAMES)):
        raise caret_error(f"both factors look like images ({a.name} and {b.name}): a "
                           "product of two image factors is not a convolution with a "
                           "kernel; name the kernel with --kernel NAME", f.text, b.pos)
    raise caret_error(f"cannot tell which of {a.name} and {b.name} is the image and which "
                       "the kernel: name them with --image NAME --kernel NAME", f.text, a.pos)


@dataclass
class _Lin:
    """An index expression split into index terms and a parameter constant."""

    coef: dict[str, Poly]
    const: Poly
    index: Index
    owner: str
    position: int

    def bare(self) -> str | None:
        if not self.const and len(self.coef) == 1:
            (v, c), = self.coef.items()
            if _is_const(c, 1):
                return v
        return None


def _linearise(idx: Index, variables: set[str], owner: str, position: int,
               f: Formula) -> _Lin:
    coef: dict[str, dict[tuple[str, ...], int]] = {}
    const: dict[tuple[str, ...], int] = {}
    for mono, c in idx.poly:
        vs = [n for n in mono if n in variables]
        if len(vs) > 1:
            what = (f"multiplies the indices {vs[0]} and {vs[1]}" if vs[0] != vs[1]
                    else f"squares the index {vs[0]}")
            raise caret_error(f"the index {idx.text} of {owner} is not affine: it {what} "
                               "(only sums of index terms with constant coefficients, "
                               "such as s*m + d*k - p, are of this family)", f.text, idx.pos)
        loose = [n for n in mono if n in INDEX_LETTERS and n not in variables]
        if loose:
            raise caret_error(f"the index {idx.text} of {owner} uses {loose[0]}, which is "
                               f"neither summed nor on the left (is {loose[0]} missing from a "
                               "sum?): not of this family", f.text, idx.pos)
        if vs:
            rest = list(mono)
            rest.remove(vs[0])
            d = coef.setdefault(vs[0], {})
            d[tuple(rest)] = d.get(tuple(rest), 0) + c
        else:
            const[mono] = const.get(mono, 0) + c
    return _Lin({v: poly(d) for v, d in coef.items() if poly(d)}, poly(const), idx, owner,
                position)


def classify(f: Formula, image: str | None = None, kernel: str | None = None) -> CheckResult:
    """Classify a parsed formula (see the module docstring for the method)."""
    text = f.text
    if len(f.sides) < 2:
        raise caret_error("no '=' in the formula: write the output on the left, as "
                           "y[m] = sum_i x[i] h[m-i]", text, 0)
    lhs = f.sides[0]
    if not isinstance(lhs, Array) or lhs.indices is None:
        raise caret_error("the left side must be the output with its indices, such as "
                           "y[m,n]", text, f.side_pos[0])
    outputs: list[str] = []
    for idx in lhs.indices:
        if len(idx.poly) != 1 or idx.poly[0][1] != 1 or len(idx.poly[0][0]) != 1:
            raise caret_error(f"the output index {idx.text} must be a plain name (y[m,n])",
                               text, idx.pos)
        name = idx.poly[0][0][0]
        if name in outputs:
            raise caret_error(f"the output index {name} appears twice on the left", text,
                               idx.pos)
        outputs.append(name)
    body = f.sides[-1]
    notes: list[str] = []
    if len(f.sides) > 2:
        notes.append("classified the last side; the middle sides were not checked")
    main: tuple[int, _Term] | None = None
    others: list[tuple[int, _Term]] = []
    for sign, term in _terms(body, f):
        if len(term.arrays) >= 2 and any(a.indices is not None for a in term.arrays):
            if main is not None:
                raise caret_error("two terms multiply arrays: a formula of this family has "
                                   "one product of an image and a kernel (plus a bias)",
                                   text, term.pos)
            main = (sign, term)
        else:
            if term.sums:
                raise caret_error("a sum over a term that is not a product of two arrays",
                                   text, term.pos)
            others.append((sign, term))
    if main is None:
        raise caret_error("no product of two indexed arrays on the right: a formula of this "
                           "family reads y[m] = sum_i x[i] h[m-i]", text,
                           f.side_pos[-1] if f.side_pos else 0)
    sign, term = main
    arrays = term.arrays
    for a in arrays:
        if a.indices is None:
            raise caret_error(f"{a.name} has no index: scalars multiplying the product are "
                               "not of this family", text, a.pos)
        if a.extra or a.composite:
            raise caret_error(f"{a.name} has more than one index list", text, a.pos)
    if len(arrays) > 2:
        raise caret_error(f"a product of {len(arrays)} arrays "
                           f"({', '.join(a.name for a in arrays)}): a formula of this family "
                           "multiplies one image and one kernel", text, arrays[2].pos)
    for a in arrays:
        if a.name == lhs.name:
            raise caret_error(f"the output {lhs.name} also appears on the right side: a "
                                "recursive (feedback) filter is not a convolution of an image "
                                "with a kernel, not of this family", text, a.pos)
    x, h = _roles(arrays[0], arrays[1], image, kernel, f)
    extra_terms: list[str] = []
    biases: list[str] = []
    for osign, other in others:
        names = {a.name for a in other.arrays}
        if lhs.name in names:
            raise caret_error(f"the output {lhs.name} also appears on the right side: a "
                              "recursive (feedback) filter is not a convolution of an image "
                              "with a kernel, not of this family", text, other.pos)
        (extra_terms if names & {x.name, h.name} else biases).append(_term_text(osign, other))
    sums = list(term.sums)
    seen: set[str] = set()
    for s in sums:
        if s.name in seen:
            raise caret_error(f"the index {s.name} is summed twice", text, s.pos)
        if s.name in outputs:
            raise caret_error(f"the index {s.name} is both summed and on the left", text,
                               s.pos)
        seen.add(s.name)
    if term.implicit:
        linear = [{n for mono, _ in i.poly for n in mono if len(mono) == 1}
                  for i in (*x.indices, *h.indices)]  # type: ignore[misc]
        in_x = set().union(*linear[:len(x.indices or ())])
        in_h = set().union(*linear[len(x.indices or ()):])
        for name in sorted((in_x & in_h) - set(outputs) - seen):
            sums.append(SumVar(name))
            seen.add(name)
        notes.append("a bare sum: summed over " + ", ".join(sorted(seen)))
    if not sums:
        free = sorted({n for a in (x, h) for i in (a.indices or ()) for mono, _ in i.poly
                       for n in mono} - set(outputs))
        hint = f": the index {free[0]} is not summed (write sum_{free[0]})" if free else ""
        raise caret_error("no sum on the right side" + hint + "; a formula of this family "
                           "sums products over an index", text,
                           f.side_pos[-1] if f.side_pos else 0)
    variables = set(outputs) | seen
    xl = [_linearise(i, variables, x.name, p, f) for p, i in enumerate(x.indices or ())]
    hl = [_linearise(i, variables, h.name, p, f) for p, i in enumerate(h.indices or ())]
    result = _pair(f, lhs, outputs, sums, x, h, xl, hl, sign * term.scale,
                   signed_sum(biases) or None, notes)
    return replace(result, extra_terms=tuple(extra_terms))


def _array_text(a: Array) -> str:
    body = a.name if a.indices is None else f"{a.name}[{', '.join(i.text for i in a.indices)}]"
    return f"conj({body})" if a.conj else body


def _infinite(limit: str) -> bool:
    return "inf" in limit or "\u221e" in limit  # inf, infty, \infty


def _limits_note(s: SumVar, lx: _Lin, lh: _Lin, x: Array, h: Array, outputs: list[str],
                 text: str) -> str | None:
    """A sum's finite limits, read as the range of the index of the array it indexes (that
    array is 0 outside them): the one reading under which the sum is the whole
    convolution.  Limits that move with an output index, or on an index that is no
    array's own, make another sum (a window, a truncation): refused, never read as the
    convolution."""
    lims = [v for v in (s.lower, s.upper) if v is not None]
    if not lims or all(_infinite(v) for v in lims):
        return None
    shown = f"{s.lower if s.lower is not None else '...'} to " \
            f"{s.upper if s.upper is not None else '...'}"
    for v in lims:
        moving = sorted(set(re.findall(r"[A-Za-z]\w*", v)) & set(outputs))
        if moving:
            raise caret_error(f"the limits of the sum over {s.name} ({shown}) move with the "
                              f"output index {moving[0]}: a window, not the convolution of "
                              "the arrays (symconv reads finite limits only as the range of "
                              "an array's own index)", text, s.pos)
    owner = h if lh.bare() == s.name else x if lx.bare() == s.name else None
    if owner is None:
        raise caret_error(f"the sum over {s.name} has finite limits ({shown}) but {s.name} is "
                          "no array's own index (x[k] or h[k]): symconv reads finite limits "
                          "only as the range of an array's index; sum over every "
                          f"{s.name} (-infinity to infinity)", text, s.pos)
    return (f"the limits of {s.name} ({shown}) are read as the range of {owner.name}'s "
            f"index: {owner.name} is 0 outside them")


def _pair(f: Formula, lhs: Array, outputs: list[str], sums: list[SumVar], x: Array, h: Array,
          xl: list[_Lin], hl: list[_Lin], scale: int, bias: str | None,
          notes: list[str]) -> CheckResult:
    text = f.text
    sum_names = {s.name for s in sums}
    used: set[int] = set()  # id of _Lin entries assigned
    axes_by_out: dict[str, AxisForm] = {}
    channels: dict[str, list[str]] = {"contracted": [], "batch": [], "output_channel": [],
                                      "depthwise": []}
    for lin in xl + hl:
        ts = [v for v in lin.coef if v in sum_names]
        if len(ts) > 1:
            raise caret_error(f"the index {lin.index.text} of {lin.owner} mixes two summed "
                               f"indices ({ts[0]} and {ts[1]}): not of this family", text,
                               lin.index.pos)
        ms = [v for v in lin.coef if v not in sum_names]
        if len(ms) > 1:
            raise caret_error(f"the index {lin.index.text} of {lin.owner} mixes two output "
                               f"indices ({ms[0]} and {ms[1]}): not separable, not of this "
                               "family", text, lin.index.pos)
    for s in sums:
        in_x = [lin for lin in xl if s.name in lin.coef]
        in_h = [lin for lin in hl if s.name in lin.coef]
        for where, owner, arr in ((in_x, x.name, x), (in_h, h.name, h)):
            if len(where) > 1:
                raise caret_error(f"the summed index {s.name} appears in {len(where)} "
                                   f"indices of {owner}: not of this family", text,
                                   where[1].index.pos)
            if not where:
                other = x.name if owner == h.name else h.name
                raise caret_error(f"the summed index {s.name} appears only in {other}, not "
                                   f"in {owner}: not a convolution along it", text,
                                   s.pos or arr.pos)
        lx, lh = in_x[0], in_h[0]
        limits = _limits_note(s, lx, lh, x, h, outputs, text)
        if limits:
            notes.append(limits)
        outs = sorted({v for v in (*lx.coef, *lh.coef) if v in outputs})
        if not outs:
            if lx.bare() == s.name and lh.bare() == s.name:
                channels["contracted"].append(s.name)
                used.update((id(lx), id(lh)))
                continue
            raise caret_error(f"the summed index {s.name} pairs {x.name}'s index "
                               f"{lx.index.text} with {h.name}'s index {lh.index.text} but "
                               "no output index moves them: not of this family", text,
                               lh.index.pos)
        if len(outs) > 1:
            raise caret_error(f"the indices {lx.index.text} and {lh.index.text} involve two "
                               f"output indices ({outs[0]} and {outs[1]}): not separable",
                               text, lh.index.pos)
        m = outs[0]
        if m in axes_by_out:
            raise caret_error(f"the output index {m} moves two axes: not separable, not "
                               "of this family", text, lh.index.pos)
        axes_by_out[m] = _solve(lx, lh, s.name, m, text)
        used.update((id(lx), id(lh)))
    for m in outputs:
        if m in axes_by_out:
            continue
        in_x = [lin for lin in xl if m in lin.coef and id(lin) not in used]
        in_h = [lin for lin in hl if m in lin.coef and id(lin) not in used]
        bx = [lin for lin in in_x if lin.bare() == m]
        bh = [lin for lin in in_h if lin.bare() == m]
        if len(in_x) + len(in_h) == 0:
            raise caret_error(f"the output index {m} does not appear on the right side",
                               text, next(i.pos for i in lhs.indices or () if i.text == m))
        if in_x and in_h and len(bx) == len(in_x) == 1 and len(bh) == len(in_h) == 1:
            channels["depthwise"].append(m)
        elif in_x and not in_h and len(bx) == len(in_x) == 1:
            channels["batch"].append(m)
        elif in_h and not in_x and len(bh) == len(in_h) == 1:
            channels["output_channel"].append(m)
        else:
            lin = (in_x + in_h)[0]
            free = sorted({n for mono, _ in lin.index.poly for n in mono} - set(outputs)
                          - sum_names)
            why = (f"uses {free[0]}, which is neither summed nor on the left (is {free[0]} "
                   "missing from a sum?)" if free else "has no summed index")
            raise caret_error(f"the index {lin.index.text} of {lin.owner} {why}: not a "
                               f"convolution along {m}", text, lin.index.pos)
        used.update(id(lin) for lin in in_x + in_h)
    for lin in xl + hl:
        if id(lin) in used:
            continue
        names = sorted({n for mono, _ in lin.index.poly for n in mono})
        if names:
            why = (f"uses {', '.join(names)}, which is neither summed nor on the left "
                   f"(is {names[0]} missing from a sum?)")
        else:
            why = "is a constant"
        raise caret_error(f"the index {lin.index.text} of {lin.owner} {why}: not of this "
                           "family", text, lin.index.pos)
    axes = tuple(axes_by_out[m] for m in outputs if m in axes_by_out)
    if not axes:
        raise caret_error("no spatial axis: every summed index is a channel sum (an inner "
                           "product), not a convolution", text, x.pos)
    conj = {(False, False): None, (True, False): "image", (False, True): "kernel",
            (True, True): "both"}[(x.conj, h.conj)]
    return CheckResult(axes, x.name, h.name, lhs.name, conj,
                       {k: v for k, v in channels.items() if v},
                       bias, scale, text, _array_text(x),
                       _array_text(h), tuple(sums), tuple(notes), {}, tuple(outputs))


def _transposed(a1: Poly, c1: Poly, a2: Poly, b2: Poly, c2: Poly, m: str, lx: _Lin,
                lh: _Lin) -> AxisForm | None:
    """A transposed convolution's axis: pixel ``i = a1*t + c1`` (a1 = +-1) and tap
    ``k = b2*m + a2*t + c2`` (b2 = +-1, a2 a single term): ``u*i = s*m + sigma*k + c`` with
    the input stride ``u = |a2|``.  PyTorch's form (``h[m - s*i + p]``: the output is
    ``s*i + k - p``) has sigma = -1 and s = 1; other signs are not this family (None)."""
    if len(a2) != 1:
        return None
    e = 1 if a2[0][1] * a1[0][1] > 0 else -1     # the sign of a1*a2
    u = poly_mul(a2, poly_const(1 if a2[0][1] > 0 else -1))
    s = poly_mul(b2, poly_const(-e))
    c = poly_mul(poly_add(poly_mul(poly_mul(a2, a1), c1), c2, -1), poly_const(e))
    if e != -1 or _sign(s) < 0:
        return None
    return AxisForm(s, e, poly_const(1), c, m, lx.index.text, lh.index.text, u)


def _solve(lx: _Lin, lh: _Lin, t: str, m: str, text: str) -> AxisForm:
    zero: Poly = ()
    a1, b1, c1 = lx.coef.get(t, zero), lx.coef.get(m, zero), lx.const
    a2, b2, c2 = lh.coef.get(t, zero), lh.coef.get(m, zero), lh.const
    if not (_is_const(a2, 1) or _is_const(a2, -1)):
        if not b1 and (_is_const(a1, 1) or _is_const(a1, -1)) and (
                _is_const(b2, 1) or _is_const(b2, -1)):
            form = _transposed(a1, c1, a2, b2, c2, m, lx, lh)
            if form is not None:
                return form
            raise caret_error(f"the kernel index {lh.index.text} moves by {poly_str(a2)} per "
                               f"pixel: this is a transposed (fractionally strided) "
                               f"convolution, the output index {m} is s*pixel + tap; it is "
                               "the adjoint of a strided correlation, not itself of the form "
                               "pixel = s*m + sigma*d*k + c (symconv prove duality derives "
                               "it)", text, lh.index.pos)
        raise caret_error(f"the kernel index {lh.index.text} moves by {poly_str(a2)} per step "
                           f"of {t}: each kernel tap must be used once (coefficient +1 or -1)"
                           "; not of this family", text, lh.index.pos)
    sd = poly_mul(a1, a2)
    if len(sd) != 1 or sd[0][1] == 0:
        raise caret_error(f"the image index {lx.index.text} moves by {poly_str(a1)} per step "
                           f"of {t}: the dilation must be a single term (2, d, 2*d)", text,
                           lx.index.pos)
    sigma = 1 if sd[0][1] > 0 else -1
    d = poly_mul(sd, poly_const(sigma))
    s = poly_add(b1, poly_mul(sd, b2), -1)
    c = poly_add(c1, poly_mul(sd, c2), -1)
    if not s:
        raise caret_error(f"the image index {lx.index.text} and the kernel index "
                           f"{lh.index.text} move together with {m}: the output does not "
                           "depend on it; not of this family", text, lh.index.pos)
    if len(s) > 1:
        raise caret_error(f"the stride along {m} is {poly_str(s)}: it must be a single term "
                           "(2, s, 2*s)", text, lx.index.pos)
    return AxisForm(s, sigma, d, c, m, lx.index.text, lh.index.text)
