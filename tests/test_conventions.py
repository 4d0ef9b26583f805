"""Other libraries' conventions (``--convention matlab | tensorflow | jax | opencv``): the
values are the libraries' own (TensorFlow, JAX and OpenCV are the oracles, run here; MATLAB's
documented 'same', the central part of 'full' from floor(K/2), is computed from SciPy's full
output), the per-side padding shows in the JSON, and what a library cannot express is
refused with one line."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symconv.errors import InputError
from symconv.expansion import expand
from symconv.index.request import tensorflow_same

SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


@st.composite
def shapes(draw: Any, nd: int | None = None, kmax: int = 5) -> tuple[tuple[int, ...], ...]:
    nd = nd or draw(st.integers(1, 3))
    n = tuple(draw(st.integers(1, 7 if nd < 3 else 4)) for _ in range(nd))
    k = tuple(draw(st.integers(1, kmax if nd < 3 else 3)) for _ in range(nd))
    return n, k


def _arrays(seed: int, n: tuple[int, ...], k: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(-5, 6, size=n), rng.integers(-5, 6, size=k)


# ---------------------------------------------------------------- MATLAB
def _matlab(op: str, x: np.ndarray, h: np.ndarray, shape: str) -> np.ndarray:
    """MATLAB's conv/conv2/convn (op conv) and filter2 (op corr, = conv2 with rot90(b, 2)) as
    documented: 'full', 'valid' (empty when the kernel is larger), 'same' the central part
    of 'full' of the image's size starting at floor(K/2)."""
    from scipy import signal

    hh = h if op == "conv" else np.flip(h)
    full = signal.convolve(x.astype(np.int64), hh.astype(np.int64), mode="full",
                           method="direct")
    if shape == "full":
        return full
    if shape == "same":
        return full[tuple(slice(k // 2, k // 2 + n) for n, k in zip(x.shape, h.shape,
                                                                    strict=True))]
    return full[tuple(slice(k - 1, n) for n, k in zip(x.shape, h.shape, strict=True))]


@SETTINGS
@given(nk=shapes(), op=st.sampled_from(["conv", "corr"]),
       shape=st.sampled_from(["full", "same", "valid"]), seed=st.integers(0, 99))
def test_matlab_shapes(nk: Any, op: str, shape: str, seed: int) -> None:
    n, k = nk
    x, h = _arrays(seed, n, k)
    if shape == "valid" and any(kk > nn for nn, kk in zip(n, k, strict=True)):
        with pytest.raises(InputError, match="empty"):
            expand(op, n, k, origin="corner", mode=shape, convention="matlab", x=x, h=h)
        return
    e = expand(op, n, k, origin="corner", mode=shape, convention="matlab", x=x, h=h)
    assert e.values().tolist() == _matlab(op, x, h, shape).tolist()


def test_matlab_same_differs_from_scipy_for_even_kernels() -> None:
    x, h = [1, 2, 3], [1, 1]
    m = expand("conv", 3, 2, origin="corner", mode="same", convention="matlab", x=x, h=h)
    s = expand("conv", 3, 2, origin="corner", mode="same", x=x, h=h)
    assert m.values().tolist() == [3, 5, 3]  # MATLAB: conv([1 2 3], [1 1], 'same')
    assert s.values().tolist() == [1, 3, 5]  # scipy.signal.convolve(..., 'same')
    odd = [expand("conv", 5, 3, origin="corner", mode="same", convention=c,
                  x=[1, 2, 3, 4, 5], h=[1, 0, -1]).values().tolist()
           for c in ("matlab", "scipy")]
    assert odd[0] == odd[1]


# ---------------------------------------------------------------- TensorFlow / JAX
@st.composite
def strided(draw: Any, both: bool) -> dict[str, Any]:
    n, k = draw(shapes())
    nd = len(n)
    s = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    d = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    if not both:  # tf.nn.convolution refuses strides > 1 together with dilations > 1
        if draw(st.booleans()):
            s = (1,) * nd
        else:
            d = (1,) * nd
    pad = draw(st.sampled_from(["same", "valid"]))
    if pad == "valid":
        n = tuple(max(nn, dd * (kk - 1) + 1) for nn, kk, dd in zip(n, k, d, strict=True))
    return {"n": n, "k": k, "s": s, "d": d, "pad": pad, "op": draw(st.sampled_from(
        ["corr", "conv"])), "seed": draw(st.integers(0, 99))}


def _symconv(c: dict[str, Any], convention: str, x: np.ndarray, h: np.ndarray) -> Any:
    return expand(c["op"], c["n"], c["k"], origin="corner", convention=convention,
                  padding=c["pad"], stride=c["s"], dilation=c["d"], x=x, h=h)


