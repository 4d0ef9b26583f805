"""The composition, spectral and separable views (issue 16): ``prove associativity``,
``receptive-field`` (against PyTorch: an impulse backpropagated through the stack),
``separable`` (against NumPy's rank) and ``convolution-theorem`` (against NumPy's FFT).
A false statement is refuted or undecided, never proved."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symconv.parse.claim import parse_claim
from symconv.proof.claim_sizes import decide_all_sizes
from symconv.proof.claims import prove_claim
from symconv.proof.theorems import prove
from symconv.proof.theorems.receptive_field import parse_layers, window
from symconv.proof.theorems.separable import factors

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


# -- associativity: kernels with sizes of their own ------------------------------------------
@pytest.mark.parametrize("dims", [1, 2])
def test_associativity_for_all_sizes_with_distinct_kernel_sizes(dims: int) -> None:
    d = prove("associativity", dims=dims)
    assert d.verdict == "proved" and d.scope == "all-sizes"
    assert any("size of its own" in n for n in d.notes)
    assert any("not associative" in s.why for s in d.steps)  # the contrast, refuted


def test_associativity_at_given_shapes() -> None:
    d = prove("associativity", image="5", kernel="3")
    assert d.verdict == "proved" and d.scope == "instance"


@pytest.mark.parametrize("claim", [
    "conv(conv(x, a), b) == conv(x, conv(a, b))",
    "corr(corr(x, a), b) == corr(x, conv(a, b))",
    "conv(x, a + b) == conv(x, a) + conv(x, b)",
])
def test_distinct_sizes_proofs_hold_at_unequal_sizes(claim: str) -> None:
    """What the engine proves with a size per kernel holds when the kernels differ in size
    (checked exactly at such shapes with values)."""
    assert decide_all_sizes(parse_claim(claim), 1, distinct_sizes=True).proved
    rng = np.random.default_rng(0)
    for ka, kb in ((2, 5), (4, 1), (3, 6)):
        let = {"a": rng.integers(-3, 4, size=ka), "b": rng.integers(-3, 4, size=kb)}
        d = prove_claim(claim, image="7", kernel=str(ka), let=let)
        assert d.verdict == "proved", (claim, ka, kb)


@pytest.mark.parametrize("claim", [
    "corr(corr(x, a), b) == corr(x, corr(a, b))",
    "conv(x, a) == conv(x, b)",
    "conv(conv(x, a), b) == conv(x, conv(b, a)) + x",
])
def test_false_composition_claims_are_never_proved(claim: str) -> None:
    assert not decide_all_sizes(parse_claim(claim), 1, distinct_sizes=True).proved
    assert prove_claim(claim, distinct_sizes=True).verdict in ("refuted", "undecided")


# -- receptive field -----------------------------------------------------------------------
layers_strategy = st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3),
                                     st.integers(0, 2)), min_size=1, max_size=4)


@SETTINGS
@given(layers=layers_strategy, n=st.integers(8, 40))
def test_receptive_field_equals_pytorchs_gradient(torch: Any, layers: Any, n: int) -> None:
    """Backpropagate an impulse from each output through a stack of torch conv1d layers
    (positive weights, so every dependence shows): the input gradient is non-zero inside
    the formula's window and, for a window inside the image, reaches both its ends."""
    import torch.nn.functional as F

    size = n
    for k, s, d, p in layers:
        size = (size + 2 * p - d * (k - 1) - 1) // s + 1
        if size < 1:
            return
    x = torch.ones(1, 1, n, dtype=torch.float64, requires_grad=True)
    y = x
    for k, s, d, p in layers:
        y = F.conv1d(y, torch.ones(1, 1, k, dtype=torch.float64), stride=s, dilation=d,
                     padding=p)
    j, off, r = window(layers)
    for m in range(size):
        (g,) = torch.autograd.grad(y[0, 0, m], x, retain_graph=True)
        read = np.flatnonzero(g[0, 0].numpy())
        lo, hi = m * j - off, m * j - off + r - 1
        inside = lo >= 0 and hi <= n - 1
        assert read.size or not inside  # an output over padding only reads no pixel
        assert not read.size or (lo <= read.min() and read.max() <= hi)
        if inside:
            assert (read.min(), read.max()) == (lo, hi)
    spec = ",".join(f"{k}:{s}:{d}:{p}" for k, s, d, p in layers)
    assert prove("receptive-field", layers=spec, image=str(n)).verdict == "proved"


