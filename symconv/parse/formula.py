"""A safe parser for index formulas, in plain text and LaTeX.

    >>> f = parse_formula(r"y[m,n] = \\sum_{i,j} x[i,j]\\,h[m-i,n-j]")
    >>> f.sides[0]
    Array(name='y', indices=(Index(text='m'), Index(text='n')), conj=False)
    >>> f.sides[1].vars[0].name, f.sides[1].vars[1].name
    ('i', 'j')

The grammar (``formula.lark``, LALR) turns the text into a lark tree, which is converted
here into symconv's own small, immutable nodes.  Index expressions become polynomials with
integer coefficients over names (``(j-1)s+m`` is ``{s*j: 1, s: -1, m: 1}``): whether a name is
an index or a symbolic stride is decided later by :mod:`symconv.check`, which knows which
names are summed and which are on the left.  Nothing is ever evaluated: no ``eval``, no
``sympify``.  Every error is a :class:`~symconv.errors.FormulaError` pointing at its column.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any, Union

from ..errors import FormulaError
from ..grammar import caret_error, parse

#: Longer formulas are refused before parsing (a formula of this family fits in a line or
#: two; the bound keeps the parser's time and memory small for any input).
MAX_CHARS = 4000
#: Brackets nested deeper than this are refused (no real formula needs it; it bounds the
#: recursion of the tree conversion).
MAX_DEPTH = 40
#: Bounds on one index expression's polynomial: an affine index has a handful of terms of
#: degree <= 2 (``s*m``); the bounds stop ``(a+b+c)(a+b+c)...`` from growing exponentially.
MAX_POLY_TERMS = 64
MAX_POLY_DEGREE = 6
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_ALLOWED_CONTROL = "\t\n\r"
#: Terminal names as a message says them.
_TERMINAL_WORDS = {
    "EQ": "'='", "ADDOP": "'+' or '-'", "STAR": "'*'", "MULOP": r"'\cdot'", "SUM": "a sum",
    "NAME": "a name", "INT": "a number", "LSQB": "'['", "RSQB": "']'", "LPAR": "'('",
    "RPAR": "')'", "LBRACE": "'{'", "RBRACE": "'}'", "COMMA": "','", "CIRCUMFLEX": "'^'",
    "UNDERSCORE": "'_'", "INFTY": r"'\infty'", "$END": "the end of the formula",
}

#: A polynomial with integer coefficients: monomial (sorted tuple of names) -> coefficient.
Poly = tuple[tuple[tuple[str, ...], int], ...]


def poly(d: dict[tuple[str, ...], int]) -> Poly:
    """The canonical (sorted, zero-free) tuple form of a polynomial dict."""
    return tuple(sorted((k, v) for k, v in d.items() if v != 0))


def poly_add(a: Poly, b: Poly, sign: int = 1) -> Poly:
    out = dict(a)
    for k, v in b:
        out[k] = out.get(k, 0) + sign * v
    return poly(out)


def poly_mul(a: Poly, b: Poly) -> Poly:
    out: dict[tuple[str, ...], int] = {}
    for ka, va in a:
        for kb, vb in b:
            k = tuple(sorted(ka + kb))
            out[k] = out.get(k, 0) + va * vb
    return poly(out)


def poly_const(c: int) -> Poly:
    return poly({(): c})


def poly_name(n: str) -> Poly:
    return (((n,), 1),)


def poly_str(p: Poly) -> str:
    """``{m: 2, (): -1} -> '2m-1'``, ``{(s, m): 1, (s,): -1} -> 's*m-s'``; names first."""
    items = sorted(p, key=lambda t: (len(t[0]) == 0, t[0]))
    items.sort(key=lambda t: t[1] < 0)
    out = ""
    for mono, c in items:
        mag = abs(c)
        if not mono:
            body = str(mag)
        else:
            names = "*".join(mono)
            if mag == 1:
                body = names
            elif len(mono) == 1 and len(mono[0]) == 1:
                body = f"{mag}{names}"
            else:
                body = f"{mag}*{names}"
        if not out:
            out = ("-" if c < 0 else "") + body
        else:
            out += ("-" if c < 0 else "+") + body
    return out or "0"


@dataclass(frozen=True)
class Index:
    """One index expression: its polynomial, its source text and where it starts."""

    text: str
    poly: Poly = field(repr=False)
    pos: int = field(repr=False, default=0)


@dataclass(frozen=True)
class Array:
    """An indexed array ``x[i,j]`` (``indices`` None for a bare name), maybe conjugated.

    ``extra`` holds earlier index lists when several follow each other
    (``c(K,V,s)_{i,j,k}``); ``composite`` marks ``(f \\star g)[n]``, a bracketed expression
    with an index.
    """

    name: str
    indices: tuple[Index, ...] | None
    conj: bool = False
    pos: int = field(repr=False, default=0)
    end: int = field(repr=False, default=0)
    extra: int = field(repr=False, default=0)
    composite: bool = field(repr=False, default=False)


@dataclass(frozen=True)
class Number:
    value: int
    pos: int = 0


@dataclass(frozen=True)
class SumVar:
    name: str
    lower: str | None = None
    upper: str | None = None
    pos: int = 0


@dataclass(frozen=True)
class Sum:
    """``\\sum_{vars} body``; ``vars`` empty for a bare ``\\sum`` (over every index not on
    the left)."""

    vars: tuple[SumVar, ...]
    body: Node
    pos: int = 0


@dataclass(frozen=True)
class Product:
    factors: tuple[Node, ...]
    ops: tuple[str, ...] = ()
    pos: int = 0


@dataclass(frozen=True)
class Add:
    terms: tuple[tuple[int, Node], ...]
    pos: int = 0


@dataclass(frozen=True)
class Conj:
    body: Node
    pos: int = 0


Node = Union[Array, Number, Sum, Product, Add, Conj]


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its sides (``y[m] = ... = ...``), in order, and the source text."""

    sides: tuple[Node, ...]
    text: str = field(repr=False)
    side_pos: tuple[int, ...] = field(repr=False, default=())


