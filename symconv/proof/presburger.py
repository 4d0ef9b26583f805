"""Integer linear arithmetic decided exactly: conjunctions of linear equalities and
inequalities over unbounded integers (quantifier-free Presburger arithmetic).

This is what makes an all-sizes "proved" a proof: an index set is contained in another for
*every* size exactly when no integer point (sizes included) satisfies the first and violates
a constraint of the second, and that is a question of integer feasibility, answered here by
the Omega test (W. Pugh, "The Omega test: a fast and practical integer programming
algorithm for dependence analysis", Supercomputing 1991; CACM 1992):

1. every constraint is normalised by the gcd of its coefficients (an equality whose gcd
   does not divide its constant has no integer solution; an inequality's constant is
   rounded down: ``2x >= 1`` is ``x >= 1``);
2. equalities are eliminated: a unit coefficient is solved and substituted; otherwise Pugh's
   symmetric-modulus step introduces a new variable that shrinks the coefficients until
   one is a unit;
3. with inequalities only, a variable is eliminated by Fourier-Motzkin.  When every pair of
   its lower and upper bounds has a unit coefficient the elimination is exact.  Otherwise
   the real shadow (plain Fourier-Motzkin) having no solution proves there is none; the
   dark shadow (each pair tightened by ``(a-1)(b-1)``) having one proves there is one; in
   between, the grey shadow's "splinters" (``a*x = L + i`` for the few ``i`` Pugh bounds)
   are each decided in turn.

A feasible answer comes with a witness, built by back-substitution through the
eliminations and checked against the input before it is returned.  The work is bounded:
past ``budget`` steps :class:`Unknown` is raised, and callers say "undecided" (never
"proved").  Pure Python; no NumPy or SymPy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: Default number of elimination steps before giving up.
BUDGET = 200_000


class Unknown(Exception):  # noqa: N818 - "unknown" is the answer, not an error
    """The procedure needed more steps than its budget allowed."""


class Lin:
    """An affine form ``sum(c_v * v) + const`` with integer coefficients; immutable."""

    __slots__ = ("coeffs", "const", "_hash")

    def __init__(self, coeffs: Mapping[str, int] | None = None, const: int = 0) -> None:
        self.coeffs: dict[str, int] = {v: int(c) for v, c in (coeffs or {}).items() if c}
        self.const = int(const)
        self._hash: int | None = None

    @staticmethod
    def var(name: str) -> Lin:
        return Lin({name: 1})

    @staticmethod
    def constant(value: int) -> Lin:
        return Lin({}, value)

    def __add__(self, other: Lin | int) -> Lin:
        if isinstance(other, int):
            return Lin(self.coeffs, self.const + other)
        out = dict(self.coeffs)
        for v, c in other.coeffs.items():
            out[v] = out.get(v, 0) + c
        return Lin(out, self.const + other.const)

    __radd__ = __add__

    def __neg__(self) -> Lin:
        return Lin({v: -c for v, c in self.coeffs.items()}, -self.const)

    def __sub__(self, other: Lin | int) -> Lin:
        return self + (-other)

    def __rsub__(self, other: int) -> Lin:
        return (-self) + other

    def __mul__(self, k: int) -> Lin:
        if not isinstance(k, int):
            return NotImplemented
        return Lin({v: c * k for v, c in self.coeffs.items()}, self.const * k)

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lin) and self.coeffs == other.coeffs and \
            self.const == other.const

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((frozenset(self.coeffs.items()), self.const))
        return self._hash

    def variables(self) -> frozenset[str]:
        return frozenset(self.coeffs)

    def substitute(self, mapping: Mapping[str, Lin]) -> Lin:
        out = Lin({v: c for v, c in self.coeffs.items() if v not in mapping}, self.const)
        for v, c in self.coeffs.items():
            if v in mapping:
                out = out + c * mapping[v]
        return out

    def evaluate(self, values: Mapping[str, int]) -> int:
        return self.const + sum(c * values.get(v, 0) for v, c in self.coeffs.items())

    def __repr__(self) -> str:
        return f"Lin({str(self)!r})"

    def __str__(self) -> str:
        out = ""
        for v in sorted(self.coeffs):
            c = self.coeffs[v]
            body = v if abs(c) == 1 else f"{abs(c)}*{v}"
            out += ("-" if c < 0 else "+" if out else "") + (" " if out else "") + body
            out = out.replace(" -", " - ").replace(" +", " + ") if len(out) > 1 else out
        if self.const or not out:
            if not out:
                return str(self.const)
            out += f" {'-' if self.const < 0 else '+'} {abs(self.const)}"
        return out.replace("  ", " ").strip()


@dataclass(frozen=True)
class Constraint:
    """``lin == 0`` (kind ``eq``) or ``lin >= 0`` (kind ``ge``)."""

    kind: str
    lin: Lin

    def holds(self, values: Mapping[str, int]) -> bool:
        v = self.lin.evaluate(values)
        return v == 0 if self.kind == "eq" else v >= 0

    def negate(self) -> list[Constraint]:
        """Constraints whose disjunction is the negation over the integers."""
        if self.kind == "ge":
            return [Constraint("ge", -self.lin - 1)]
        return [Constraint("ge", self.lin - 1), Constraint("ge", -self.lin - 1)]

    def substitute(self, mapping: Mapping[str, Lin]) -> Constraint:
        return Constraint(self.kind, self.lin.substitute(mapping))

    def is_trivial(self) -> bool:
        """True when the constraint has no variable and holds."""
        return not self.lin.coeffs and (self.lin.const == 0 if self.kind == "eq"
                                        else self.lin.const >= 0)

    def __str__(self) -> str:
        return f"{self.lin} {'==' if self.kind == 'eq' else '>='} 0"


def _lin(a: Lin | int) -> Lin:
    return a if isinstance(a, Lin) else Lin.constant(a)


def eq(a: Lin | int, b: Lin | int) -> Constraint:
    return Constraint("eq", _lin(a) - _lin(b))


def ge(a: Lin | int, b: Lin | int) -> Constraint:
    return Constraint("ge", _lin(a) - _lin(b))


def le(a: Lin | int, b: Lin | int) -> Constraint:
    return Constraint("ge", _lin(b) - _lin(a))


def gt(a: Lin | int, b: Lin | int) -> Constraint:
    return Constraint("ge", _lin(a) - _lin(b) - 1)


def lt(a: Lin | int, b: Lin | int) -> Constraint:
    return Constraint("ge", _lin(b) - _lin(a) - 1)


# -- the procedure ----------------------------------------------------------------------------
# Internally a constraint is (coeffs: dict[var, int], const: int) with kind kept apart.
Row = tuple[dict[str, int], int]


class _Infeasible(Exception):
    pass


@dataclass
class _Budget:
    left: int

    def spend(self, n: int = 1) -> None:
        self.left -= n
        if self.left < 0:
            raise Unknown("the integer arithmetic needed more steps than the budget allows")


def _gcd(values: Iterable[int]) -> int:
    g = 0
    for v in values:
        g = math.gcd(g, v)
    return g


def _norm_eq(row: Row) -> Row | None:
    """Divide by the gcd; None for ``0 == 0``; raises for no integer solution."""
    coeffs, const = row
    coeffs = {v: c for v, c in coeffs.items() if c}
    if not coeffs:
        if const != 0:
            raise _Infeasible
        return None
    g = _gcd(abs(c) for c in coeffs.values())
    if const % g:
        raise _Infeasible
    return {v: c // g for v, c in coeffs.items()}, const // g


def _norm_ge(row: Row) -> Row | None:
    coeffs, const = row
    coeffs = {v: c for v, c in coeffs.items() if c}
    if not coeffs:
        if const < 0:
            raise _Infeasible
        return None
    g = _gcd(abs(c) for c in coeffs.values())
    return {v: c // g for v, c in coeffs.items()}, const // g  # floor: tightened


def _subst_row(row: Row, var: str, expr: Row) -> Row:
    """Replace ``var`` by the affine ``expr`` (coeffs, const) in ``row``."""
    coeffs, const = row
    c = coeffs.get(var)
    if not c:
        return row
    out = {v: k for v, k in coeffs.items() if v != var}
    for v, k in expr[0].items():
        out[v] = out.get(v, 0) + c * k
    return out, const + c * expr[1]


def _mod_hat(a: int, m: int) -> int:
    """Pugh's symmetric remainder: ``a - m * floor(a/m + 1/2)``, in ``(-m/2, m/2]``."""
    return a - m * ((2 * a + m) // (2 * m))


@dataclass
class _Frame:
    """How to recover one eliminated variable: from an expression (equalities) or from
    its bounds (Fourier-Motzkin)."""

    var: str
    expr: Row | None = None
    lower: list[Row] | None = None  # rows a*var + r >= 0 with a > 0
    upper: list[Row] | None = None  # rows -b*var + r >= 0 with b > 0


class _Solver:
    def __init__(self, budget: _Budget) -> None:
        self.budget = budget
        self.fresh = 0

    def new_var(self) -> str:
        self.fresh += 1
        return f"\u03c3{self.fresh}"

    def solve(self, eqs: list[Row], ges: list[Row]) -> dict[str, int] | None:
        """A witness (every variable of the rows) or None."""
        try:
            frames: list[_Frame] = []
            witness = self._solve(eqs, ges, frames)
        except _Infeasible:
            return None
        return witness

    def _solve(self, eqs: list[Row], ges: list[Row], frames: list[_Frame],
               history: list[frozenset[int]] | None = None, depth: int = 0
               ) -> dict[str, int] | None:
        self.budget.spend()
        if history is not None and not eqs:
            # A chain of exact eliminations: keep each row's history (the original rows it
            # combines) for Chernikov's rule.
            kept: list[Row] = []
            hist: list[frozenset[int]] = []
            for r, h in zip(ges, history, strict=True):
                n = _norm_ge(r)
                if n is not None:
                    kept.append(n)
                    hist.append(h)
            return self._inequalities(kept, frames, hist, depth)
        eqs = [r for r in (_norm_eq(r) for r in eqs) if r is not None]
        ges = [r for r in (_norm_ge(r) for r in ges) if r is not None]
        # 2. equalities
        while eqs:
            self.budget.spend()
            row = min(eqs, key=lambda r: min(abs(c) for c in r[0].values()))
            eqs.remove(row)
            coeffs, const = row
            unit = next((v for v in sorted(coeffs) if abs(coeffs[v]) == 1), None)
            if unit is not None:
                a = coeffs[unit]
                # a*u + rest = 0  =>  u = -a*rest   (a = +-1)
                expr: Row = ({v: -a * c for v, c in coeffs.items() if v != unit}, -a * const)
                frames.append(_Frame(unit, expr=expr))
                eqs = [r for r in (_norm_eq(_subst_row(r, unit, expr)) for r in eqs)
                       if r is not None]
                ges = [r for r in (_norm_ge(_subst_row(r, unit, expr)) for r in ges)
                       if r is not None]
                continue
            # Pugh's step: m = |a_k| + 1 for the smallest |a_k|; a new sigma with
            # m*sigma = sum(a_i mod^ m)*x_i + (c mod^ m) gives x_k = ... with smaller
            # coefficients once substituted.
            k = min(sorted(coeffs), key=lambda v: abs(coeffs[v]))
            ak = coeffs[k]
            m = abs(ak) + 1
            sigma = self.new_var()
            sign = 1 if ak > 0 else -1
            # a_k mod^ m = -sign (as |a_k| = m - 1), so
            # x_k = sign * (-m*sigma + sum_{i != k} (a_i mod^ m) x_i + (c mod^ m))
            expr = ({sigma: -sign * m, **{v: sign * _mod_hat(c, m) for v, c in coeffs.items()
                                          if v != k and _mod_hat(c, m)}},
                    sign * _mod_hat(const, m))
            frames.append(_Frame(k, expr=expr))
            eqs = [r for r in (_norm_eq(_subst_row(r, k, expr)) for r in [row] + eqs)
                   if r is not None]
            ges = [r for r in (_norm_ge(_subst_row(r, k, expr)) for r in ges) if r is not None]
        return self._inequalities(ges, frames)

    def _inequalities(self, ges: list[Row], frames: list[_Frame],
                      history: list[frozenset[int]] | None = None, depth: int = 0
                      ) -> dict[str, int] | None:
        if history is None:
            history = [frozenset((k,)) for k in range(len(ges))]
        # Tighten parallel rows; opposite rows meeting exactly make an equality.
        best: dict[tuple[tuple[str, int], ...], int] = {}
        best_hist: dict[tuple[tuple[str, int], ...], frozenset[int]] = {}
        for (coeffs, const), h in zip(ges, history, strict=True):
            key = tuple(sorted(coeffs.items()))
            if key not in best or const < best[key] or (const == best[key]
                                                          and len(h) < len(best_hist[key])):
                best[key], best_hist[key] = const, h
        rows: list[Row] = []
        hists: list[frozenset[int]] = []
        for key, const in best.items():
            neg = tuple(sorted((v, -c) for v, c in key))
            if neg in best:
                total = const + best[neg]
                if total < 0:
                    raise _Infeasible
                if total == 0 and key < neg:
                    return self._solve([(dict(key), const)],
                                       [(dict(k), c) for k, c in best.items()
                                        if k not in (key, neg)], frames)
            rows.append((dict(key), const))
            hists.append(best_hist[key])
        variables = sorted({v for c, _ in rows for v in c})
        if not variables:
            return self._witness(frames, {})
        self.budget.spend(len(rows))
        # A variable bounded on one side only: drop its rows (any far enough value works).
        for v in variables:
            signs = {c[v] > 0 for c, _ in rows if v in c}
            if len(signs) == 1:
                lower = [r for r in rows if r[0].get(v, 0) > 0]
                upper = [r for r in rows if r[0].get(v, 0) < 0]
                frames.append(_Frame(v, lower=lower, upper=upper))
                keep = [k for k, r in enumerate(rows) if v not in r[0]]
                return self._inequalities([rows[k] for k in keep], frames,
                                          [hists[k] for k in keep], depth)
        var, exact = self._choose(rows, variables)
        lower = [r for r in rows if r[0].get(var, 0) > 0]
        upper = [r for r in rows if r[0].get(var, 0) < 0]
        rest = [r for r in rows if var not in r[0]]
        if exact:
            # Exact Fourier-Motzkin; Chernikov's rule drops every combination of more than
            # depth + 2 original rows (it is implied by the others).
            self.budget.spend(len(lower) * len(upper))
            lo_h = [hists[k] for k, r in enumerate(rows) if r[0].get(var, 0) > 0]
            up_h = [hists[k] for k, r in enumerate(rows) if r[0].get(var, 0) < 0]
            new_rows = [rows[k] for k, r in enumerate(rows) if var not in r[0]]
            new_hist = [hists[k] for k, r in enumerate(rows) if var not in r[0]]
            for lo, hl in zip(lower, lo_h, strict=True):
                for up, hu in zip(upper, up_h, strict=True):
                    h = hl | hu
                    if len(h) > depth + 2:
                        continue
                    new_rows.append(self._combine(lo, up, var, 0))
                    new_hist.append(h)
            frames.append(_Frame(var, lower=lower, upper=upper))
            return self._solve([], new_rows, frames, new_hist, depth + 1)
        self.budget.spend(2 * len(lower) * len(upper))
        real = rest + [self._combine(lo, up, var, 0) for lo in lower for up in upper]
        # The dark shadow: an integer point on it extends to one here.
        dark = rest + [self._combine(lo, up, var, 1) for lo in lower for up in upper]
        dark_frames = list(frames) + [_Frame(var, lower=lower, upper=upper)]
        try:
            return self._solve([], dark, dark_frames)
        except _Infeasible:
            pass
        # The real shadow is implied by the rows: no integer point on it, none here.
        if self._feasible_or_none([], real) is None:
            raise _Infeasible
        # The grey shadow: splinters a*var = L + i of each lower bound with a > 1.
        b_max = max(-r[0][var] for r in upper)
        for coeffs, const in lower:
            a = coeffs[var]
            if a == 1:
                continue
            top = (a * b_max - a - b_max) // b_max
            for i in range(top + 1):
                self.budget.spend()
                splinter = ({**coeffs}, const - i)  # a*var + r - i == 0
                try:
                    return self._solve([splinter], list(rows), list(frames))
                except _Infeasible:
                    continue
        raise _Infeasible

    def _feasible_or_none(self, eqs: list[Row], ges: list[Row]) -> dict[str, int] | None:
        try:
            return self._solve(eqs, ges, [])
        except _Infeasible:
            return None

    @staticmethod
    def _combine(lo: Row, up: Row, var: str, dark: int) -> Row:
        """``a*x + r1 >= 0`` and ``-b*x + r2 >= 0`` give ``b*r1 + a*r2 >= 0`` (real) or
        ``>= (a-1)(b-1)`` (dark)."""
        a, b = lo[0][var], -up[0][var]
        out: dict[str, int] = {}
        for v, c in lo[0].items():
            if v != var:
                out[v] = out.get(v, 0) + b * c
        for v, c in up[0].items():
            if v != var:
                out[v] = out.get(v, 0) + a * c
        const = b * lo[1] + a * up[1]
        if dark:
            const -= (a - 1) * (b - 1)
        return out, const

    @staticmethod
    def _choose(rows: list[Row], variables: list[str]) -> tuple[str, bool]:
        """The variable to eliminate: an exact one (every lower or every upper coefficient
        is 1) with the fewest new rows, else the one with the smallest coefficients (the
        fewest grey-shadow splinters), then the fewest new rows."""
        best: tuple[tuple[int, int, int], str, bool] | None = None
        for v in variables:
            lows = [c[v] for c, _ in rows if c.get(v, 0) > 0]
            ups = [-c[v] for c, _ in rows if c.get(v, 0) < 0]
            exact = all(a == 1 for a in lows) or all(b == 1 for b in ups)
            cost = len(lows) * len(ups) - len(lows) - len(ups)
            key = (0 if exact else 1, 0 if exact else max(lows) * max(ups), cost)
            if best is None or key < best[0]:
                best = (key, v, exact)
        assert best is not None
        return best[1], best[2]

    def _witness(self, frames: list[_Frame], values: dict[str, int]) -> dict[str, int]:
        """Back-substitute through the eliminations, last first."""
        for fr in reversed(frames):
            if fr.expr is not None:
                values[fr.var] = fr.expr[1] + sum(c * values.setdefault(v, 0)
                                                  for v, c in fr.expr[0].items())
                continue
            lo_val, hi_val = None, None
            for coeffs, const in fr.lower or []:
                a = coeffs[fr.var]
                r = const + sum(c * values.setdefault(v, 0) for v, c in coeffs.items()
                                if v != fr.var)
                bound = -(r // a)  # a*x + r >= 0  =>  x >= ceil(-r/a)
                lo_val = bound if lo_val is None else max(lo_val, bound)
            for coeffs, const in fr.upper or []:
                b = -coeffs[fr.var]
                r = const + sum(c * values.setdefault(v, 0) for v, c in coeffs.items()
                                if v != fr.var)
                bound = r // b  # -b*x + r >= 0  =>  x <= floor(r/b)
                hi_val = bound if hi_val is None else min(hi_val, bound)
            if lo_val is not None and hi_val is not None and lo_val > hi_val:
                # The real shadow said feasible, but no integer solution came back: the
                # answer "feasible" cannot be trusted (an "infeasible" one always can: no
                # real point, no integer point).  Never guess: unknown.
                raise Unknown("the integer elimination found no witness for a real solution "
                              "(an inexact projection): undecided")
            values[fr.var] = lo_val if lo_val is not None else hi_val if hi_val is not None \
                else 0
        return values


def _rows(constraints: Sequence[Constraint]) -> tuple[list[Row], list[Row]]:
    eqs: list[Row] = []
    ges: list[Row] = []
    for c in constraints:
        row = (dict(c.lin.coeffs), c.lin.const)
        (eqs if c.kind == "eq" else ges).append(row)
    return eqs, ges


def components(constraints: Sequence[Constraint]) -> list[list[Constraint]]:
    """The constraints grouped so that no two groups share a variable (the axes of an
    N-D index set, say): each group is decided on its own."""
    parent: dict[str, str] = {}

    def find(v: str) -> str:
        while parent.setdefault(v, v) != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for c in constraints:
        vs = list(c.lin.coeffs)
        for v in vs[1:]:
            parent[find(v)] = find(vs[0])
    groups: dict[str, list[Constraint]] = {}
    for c in constraints:
        key = find(next(iter(c.lin.coeffs))) if c.lin.coeffs else ""
        groups.setdefault(key, []).append(c)
    return list(groups.values())


#: Groups of constraints already decided, with their answer (a witness or None) and the
#: steps it took: an N-D claim asks the same question of each axis and of each case, so
#: most are repeats.  The solver is deterministic and a remembered answer is charged its
#: steps again, so every call answers (or runs out of budget) exactly as without the
#: memory, only faster; a budget overrun (Unknown) is never remembered.
_SOLVED: dict[tuple[Constraint, ...], tuple[dict[str, int] | None, int]] = {}
_SOLVED_MAX = 16_384


def feasible(constraints: Sequence[Constraint], *, budget: int = BUDGET
             ) -> dict[str, int] | None:
    """An integer assignment of every variable satisfying every constraint, or None when
    there is none; raises :class:`Unknown` past the budget.  Groups of constraints with no
    variable in common are decided apart (a conjunction of independent systems is feasible
    exactly when each is)."""
    w: dict[str, int] = {}
    shared = _Budget(budget)
    for group in components(constraints):
        key = tuple(group)
        if key in _SOLVED:
            part, cost = _SOLVED[key]
            shared.spend(cost)  # what solving it costs, so the budget runs out as before
        else:
            eqs, ges = _rows(group)
            before = shared.left
            part = _Solver(shared).solve(eqs, ges)
            if len(_SOLVED) >= _SOLVED_MAX:
                _SOLVED.clear()
            _SOLVED[key] = (None if part is None else dict(part), before - shared.left)
        if part is None:
            return None
        w.update(part)
    names = {v for c in constraints for v in c.lin.coeffs}
    witness = {v: w.get(v, 0) for v in sorted(names)}
    for c in constraints:
        if not c.holds(witness):
            raise AssertionError(f"the witness {witness} violates {c}")
    return witness


def implies(hypotheses: Sequence[Constraint], goal: Constraint, *, budget: int = BUDGET
            ) -> dict[str, int] | None:
    """None when the hypotheses imply ``goal`` over the integers; else a witness that
    satisfies every hypothesis and violates the goal."""
    for neg in goal.negate():
        w = feasible(list(hypotheses) + [neg], budget=budget)
        if w is not None:
            return w
    return None
