"""The meaning of a claim, written once: one evaluator over an :class:`Algebra`.

:func:`evaluate` walks the claim's tree (:mod:`symconv.parse.claim`), checks every call's
arguments and keywords, and asks the algebra for the array operations.  Two algebras give a
claim its two readings: :class:`~symconv.proof.claim_instance.InstanceAlgebra` (concrete
shapes: exact polynomial arrays, :mod:`.polyarray`) and
:class:`~symconv.proof.claim_sizes.SizesAlgebra` (symbolic sizes: sums over index sets,
:mod:`.symarray`).  Because both read the same tree through the same checks, the instance
search and the all-sizes engine cannot disagree on what a claim says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from ..errors import FormulaError
from ..index.ops import CONVENTIONS, MODES
from ..limits import MAX_PARAMETER, shown
from ..parse.claim import (
    OP_KEYWORDS,
    OPS,
    Binary,
    Call,
    Claim,
    Indexed,
    Name,
    Node,
    Num,
    Unary,
)

#: Names that take the image shape or the kernel shape when not placed by position.
IMAGE_NAMES = ("x", "f", "image", "u")
KERNEL_NAMES = ("h", "w", "k", "kernel", "v")

A = TypeVar("A")


class Unbound(Exception):  # noqa: N818 - control flow: a name with no shape yet
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class NoOutput(Exception):  # noqa: N818 - these shapes are outside the claim's domain
    """An operation has no output for these shapes (a family search skips the shape; the
    all-sizes engine excludes the sizes)."""

    def __init__(self, message: str, col: int = 0) -> None:
        super().__init__(message)
        self.col = col


@dataclass(frozen=True)
class OpOptions:
    """The keywords of ``conv``/``corr``/``corr_reflected``, checked and per axis."""

    mode: str | None
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    #: per axis (low, high), or the words 'same'/'valid'
    padding: tuple[tuple[int, int], ...] | str | None
    conjugate: bool
    #: whose window: scipy (the default), numpy, matlab, tensorflow, jax or opencv
    convention: str = "scipy"


@dataclass(frozen=True)
class TransposeOptions:
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    output_padding: tuple[int, ...]


class Algebra(Protocol[A]):
    """The array operations a claim needs; each algebra gives them one reading."""

    def name(self, name: str) -> A: ...
    def bound(self, name: str) -> bool: ...
    def named_like(self, name: str, like: A) -> A: ...
    def constant(self, value: int) -> A: ...
    def ndim(self, a: A) -> int: ...
    def scale(self, a: A, c: int) -> A: ...
    def add(self, a: A, b: A, sign: int) -> A: ...
    def multiply(self, a: A, b: A) -> A: ...
    def reflect(self, a: A, axes: Sequence[bool] | None = None) -> A: ...
    def conjugate(self, a: A) -> A: ...
    def dilate(self, a: A, factors: Sequence[int]) -> A: ...
    def total(self, a: A) -> A: ...
    def bilinear(self, op: str, a: A, b: A, opts: OpOptions) -> A: ...
    def conv_transpose(self, g: A, h: A, opts: TransposeOptions) -> A: ...
    def cconv(self, a: A, b: A) -> A: ...
    def dft(self, a: A, inverse: bool) -> A: ...
    def pad(self, a: A, length: int) -> A: ...
    def gradient(self, scalar: A, name: str) -> A: ...
    def given(self, name: str) -> bool: ...


def roles(claim: Claim) -> dict[str, str]:
    """Which names take the image shape and which the kernel shape.

    Conventional names first (x, f: image; h, w: kernel); other names by their first place
    as an operation's first (image) or second (kernel) argument.  Names given as the third
    argument of ``grad`` are bound to the shape of the differentiated expression.
    """
    out: dict[str, str] = {}
    grads: set[str] = set()

    def walk(n: Node) -> None:
        if isinstance(n, Call):
            if n.fn in OPS or n.fn in ("conv_transpose", "cconv"):
                for a, role in zip(n.args[:2], ("image", "kernel"), strict=False):
                    if isinstance(a, Name):
                        out.setdefault(a.name, role)
            if n.fn == "grad" and len(n.args) == 3 and isinstance(n.args[2], Name):
                grads.add(n.args[2].name)
            for a in n.args:
                walk(a)
        elif isinstance(n, (Unary, Indexed)):
            walk(n.arg)
        elif isinstance(n, Binary):
            if n.op == "*":
                # g * E: g takes E's index range (the upstream gradient of L = sum(g*E))
                for a, b in ((n.left, n.right), (n.right, n.left)):
                    if isinstance(a, Name) and not isinstance(b, (Name, Num)) and \
                            a.name not in IMAGE_NAMES + KERNEL_NAMES:
                        grads.add(a.name)
            walk(n.left)
            walk(n.right)
        elif isinstance(n, Name):
            if n.name in IMAGE_NAMES:
                out[n.name] = "image"
            elif n.name in KERNEL_NAMES:
                out[n.name] = "kernel"

    walk(claim.left)
    walk(claim.right)
    for g in grads:
        out[g] = "gradient"
    return out


@dataclass
class Evaluator(Generic[A]):
    """Evaluates a claim's sides in one algebra."""

    alg: Algebra[A]
    text: str
    roles: dict[str, str]

    def sides(self, claim: Claim) -> tuple[A, A]:
        """Both sides (the right one first when a name only the left side binds is used
        before it is bound: ``grad(...) == g * ...``)."""
        try:
            left = self.eval(claim.left)
            right = self.eval(claim.right)
        except Unbound as first:
            try:
                right = self.eval(claim.right)
                left = self.eval(claim.left)
            except Unbound:
                raise FormulaError(f"cannot tell the shape of {first.name!r}: use x/f for "
                                   "images, h/w for kernels, or pass it to an operation or "
                                   "to grad", self.text, self.text.find(first.name)) from None
        if self.alg.ndim(left) != self.alg.ndim(right):
            raise FormulaError(f"the left side has {self.alg.ndim(left)} axes and the right "
                               f"side {self.alg.ndim(right)}", self.text, 0)
        return left, right

    def err(self, message: str, col: int) -> FormulaError:
        return FormulaError(message, self.text, col)

    def eval(self, n: Node) -> A:
        alg = self.alg
        if isinstance(n, Name):
            return alg.name(n.name)
        if isinstance(n, Num):
            return alg.constant(n.value)
        if isinstance(n, Unary):
            return alg.scale(self.eval(n.arg), -1)
        if isinstance(n, Binary):
            return self._binary(n)
        if isinstance(n, Indexed):
            a = self.eval(n.arg)
            if len(n.signs) != alg.ndim(a):
                raise self.err(f"this array has {alg.ndim(a)} axes but {len(n.signs)} "
                               "indices are given", n.col)
            return alg.reflect(a, n.signs)
        assert isinstance(n, Call)
        return self._call(n)

    def _binary(self, n: Binary) -> A:
        alg = self.alg
        if n.op == "*":
            for first, other in ((n.left, n.right), (n.right, n.left)):
                if isinstance(first, Name) and self.roles.get(first.name) == "gradient" and \
                        not alg.bound(first.name) and not isinstance(other, Name):
                    e = self.eval(other)
                    if alg.ndim(e) == 0:
                        raise self.err(f"{first.name} * E needs an array E", n.col)
                    return alg.multiply(alg.named_like(first.name, e), e)
        a, b = self.eval(n.left), self.eval(n.right)
        if n.op == "*":
            return alg.multiply(a, b)
        if (alg.ndim(a) == 0) != (alg.ndim(b) == 0):
            raise self.err("cannot add a scalar and an array", n.col)
        if alg.ndim(a) != alg.ndim(b):
            raise self.err(f"cannot add arrays of {alg.ndim(a)} and {alg.ndim(b)} axes",
                           n.col)
        return alg.add(a, b, 1 if n.op == "+" else -1)

    # -- calls ------------------------------------------------------------------------------
    def _need(self, n: Call, k: int) -> None:
        if len(n.args) != k:
            raise self.err(f"{n.fn} takes {k} argument{'s' if k != 1 else ''}, got "
                           f"{len(n.args)}", n.col)

    def _allow(self, n: Call, keys: set[str]) -> None:
        for k, _ in n.kwargs:
            if k not in keys:
                raise self.err(f"{n.fn} has no keyword {k!r}"
                               + (f": use {', '.join(sorted(keys))}" if keys else ""), n.col)

    def _ints(self, n: Call, key: str, value: Any, ndim: int, minimum: int) -> tuple[int, ...]:
        """A keyword's integer (or tuple of integers, one per axis), at least ``minimum``."""
        if isinstance(value, bool) or not isinstance(value, (int, tuple)):
            raise self.err(f"bad {key} {value!r}: expected an integer or a tuple such as "
                           "(2, 1)", n.col)
        vals = value if isinstance(value, tuple) else (value,)
        if len(vals) == 1:
            vals = vals * ndim
        if len(vals) != ndim:
            raise self.err(f"bad {key} {value!r}: give 1 value or {ndim} (one per axis)", n.col)
        if any(v < minimum for v in vals):
            raise self.err(f"bad {key} {value!r}: each value must be at least {minimum}",
                           n.col)
        if any(v > MAX_PARAMETER for v in vals):
            raise self.err(f"bad {key} {shown(str(value))}: each value must be at most "
                           f"{MAX_PARAMETER:,}", n.col)
        return tuple(int(v) for v in vals)

    def _op_options(self, n: Call, ndim: int) -> OpOptions:
        kw = dict(n.kwargs)
        mode = kw.get("mode")
        if mode is not None and mode not in MODES:
            raise self.err(f"bad mode {mode!r}: use {', '.join(MODES)}", n.col)
        padding: Any = None
        if "padding" in kw:
            p = kw["padding"]
            if isinstance(p, str):
                if p.lower() not in ("same", "valid"):
                    raise self.err(f"bad padding {p!r}: an integer, one per axis, 'same' or "
                                   "'valid'", n.col)
                padding = p.lower()
            else:
                padding = tuple((v, v) for v in self._ints(n, "padding", p, ndim, 0))
        if mode is not None and padding is not None:
            raise self.err("give mode or padding, not both (padding means PyTorch's output "
                           "window; mode means NumPy/SciPy's)", n.col)
        conj = kw.get("conjugate", False)
        if not isinstance(conj, bool):
            raise self.err(f"bad conjugate {conj!r}: true or false", n.col)
        convention = kw.get("convention", "scipy")
        if convention not in CONVENTIONS:
            raise self.err(f"bad convention {convention!r}: use {', '.join(CONVENTIONS)}",
                           n.col)
        if convention != "scipy":
            self._check_convention(n, convention, ndim, mode, padding, kw)
            if mode is None and padding is None and convention != "opencv":
                mode = "full" if convention in ("numpy", "matlab") else None
                padding = None if mode else "valid"
            # The library's own window: symconv's model of it (request.operation) says
            # what mode or padding means there, and refuses what the library cannot do.
            return OpOptions(mode, self._ints(n, "stride", kw.get("stride", 1), ndim, 1),
                             self._ints(n, "dilation", kw.get("dilation", 1), ndim, 1),
                             padding, conj, convention)
        return OpOptions(mode if mode is not None else "full" if padding is None else None,
                         self._ints(n, "stride", kw.get("stride", 1), ndim, 1),
                         self._ints(n, "dilation", kw.get("dilation", 1), ndim, 1),
                         padding, conj)

    def _check_convention(self, n: Call, convention: str, ndim: int, mode: str | None,
                          padding: Any, kw: dict[str, Any]) -> None:
        """What a library's convention cannot express, refused in the claim's words (the
        meanings are request.operation's: DESIGN, "Conventions of other libraries")."""
        strided = any(kw.get(k, 1) not in (1, (1,) * ndim) for k in ("stride", "dilation"))
        if convention == "numpy" and ndim != 1:
            raise self.err("convention 'numpy' is 1-D only (numpy.convolve/correlate)", n.col)
        if convention == "matlab" and (padding is not None or strided):
            raise self.err("convention 'matlab' takes a mode only (conv/conv2/convn and "
                           "filter2): no padding, stride or dilation", n.col)
        if convention in ("tensorflow", "jax") and mode is not None:
            raise self.err(f"convention {convention!r} takes padding='same' or 'valid' (or "
                           "per axis), not mode", n.col)
        if convention == "opencv" and (n.fn != "corr" or ndim != 2 or mode is not None
                                       or padding is not None or strided):
            raise self.err("convention 'opencv' is cv2.filter2D: a 2-D corr with the "
                           "image's size and no mode, padding, stride or dilation", n.col)

    def _call(self, n: Call) -> A:
        alg = self.alg
        if n.fn in OPS:
            self._need(n, 2)
            self._allow(n, OP_KEYWORDS if n.fn != "conv" else OP_KEYWORDS - {"conjugate"})
            a, b = self.eval(n.args[0]), self.eval(n.args[1])
            if alg.ndim(a) == 0 or alg.ndim(b) == 0:
                raise self.err(f"{n.fn} needs arrays, not scalars", n.col)
            if alg.ndim(a) != alg.ndim(b):
                raise self.err(f"{n.fn}: the image has {alg.ndim(a)} axes but the kernel has "
                               f"{alg.ndim(b)}", n.col)
            opts = self._op_options(n, alg.ndim(a))
            try:
                return alg.bilinear(OPS[n.fn], a, b, opts)
            except NoOutput as exc:
                raise NoOutput(str(exc), n.col) from None
        if n.fn == "flip":
            self._need(n, 1)
            self._allow(n, set())
            return alg.reflect(self.eval(n.args[0]))
        if n.fn == "conj":
            self._need(n, 1)
            self._allow(n, set())
            return alg.conjugate(self.eval(n.args[0]))
        if n.fn == "dilate":
            self._need(n, 2)
            self._allow(n, set())
            a = self.eval(n.args[0])
            s = n.args[1]
            if not isinstance(s, Num) or s.value < 1:
                raise self.err("dilate(a, s) needs a positive integer s", n.col)
            if s.value > MAX_PARAMETER:
                raise self.err(f"dilate(a, s): s must be at most {MAX_PARAMETER:,}", n.col)
            return alg.dilate(a, (s.value,) * alg.ndim(a))
        if n.fn == "sum":
            self._need(n, 1)
            self._allow(n, set())
            return alg.total(self.eval(n.args[0]))
        if n.fn == "conv_transpose":
            return self._transpose(n)
        if n.fn == "cconv":
            self._need(n, 2)
            self._allow(n, set())
            a, b = self.eval(n.args[0]), self.eval(n.args[1])
            if alg.ndim(a) != alg.ndim(b) or alg.ndim(a) == 0:
                raise self.err("cconv needs two arrays with the same number of axes", n.col)
            return alg.cconv(a, b)
        if n.fn == "pad":
            self._need(n, 2)
            self._allow(n, set())
            a = self.eval(n.args[0])
            size = n.args[1]
            if not isinstance(size, Num) or size.value < 1:
                raise self.err("pad(a, L) needs a positive integer L", n.col)
            if size.value > MAX_PARAMETER:
                raise self.err(f"pad(a, L): L must be at most {MAX_PARAMETER:,}", n.col)
            if alg.ndim(a) == 0:
                raise self.err("pad needs an array", n.col)
            return alg.pad(a, size.value)
        if n.fn in ("dft", "idft"):
            self._need(n, 1)
            self._allow(n, set())
            a = self.eval(n.args[0])
            if alg.ndim(a) == 0:
                raise self.err(f"{n.fn} needs an array", n.col)
            return alg.dft(a, n.fn == "idft")
        return self._grad(n)

    def _transpose(self, n: Call) -> A:
        alg = self.alg
        self._need(n, 2)
        self._allow(n, {"stride", "padding", "dilation", "output_padding"})
        a, b = self.eval(n.args[0]), self.eval(n.args[1])
        nd = alg.ndim(a)
        if nd == 0 or alg.ndim(b) != nd:
            raise self.err("conv_transpose needs two arrays with the same number of axes",
                           n.col)
        kw = dict(n.kwargs)
        opts = TransposeOptions(self._ints(n, "stride", kw.get("stride", 1), nd, 1),
                                self._ints(n, "padding", kw.get("padding", 0), nd, 0),
                                self._ints(n, "dilation", kw.get("dilation", 1), nd, 1),
                                self._ints(n, "output_padding", kw.get("output_padding", 0),
                                           nd, 0))
        if any(a_ >= max(s, d) for a_, s, d in zip(opts.output_padding, opts.stride,
                                                  opts.dilation, strict=True)):
            raise self.err("output_padding must be smaller than stride or dilation (as "
                           "PyTorch)", n.col)
        try:
            return alg.conv_transpose(a, b, opts)
        except NoOutput as exc:
            raise NoOutput(str(exc), n.col) from None

    def _grad(self, n: Call) -> A:
        alg = self.alg
        self._allow(n, set())
        if len(n.args) not in (2, 3):
            raise self.err("grad takes (E, x) for a scalar E or (E, x, g)", n.col)
        wrt = n.args[1]
        if not isinstance(wrt, Name):
            raise self.err("grad's second argument must be an array name", n.col)
        gname = n.args[2] if len(n.args) == 3 else None
        for arg in (wrt, gname):
            if isinstance(arg, Name) and alg.given(arg.name):
                # its entries are numbers in this reading: a derivative by them, or an
                # upstream gradient bound to them, would read as 0 or as a constant
                raise self.err(f"grad: {arg.name!r} has given values (--x, --h or --let); "
                               "a gradient is taken by or with symbolic entries: leave "
                               f"{arg.name}'s values out", n.col)
        e = self.eval(n.args[0])
        if gname is not None:
            if not isinstance(gname, Name):
                raise self.err("grad's third argument must be a name (the upstream "
                               "gradient)", n.col)
            if alg.ndim(e) == 0:
                raise self.err("grad(E, x, g) needs an array E; for a scalar use grad(E, x)",
                               n.col)
            e = alg.total(alg.multiply(alg.named_like(gname.name, e), e))
        elif alg.ndim(e) != 0:
            raise self.err("grad(E, x) needs a scalar E such as sum(g*y); or give the "
                           "upstream gradient: grad(E, x, g)", n.col)
        alg.name(wrt.name)  # binds it (its shape) when it was not used yet
        return alg.gradient(e, wrt.name)