def precheck(text: object, what: str = "formula") -> str:
    """Refuse non-strings, empty and oversized input, control characters and unbalanced or
    too deeply nested brackets, each with the column.  Returns the text with line breaks
    and tabs turned into spaces (same length: columns still match)."""
    if not isinstance(text, str):
        raise FormulaError(f"the {what} must be text, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise FormulaError(f"the {what} is {len(text):,} characters long; the limit is "
                           f"{MAX_CHARS:,} (a formula of this family fits in a few lines)")
    if not text.strip():
        raise FormulaError(f"empty {what}: write it as y[m] = sum_i x[i] h[m-i]")
    for pos, ch in enumerate(text):
        if ch in _ALLOWED_CONTROL:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise caret_error(f"control or invisible character U+{ord(ch):04X} in the "
                                f"{what} at column {pos + 1}", _printable(text), pos)
    flat = text.translate({ord(c): " " for c in _ALLOWED_CONTROL})
    stack: list[tuple[str, int]] = []
    for pos, ch in enumerate(flat):
        if ch in _OPEN:
            if pos and flat[pos - 1] == "\\":
                continue
            stack.append((ch, pos))
            if len(stack) > MAX_DEPTH:
                raise caret_error(f"brackets nested more than {MAX_DEPTH} deep", flat, pos)
        elif ch in _CLOSE:
            if pos and flat[pos - 1] == "\\":
                continue
            if not stack:
                raise caret_error(f"unbalanced brackets: {ch!r} closes nothing", flat, pos)
            op, at = stack.pop()
            if op != _CLOSE[ch]:
                raise caret_error(f"unbalanced brackets: {ch!r} closes {op!r} (opened at "
                                   f"column {at + 1})", flat, pos)
    if stack:
        op, at = stack[-1]
        raise caret_error(f"unbalanced brackets: {op!r} is never closed "
                           f"(expected {_OPEN[op]!r})", flat, at)
    return flat


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)