def test_receptive_field_for_all_sizes() -> None:
    d = prove("receptive-field", layers="3,3:2,3:1:2")
    assert d.verdict == "proved" and d.scope == "all-sizes"
    assert "output m reads [2m, 2m + 12]" in d.steps[-1].text
    assert parse_layers("3,3:2,3:1:2") == [(3, 1, 1, 0), (3, 2, 1, 0), (3, 1, 2, 0)]


@pytest.mark.parametrize("bad", ["3,x", "0", "3:0", "3:1:1:-1", "1:2:3:4:5"])
def test_receptive_field_refuses_bad_layers(cli: Any, bad: str) -> None:
    r = cli("prove", "receptive-field", "--layers", bad)
    assert r.code == 2 and "layer" in r.err


# -- separable -----------------------------------------------------------------------------
@SETTINGS
@given(u=st.lists(st.integers(-4, 4), min_size=1, max_size=4),
       v=st.lists(st.integers(-4, 4), min_size=1, max_size=4),
       noise=st.integers(0, 3))
def test_separable_decides_rank_one_as_numpy(u: list[int], v: list[int], noise: int) -> None:
    h = np.outer(u, v)
    if noise and h.size > 1:
        h = h.copy()
        h[-1, -1] += noise
    rank = int(np.linalg.matrix_rank(h))
    got_rank, gu, gv, _ = factors(h)
    assert got_rank == rank
    text = ";".join(",".join(map(str, row)) for row in h)
    d = prove("separable", h=text)
    if rank <= 1:
        assert d.verdict == "proved"
        assert (np.array(gu, dtype=object) @ np.array(gv, dtype=object).reshape(1, -1)
                == h).all()
    else:
        assert d.verdict == "refuted" and d.counterexample["rank"] == rank


@SETTINGS
@given(u=st.lists(st.integers(-6, 6), min_size=1, max_size=6),
       v=st.lists(st.integers(-6, 6), min_size=1, max_size=6),
       noise=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(-3, 3)),
                      max_size=2),
       scale=st.integers(1, 4))
def test_separable_factors_agree_on_every_path(u: list[int], v: list[int],
                                               noise: list[tuple[int, int, int]],
                                               scale: int) -> None:
    """The int64 path, the fraction path and the SymPy path (a surd times every entry)
    give the same rank (the SymPy path computes it up to 3 x 3), minor and factors; a
    reported minor is not zero; the rank is NumPy's; the factors multiply back to h."""
    from fractions import Fraction

    import sympy as sp

    h = np.outer(u, v)
    for r, c, dv in noise:
        h[r % h.shape[0], c % h.shape[1]] += dv
    ints = factors(h)
    fracs = factors(np.array([[Fraction(int(e), scale) for e in row] for row in h],
                             dtype=object))
    surds = factors(np.array([[sp.sqrt(2) * int(e) for e in row] for row in h], dtype=object))
    rank = int(np.linalg.matrix_rank(h))
    assert ints[0] == fracs[0] == rank
    assert surds[0] == rank or (surds[0] is None and rank > 1 and h.size > 9)  # symbolic
    assert ints[3] == fracs[3] == surds[3]
    if ints[3] is not None:
        r0, r1, c0, c1 = ints[3]
        assert h[r0, c0] * h[r1, c1] - h[r0, c1] * h[r1, c0] != 0
    else:
        for rank, gu, gv, _ in (ints, fracs, surds):
            prod = sp.Matrix(gu) * sp.Matrix(gv)
            assert prod.shape == h.shape and (rank == 0) == (not h.any())
        assert sp.Matrix(ints[1]) * sp.Matrix(ints[2]) == sp.Matrix(h)
        assert sp.Matrix(fracs[1]) * sp.Matrix(fracs[2]) == sp.Matrix(h) / scale
        assert sp.simplify(sp.Matrix(surds[1]) * sp.Matrix(surds[2]) - sp.sqrt(2) *
                           sp.Matrix(h)) == sp.zeros(*h.shape)


