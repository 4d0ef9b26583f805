"""The claim language of ``symconv prove --claim``: its tree, parser and printers.

``grammars/claims.lark`` has names (arrays), integers, ``+ - *``, unary minus, reflection by
indexing (``y[-m]``) and calls with keyword arguments.  The parser builds the tree below
(positions kept for caret errors); :mod:`symconv.proof.claims` evaluates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from ..errors import FormulaError, InputError
from ..grammar import column as _col
from ..grammar import parse
from ..index.ops import OPERATIONS
from ..index.signal import check_name

#: Functions of the language and their keyword arguments.
#: The bilinear operations of the claim language (conv_transpose, with its own keywords, is
#: a function of its own below).
OPS = {spec.claim: spec.name for spec in OPERATIONS.values() if not spec.in_stride}
OP_KEYWORDS = {"mode", "stride", "padding", "dilation", "conjugate", "convention"}
#: The spectral functions: circular convolution and the DFT and its inverse (on array
#: positions, outputs indexed from 0).
SPECTRAL = {"cconv", "dft", "idft", "pad"}
FUNCTIONS = set(OPS) | {"flip", "conj", "dilate", "conv_transpose", "sum", "grad"} | SPECTRAL
#: LaTeX of the operation names.
LATEX_FN = {"conv": r"\operatorname{conv}", "corr": r"\operatorname{corr}",
            "corr_reflected": r"\operatorname{corr}_{\mathrm{refl}}",
            "flip": r"\operatorname{flip}", "conj": r"\overline", "dilate":
            r"\operatorname{dilate}", "conv_transpose": r"\operatorname{conv}^{\top}",
            "sum": r"\sum", "grad": r"\nabla", "cconv": r"\operatorname{cconv}",
            "dft": r"\operatorname{DFT}", "idft": r"\operatorname{IDFT}",
            "pad": r"\operatorname{pad}"}
#: Longest claim accepted.
MAX_CHARS = 2000


# -- the tree ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Name:
    name: str
    col: int


@dataclass(frozen=True)
class Num:
    value: int
    col: int


@dataclass(frozen=True)
class Call:
    fn: str
    args: tuple[Node, ...]
    kwargs: tuple[tuple[str, Any], ...]
    col: int


@dataclass(frozen=True)
class Unary:
    arg: Node
    col: int


@dataclass(frozen=True)
class Binary:
    op: str  # + - *
    left: Node
    right: Node
    col: int


@dataclass(frozen=True)
class Indexed:
    arg: Node
    signs: tuple[bool, ...]  # True: reflected axis
    letters: tuple[str, ...]
    col: int


Node = Union[Name, Num, Call, Unary, Binary, Indexed]


@dataclass(frozen=True)
class Claim:
    text: str
    left: Node
    right: Node


def parse_claim(text: str) -> Claim:
    """Parse ``LHS == RHS``; a syntax error raises :class:`FormulaError` with the column.

    >>> c = parse_claim("conv(x, h) == corr(x, flip(h))")
    >>> c.left.fn, c.right.args[1].fn
    ('conv', 'flip')
    """
    if len(text) > MAX_CHARS:
        raise FormulaError(f"claim is too long (more than {MAX_CHARS} characters)", "", None)
    tree = parse("claims", text, "claim", start="claim",
                 hint=lambda t: " (a claim is LHS == RHS)" if "==" not in t else "")
    left, right = tree.children
    return Claim(text, _build(left, text), _build(right, text))


def _build(t: Any, text: str) -> Node:
    if not hasattr(t, "data"):  # pragma: no cover - rules wrap every token
        raise FormulaError(f"unexpected {t!r}", text, _col(t))
    kind = t.data
    ch = t.children
    if kind == "name":
        name = str(ch[0])
        if name in FUNCTIONS:
            raise FormulaError(f"{name} is a function: call it as {name}(...)", text, _col(ch[0]))
        _check_ident(name, text, _col(ch[0]))
        return Name(name, _col(ch[0]))
    if kind == "number":
        return Num(int(ch[0]), _col(ch[0]))
    if kind == "neg":
        return Unary(_build(ch[0], text), _col(t))
    if kind in ("add", "sub", "mul"):
        return Binary({"add": "+", "sub": "-", "mul": "*"}[kind], _build(ch[0], text),
                      _build(ch[1], text), _col(t))
    if kind == "indexed":
        signs = tuple(c.data == "index_neg" for c in ch[1:])
        letters = tuple(str(c.children[0]) for c in ch[1:])
        if len(set(letters)) != len(letters):
            rep = next(j for j, v in enumerate(letters) if v in letters[:j])
            raise FormulaError("each index letter may appear once", text, _col(ch[1 + rep]))
        return Indexed(_build(ch[0], text), signs, letters, _col(t))
    if kind == "call":
        fn = str(ch[0])
        if fn not in FUNCTIONS:
            raise FormulaError(f"unknown function {fn!r}: use {', '.join(sorted(FUNCTIONS))}",
                               text, _col(ch[0]))
        args: list[Node] = []
        kwargs: list[tuple[str, Any]] = []
        for a in ch[1:]:
            if getattr(a, "data", None) == "kwarg":
                key = str(a.children[0])
                if key in dict(kwargs):
                    raise FormulaError(f"keyword {key!r} given twice", text, _col(a.children[0]))
                kwargs.append((key, _value(a.children[1], text)))
            else:
                if kwargs:
                    raise FormulaError("positional argument after a keyword argument", text,
                                       _col(a))
                args.append(_build(a, text))
        return Call(fn, tuple(args), tuple(kwargs), _col(ch[0]))
    raise FormulaError(f"unexpected {kind}", text, _col(t))  # pragma: no cover


def _check_ident(name: str, text: str, col: int) -> None:
    try:
        check_name(name, "array")
    except InputError as exc:
        raise FormulaError(str(exc), text, col) from None


def _value(v: Any, text: str) -> Any:
    kind = v.data
    if kind == "string":
        return str(v.children[0])[1:-1]
    if kind == "integer":
        return int(v.children[0])
    if kind == "ints":
        return tuple(int(c) for c in v.children)
    word = str(v.children[0])
    if word in ("true", "True"):
        return True
    if word in ("false", "False"):
        return False
    return word


# -- printing ---------------------------------------------------------------------------------
def to_text(n: Node) -> str:
    if isinstance(n, Name):
        return n.name
    if isinstance(n, Num):
        return str(n.value)
    if isinstance(n, Unary):
        return "-" + _paren_text(n.arg)
    if isinstance(n, Binary):
        right = to_text(n.right)
        if isinstance(n.right, Binary) and (n.op != "+" or n.right.op != "*"):
            right = f"({right})"
        return f"{to_text(n.left)} {n.op} {right}"
    if isinstance(n, Indexed):
        idx = ", ".join(("-" if s else "") + ltr
                        for s, ltr in zip(n.signs, n.letters, strict=False))
        return f"{_paren_text(n.arg)}[{idx}]"
    parts = [to_text(a) for a in n.args] + [f"{k}={_kw_text(v)}" for k, v in n.kwargs]
    return f"{n.fn}({', '.join(parts)})"


def _kw_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, tuple):
        return "(" + ", ".join(map(str, v)) + ")"
    if isinstance(v, str):
        return f"'{v}'"
    return str(v)


def _paren_text(n: Node) -> str:
    s = to_text(n)
    return f"({s})" if isinstance(n, (Binary, Unary)) else s


def _latex_name(name: str) -> str:
    body = name.replace("_", r"\_")
    return body if len(name) == 1 else r"\mathrm{" + body + "}"


def to_latex(n: Node) -> str:
    if isinstance(n, Name):
        return _latex_name(n.name)
    if isinstance(n, Num):
        return str(n.value)
    if isinstance(n, Unary):
        return "-" + _paren_latex(n.arg)
    if isinstance(n, Binary):
        op = {"+": "+", "-": "-", "*": r"\cdot "}[n.op]
        right = to_latex(n.right)
        if isinstance(n.right, Binary) and (n.op != "+" or n.right.op != "*"):
            right = rf"\left({right}\right)"
        return f"{to_latex(n.left)} {op} {right}"
    if isinstance(n, Indexed):
        idx = ", ".join(("-" if s else "") + ltr
                        for s, ltr in zip(n.signs, n.letters, strict=False))
        return f"{_paren_latex(n.arg)}[{idx}]"
    if n.fn == "conj":
        return r"\overline{" + to_latex(n.args[0]) + "}" if n.args else r"\overline{\,}"
    parts = [to_latex(a) for a in n.args]
    parts += [r"\mathrm{" + k.replace("_", r"\_") + "}=" + _kw_latex(v) for k, v in n.kwargs]
    return LATEX_FN[n.fn] + r"\left(" + ", ".join(parts) + r"\right)"


def _kw_latex(v: Any) -> str:
    if isinstance(v, str):
        return r"\mathrm{" + v.replace("_", r"\_") + "}"
    return _kw_text(v)


def _paren_latex(n: Node) -> str:
    s = to_latex(n)
    return rf"\left({s}\right)" if isinstance(n, (Binary, Unary)) else s