def parse_formula(text: str) -> Formula:
    """Parse an index formula into a :class:`Formula` (raises :class:`FormulaError`)."""
    flat = precheck(text)
    tree = parse("formula", flat, "formula", expected=_expected)
    return _Converter(flat).formula(tree)


def _expected(names: Any) -> str:
    words = sorted({_TERMINAL_WORDS.get(n, n.lower()) for n in names})
    if len(words) > 6:
        words = words[:6] + ["..."]
    return ", ".join(words)


class _Converter:
    """lark tree -> symconv nodes (one method per grammar rule that matters)."""

    def __init__(self, text: str) -> None:
        self.text = text

    # -- helpers ---------------------------------------------------------------------------
    def err(self, message: str, pos: int) -> FormulaError:
        return caret_error(message, self.text, pos)

    @staticmethod
    def start(t: Any) -> int:
        from lark import Token

        if isinstance(t, Token):
            return t.start_pos or 0
        meta = t.meta
        return getattr(meta, "start_pos", 0) if not meta.empty else 0

    @staticmethod
    def end(t: Any) -> int:
        from lark import Token

        if isinstance(t, Token):
            return t.end_pos or 0
        return getattr(t.meta, "end_pos", 0) if not t.meta.empty else 0

    def slice(self, t: Any) -> str:
        return self.text[self.start(t):self.end(t)].strip()

    @staticmethod
    def children(t: Any) -> list[Any]:
        return list(t.children)

    # -- top level -------------------------------------------------------------------------
    def formula(self, tree: Any) -> Formula:
        from lark import Token

        sides: list[Node] = []
        pos: list[int] = []
        for ch in tree.children:
            if isinstance(ch, Token):  # EQ
                continue
            sides.append(self.expr(ch))
            pos.append(self.start(ch))
        return Formula(tuple(sides), self.text, tuple(pos))

    def expr(self, t: Any) -> Node:
        from lark import Token, Tree

        if isinstance(t, Tree) and t.data != "expr":
            return self.term_like(t)
        terms: list[tuple[int, Node]] = []
        sign = 1
        for ch in t.children:
            if isinstance(ch, Tree) and ch.data == "sign":
                sign = -1 if str(ch.children[0]) not in ("+",) else 1
                if str(ch.children[0]) == "\\pm":
                    raise self.err("'\\pm' has no meaning in an index formula", self.start(ch))
            elif isinstance(ch, Token):
                if str(ch) == "\\pm":
                    raise self.err("'\\pm' has no meaning in an index formula", self.start(ch))
                sign = 1 if str(ch) == "+" else -1
            else:
                terms.append((sign, self.term_like(ch)))
                sign = 1
        if len(terms) == 1 and terms[0][0] == 1:
            return terms[0][1]
        return Add(tuple(terms), self.start(t))

    def term_like(self, t: Any) -> Node:
        if t.data == "term":
            return self.term(t)
        if t.data == "product":
            return self.product(t)
        raise self.err("unexpected expression", self.start(t))  # pragma: no cover

    def term(self, t: Any) -> Node:
        kids = self.children(t)
        body = self.product(kids[-1])
        for op in reversed(kids[:-1]):
            body = Sum(self.sumop(op), body, self.start(op))
        return body

    def sumop(self, t: Any) -> tuple[SumVar, ...]:
        from lark import Token

        variables: list[SumVar] = []
        upper: str | None = None
        for ch in t.children:
            if isinstance(ch, Token):
                continue
            if ch.data == "sumsub":
                names = ch.children[0]
                lower = None
                if len(ch.children) > 1:
                    eq = ch.children[1]
                    if str(eq) != "=":
                        raise self.err(f"{str(eq)!r} in a sum's subscript: write i=0",
                                       self.start(eq))
                    lower = self.slice(ch.children[2])
                for sv in names.children:
                    nm = self.name(sv.children[0])
                    variables.append(SumVar(nm, lower, None, self.start(sv)))
            elif ch.data == "sumsub_short":
                variables.append(SumVar(self.plainname(ch.children[0]), None, None,
                                        self.start(ch)))
            else:  # a superscript: the upper bound
                upper = self.slice(ch)[1:].strip()
                if upper.startswith("{") and upper.endswith("}"):
                    upper = upper[1:-1].strip()
        if upper is not None:
            variables = [SumVar(v.name, v.lower, upper, v.pos) for v in variables]
        return tuple(variables)

    def product(self, t: Any) -> Node:
        factors: list[Node] = []
        ops: list[str] = []
        for ch in t.children:
            if ch.data == "mulop":
                ops.append(str(ch.children[0]))
            elif ch.data == "sumterm":
                factors.append(self.term(ch))
            else:
                factors.append(self.factor(ch))
        if len(factors) == 1 and not ops:
            return factors[0]
        return Product(tuple(factors), tuple(ops), self.start(t))

    # -- factors ---------------------------------------------------------------------------
    def factor(self, t: Any) -> Node:
        atom, suffixes = t.children[0], list(t.children[1:])
        # ``[\mathbf{V}]_{a,b} [\mathbf{X}]_{i+a,j+b}`` (d2l): the parser reads the second
        # bracket as an index of V; a bracketed lone name followed by a subscript is a new
        # factor, since an index list is never itself subscripted.
        for j in range(len(suffixes) - 1):
            s, nxt = suffixes[j], suffixes[j + 1]
            if (s.data == "bracket" and nxt.data.startswith("subscript")
                    and len(s.children[0].children) == 1 and _lone_name(s.children[0])):
                first = self._factor(atom, suffixes[:j], self.start(t), self.start(s))
                name_tree = _lone_name(s.children[0])
                rest = self._factor(name_tree, suffixes[j + 1:], self.start(s), self.end(t))
                return Product((first, rest), (), self.start(t))
        return self._factor(atom, suffixes, self.start(t), self.end(t))

    def _factor(self, atom: Any, suffixes: list[Any], pos: int, end: int) -> Node:
        from lark import Tree

        if isinstance(atom, Tree) and atom.data in ("name", "wrapped"):
            node: Node = Array(self.name(atom), None, False, self.start(atom), self.end(atom))
        else:
            node = self.atom(atom)
        conj = False
        index_lists: list[tuple[Index, ...]] = []
        all_brackets = True
        for s in suffixes:
            if s.data == "star":
                conj = not conj
            else:
                all_brackets &= s.data == "bracket"
                index_lists.append(self.suffix(s))
        if not index_lists:
            if conj:
                if isinstance(node, Array):
                    return _replace(node, conj=not node.conj, end=end)
                return Conj(node, pos)
            return node
        if all_brackets and len(index_lists) > 1:  # C style x[i][j] is x[i,j]
            index_lists = [tuple(i for lst in index_lists for i in lst)]
        idx = index_lists[-1]
        inner = node.body if isinstance(node, Conj) else node
        inner_conj = isinstance(node, Conj)
        if isinstance(inner, Array) and inner.indices is None:
            return Array(inner.name, idx, conj ^ inner.conj ^ inner_conj, pos, end,
                         len(index_lists) - 1)
        if isinstance(inner, Array):
            return Array(inner.name, idx, conj ^ inner.conj ^ inner_conj, pos, end,
                         len(index_lists) + (inner.extra or 0), inner.composite)
        name = self.slice(atom)
        return Array(name, idx, conj ^ inner_conj, pos, end, len(index_lists) - 1, True)

    def atom(self, t: Any) -> Node:
        kind = t.data
        if kind == "bare":
            return Array(self.name(t.children[0]), None, False, self.start(t), self.end(t))
        if kind == "number":
            return Number(int(str(t.children[0])), self.start(t))
        if kind == "group":
            return self.expr(t.children[0])
        if kind == "conjfn":
            return _conj(self.expr(t.children[-1]), self.start(t))
        if kind == "overline":
            return _conj(self.expr(t.children[1]), self.start(t))
        if kind == "overline_name":
            return Array(self.plainname(t.children[1]), None, True, self.start(t),
                         self.end(t))
        raise self.err(f"unexpected {kind}", self.start(t))  # pragma: no cover

    def suffix(self, t: Any) -> tuple[Index, ...]:
        kind = t.data
        if kind in ("bracket", "paren", "subscript"):
            return tuple(self.iexpr(e) for e in t.children[0].children)
        if kind == "subscript_name":
            nm = self.plainname(t.children[0])
            return (Index(nm, poly_name(nm), self.start(t.children[0])),)
        if kind == "subscript_int":
            v = int(str(t.children[0]))
            return (Index(str(v), poly_const(v), self.start(t.children[0])),)
        raise self.err(f"unexpected {kind}", self.start(t))  # pragma: no cover

    def name(self, t: Any) -> str:
        if t.data == "wrapped":
            return self.name(t.children[-1])
        return self.plainname(t.children[0])

    def plainname(self, t: Any) -> str:
        from lark import Token

        tok = t if isinstance(t, Token) else t.children[0]
        s = str(tok)
        return s[1:] if s.startswith("\\") else s

    # -- index expressions -----------------------------------------------------------------
    def iexpr(self, t: Any) -> Index:
        return Index(self.slice(t), self.ipoly(t), self.start(t))

    def ipoly(self, t: Any) -> Poly:
        from lark import Token

        if t.data == "iexpr":
            total: Poly = ()
            sign = 1
            for ch in t.children:
                if isinstance(ch, Token):
                    if str(ch) == "\\pm":
                        raise self.err("'\\pm' in an index: give one sign", self.start(ch))
                    sign = 1 if str(ch) == "+" else -1
                else:
                    total = poly_add(total, self.ipoly(ch), sign)
                    sign = 1
            return total
        if t.data == "iterm":
            out = poly_const(1)
            for ch in t.children:
                if ch.data == "imul":
                    continue
                out = poly_mul(out, self.ipoly(ch))
                degree = max((len(m) for m, _ in out), default=0)
                if len(out) > MAX_POLY_TERMS or degree > MAX_POLY_DEGREE:
                    raise self.err(f"the index expression {self.slice(t)!r} is too complex "
                                   f"(over {MAX_POLY_TERMS} terms or degree "
                                   f"{MAX_POLY_DEGREE} when multiplied out)", self.start(t))
            return out
        if t.data == "inum":
            return poly_const(int(str(t.children[0])))
        if t.data == "igroup":
            return self.ipoly(t.children[0])
        if t.data == "iname":
            return poly_name(self.iname(t))
        if t.data == "ifactor":
            return self.ipoly(t.children[0])
        raise self.err(f"unexpected {t.data} in an index", self.start(t))  # pragma: no cover

    def iname(self, t: Any) -> str:
        from lark import Token

        name = self.name(t.children[0])
        for ch in t.children[1:]:
            if isinstance(ch, Token):  # the INT of name[INT]: strides[1]
                name += f"[{ch}]"
            else:  # isub
                parts = [c for c in ch.children]
                subs = []
                for p in parts:
                    if isinstance(p, Token):
                        subs.append(str(p))
                    elif p.data == "plainname":
                        subs.append(self.plainname(p))
                    else:
                        subs.append(poly_str(self.ipoly(p)))
                sub = ",".join(subs)
                name += f"_{sub}" if len(sub) == 1 else f"_{{{sub}}}"
        return name


def _lone_name(ilist: Any) -> Any:
    """The ``name`` tree when an index list is one bare name (``[\\mathbf{X}]``), else None."""
    from lark import Tree

    t = ilist.children[0]
    while isinstance(t, Tree) and t.data in ("iexpr", "iterm", "ifactor") and \
            len(t.children) == 1:
        t = t.children[0]
    if isinstance(t, Tree) and t.data == "iname" and len(t.children) == 1:
        return t.children[0]
    return None


def _conj(node: Node, pos: int) -> Node:
    if isinstance(node, Array):
        return _replace(node, conj=not node.conj)
    if isinstance(node, Conj):
        return node.body
    return Conj(node, pos)


def _replace(a: Array, **kw: Any) -> Array:
    from dataclasses import replace

    return replace(a, **kw)
