"""The integer arithmetic behind every all-sizes proof (symconv.proof.presburger): exact
against brute force on bounded systems, witnesses that satisfy their constraints, and the
classic systems that are feasible over the reals but not over the integers."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symconv.proof.presburger import (
    Constraint,
    Lin,
    Unknown,
    eq,
    feasible,
    ge,
    gt,
    implies,
    le,
    lt,
)

x, y, z, N, K, m, k, t = (Lin.var(v) for v in ("x", "y", "z", "N", "K", "m", "k", "t"))


@pytest.mark.parametrize(("constraints", "is_feasible"), [
    pytest.param([eq(2 * x, 2 * y + 1)], False, id="parity"),
    pytest.param([ge(2 * x, 3), le(2 * x, 3)], False, id="between-integers"),
    pytest.param([ge(3 * x - 3 * y, 1), le(3 * x - 3 * y, 2)], False, id="no-multiple-of-3"),
    pytest.param([ge(11 * x + 13 * y, 27), le(11 * x + 13 * y, 45),
                  ge(7 * x - 9 * y, -10), le(7 * x - 9 * y, 4)], False, id="pugh-grey-shadow"),
    pytest.param([eq(7 * x + 12 * y + 31 * z, 17), eq(3 * x + 5 * y + 14 * z, 7)], True,
                 id="pugh-mod-hat-equalities"),
    pytest.param([ge(x, y + 3)], True, id="unbounded"),
    pytest.param([ge(3 * x, 2 * y + 1), le(3 * x, 2 * y + 1)], True, id="opposite-rows"),
    pytest.param([le(2 * t, N), le(N, 2 * t + 1), eq(N, 7), eq(t, 3)], True, id="floor"),
    pytest.param([le(2 * t, N), le(N, 2 * t + 1), eq(N, 7), eq(t, 4)], False,
                 id="floor-wrong"),
    pytest.param([gt(x, 0), lt(x, 1)], False, id="strict"),
])
def test_table(constraints: list[Constraint], is_feasible: bool) -> None:
    w = feasible(constraints)
    assert (w is not None) == is_feasible
    if w is not None:
        assert all(c.holds(w) for c in constraints)


def test_index_set_implications() -> None:
    """The questions the all-sizes engine asks: a convolution's index set."""
    hyps = [ge(N, 1), ge(K, 1), ge(k, 0), le(k, K - 1), ge(m - k, 0), le(m - k, N - 1)]
    assert implies(hyps, ge(m, 0)) is None
    assert implies(hyps, le(m, N + K - 2)) is None
    w = implies(hyps, le(m, N - 1))
    assert w is not None and all(c.holds(w) for c in hyps) and not le(m, N - 1).holds(w)


@st.composite
def systems(draw: Any) -> tuple[list[Constraint], list[str]]:
    """1-4 variables, 1-6 constraints, every variable boxed in -6..6 (brute force sees all
    of it)."""
    nv = draw(st.integers(1, 4))
    names = [f"v{i}" for i in range(nv)]
    cons = []
    for _ in range(draw(st.integers(1, 6))):
        coeffs = {v: draw(st.integers(-7, 7)) for v in names}
        kind = draw(st.sampled_from(["ge", "ge", "eq"]))
        cons.append(Constraint(kind, Lin(coeffs, draw(st.integers(-20, 20)))))
    bound = 6
    cons += [ge(Lin.var(v), -bound) for v in names] + [le(Lin.var(v), bound) for v in names]
    return cons, names


def _brute(cons: list[Constraint], names: list[str], bound: int = 6) -> dict[str, int] | None:
    for vals in itertools.product(range(-bound, bound + 1), repeat=len(names)):
        a = dict(zip(names, vals, strict=True))
        if all(c.holds(a) for c in cons):
            return a
    return None


@settings(max_examples=300, deadline=None)
@given(system=systems())
def test_feasibility_equals_brute_force(system: tuple[list[Constraint], list[str]]) -> None:
    cons, names = system
    w = feasible(cons)
    b = _brute(cons, names)
    assert (w is None) == (b is None)
    if w is not None:
        assert all(c.holds(w) for c in cons)


@settings(max_examples=150, deadline=None)
@given(system=systems(), data=st.data())
def test_implication_equals_brute_force(system: tuple[list[Constraint], list[str]],
                                        data: Any) -> None:
    cons, names = system
    goal = Constraint("ge", Lin({v: data.draw(st.integers(-3, 3)) for v in names},
                                data.draw(st.integers(-5, 5))))
    w = implies(cons, goal)
    counter = _brute(cons + goal.negate()[:1], names)
    assert (w is None) == (counter is None)
    if w is not None:
        assert all(c.holds(w) for c in cons) and not goal.holds(w)


def test_budget_raises_unknown_never_guesses() -> None:
    cons = [ge(11 * x + 13 * y, 27), le(11 * x + 13 * y, 45), ge(7 * x - 9 * y, -10),
            le(7 * x - 9 * y, 4)]
    with pytest.raises(Unknown):
        feasible(cons, budget=3)


def test_speed_of_index_set_questions() -> None:
    """200 implications of the engine's size (8 variables, a dozen constraints)."""
    q1, q2, z = Lin.var("q1"), Lin.var("q2"), Lin.var("z")
    hyps = [ge(N, 1), ge(K, 1), le(2 * q1, N), le(N, 2 * q1 + 1), le(2 * q2, K),
            le(K, 2 * q2 + 1), ge(k, -q2), le(k, K - q2 - 1), ge(m - 2 * k, -q1),
            le(m - 2 * k, N - q1 - 1), ge(z, 0), le(2 * z, m + q2)]
    start = time.perf_counter()
    for j in range(200):
        implies(hyps, ge(m, -2 * q2 - q1 - j % 3))
    elapsed = time.perf_counter() - start
    print(f"200 implications: {elapsed:.2f} s")
    assert elapsed < 5