@pytest.mark.parametrize("shape", [(3, 3), (2, 5), (4, 1), (1, 4)])
def test_separable_proof_computes_as_scipy(shape: tuple[int, int]) -> None:
    """A proved factorisation: SciPy's full convolution and correlation with h equal the
    column pass with u then the row pass with v (small integers and quarters: exact in
    binary floats)."""
    from scipy import signal

    rng = np.random.default_rng(sum(shape))
    h = np.outer(rng.integers(-4, 5, shape[0]), rng.integers(1, 5, shape[1]))
    text = ";".join(",".join(map(str, row)) for row in h)
    d = prove("separable", h=text)
    assert d.verdict == "proved"
    _, gu, gv, _ = factors(h)
    u = np.array([[float(e)] for e in gu])
    v = np.array([[float(e) for e in gv]])
    x = rng.integers(-5, 6, (5, 6)).astype(float)
    for op in (signal.convolve2d, signal.correlate2d):
        whole = op(x, h.astype(float))
        passes = op(op(x, u), v)
        assert whole.shape == passes.shape
        np.testing.assert_allclose(passes, whole, atol=1e-9)


def test_separable_large_kernels_are_fast_named_and_bounded(cli: Any, tmp_path: Any) -> None:
    """A 200 x 200 rank-one kernel is proved (not printed back); at 201 x 201 a rank-two
    kernel is refuted by its minor with its rank at least 2 (the exact rank is for up to
    40,000 entries); over a million entries is refused before any work, exit 2."""
    rng = np.random.default_rng(3)
    h = np.outer(rng.integers(-5, 6, 200), rng.integers(1, 6, 200))
    np.save(tmp_path / "h.npy", h)
    d = prove("separable", h=str(tmp_path / "h.npy"))
    assert d.verdict == "proved" and d.scope == "all-sizes"
    assert "not repeated" in d.steps[0].why and len(d.steps[0].text) < 100
    big = np.outer(rng.integers(-5, 6, 201), rng.integers(1, 6, 201))
    big[7, 9] += 1
    np.save(tmp_path / "big.npy", big)
    d = prove("separable", h=str(tmp_path / "big.npy"))
    assert d.verdict == "refuted"
    assert d.counterexample["rank"] is None and d.counterexample["rank_at_least"] == 2
    r0, r1, c0, c1 = d.counterexample["minor"]
    assert big[r0, c0] * big[r1, c1] != big[r0, c1] * big[r1, c0]
    small = prove("separable", h="1,2;3,4")
    assert small.counterexample["rank"] == small.counterexample["rank_at_least"] == 2
    np.save(tmp_path / "huge.npy", np.ones((1001, 1000), dtype=np.int8))
    r = cli("prove", "separable", "--h", str(tmp_path / "huge.npy"))
    assert r.code == 2 and r.out == "" and len(r.err.strip().splitlines()) == 1
    assert "1,001,000 entries" in r.err


def test_separable_for_all_sizes_and_sobel() -> None:
    d = prove("separable")
    assert d.verdict == "proved" and d.scope == "all-sizes"
    d = prove("separable", h="1,0,-1;2,0,-2;1,0,-1")
    assert d.verdict == "proved" and "u = [1, 2, 1], v = [1, 0, -1]" in d.notes[0]
    d = prove("separable", h="1/2,1;1,2")
    assert d.verdict == "proved"


# -- the convolution theorem -----------------------------------------------------------------
def test_convolution_theorem_for_all_sizes() -> None:
    d = prove("convolution-theorem")
    assert d.verdict == "proved" and d.scope == "all-sizes"
    assert any("wrap" in s.why for s in d.steps)


