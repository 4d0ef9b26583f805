"""``--layer`` semantics against ``torch.nn.functional.conv1d/conv2d/conv3d``.

PyTorch computes cross-correlation with channels and groups; symconv's ``corr`` with
``layer=True`` must give the same numbers for every stride, padding (symmetric ints, per side
through ``F.pad``, ``'same'``, ``'valid'``), dilation, groups and padding mode (through
``F.pad`` with that mode, then a convolution without padding).  Values are small integers in
float64, so the comparison is exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import need_module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symconv.errors import InputError
from symconv.expansion import expand

SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def F() -> Any:
    torch = need_module("torch")
    torch.set_num_threads(1)
    return torch.nn.functional


def ints(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(-4, 5, size=shape).astype(np.float64)


def conv_fn(F: Any, dims: int) -> Any:
    return (F.conv1d, F.conv2d, F.conv3d)[dims - 1]


def torch_pad_arg(pads: list[tuple[int, int]]) -> list[int]:
    """F.pad lists (low, high) from the last axis backwards."""
    out: list[int] = []
    for lo, hi in reversed(pads):
        out += [lo, hi]
    return out


@st.composite
def layer_case(draw: Any) -> dict[str, Any]:
    dims = draw(st.integers(1, 3))
    groups = draw(st.integers(1, 3))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, (4, 3, 2)[dims - 1])) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    span = tuple(d * (k - 1) + 1 for d, k in zip(dilation, kernel, strict=True))
    image = tuple(draw(st.integers(s, s + (5, 3, 2)[dims - 1])) for s in span)
    how = draw(st.sampled_from(("int", "sides", "same", "valid", "boundary")))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    if how == "same":
        stride = (1,) * dims
    pads = [(draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(dims)]
    if how == "int":
        pads = [(p, p) for p, _ in pads]
    if how == "boundary":
        # PyTorch's reflect needs padding < size; keep every mode's padding inside the image.
        pads = [(min(a, n - 1), min(b, n - 1)) for (a, b), n in zip(pads, image, strict=True)]
    return dict(dims=dims, groups=groups, c_in=c_in, c_out=c_out, kernel=kernel,
                dilation=dilation, image=image, how=how, stride=stride, pads=pads,
                boundary=draw(st.sampled_from(("circular", "reflect", "replicate"))),
                origin=draw(st.sampled_from(("corner", "center"))),
                seed=draw(st.integers(0, 2**31)))


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@SETTINGS
@given(case=layer_case())
def test_corr_layer_matches_torch(F: Any, case: dict[str, Any]) -> None:
    torch = need_module("torch")
    dims, g = case["dims"], case["groups"]
    xshape = (case["c_in"],) + case["image"]
    wshape = (case["c_out"], case["c_in"] // g) + case["kernel"]
    x, w = ints(xshape, case["seed"]), ints(wshape, case["seed"] + 1)
    tx, tw = torch.from_numpy(x)[None], torch.from_numpy(w)
    conv = conv_fn(F, dims)
    kw = dict(stride=case["stride"], dilation=case["dilation"], groups=g)
    opts: dict[str, Any] = dict(layer=True, groups=g, stride=case["stride"],
                                dilation=case["dilation"], origin=case["origin"],
                                x=x, h=w)
    how = case["how"]
    if how == "int":
        ref = conv(tx, tw, padding=[p for p, _ in case["pads"]], **kw)
        opts["padding"] = [p for p, _ in case["pads"]]
    elif how in ("same", "valid"):
        ref = conv(tx, tw, padding=how, **kw)
        opts["padding"] = how
    elif how == "sides":
        ref = conv(F.pad(tx, torch_pad_arg(case["pads"])), tw, **kw)
        opts["padding"] = ",".join(f"{a}:{b}" for a, b in case["pads"])
    else:
        padded = F.pad(tx, torch_pad_arg(case["pads"]), mode=case["boundary"])
        ref = conv(padded, tw, **kw)
        opts["padding"] = case["pads"]
        opts["padding_mode"] = case["boundary"]
    ref_np = ref[0].numpy()
    e = expand("corr", xshape, wshape, **opts)
    assert e.shape == ref_np.shape
    np.testing.assert_array_equal(e.values(), ref_np)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dims=st.integers(1, 3), k=st.integers(1, 3), extra=st.integers(0, 3),
       padding=st.integers(0, 2), seed=st.integers(0, 2**31))
def test_conv_layer_is_torch_with_flipped_kernel(F: Any, dims: int, k: int, extra: int,
                                                 padding: int, seed: int) -> None:
    """symconv's ``conv`` layer is PyTorch's layer with the kernel turned by 180 degrees."""
    torch = need_module("torch")
    image = (2,) + (k + extra,) * dims
    kernel = (3, 2) + (k,) * dims
    x, w = ints(image, seed), ints(kernel, seed + 1)
    flipped = w[(slice(None), slice(None)) + (slice(None, None, -1),) * dims].copy()
    ref = conv_fn(F, dims)(torch.from_numpy(x)[None], torch.from_numpy(flipped),
                           padding=padding)[0].numpy()
    e = expand("conv", image, kernel, layer=True, origin="corner", padding=padding, x=x, h=w)
    np.testing.assert_array_equal(e.values(), ref)


@pytest.mark.parametrize(("padding", "expected_lo"), [
    pytest.param("valid", [0, -1, -1], id="valid-centred"),
    pytest.param("same", [0, -2, -2], id="same-centred"),
])
def test_layer_center_origin_centres_outputs(F: Any, padding: str,
                                             expected_lo: list[int]) -> None:
    torch = need_module("torch")
    x, w = ints((2, 5, 5), 1), ints((3, 2, 3, 3), 2)
    e = expand("corr", (2, 5, 5), (3, 2, 3, 3), layer=True, origin="center",
               padding=padding, x=x, h=w)
    ref = F.conv2d(torch.from_numpy(x)[None], torch.from_numpy(w), padding=padding)[0]
    np.testing.assert_array_equal(e.values(), ref.numpy())
    assert list(e.out_lo) == expected_lo
    assert e.terms((0, 0, 0))[0].x[0] == 0  # channel indices stay 0-based


@pytest.mark.parametrize(("image", "kernel", "groups", "message"), [
    pytest.param((4, 5), (2, 3, 3), 2, "kernel has 3 input channels", id="bad-c-per-group"),
    pytest.param((3, 5), (3, 1, 3), 2, "not divisible by groups", id="c-in-not-divisible"),
    pytest.param((4, 5), (3, 2, 3), 2, "out_channels 3 is not divisible", id="c-out"),
    pytest.param((2, 5), (2, 2, 6), 1, "larger than the padded image", id="kernel-too-big"),
])
def test_layer_shape_errors(image: tuple[int, ...], kernel: tuple[int, ...], groups: int,
                            message: str) -> None:
    with pytest.raises(InputError, match=message):
        expand("corr", image, kernel, layer=True, groups=groups)


# -- paddings PyTorch refuses are refused ----------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 6), k=st.integers(1, 3), pad=st.integers(0, 8),
       mode=st.sampled_from(("reflect", "circular", "replicate")), data=st.data())
def test_padding_modes_accepted_exactly_when_torch_accepts(F: Any, n: int, k: int, pad: int,
                                                           mode: str, data: Any) -> None:
    """``--padding P --padding-mode reflect|circular|replicate``: symconv refuses the pads
    torch.nn.functional.pad refuses (reflect >= the size, circular wrapping twice) and
    equals PyTorch (pad, then a valid correlation) wherever torch accepts them."""
    import torch

    x = np.array(data.draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n)))
    h = np.array(data.draw(st.lists(st.integers(-5, 5), min_size=k, max_size=k)))
    try:
        padded = F.pad(torch.tensor(x, dtype=torch.float64).reshape(1, 1, n), (pad, pad),
                       mode=mode)
    except (RuntimeError, ValueError, NotImplementedError):
        padded = None
    try:
        e = expand("corr", n, k, origin="corner", padding=pad, padding_mode=mode,
                   x=x.tolist(), h=h.tolist())
    except InputError as exc:
        assert padded is None or n + 2 * pad < k, str(exc)
        return
    assert padded is not None, f"torch refuses {mode} padding {pad} of size {n}"
    want = F.conv1d(padded, torch.tensor(h, dtype=torch.float64).reshape(1, 1, k))
    assert e.values().ravel().tolist() == want.reshape(-1).numpy().astype(int).tolist()


@pytest.mark.parametrize("boundary", ["fill", "wrap", "symm"])
@pytest.mark.parametrize(("image", "kernel"), [((2, 1), (3, 1)), ((4, 5), (2, 3)),
                                               ((2, 3), (4, 5))])
def test_valid_mode_ignores_the_boundary_as_scipy(boundary: str, image: tuple[int, ...],
                                                  kernel: tuple[int, ...]) -> None:
    """scipy.signal.convolve2d's 'valid' reads no pixel outside the image, whatever the
    boundary (a kernel larger than the image swaps the operands)."""
    from scipy.signal import convolve2d

    rng = np.random.default_rng(7)
    x = rng.integers(-9, 10, size=image)
    h = rng.integers(-9, 10, size=kernel)
    e = expand("conv", image, kernel, origin="corner", mode="valid", padding_mode=boundary,
               x=x, h=h)
    assert e.values().tolist() == convolve2d(x, h, mode="valid", boundary=boundary).tolist()
