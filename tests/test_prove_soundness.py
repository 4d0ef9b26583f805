"""Every proved theorem, checked numerically against NumPy/SciPy and PyTorch autograd.

A proof says two index relations are equal; these tests evaluate both sides on random
integer arrays and compare with what the libraries compute: scipy.signal for the flip,
reflection and commutativity; ``torch.autograd.grad`` of conv1d/conv2d for the duality
(and ``conv_transpose1d/2d`` for the input gradient), over random strides, paddings,
dilations and groups.
"""

from __future__ import annotations

import numpy as np
import pytest

from symconv.proof import polyarray as pa
from symconv.proof.options import Options
from symconv.proof.theorems import prove
from symconv.proof.theorems.duality import duality_sides
from symconv.proof.theorems.sizes import size_formulas

scipy_signal = pytest.importorskip("scipy.signal")

RNG_SEEDS = range(12)


def _vals(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.integers(-4, 5, size=shape)


def _dense(p: pa.Poly, reg: pa.Registry, vals: dict[str, np.ndarray]) -> np.ndarray:
    return np.asarray(pa.evaluate(p, reg, vals))


# -- flip, reflection, commutativity against SciPy ------------------------------------------
@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_flip_and_friends_against_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    nd = 1 + seed % 2
    img = tuple(int(v) for v in rng.integers(3, 8, size=nd))
    ker = tuple(int(v) for v in rng.integers(1, 4, size=nd))
    x, h = _vals(rng, img), _vals(rng, ker)
    flip = (slice(None, None, -1),) * nd
    for name in ("flip", "reflection", "commutative"):
        d = prove(name, image="x".join(map(str, img)), kernel="x".join(map(str, ker)),
                  origin="corner")
        assert d.verdict == "proved"
    # numbers: conv = corr with the flipped kernel; corr(x,h) = flip(corr(h,x)); commutes
    conv = scipy_signal.convolve(x, h, method="direct")
    assert np.array_equal(conv, scipy_signal.correlate(x, h[flip], method="direct"))
    assert np.array_equal(conv, scipy_signal.convolve(h, x, method="direct"))
    assert np.array_equal(scipy_signal.correlate(x, h, method="direct"),
                          scipy_signal.correlate(h, x, method="direct")[flip])
    # and the engine's own expansion gives SciPy's numbers (corner origins: full window
    # starts at index 0)
    reg = pa.Registry()
    xv, hv = reg.add("x", (0,) * nd, img), reg.add("h", (0,) * nd, ker)
    p = pa.bilinear("conv", pa.leaf(xv), pa.leaf(hv), reg, origin="corner")
    assert p.lo == (0,) * nd
    assert np.array_equal(_dense(p, reg, {"x": x, "h": h}), conv)
    q = pa.bilinear("corr", pa.leaf(xv), pa.leaf(hv), reg, origin="corner")
    corr = scipy_signal.correlate(x, h, method="direct")
    assert np.array_equal(_dense(q, reg, {"x": x, "h": h}), corr)


@pytest.mark.parametrize("mode", ["full", "valid", "same"])
def test_modes_against_numpy(mode: str) -> None:
    rng = np.random.default_rng(1)
    for _ in range(10):
        n, k = int(rng.integers(3, 9)), int(rng.integers(1, 4))
        x, h = _vals(rng, (n,)), _vals(rng, (k,))
        d = prove("flip", image=str(n), kernel=str(k), mode=mode)
        assert d.verdict == "proved"
        assert np.array_equal(np.convolve(x, h, mode=mode),
                              scipy_signal.correlate(x, h[::-1], mode=mode, method="direct"))


def test_symmetric_kernel_numbers() -> None:
    # the thread: h2 = [-1, 2, -1] gives conv = corr; the typo [-1, 2, 1] does not
    f = np.array([2, 1, 3, 5, 4])
    for h, same in (([-1, 2, -1], True), ([-1, 2, 1], False)):
        d = prove("symmetric", h=",".join(map(str, h)))
        assert d.proved == same
        assert np.array_equal(np.convolve(f, h, "valid"), np.correlate(f, h, "valid")) == same


# -- the duality against PyTorch autograd --------------------------------------------------
def _torch_case(rng: np.random.Generator, nd: int) -> dict:
    groups = int(rng.choice([1, 2]))
    cin = groups * int(rng.integers(1, 3))
    cout = groups * int(rng.integers(1, 3))
    k = tuple(int(v) for v in rng.integers(1, 4, size=nd))
    s = tuple(int(v) for v in rng.integers(1, 4, size=nd))
    dl = tuple(int(v) for v in rng.integers(1, 3, size=nd))
    p = tuple(int(v) for v in rng.integers(0, 3, size=nd))
    n = tuple(int(max(dd * (kk - 1) + 1 - 2 * pp, 1) + rng.integers(0, 6))
              for kk, dd, pp in zip(k, dl, p, strict=True))
    return dict(groups=groups, cin=cin, cout=cout, k=k, s=s, d=dl, p=p, n=n)


@pytest.mark.parametrize("seed", range(16))
def test_duality_against_autograd(torch, seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    nd = 1 + seed % 2
    c = _torch_case(rng, nd)
    F = torch.nn.functional
    conv = F.conv1d if nd == 1 else F.conv2d
    convT = F.conv_transpose1d if nd == 1 else F.conv_transpose2d
    x = torch.tensor(_vals(rng, (1, c["cin"]) + c["n"]), dtype=torch.float64,
                     requires_grad=True)
    w = torch.tensor(_vals(rng, (c["cout"], c["cin"] // c["groups"]) + c["k"]),
                     dtype=torch.float64, requires_grad=True)
    y = conv(x, w, stride=c["s"], padding=c["p"], dilation=c["d"], groups=c["groups"])
    g = torch.tensor(_vals(rng, tuple(y.shape)), dtype=torch.float64)
    gx, gw = torch.autograd.grad(y, (x, w), g)
    # the input gradient is the transposed convolution, with output_padding from `sizes`
    a = tuple((n + 2 * p - d * (k - 1) - 1) % s
              for n, p, d, k, s in zip(c["n"], c["p"], c["d"], c["k"], c["s"], strict=True))
    back = convT(g, w, stride=c["s"], padding=c["p"], dilation=c["d"], groups=c["groups"],
                 output_padding=a)
    assert torch.equal(back, gx)
    for n, k, s, d, p, m in zip(c["n"], c["k"], c["s"], c["d"], c["p"], y.shape[2:],
                                strict=True):
        assert size_formulas(n, k, s, d, p, p)["padding"] == m
    shape = "x".join(map(str, (c["cin"],) + c["n"]))
    kshape = "x".join(map(str, (c["cout"], c["cin"] // c["groups"]) + c["k"]))
    opts = dict(image=shape, kernel=kshape, layer=True, groups=c["groups"],
                stride=",".join(map(str, c["s"])), padding=",".join(map(str, c["p"])),
                dilation=",".join(map(str, c["d"])), origin="corner")
    vals = {"x": x.detach().numpy()[0].astype(np.int64), "h": w.detach().numpy().astype(np.int64),
            "g": g.numpy()[0].astype(np.int64)}
    for wrt, want in (("input", gx.numpy()[0]), ("kernel", gw.numpy())):
        d = prove("duality", wrt=wrt, **opts)
        assert (d.verdict, d.scope) == ("proved", "instance")
        sides = duality_sides(Options(wrt=wrt, **opts))
        for p in (sides.gradient, sides.claimed):
            got = _dense(p, sides.registry, vals)
            assert np.array_equal(got, want.astype(np.int64)), (wrt, c)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("forward", ["corr", "conv"])
def test_duality_spatial_against_autograd(torch, seed: int, forward: str) -> None:
    """Without channels: y = corr or conv (conv = conv1d with the flipped kernel)."""
    rng = np.random.default_rng(200 + seed)
    F = torch.nn.functional
    k = int(rng.integers(1, 4))
    s, dl, p = int(rng.integers(1, 4)), int(rng.integers(1, 3)), int(rng.integers(0, 3))
    n = max(dl * (k - 1) + 1 - 2 * p, 1) + int(rng.integers(0, 6))
    xv, hv = _vals(rng, (n,)), _vals(rng, (k,))
    x = torch.tensor(xv, dtype=torch.float64, requires_grad=True)
    h = torch.tensor(hv, dtype=torch.float64, requires_grad=True)
    ker = h if forward == "corr" else torch.flip(h, (0,))
    y = F.conv1d(x[None, None], ker[None, None], stride=s, padding=p, dilation=dl)[0, 0]
    g = torch.tensor(_vals(rng, tuple(y.shape)), dtype=torch.float64)
    gx, gh = torch.autograd.grad(y, (x, h), g)
    opts = dict(image=str(n), kernel=str(k), stride=s, padding=p, dilation=dl,
                origin="corner", forward=forward)
    vals = {"x": xv, "h": hv, "g": g.numpy().astype(np.int64)}
    for wrt, want in (("input", gx.numpy()), ("kernel", gh.numpy())):
        assert prove("duality", wrt=wrt, **opts).verdict == "proved"
        sides = duality_sides(Options(wrt=wrt, **opts))
        for q in (sides.gradient, sides.claimed):
            assert np.array_equal(_dense(q, sides.registry, vals), want.astype(np.int64))


@pytest.mark.parametrize("mode", ["valid", "full", "same"])
def test_mode_pairing_numbers(mode: str) -> None:
    """valid forward -> full backward, full -> valid, same -> same (odd kernels)."""
    rng = np.random.default_rng(3)
    back = {"valid": "full", "full": "valid", "same": "same"}[mode]
    for _ in range(6):
        n, k = int(rng.integers(4, 9)), 2 * int(rng.integers(0, 2)) + 1
        x, h = _vals(rng, (n,)), _vals(rng, (k,))
        y = np.correlate(x, h, mode)
        g = _vals(rng, y.shape)
        grad = np.array([np.sum(g * (np.correlate(x + e, h, mode) - y))
                         for e in np.eye(n, dtype=np.int64)])
        assert np.array_equal(grad, np.convolve(g, h, back))
        d = prove("duality", image=str(n), kernel=str(k), mode=mode)
        assert d.verdict == "proved"


hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies


@hypothesis.settings(max_examples=30, deadline=None)
@hypothesis.given(n=st.integers(1, 9), k=st.integers(1, 4), s=st.integers(1, 3),
                  d=st.integers(1, 2), p=st.integers(0, 2), forward=st.sampled_from(["corr",
                                                                                   "conv"]),
                  seed=st.integers(0, 2**16))
def test_duality_property(n: int, k: int, s: int, d: int, p: int, forward: str,
                          seed: int) -> None:
    """Property: for any 1-D setting with an output, the proof holds and both of its sides
    evaluate to the numerical gradient (finite differences of NumPy's forward pass)."""
    hypothesis.assume(n + 2 * p >= d * (k - 1) + 1)
    rng = np.random.default_rng(seed)
    x, h = _vals(rng, (n,)), _vals(rng, (k,))
    hd = np.zeros(d * (k - 1) + 1, dtype=np.int64)
    hd[::d] = h if forward == "corr" else h[::-1]

    def fwd(xv: np.ndarray) -> np.ndarray:
        return np.correlate(np.pad(xv, p), hd, "valid")[::s]

    y = fwd(x)
    g = _vals(rng, y.shape)
    grad = np.array([int(np.sum(g * fwd(e))) for e in np.eye(n, dtype=np.int64)])
    opts = dict(image=str(n), kernel=str(k), stride=s, padding=p, dilation=d,
                origin="corner", forward=forward)
    assert prove("duality", **opts).verdict == "proved"
    sides = duality_sides(Options(**opts))
    for q in (sides.gradient, sides.claimed):
        assert np.array_equal(_dense(q, sides.registry, {"x": x, "h": h, "g": g}), grad)