@pytest.mark.parametrize("n, k", [(1, 1), (2, 2), (5, 3), (6, 6), (8, 3), (12, 5)])
def test_convolution_theorem_instance_and_numpy(n: int, k: int) -> None:
    d = prove("convolution-theorem", image=str(n), kernel=str(k))
    assert d.verdict == "proved" and d.scope == "instance"
    rng = np.random.default_rng(n)
    x, h = rng.normal(size=n), np.pad(rng.normal(size=k), (0, n - k))
    cconv = np.array([sum(x[j] * h[(t - j) % n] for j in range(n)) for t in range(n)])
    np.testing.assert_allclose(np.fft.fft(cconv), np.fft.fft(x) * np.fft.fft(h), atol=1e-9)


def test_zero_padding_theorem_and_its_wrap_around_with_numpy() -> None:
    """conv(x, h) = cconv after padding to Nx + Nh - 1 (NumPy's FFT), not to one less."""
    rng = np.random.default_rng(5)
    for nx, nh in ((2, 2), (5, 3), (4, 7)):
        x, h = rng.normal(size=nx), rng.normal(size=nh)
        for length, equal in ((nx + nh - 1, True), (nx + nh - 2, False)):
            c = np.real(np.fft.ifft(np.fft.fft(x, length) * np.fft.fft(h, length)))
            lin = np.convolve(x, h)
            assert np.allclose(c[:length], lin[:length]) == equal or not equal and \
                not np.allclose(np.pad(c, (0, len(lin) - length)), lin)


# -- the polynomial view -------------------------------------------------------------------
@pytest.mark.parametrize("n, k", [(1, 1), (4, 3), (3, 5), (7, 2)])
def test_polynomial_view(n: int, k: int) -> None:
    assert prove("polynomial").verdict == "proved"
    d = prove("polynomial", image=str(n), kernel=str(k))
    assert d.verdict == "proved" and d.scope == "instance"
    rng = np.random.default_rng(n + k)
    x, h = rng.integers(-5, 6, size=n), rng.integers(-5, 6, size=k)
    prod = np.polynomial.polynomial.polymul(x, h)
    np.testing.assert_array_equal(np.pad(prod, (0, n + k - 1 - len(prod))), np.convolve(x, h))
    rev = np.polynomial.polynomial.polymul(x, h[::-1])
    np.testing.assert_array_equal(np.pad(rev, (0, n + k - 1 - len(rev))),
                                  np.correlate(x, h, mode="full"))


# -- spectral claims: cconv, dft, idft, exact cyclotomic numbers ---------------------------
def test_the_classic_error_is_refuted_with_a_checked_counterexample() -> None:
    """DFT(conv(x, h)) = DFT(x) DFT(h) without padding: refuted, and NumPy agrees on the
    counterexample's values."""
    d = prove_claim("dft(conv(x, h)) == dft(x) * dft(h)", origin="corner")
    assert d.verdict == "refuted"
    c = d.counterexample
    x, h = np.array(c["values"]["x"], float), np.array(c["values"]["h"], float)
    lhs = np.fft.fft(np.convolve(x, h))
    rhs_len = max(len(x), len(h))
    rhs = np.pad(np.fft.fft(x), (0, rhs_len - len(x))) * np.pad(np.fft.fft(h),
                                                                (0, rhs_len - len(h)))
    assert not np.allclose(np.pad(lhs, (0, max(0, rhs_len - len(lhs)))),
                           np.pad(rhs, (0, max(0, len(lhs) - rhs_len))))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8, 12])
def test_convolution_theorem_claims_at_given_shapes(n: int) -> None:
    for claim in ("dft(cconv(x, h)) == dft(x) * dft(h)",
                  "cconv(x, h) == idft(dft(x) * dft(h))"):
        d = prove_claim(claim, image=str(n), kernel=str(n), origin="corner")
        assert (d.verdict, d.scope) == ("proved", "instance"), claim
    assert prove_claim("idft(dft(x)) == x", image=str(n), kernel="1",
                       origin="corner").verdict == "proved"


def test_spectral_claims_are_never_proved_for_all_sizes() -> None:
    d = prove_claim("dft(cconv(x, h)) == dft(x) * dft(h)", where="N == K", origin="corner")
    assert d.verdict == "undecided"
    for false in ("dft(x) == x", "idft(dft(x)) == flip(x)", "cconv(x, h) == conv(x, h)"):
        assert prove_claim(false, origin="corner").verdict == "refuted", false


