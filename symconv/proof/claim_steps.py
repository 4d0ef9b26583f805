"""The all-sizes decision of a claim as a derivation a reader can follow: each side as a sum
over an index set with symbolic sizes, then the equality of the sets, case by case.

Affine forms print as people write them (``m - k``, ``N - 1``); the output index is ``m``
(``m, n, p`` in N-D), the coordinates of each factor are named after its role (``i`` for an
image, ``k`` for a kernel, ``u`` for a gradient), and the auxiliaries that stand for a floor
are shown with their definition (``q_1 = \\lfloor N/2 \\rfloor``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ..index.notation import OUT_NAMES, linear_terms
from .claim_sizes import CaseVerdict, IndexSet, SizesDecision
from .derivation import Step
from .presburger import Constraint, Lin
from .symarray import OUT

#: Letters of a factor's coordinates by the role of its array.
ROLE_LETTERS = {"image": "i", "kernel": "k", "gradient": "u"}


class Names:
    """Display names of the variables of one case (text and LaTeX)."""

    def __init__(self, dims: int, roles: Mapping[str, str], defs: Sequence[tuple[str, Lin, int]]
                 ) -> None:
        self.dims = dims
        self.roles = roles
        self.text: dict[str, str] = {}
        self.tex: dict[str, str] = {}
        for a, v in enumerate(OUT[:dims]):
            letter = OUT_NAMES[a] if dims > 1 else "m"
            self.text[v], self.tex[v] = letter, letter
        self.defs = list(defs)
        for k, (name, _, _) in enumerate(self.defs, start=1):
            self.text[name], self.tex[name] = f"q{k}", f"q_{{{k}}}"

    def size(self, v: str) -> tuple[str, str]:
        if len(v) > 1 and v[1:].isdigit():
            return v, f"{v[0]}_{{{v[1:]}}}"
        return v, v

    def coords(self, s: IndexSet) -> None:
        """Name the coordinates of an index set's factors (``i``, ``k``, ``i'``...)."""
        used: dict[str, int] = {}
        for names, (array, _) in zip(s.coords, s.signature, strict=True):
            base = ROLE_LETTERS.get(self.roles.get(array, ""), "v")
            n = used.get(base, 0)
            used[base] = n + 1
            prime = "'" * n
            for a, v in enumerate(names):
                sub = str(a + 1) if self.dims > 1 else ""
                self.text[v] = base + sub + prime
                self.tex[v] = base + (f"_{{{sub}}}" if sub else "") + prime

    def name(self, v: str, tex: bool) -> str:
        table = self.tex if tex else self.text
        if v in table:
            return table[v]
        t, x = self.size(v)
        return x if tex else t


def lin(a: Lin, names: Names, tex: bool = False) -> str:
    """An affine form, positive terms first: ``m - k + 1``."""
    coeffs = sorted(a.coeffs.items(), key=lambda kv: _rank(kv[0]))
    out = linear_terms([(Fraction(c), names.name(v, tex)) for v, c in coeffs],
                       Fraction(a.const))
    return out.replace("-", "-" if not tex else "-")


def _rank(v: str) -> tuple[int, str]:
    """Coordinates, then output indices, then sizes, then auxiliaries."""
    if v.startswith("c") and "_" in v:
        return (0, v)
    if v.startswith("m") and v[1:].isdigit():
        return (1, v)
    if v.startswith("q") and v[1:].isdigit():
        return (3, v)
    return (2, v)


def constraint(c: Constraint, names: Names, tex: bool = False) -> str:
    """``i = m - k``, ``0 <= k``, ``k <= K - 1``: a subject variable (the first output or
    coordinate with coefficient +-1) on the left, the rest on the right."""
    le, eqs = (r" \le ", " = ") if tex else (" <= ", " = ")
    expr = c.lin
    subject = next((v for v, k in sorted(expr.coeffs.items(), key=lambda kv: _rank(kv[0]))
                    if abs(k) == 1), None)
    if subject is None:
        body = lin(expr, names, tex)
        return f"{body}{eqs}0" if c.kind == "eq" else f"0{le}{body}"
    k = expr.coeffs[subject]
    rest = -k * (expr - Lin({subject: k}))  # subject = rest  (or >= rest when k > 0)
    left, right = names.name(subject, tex), lin(rest, names, tex)
    if c.kind == "eq":
        return f"{left}{eqs}{right}"
    return f"{right}{le}{left}" if k > 0 else f"{left}{le}{right}"


def readable(s: IndexSet, roles: Mapping[str, str], assumptions: Sequence[Constraint]
             ) -> tuple[list[list[Lin]], list[str], list[Constraint]]:
    """An index set as people write the sum: the coordinates an equality gives (an image's
    index ``i = m - k``) substituted into the factors, the other coordinates summed over,
    and only the constraints the others (and the case) do not already imply.

    Returns the factors' index expressions, the summed coordinates and the constraints."""
    from .presburger import Unknown, implies

    key = (s.coords, s.signature, tuple(sorted(map(str, s.cons))),
           tuple(sorted(map(str, assumptions))))
    if key in _READABLE:
        return _READABLE[key]
    index: list[list[Lin]] = [[Lin.var(v) for v in names] for names in s.coords]
    cons = sorted(s.cons, key=str)
    prefer = sorted(range(len(s.coords)), key=lambda j: roles.get(s.signature[j][0]) == "kernel")
    for j in prefer:
        for v in s.coords[j]:
            pivot = next((c for c in cons if c.kind == "eq" and abs(c.lin.coeffs.get(v, 0)) == 1),
                         None)
            if pivot is None:
                continue
            a = pivot.lin.coeffs[v]
            value = -a * (pivot.lin - Lin({v: a}))
            cons = [c.substitute({v: value}) for c in cons if c is not pivot]
            index = [[e.substitute({v: value}) for e in row] for row in index]
    summed = [v for names in s.coords for v in names
              if any(v in e.variables() for row in index for e in row)]
    kept: list[Constraint] = []
    for k, c in enumerate(cons):
        others = kept + cons[k + 1:] + list(assumptions)
        try:
            redundant = implies(others, c) is None
        except Unknown:
            redundant = False
        if not redundant:
            kept.append(c)
    _READABLE[key] = (index, summed, kept)
    return index, summed, kept


