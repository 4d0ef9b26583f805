"""Size conditions of a claim: ``--where "N >= K"``, ``"N >= 2*K - 1, K <= 5"``.

Linear comparisons of integers and size names (``N`` and ``K``, or ``N1, K2...`` per axis),
joined by ``and`` or ``,``; a chain ``1 <= K <= N`` is two comparisons.  In N-D an unnumbered
name means every axis: ``N >= K`` is ``N1 >= K1`` and ``N2 >= K2``.  Parsed by a grammar into
:class:`~symconv.proof.presburger.Constraint` s; ``!=`` is refused (it is not a conjunction).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import FormulaError
from ..grammar import column, parse

#: Longest condition text accepted.
MAX_CHARS = 500


@dataclass(frozen=True)
class Comparison:
    """``left OP right`` with both sides as {name: coefficient} plus a constant."""

    left: tuple[tuple[tuple[str, int], ...], int]
    op: str
    right: tuple[tuple[tuple[str, int], ...], int]
    col: int


def parse_where(text: str) -> list[Comparison]:
    """The comparisons of a condition text (caret errors on bad input)."""
    if len(text) > MAX_CHARS:
        raise FormulaError(f"the condition is longer than {MAX_CHARS} characters")
    if not text.strip():
        raise FormulaError("empty condition: write it as N >= K")
    tree = parse("where", text, "condition", start="conditions")
    out: list[Comparison] = []
    for cond in tree.children:
        if getattr(cond, "data", None) != "condition":
            continue
        parts = cond.children
        exprs = [_affine(p, text) for p in parts[0::2]]
        ops = [str(t) for t in parts[1::2]]
        for k, op in enumerate(ops):
            op = {"=": "==", "≤": "<=", "≥": ">="}.get(op, op)
            if op == "!=":
                raise FormulaError("!= is not a size condition of this language (it is not "
                                   "a single linear constraint): use < or >", text,
                                   column(parts[2 * k + 1]))
            out.append(Comparison(exprs[k], op, exprs[k + 1], column(cond)))
    return out


def _affine(t: Any, text: str) -> tuple[tuple[tuple[str, int], ...], int]:
    coeffs: dict[str, int] = {}
    const = 0

    def walk(n: Any, sign: int) -> None:
        nonlocal const
        kind = n.data
        if kind == "name":
            v = str(n.children[0])
            coeffs[v] = coeffs.get(v, 0) + sign
        elif kind == "number":
            const += sign * int(n.children[0])
        elif kind == "neg":
            walk(n.children[0], -sign)
        elif kind in ("add", "sub"):
            walk(n.children[0], sign)
            walk(n.children[1], sign if kind == "add" else -sign)
        elif kind in ("mul", "mulr"):
            k = int(n.children[0] if kind == "mul" else n.children[1])
            walk(n.children[1] if kind == "mul" else n.children[0], sign * k)
        else:  # pragma: no cover - the grammar has no other rule
            raise FormulaError(f"unexpected {kind}", text, column(n))

    walk(t, 1)
    return tuple(sorted((k, v) for k, v in coeffs.items() if v)), const