@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_dft_values_equal_numpys_fft(n: int) -> None:
    from symconv.proof import polyarray as pa
    from symconv.proof.claim_instance import dft

    reg = pa.Registry()
    v = reg.add("x", (0,), (n,))
    spec = dft(pa.leaf(v))
    x = np.arange(1, n + 1)
    got = pa.evaluate(spec, reg, {"x": x})
    np.testing.assert_allclose(np.array([complex(g) for g in got.tolist()]), np.fft.fft(x),
                               atol=1e-9)
    back = pa.evaluate(dft(spec, inverse=True), reg, {"x": x})
    assert [complex(b) for b in back.tolist()] == pytest.approx(list(x))


@settings(max_examples=200, deadline=None)
@given(terms=st.lists(st.tuples(st.integers(1, 12), st.integers(0, 23), st.integers(-3, 3)),
                      min_size=1, max_size=6),
       other=st.lists(st.tuples(st.integers(1, 12), st.integers(0, 23), st.integers(-3, 3)),
                      min_size=1, max_size=6))
def test_cyclotomic_arithmetic_is_exact(terms: Any, other: Any) -> None:
    """Sums and products of roots of unity agree with complex arithmetic, and a value is 0
    exactly when it is numerically 0 (the form is unique); within the field orders the
    arithmetic takes (MAX_ORDER, refused beyond: the next test)."""
    import math

    from symconv.proof.cyclotomic import MAX_ORDER, root_of_unity

    assume(math.lcm(*(n for n, _, _ in terms + other)) <= MAX_ORDER)

    def build(ts: Any) -> tuple[Any, complex]:
        exact: Any = 0
        num = 0j
        for n, e, c in ts:
            exact = exact + c * root_of_unity(e, n)
            num += c * np.exp(2j * np.pi * e / n)
        return exact, num

    a, na = build(terms)
    b, nb = build(other)
    for exact, num in ((a, na), (a + b, na + nb), (a * b, na * nb), (a - b, na - nb)):
        assert complex(exact) == pytest.approx(num, abs=1e-9)
        assert (exact == 0) == (abs(num) < 1e-9)


@pytest.mark.parametrize("nx, nh", [(1, 1), (3, 3), (2, 5), (4, 2)])
def test_zero_padding_as_claims(nx: int, nh: int) -> None:
    """conv = cconv after padding to Nx + Nh - 1 (proved at the shapes), not to one less
    (refuted: the wrap-around)."""
    full = nx + nh - 1
    d = prove_claim(f"conv(x, h) == cconv(pad(x, {full}), pad(h, {full}))", image=str(nx),
                    kernel=str(nh), origin="corner")
    assert d.verdict == "proved"
    if full - 1 >= max(nx, nh) and nx + nh >= 3:
        d = prove_claim(f"conv(x, h) == cconv(pad(x, {full - 1}), pad(h, {full - 1}))",
                        image=str(nx), kernel=str(nh), origin="corner")
        assert d.verdict == "refuted"
    d = prove_claim(f"dft(pad(conv(x, h), {full})) == dft(pad(x, {full})) * "
                    f"dft(pad(h, {full}))", image=str(nx), kernel=str(nh), origin="corner")
    assert d.verdict == "proved"


def test_cyclotomic_fields_beyond_the_limit_are_refused() -> None:
    from symconv.errors import LimitError
    from symconv.proof.cyclotomic import root_of_unity

    a = root_of_unity(1, 5) + root_of_unity(1, 7) + root_of_unity(1, 9) + root_of_unity(1, 11)
    with pytest.raises(LimitError, match="order 27720"):
        a * root_of_unity(1, 8)


def test_receptive_field_instance_is_refused_before_it_allocates(cli: Any) -> None:
    """n x n dependencies are tracked: a 200,000-pixel image is refused under the term
    limit in one line, before any array (it used to run out of memory)."""
    r = cli("prove", "receptive-field", "--layers", "3", "--image", "200000")
    assert r.code == 2 and "over the limit" in r.err and "--max-terms" in r.err
    assert len(r.err.strip().splitlines()) == 1