#: Readable forms already computed (the two sides of a proved claim often share a set).
_READABLE: dict[Any, tuple[list[list[Lin]], list[str], list[Constraint]]] = {}


def index_set(s: IndexSet, names: Names, side: str, tex: bool,
              assumptions: Sequence[Constraint] = ()) -> str:
    """``LHS[m] = sum over k (K-1 >= k >= 0 ...) of x[m - k] h[k]``."""
    names.coords(s)
    index, summed, cons = readable(s, names.roles, assumptions)
    outs = [names.name(v, tex) for v in OUT[:names.dims]]
    factors = []
    for row, (array, conj) in zip(index, s.signature, strict=True):
        f = f"{array}[{', '.join(lin(e, names, tex) for e in row)}]"
        if conj:
            f = rf"\overline{{{f}}}" if tex else f"conj({f})"
        factors.append(f)
    bound = [names.name(v, tex) for v in summed]
    conds = [constraint(c, names, tex) for c in cons]
    coef = "" if s.coef == 1 else "-" if s.coef == -1 else coefficient(s.coef, tex)
    lhs = f"{side}[{', '.join(outs)}]" if outs else side
    if tex:
        prod = r"\,".join(factors) or "1"
        joined = r",\ ".join(conds)
        if not bound:
            return rf"\text{{{lhs}}} = {coef}{prod}" + (rf"\quad ({joined})" if conds else "")
        # two conditions a line under the sum, so a long index set fits the page
        rows = [r",\ ".join(conds[k:k + 2]) for k in range(0, len(conds), 2)]
        sub = ", ".join(bound) + (r":\\ " + r",\\ ".join(rows) if conds else "")
        return rf"\text{{{lhs}}} = {coef}\sum_{{\substack{{{sub}}}}} {prod}"
    prod = " ".join(factors) or "1"
    where = f" ({'; '.join(conds)})" if conds else ""
    if not bound:
        return f"{lhs} = {coef}{prod}{where}"
    return f"{lhs} = {coef}sum over {', '.join(bound)}{where} of {prod}"


def coefficient(c: Any, tex: bool) -> str:
    """A given value as the coefficient of a sum: ``3``, ``1/2`` (text) or
    ``\\frac{1}{2}`` (LaTeX); a sum in parentheses."""
    from ..expansion.exact import value_latex, value_text

    s = value_latex(c) if tex else value_text(c)
    if isinstance(c, int):
        return s
    if tex:
        return rf"\left({s}\right) " if getattr(c, "is_Add", False) else s + r"\,"
    return f"({s})*" if getattr(c, "is_Add", False) else s + "*"