@SETTINGS
@given(c=strided(both=False))
def test_tensorflow_same_and_valid(tf: Any, c: dict[str, Any]) -> None:
    # TensorFlow's own CPU Conv3D departs from its documented 'SAME' (and from its Conv1D
    # and Conv2D) when the stride overshoots the image, (ceil(N/s)-1)s + d(K-1) + 1 < N: it
    # crops (negative padding) instead of padding 0, e.g. N=3, K=1, s=3 reads x[1], not
    # x[0].  symconv follows the documented rule, which 1-D and 2-D obey.
    assume(not (c["pad"] == "same" and len(c["n"]) == 3 and any(
        (-(-nn // ss) - 1) * ss + (kk - 1) * dd + 1 < nn
        for nn, kk, ss, dd in zip(c["n"], c["k"], c["s"], c["d"], strict=True))))
    x, h = _arrays(c["seed"], c["n"], c["k"])
    hh = h if c["op"] == "corr" else np.flip(h)  # tf.nn.convolution is a correlation
    y = tf.nn.convolution(tf.constant(x[None, ..., None], tf.float64),
                          tf.constant(hh[..., None, None].copy(), tf.float64),
                          strides=list(c["s"]), padding=c["pad"].upper(),
                          dilations=list(c["d"])).numpy()[0, ..., 0]
    e = _symconv(c, "tensorflow", x, h)
    assert e.values().tolist() == y.astype(np.int64).tolist()


@SETTINGS
@given(c=strided(both=True))
def test_jax_same_and_valid(jax: Any, c: dict[str, Any]) -> None:
    from jax import lax

    x, h = _arrays(c["seed"], c["n"], c["k"])
    hh = h if c["op"] == "corr" else np.flip(h)
    y = np.asarray(lax.conv_general_dilated(
        x[None, None].astype(np.float64), hh[None, None].astype(np.float64),
        window_strides=c["s"], padding=c["pad"].upper(), rhs_dilation=c["d"]))[0, 0]
    e = _symconv(c, "jax", x, h)
    assert e.values().tolist() == y.astype(np.int64).tolist()


@pytest.mark.parametrize("n,k,s,d,want", [
    (5, 4, 1, 1, (1, 2)), (6, 3, 2, 1, (0, 1)), (7, 3, 2, 2, (2, 2)), (5, 3, 1, 1, (1, 1)),
    (5, 2, 1, 1, (0, 1)), (4, 3, 2, 1, (0, 1)), (3, 1, 3, 1, (0, 0))])
def test_tensorflow_same_padding_per_side(n: int, k: int, s: int, d: int,
                                          want: tuple[int, int]) -> None:
    assert tensorflow_same(n, k, s, d) == want


def test_json_shows_the_padding_used(cli: Any) -> None:
    r = cli("expand", "corr", "--image", "5x6", "--kernel", "4x3", "--origin", "corner",
            "--convention", "tensorflow", "--padding", "same", "--stride", "1,2",
            "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["padding"] == [[1, 2], [0, 1]]
    assert doc["convention"] == "tensorflow"
    assert doc["output"]["shape"] == [5, 3]


# ---------------------------------------------------------------- OpenCV
BORDERS = ["BORDER_CONSTANT", "BORDER_REPLICATE", "BORDER_REFLECT", "BORDER_REFLECT_101"]


@SETTINGS
@given(nk=shapes(nd=2, kmax=6), border=st.sampled_from(BORDERS + [None]),
       seed=st.integers(0, 99))
def test_opencv_filter2d(cv2: Any, nk: Any, border: str | None, seed: int) -> None:
    n, k = nk
    x, h = _arrays(seed, n, k)
    kw = {} if border is None else {"borderType": getattr(cv2, border)}
    y = cv2.filter2D(x.astype(np.float64), -1, h.astype(np.float64), **kw)
    e = expand("corr", n, k, origin="corner", convention="opencv", padding_mode=border,
               x=x, h=h)
    assert e.values().tolist() == np.rint(y).astype(np.int64).tolist()


@pytest.mark.parametrize("kwargs,match", [
    ({"op": "conv", "convention": "opencv"}, "correlation"),
    ({"convention": "opencv", "padding_mode": "BORDER_WRAP"}, "BORDER_WRAP"),
    ({"convention": "opencv", "mode": "same"}, "image's size"),
    ({"convention": "matlab", "stride": 2}, "shape only"),
    ({"convention": "matlab", "padding_mode": "circular"}, "zeros only"),
    ({"convention": "tensorflow", "mode": "same"}, "not --mode"),
    ({"convention": "jax", "padding_mode": "reflect"}, "zeros only"),
    ({"convention": "tensorflow", "op": "conv-transpose"}, "transposed"),
])
def test_what_a_library_cannot_say_is_refused(kwargs: dict[str, Any], match: str) -> None:
    op = kwargs.pop("op", "corr")
    with pytest.raises(InputError, match=match):
        expand(op, (5, 5), (3, 3), origin="corner", **kwargs)


def test_cli_refusal_is_one_line(cli: Any) -> None:
    r = cli("expand", "conv", "--image", "5x5", "--kernel", "3x3", "--convention", "opencv")
    assert r.code == 2 and r.out == ""
    assert len(r.err.strip().splitlines()) == 1


# ---------------------------------------------------------------- prove and claims
def _prove(cli: Any, *argv: str) -> tuple[int, dict[str, Any]]:
    r = cli("prove", *argv, "--format", "json")
    assert r.code in (0, 1, 3), r.err
    return r.code, json.loads(r.out)


@pytest.mark.parametrize("k, verdict", [("4", "refuted"), ("3", "proved")])
def test_claim_tells_matlab_same_from_scipy_same(cli: Any, k: str, verdict: str) -> None:
    """MATLAB's 'same' keeps the part of 'full' from floor(K/2), SciPy's from
    floor((K-1)/2): different outputs for an even kernel, equal for an odd one."""
    code, d = _prove(cli, "--claim", "conv(x, h, mode='same', convention='matlab') == "
                     "conv(x, h, mode='same')", "--image", "6", "--kernel", k)
    assert d["verdict"] == verdict and code == (1 if verdict == "refuted" else 0)


def test_claim_with_a_convention_is_never_proved_for_all_sizes(cli: Any) -> None:
    """The all-sizes engine does not model a library's window: a true claim is undecided
    (never 'proved' from a search), a false one refuted."""
    code, d = _prove(cli, "--claim", "corr(x, h, padding='same', convention='tensorflow') "
                     "== corr(x, h, padding='same')")
    assert code == 3 and d["verdict"] == "undecided"
    code, d = _prove(cli, "--claim", "corr(x, h, padding='same', convention='tensorflow', "
                     "stride=2) == corr(x, h, padding=1, stride=2)")
    assert code == 1 and d["verdict"] == "refuted"


def test_claim_convention_uses_the_librarys_window(cli: Any) -> None:
    """TensorFlow's 'SAME' at stride 2 pads (0, 1) for N=6, K=2: the claim with the
    explicit per-side padding of that window is proved at those shapes."""
    code, d = _prove(cli, "--claim", "corr(x, h, padding='same', convention='tensorflow', "
                     "stride=2) == corr(x, h, padding='valid', stride=2)", "--image", "7",
                     "--kernel", "1")
    assert code == 0 and d["verdict"] == "proved"
    code, d = _prove(cli, "--claim", "corr(x, h, convention='opencv') == "
                     "corr(x, h, convention='opencv')", "--dims", "2", "--image", "5x5",
                     "--kernel", "3x3")
    assert code == 0 and d["verdict"] == "proved"


@pytest.mark.parametrize("claim, words", [
    ("conv(x, h, convention='numpy') == conv(x, h)", None),
    ("conv(x, h, convention='opencv') == corr(x, h)", "cv2.filter2D"),
    ("conv(x, h, convention='matlab', stride=2) == conv(x, h)", "mode only"),
    ("conv(x, h, convention='jax', mode='same') == conv(x, h)", "not mode"),
    ("conv(x, h, convention='fortran') == conv(x, h)", "bad convention"),
])
def test_claim_conventions_refuse_what_the_library_cannot_say(cli: Any, claim: str,
                                                              words: str | None) -> None:
    r = cli("prove", "--claim", claim, "--image", "5", "--kernel", "3")
    if words is None:
        assert r.code in (0, 1), r.err  # numpy 1-D is fine
        return
    assert r.code == 2 and words in r.err


def test_theorem_with_a_convention_is_decided_at_instance_scope(cli: Any) -> None:
    code, d = _prove(cli, "flip", "--mode", "same", "--convention", "matlab", "--image",
                     "6x6", "--kernel", "4x4")
    assert code == 0 and d["verdict"] == "proved" and d["scope"] == "instance"
    assert any("convention matlab" in n for n in d["notes"])
    code, d = _prove(cli, "flip", "--mode", "same", "--convention", "matlab")
    assert code == 3 and d["verdict"] == "undecided"
    r = cli("prove", "--claim", "conv(x, h) == conv(h, x)", "--convention", "matlab")
    assert r.code == 2 and "convention=" in r.err