# -- separable: what an adversarial review found ---------------------------------------------
@pytest.mark.parametrize(("text", "verdict", "rank"), [
    ("-9223372036854775808,0;0,2", "refuted", 2),  # -2**63: no int64 overflow
    ("0,-9223372036854775808;0,2147483647;0,-3;2,-9223372036854775808", "refuted", 2),
    ("1,1;1,1+1e-20*sqrt(2)", "refuted", 2),  # exact, not snapped to a nearby simple number
    ("886731088898-627013566048*sqrt(2),1;1,1", "refuted", 2),
    ("1,pi;1+1e-20*sqrt(2),pi+1e-20*sqrt(2)*pi", "proved", 1),  # row 2 = (1+1e-20 sqrt 2) row 1
    ("t,1;t^2,t", "proved", 1),
    ("9223372036854775807,1;1,1", "refuted", 2),
])
def test_separable_decides_exactly_at_the_edges(text: str, verdict: str, rank: int) -> None:
    import sympy as sp

    d = prove("separable", h=text)
    assert d.verdict == verdict, d.notes
    if verdict == "refuted":
        assert d.counterexample["rank"] == rank and d.counterexample["minor"] is not None
    else:
        assert d.title.startswith("Separable") and d.scope == "all-sizes"
    h = sp.Matrix([[sp.sympify(e) for e in row.split(",")] for row in text.split(";")])
    assert h.rank(simplify=True) == rank


def test_separable_refuses_floats_and_empty_and_takes_booleans(cli: Any, tmp_path: Any) -> None:
    np.save(tmp_path / "f.npy", np.outer([1.0, 2.0**-30], [0.1, 0.2]))
    np.save(tmp_path / "e.npy", np.zeros((0, 3)))
    np.save(tmp_path / "b.npy", np.array([[True, False], [True, False]]))
    for name, needle in (("f.npy", "binary floats"), ("e.npy", "empty")):
        r = cli("prove", "separable", "--h", str(tmp_path / name))
        assert r.code == 2 and needle in r.err and len(r.err.strip().splitlines()) == 1
    r = cli("prove", "separable", "--h", str(tmp_path / "b.npy"))
    assert r.code == 0 and "PROVED" in r.out and r.err == ""
    r = cli("prove", "separable", "--h", "1,2;2,4", "--max-terms", "3")
    assert r.code == 2 and "--max-terms 8" in r.err


def test_separable_symbolic_wording_and_bounds(cli: Any) -> None:
    d = prove("separable", h="t,1;t^2,t")
    assert any("where it is not zero" in n for n in d.notes)
    d = prove("separable", h="t,1;1,1")
    assert d.verdict == "refuted" and "particular values" in d.steps[-1].why
    assert "no saving" in prove("separable", h="1,2,3").notes[0]
    assert "3 + 3 multiplications" in prove("separable", h="1,2,1;2,4,2;1,2,1").notes[0]
    # a 3 x 3 of nine symbols: rank 3 by its determinant (SymPy's elimination took minutes)
    d = prove("separable", h="a,b,c;d,e,f;g,h2,i")
    assert d.verdict == "refuted" and d.counterexample["rank"] == 3
    assert prove("separable", h="sqrt(t),1;t,sqrt(t)").verdict == "proved"
    assert prove("separable", h="sqrt(t^2)-t,0;0,0").verdict == "undecided"  # t < 0 or not
    # symbols: the exact rank only for small kernels; the minor refutes the rest quickly
    text = ";".join(",".join(f"s{i}_{j}" for j in range(6)) for i in range(6))
    d = prove("separable", h=text)
    assert d.verdict == "refuted" and d.counterexample["rank"] is None
    big = ";".join(",".join(f"{i * 33 + j + 1}*sqrt(2)" for j in range(33)) for i in range(33))
    r = cli("prove", "separable", "--h", big)
    assert r.code == 2 and "1,024" in r.err