def case_steps(v: CaseVerdict, names: Names, n_cases: int, number: int) -> list[Step]:
    """A case of the decision: its assumptions, each side's index sets, the equality."""
    steps: list[Step] = []
    extra = [c for c in v.case.assumptions if not _is_base(c)]
    if n_cases > 1:
        shown = [constraint(c, names, True) for c in extra if not _is_def(c, names)]
        steps.append(Step(r",\ ".join(shown) or r"\text{all sizes}",
                          f"case {number} of {n_cases}",
                          "; ".join(constraint(c, names) for c in extra
                                    if not _is_def(c, names)) or "all sizes"))
    for side, sets in (("LHS", v.left), ("RHS", v.right)):
        if not sets:
            steps.append(Step(rf"\text{{{side}}} = 0", f"the {side} has no product in this "
                              "case", f"{side} = 0"))
        for k, s in enumerate(sets):
            assumptions = v.case.assumptions
            why = (f"the {side} as a sum of products of entries over its index set (the "
                   "summation variables eliminated through the equalities that define each "
                   "factor's index; constraints implied by the others left out)"
                   + (f"; set 1 of {len(sets)}" if len(sets) > 1 else "")) if k == 0 else \
                f"the {side}, set {k + 1} of {len(sets)}"
            steps.append(Step(index_set(s, names, side, True, assumptions), why,
                              index_set(s, names, side, False, assumptions)))
    steps.append(Step(r"S_{\text{LHS}} = S_{\text{RHS}}",
                      "for every size of this case, each constraint of one side's index set "
                      "follows from the other side's over the integers, and the coefficients "
                      "agree (decided by the Omega test, no size tried)",
                      "the index sets are equal for every size"))
    return steps


def _is_base(c: Constraint) -> bool:
    """``N >= 1`` and its like (every case assumes them)."""
    return (c.kind == "ge" and len(c.lin.coeffs) == 1 and c.lin.const == -1
            and next(iter(c.lin.coeffs.values())) == 1)


def _is_def(c: Constraint, names: Names) -> bool:
    return any(v in {d[0] for d in names.defs} for v in c.lin.variables())


def decision_steps(d: SizesDecision, roles: Mapping[str, str], origin: str,
                   where_text: str = "") -> list[Step]:
    """Every case of a proved decision, with the sizes it ranges over."""
    img = "N" if d.dims == 1 else ", ".join(f"N{a + 1}" for a in range(d.dims))
    ker = "K" if d.dims == 1 else ", ".join(f"K{a + 1}" for a in range(d.dims))
    own_tex = "".join(rf",\ {', '.join(s)} \ge 1" for s in d.own_sizes.values())
    own_text = "".join(f", {', '.join(s)} >= 1" for s in d.own_sizes.values())
    own_words = "".join(f", {name}'s size {', '.join(s)}" for name, s in d.own_sizes.items())
    if d.own_sizes:
        first = next(n for n, r in roles.items() if r == "kernel")
        ker_words = f"{first}'s size {ker}"
    else:
        ker_words = f"kernel size {ker}"
    origin_words = ("indices from the centre, -floor(N/2) .. N-1-floor(N/2)"
                    if origin == "center" else "0-based indices, 0 .. N-1")
    steps = [Step(rf"{img} \ge 1,\ {ker} \ge 1" + own_tex + (rf",\ \text{{{where_text}}}"
                                                              if where_text else ""),
                  f"for every image size {img} and {ker_words}{own_words}"
                  + (f" with {where_text}" if where_text else "") + f" ({origin_words}); "
                  + (f"{len(d.cases)} cases, as the windows compare the sizes"
                     if len(d.cases) > 1 else "one case"),
                  f"every {img} >= 1, {ker} >= 1{own_text}"
                  + (f", {where_text}" if where_text else ""))]
    for number, v in enumerate(d.cases, start=1):
        names = Names(d.dims, roles, v.case.defs)
        for name, num, den in v.case.defs:
            steps.append(Step(rf"{names.name(name, True)} = \left\lfloor "
                              rf"\frac{{{lin(num, names, True)}}}{{{den}}} \right\rfloor",
                              "an auxiliary integer for a floor in a window or an origin: "
                              f"{den}*{names.name(name, False)} <= {lin(num, names)} <= "
                              f"{den}*{names.name(name, False)} + {den - 1}",
                              f"{names.name(name, False)} = floor(({lin(num, names)})/{den})"))
        steps += case_steps(v, names, len(d.cases), number)
    if d.undefined:
        steps.append(Step(r"\text{elsewhere: no output}",
                          "for the other sizes one side has no output (the claim says "
                          "nothing there): " + "; ".join(sorted({c.undefined
                                                                 for c in d.undefined})),
                          "sizes where a side has no output are outside the claim"))
    steps.append(Step(r"\text{LHS} = \text{RHS}",
                      "the same products with the same coefficients over the same index sets, "
                      "for every size: the claim holds for all sizes",
                      "LHS == RHS for every size"))
    return steps

