"""Pooling (``expand avg-pool | max-pool``): the windows, sizes, divisors and values are
PyTorch's ``avg_pool1d/2d/3d`` and ``max_pool1d/2d/3d`` for every option (property tests:
values on random images, and every window read off impulses exactly), avg-pool is the
correlation with a constant kernel exactly where PyTorch's divisor is the window's size,
and what PyTorch refuses is refused."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symconv.errors import InputError
from symconv.expansion.pooling import Pooling, pool_size

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


@st.composite
def pool_case(draw: Any) -> dict[str, Any]:
    op = draw(st.sampled_from(["avg-pool", "max-pool"]))
    nd = draw(st.integers(1, 3))
    big = 7 if nd < 3 else 5
    k = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    d = tuple(draw(st.integers(1, 2)) if op == "max-pool" else 1 for _ in range(nd))
    s = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    p = tuple(draw(st.integers(0, ki // 2)) for ki in k)
    # avg_pool3d alone refuses an image smaller than the window even when the padding
    # makes room (1-D and 2-D, and symconv, take it): those cases are drawn without it.
    n = tuple(draw(st.integers(ki if (op, nd) == ("avg-pool", 3) else
                               max(1, di * (ki - 1) + 1 - 2 * pi), big))
              for ki, di, pi in zip(k, d, p, strict=True))
    return {"op": op, "n": n, "k": k, "s": s, "p": p, "d": d,
            "ceil": draw(st.booleans()),
            "include": draw(st.booleans()) if op == "avg-pool" else None,
            "default_stride": draw(st.booleans()), "seed": draw(st.integers(0, 99))}


def _pooling(c: dict[str, Any], x: Any = None) -> Pooling:
    return Pooling(c["op"], c["n"], c["k"], stride=None if c["default_stride"] else c["s"],
                   padding=c["p"], dilation=c["d"] if c["op"] == "max-pool" else None,
                   ceil_mode=c["ceil"], count_include_pad=c["include"], x=x)


def _torch_pool(torch: Any, c: dict[str, Any], x: np.ndarray) -> np.ndarray:
    nd = len(c["n"])
    xt = torch.tensor(x, dtype=torch.float64)[None, None]
    stride = None if c["default_stride"] else c["s"]
    if c["op"] == "avg-pool":
        fn = getattr(torch.nn.functional, f"avg_pool{nd}d")
        y = fn(xt, c["k"], stride=stride, padding=c["p"], ceil_mode=c["ceil"],
               count_include_pad=c["include"])
    else:
        fn = getattr(torch.nn.functional, f"max_pool{nd}d")
        y = fn(xt, c["k"], stride=stride, padding=c["p"], dilation=c["d"],
               ceil_mode=c["ceil"])
    return y[0, 0].numpy()


@SETTINGS
@given(c=pool_case())
def test_values_are_torchs_pooling(torch: Any, c: dict[str, Any]) -> None:
    rng = np.random.default_rng(c["seed"])
    x = rng.integers(-9, 10, size=c["n"])
    want = _torch_pool(torch, c, x.astype(float))
    got = _pooling(c, x).values()
    assert got.shape == want.shape
    assert np.array_equal(np.asarray(got, dtype=float), want)  # exact: quarters etc.


@SETTINGS
@given(c=pool_case())
def test_every_window_is_torchs(torch: Any, c: dict[str, Any]) -> None:
    """An impulse at each pixel: the outputs it reaches and the weight it gets there are
    exactly the windows and the divisors symconv lists."""
    pool = _pooling(c)
    reach: dict[tuple[int, ...], dict[tuple[int, ...], float]] = {}
    for px in np.ndindex(*c["n"]):
        x = np.zeros(c["n"])
        x[px] = 1.0
        y = _torch_pool(torch, c, x)
        for o in zip(*np.nonzero(np.isfinite(y) & (y != 0)), strict=False):
            reach.setdefault(tuple(int(v) for v in o), {})[px] = float(y[o])
    for o in pool.outputs():
        want = reach.get(o, {})
        w = pool.weight(o)
        assert set(pool.pixels(o)) == set(want), (o, pool.pixels(o), want)
        if not want:  # a dilated window that holds only padding: -inf, as torch
            assert pool.text(o) == "-oo" and c["op"] == "max-pool"
        assert all(v == (1.0 if w is None else float(w)) for v in want.values())


@SETTINGS
@given(c=pool_case())
def test_sizes_are_torchs_formula(c: dict[str, Any]) -> None:
    pool = _pooling(c)
    s = c["k"] if c["default_stride"] else c["s"]
    for a, (n, k, si, p, d) in enumerate(zip(c["n"], c["k"], s, c["p"], c["d"], strict=True)):
        span = n + 2 * p - d * (k - 1) - 1
        o = (-(-span // si) if c["ceil"] else span // si) + 1
        if c["ceil"] and (o - 1) * si >= n + p:
            o -= 1
        assert pool.out_shape[a] == o == pool_size(n, k, si, p, d, c["ceil"])


@SETTINGS
@given(c=pool_case())
def test_avg_pool_is_the_constant_kernel_correlation_exactly_where_torch_says(
        torch: Any, c: dict[str, Any]) -> None:
    """Where PyTorch's divisor is the window's size, avg-pool equals symconv's correlation
    with the constant kernel (and torch's conv with it); elsewhere it differs, and
    differs_from_correlation names exactly those outputs."""
    if c["op"] != "avg-pool":
        return
    rng = np.random.default_rng(c["seed"])
    x = rng.integers(-9, 10, size=c["n"])
    pool = _pooling(c, x)
    diff = set(pool.differs_from_correlation())
    corr = pool.as_correlation().values()
    got = pool.values()
    size = int(np.prod(c["k"]))
    for o in pool.outputs():
        inside = all(v < n for v, n in zip(o, corr.shape, strict=True))
        if o not in diff:
            assert inside and got[o] == corr[o]
        else:
            assert pool.divisor(o) != size or not inside


@pytest.mark.parametrize(("args", "needle"), [
    (("avg-pool", "--image", "5", "--kernel", "3", "--dilation", "2"), "does not apply"),
    (("avg-pool", "--image", "5", "--kernel", "3", "--padding", "2"), "more than half"),
    (("max-pool", "--image", "5", "--kernel", "2", "--count-include-pad"),
     "avg-pool only"),
    (("max-pool", "--image", "5", "--kernel", "2", "--h", "1,2"), "--h does not apply"),
    (("max-pool", "--image", "5", "--kernel", "2", "--mode", "same"), "--mode does not"),
    (("avg-pool", "--image", "5", "--kernel", "2", "--padding", "0:1"), "both sides"),
    (("avg-pool", "--image", "2", "--kernel", "3"), "no output"),
    (("max-pool", "--image", "3", "--kernel", "2", "--x", "1,2j,3"), "real values"),
    (("conv", "--image", "5", "--kernel", "2", "--ceil-mode"), "pool"),
    (("avg-pool", "--image", "5", "--kernel", "2", "--at", "3"), "outside the output"),
    (("avg-pool", "--image", "400x400", "--kernel", "2x2", "--max-terms", "1000"),
     "--max-terms"),
])
def test_refusals_are_one_line(cli: Any, args: tuple[str, ...], needle: str) -> None:
    r = cli("expand", *args)
    assert r.code == 2 and r.out == "" and needle in r.err and r.err.count("\n") == 1


def test_json_contract(cli: Any) -> None:
    r = cli("expand", "avg-pool", "--image", "3x3", "--kernel", "2x2", "--stride", "1",
            "--x", "1,2,3;4,5,6;7,8,9", "--format", "json")
    d = json.loads(r.out)
    assert d["op"] == "avg-pool" and d["output"]["shape"] == [2, 2]
    o = d["outputs"][0]
    assert o["index"] == o["pos"] == [0, 0] and o["exact"] == "3" and o["value"] == 3
    assert [t["x"] for t in o["terms"]] == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert {t["entry"] for t in o["terms"]} == {"1/4"}
    assert o["expr"] == "(x[0, 0] + x[0, 1] + x[1, 0] + x[1, 1])/4"
    assert d["correlation"] == {"kernel": "1/4", "equal": True, "differs_at": []}
    m = json.loads(cli("expand", "max-pool", "--image", "4", "--kernel", "2", "--format",
                       "json").out)
    assert m["outputs"][1]["expr"] == "Max(x[2], x[3])"
    assert {t["entry"] for t in m["outputs"][1]["terms"]} == {None}
    assert m["correlation"] is None and "value" not in m["outputs"][0]


def test_exact_and_symbolic_values() -> None:
    p = Pooling("avg-pool", "3", "2", stride=1, x="1/3,1/2,t")
    assert p.value((0,)) == Fraction(5, 12)
    assert str(p.value((1,))) == "t/2 + 1/4"
    m = Pooling("max-pool", "3", "3", x="sqrt(2),7/5,t")
    assert str(m.value((0,))) == "Max(sqrt(2), t)"  # sqrt(2) > 7/5, decided exactly
    import sympy as sp

    assert p.expr((0,)) == (sp.IndexedBase("x")[0] + sp.IndexedBase("x")[1]) / 2


def test_ceil_mode_window_and_divisor_match_the_guide_case(cli: Any) -> None:
    """5 pixels, window 2, stride 2, ceil mode: a third output whose window holds one pixel
    (PyTorch divides it by 1: the window is clipped to the padded image)."""
    r = cli("expand", "avg-pool", "--image", "5", "--kernel", "2", "--ceil-mode", "--x",
            "2,4,6,8,10")
    assert "y[2] = x[4]/1" not in r.out and "y[2] = x[4] = 10" in r.out
    assert "differs at 1 output, first at [2] (divisor 1)" in r.out
    w = cli("expand", "avg-pool", "--image", "5", "--kernel", "3", "--stride", "2",
            "--padding", "1", "--no-count-include-pad", "--at", "0")
    assert "padding [-1]: 0 (not counted)" in w.out and "divisor 2" in w.out


@pytest.mark.parametrize("fmt", ["latex", "beamer", "mathml", "html", "markdown"])
def test_every_format_renders(cli: Any, fmt: str) -> None:
    r = cli("expand", "max-pool", "--image", "4x4", "--kernel", "2x2", "--x",
            "1,2,3,4;5,6,7,8;9,10,11,12;13,14,15,16", "--format", fmt)
    assert r.code == 0, r.err
    assert "16" in r.out and ("max" in r.out or "Max" in r.out)


def test_latex_compiles(cli: Any, tmp_path: Any) -> None:
    from conftest import need_tool

    need_tool("pdflatex")
    import subprocess

    tex = tmp_path / "pool.tex"
    r = cli("expand", "avg-pool", "--image", "4x4", "--kernel", "3x3", "--stride", "1",
            "--padding", "1", "--no-count-include-pad", "--at", "0,0", "--format", "latex",
            "--standalone", "-o", str(tex))
    assert r.code == 0, r.err
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                           tex.name], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]


def test_api_refusals() -> None:
    with pytest.raises(InputError, match="1 to 3"):
        Pooling("max-pool", "2x2x2x2", "1x1x1x1")
    with pytest.raises(InputError, match="bad pooling"):
        Pooling("min-pool", "4", "2")


# -- prove pooling and prove sizes --op pool ---------------------------------------------------
def _torch_avg_vs_corr(torch: Any, n: tuple[int, ...], k: tuple[int, ...], s: Any, p: Any,
                       ceil: bool, include: bool, seed: int = 0) -> bool:
    """Whether torch's avg_pool equals torch's conv (a correlation) with ones/|K| here."""
    nd = len(n)
    rng = np.random.default_rng(seed)
    x = torch.tensor(rng.integers(-9, 10, size=(1, 1) + n), dtype=torch.float64)
    w = torch.full((1, 1) + k, 1.0 / float(np.prod(k)), dtype=torch.float64)
    stride = k if s is None else s
    pool = getattr(torch.nn.functional, f"avg_pool{nd}d")(
        x, k, stride=stride, padding=p, ceil_mode=ceil, count_include_pad=include)
    conv = getattr(torch.nn.functional, f"conv{nd}d")(x, w, stride=stride, padding=p)
    return pool.shape == conv.shape and bool(torch.allclose(pool, conv, atol=1e-12))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(nd=st.integers(1, 2), s=st.one_of(st.none(), st.integers(1, 3)),
       p=st.integers(0, 1), ceil=st.booleans(), include=st.booleans(),
       sizes=st.lists(st.tuples(st.integers(1, 9), st.integers(2, 4)), min_size=4,
                      max_size=4))
def test_prove_pooling_is_sound_against_torch(torch: Any, nd: int, s: Any, p: int,
                                              ceil: bool, include: bool,
                                              sizes: list[tuple[int, int]]) -> None:
    """A 'proved' for every size holds on torch at random shapes; a refutation's
    counterexample is a real difference on torch."""
    from symconv.proof.options import Options
    from symconv.proof.theorems import prove

    d = prove("pooling", options=Options(dims=nd, stride=s, padding=p, ceil_mode=ceil,
                                          count_include_pad=include))
    assert d.verdict in ("proved", "refuted")
    if d.verdict == "proved":
        for n0, k0 in sizes:
            if p > k0 // 2 or n0 + 2 * p < k0 or (nd == 3 and n0 < k0):
                continue
            assert _torch_avg_vs_corr(torch, (n0,) * nd, (k0,) * nd, s, p, ceil, include)
    else:
        cex = d.counterexample
        assert cex is not None
        n, k = tuple(cex["image"]), tuple(cex["window"])
        assert not _torch_avg_vs_corr(torch, n, k, s, p, ceil, include)


@pytest.mark.parametrize(("args", "verdict"), [
    ((), "proved"), (("--padding", "1"), "proved"), (("--ceil-mode", "--stride", "1"), "proved"),
    (("--ceil-mode",), "refuted"), (("--padding", "1", "--no-count-include-pad"), "refuted"),
    (("--image", "7", "--kernel", "3", "--stride", "2", "--ceil-mode"), "proved"),
    (("--image", "6", "--kernel", "3", "--stride", "2", "--ceil-mode"), "refuted"),
])
def test_prove_pooling_verdicts(cli: Any, args: tuple[str, ...], verdict: str) -> None:
    r = cli("prove", "pooling", *args, "--format", "json")
    d = json.loads(r.out)
    assert d["verdict"] == verdict and r.code == {"proved": 0, "refuted": 1}[verdict]


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, 30), k=st.integers(1, 6), s=st.integers(1, 5), d=st.integers(1, 3),
       data=st.data(), ceil=st.booleans())
def test_pool_sizes_formula_is_torchs(torch: Any, n: int, k: int, s: int, d: int,
                                      data: Any, ceil: bool) -> None:
    """The derived formula q + 1 + [r >= max(1, s + p - d(K-1))] against torch's shapes."""
    p = data.draw(st.integers(0, k // 2))
    L = n + 2 * p - d * (k - 1) - 1
    if L < 0:
        return
    q, r = divmod(L, s)
    ours = q + 1 + int(ceil and r >= max(1, s + p - d * (k - 1)))
    y = torch.nn.functional.max_pool1d(torch.zeros(1, 1, n), k, stride=s, padding=p,
                                       dilation=d, ceil_mode=ceil)
    assert y.shape[-1] == ours


def test_prove_sizes_op_pool(cli: Any) -> None:
    d = json.loads(cli("prove", "sizes", "--op", "pool", "--format", "json").out)
    assert d["verdict"] == "proved" and d["scope"] == "all-sizes"
    r = cli("prove", "sizes", "--op", "pool", "--ceil-mode", "--image", "6x7",
            "--kernel", "3x2", "--stride", "2", "--padding", "1", "--dilation", "1,2",
            "--format", "json")
    d = json.loads(r.out)
    assert r.code == 0 and d["scope"] == "instance"
    assert all("(agree)" in s["why"] for s in d["steps"])
    for bad, needle in ((("--ceil-mode",), "--op pool"),
                        (("--op", "pool", "--mode", "full"), "reads --image")):
        r = cli("prove", "sizes", *bad)
        assert r.code == 2 and needle in r.err


def test_the_derivations_poolings_are_torchs(torch: Any) -> None:
    """Every pooling block of derivations/pooling (the committed JSON): its windows and
    values are torch's on the block's own values (or on random integers)."""
    from pathlib import Path

    doc = json.loads((Path(__file__).parent.parent / "derivations" / "pooling" /
                      "pooling.json").read_text())
    blocks = [b for b in doc["blocks"] if b["block"] == "pooling"]
    assert len(blocks) == 3
    rng = np.random.default_rng(1)
    for b in blocks:
        n = tuple(b["image"]["shape"])
        given = all("exact" in o for o in b["outputs"])
        c = {"op": b["op"], "n": n, "k": tuple(b["window"]), "s": tuple(b["stride"]),
             "p": tuple(b["padding"]), "d": tuple(b["dilation"]), "ceil": b["ceil_mode"],
             "include": b["count_include_pad"], "default_stride": False}
        x = rng.integers(-9, 10, size=n)
        pool = _pooling(c, x)
        want = _torch_pool(torch, c, x.astype(float))
        for o in b["outputs"]:
            i = tuple(o["index"])
            assert [tuple(t["x"]) for t in o["terms"]] == pool.pixels(i)
            assert float(pool.value(i)) == want[i]
            if given:
                assert o["exact"] is not None


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 40), st.integers(1, 6), st.integers(1, 5), st.integers(0, 3),
       st.integers(1, 3), st.booleans())
def test_tap_count_without_listing_every_output(n: int, k: int, s: int, p: int, d: int,
                                                ceil: bool) -> None:
    # the arithmetic count (interior outputs all k, borders one by one) is the listed count
    from symconv.expansion.pooling import PoolAxis

    if p > k // 2:
        p = k // 2
    a = PoolAxis(n, k, s, p, d, ceil)
    if a.out < 1:
        return
    assert a.tap_count() == sum(len(a.taps(m)) for m in range(a.out))


def test_huge_pooling_refused_from_its_count_at_once() -> None:
    # 10^8 outputs: counted arithmetically (it took 57 s listing every output's taps)
    with pytest.raises(InputError, match="window terms"):
        Pooling("max-pool", "100000000", "1")
