"""The figures that draw padding, stride, dilation and values (issue 11): what each picture
holds, checked against the relation's terms and, for the numbers, against PyTorch.

The window figure (figures/sliding.py) and the drawing (figures 5/8) are format-free
models; these tests read their cells: a kernel cell that is not greyed is a product of the
output, a greyed one multiplies a padding zero, and the output cells carry
torch.nn.functional's numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symconv.expansion import expand
from symconv.expansion import figures as F
from symconv.expansion.figures.layout import number
from symconv.render.plainmath import plain

torch = pytest.importorskip("torch", reason="PyTorch is the independent oracle here")

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
BOUNDARIES = ("zeros", "circular", "reflect", "replicate")


def ints(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(-4, 5, size=shape)


@st.composite
def torch_case(draw: Any) -> dict[str, Any]:
    """A 1-D or 2-D PyTorch-style setting: padding, stride, dilation, padding mode."""
    dims = draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    dilation = draw(st.integers(1, 2))
    stride = draw(st.integers(1, 3))
    extent = tuple(dilation * (k - 1) + 1 for k in kernel)
    image = tuple(draw(st.integers(e, e + 4)) for e in extent)
    boundary = draw(st.sampled_from(BOUNDARIES))
    # PyTorch's non-zero padding modes need padding below the size (reflect: strictly).
    most = min(image) - 1 if boundary == "reflect" else min(image)
    padding = draw(st.integers(0, min(2, most)))
    return dict(op=draw(st.sampled_from(("conv", "corr"))), image=image, kernel=kernel,
                padding=padding, stride=stride, dilation=dilation, boundary=boundary,
                seed=draw(st.integers(0, 2**31)))


def torch_reference(c: dict[str, Any], x: np.ndarray, h: np.ndarray) -> np.ndarray:
    fn = torch.nn.functional
    dims = len(c["image"])
    xt = torch.tensor(x, dtype=torch.float64)[None, None]
    ht = torch.tensor(h, dtype=torch.float64)[None, None]
    if c["op"] == "conv":
        ht = torch.flip(ht, dims=list(range(2, 2 + dims)))
    p = c["padding"]
    if c["boundary"] != "zeros" and p:
        xt = fn.pad(xt, (p,) * (2 * dims), mode=c["boundary"])
        p = 0
    conv = fn.conv1d if dims == 1 else fn.conv2d
    return conv(xt, ht, stride=c["stride"], padding=p, dilation=c["dilation"])[0, 0].numpy()


def expansion(c: dict[str, Any], values: bool = True) -> Any:
    x, h = ints(c["image"], c["seed"]), ints(c["kernel"], c["seed"] + 1)
    kw: dict[str, Any] = dict(origin="corner", padding=c["padding"], stride=c["stride"],
                              dilation=c["dilation"], padding_mode=c["boundary"])
    if values:
        kw.update(x=x, h=h)
    return expand(c["op"], c["image"], c["kernel"], **kw), x, h


def output_x(exp: Any) -> float:
    """Where the output grid starts in a window figure."""
    from symconv.expansion.figures.sliding import Window, _layout

    return float(_layout(Window(exp))["ox"])


def kernel_cells(d: Any) -> list[Any]:
    return [c for c in d.cells if c.fill == "kernel"]


@SETTINGS
@given(c=torch_case(), data=st.data())
def test_window_shows_exactly_the_products_and_torch_values(c: dict[str, Any],
                                                            data: Any) -> None:
    exp, x, h = expansion(c)
    ref = torch_reference(c, x, h)
    assert exp.shape == ref.shape
    at = data.draw(st.sampled_from(list(exp.indices())))
    d = F.build("window", exp, at)
    cells = kernel_cells(d)
    # every tap of the kernel is drawn, once
    assert len(cells) == int(np.prod(c["kernel"]))
    live = [cl for cl in cells if not cl.lines[0][0].muted]
    dead = [cl for cl in cells if cl.lines[0][0].muted]
    terms = exp.terms(at)
    assert len(live) == len(terms)          # a greyed cell multiplies a padding zero
    assert all(cl.dashed for cl in dead)    # ... and lies on the padding
    if c["boundary"] != "zeros":
        assert not dead                     # a boundary rule leaves no zero
    # the numbers in the live cells are the products of the output, summing to torch's
    total = 0
    for cl in live:
        xv, _, entry = cl.lines[0]
        hv = h[tuple(k for k in np.argwhere(np.array(exp.operation.kernel.entry_names())
                                            .reshape(c["kernel"]) == entry.text)[0])]
        total += int(xv.text) * int(hv)
    assert total == ref[at]
    # the output cells hold torch's numbers; the current one is filled and outlined
    ox = output_x(exp)
    outs = [cl for cl in d.cells if cl.x >= ox]
    assert sorted(int(cl.lines[0][0].text) for cl in outs) == sorted(ref.ravel().tolist())
    (focus,) = [cl for cl in d.cells if cl.fill == "focus"]
    assert int(focus.lines[0][0].text) == ref[at]
    assert any(b.role == "outline" for b in d.boxes)


@SETTINGS
@given(c=torch_case())
def test_window_draws_the_padding_ring(c: dict[str, Any]) -> None:
    exp, _, _ = expansion(c, values=False)
    at = next(iter(exp.indices()))
    d = F.build("window", exp, at)
    inputs = [cl for cl in d.cells if cl.x < output_x(exp)]
    padded = [n + 2 * c["padding"] for n in c["image"]]
    dashed = [cl for cl in inputs if cl.dashed]
    # the padded input is drawn whole: the image's cells solid, the padding ring dashed
    # (and, where the kernel reaches past it, the zeros it reads there too)
    assert len(inputs) == int(np.prod(padded))
    assert len(dashed) == int(np.prod(padded)) - int(np.prod(c["image"]))
    caption = plain(d.caption)
    assert ("dashed cells are padding" in caption) == (c["padding"] > 0)
    assert ("stride" in caption) == (c["stride"] > 1)
    assert ("dilation" in caption) == (c["dilation"] > 1)


def test_window_stride_and_dilation_at_a_glance() -> None:
    exp = expand("conv", (5, 5), (3, 3), origin="corner", padding=1, stride=2)
    d = F.build("window", exp, (1, 1))
    box = next(b for b in d.boxes if b.role == "conv")
    assert box.style == "solid"
    assert (box.x1 - box.x0, box.y1 - box.y0) == pytest.approx((3.0, 3.0))
    # the output is 3x3: stride 2 over the padded 7x7
    assert exp.shape == (3, 3)
    dil = expand("corr", 7, 3, origin="corner", mode="valid", dilation=2)
    w = F.build("window", dil, (0,))
    taps = sorted(cl.x for cl in kernel_cells(w))
    gaps = [b - a for a, b in zip(taps, taps[1:], strict=False)]
    assert gaps == [2.0, 2.0]  # one skipped cell between taps
    skipped = [cl for cl in w.cells if cl.fill is None and taps[0] < cl.x < taps[-1]]
    assert len(skipped) == 2


def test_drawing_shows_the_padding_under_the_kernel() -> None:
    # y[0,0] with padding 1: the kernel's top row and left column lie on padding zeros
    exp = expand("conv", (5, 5), (3, 3), origin="corner", padding=1)
    d = F.build("drawing", exp, (0, 0))
    products = [cl for cl in d.cells if cl.w >= 2.0]
    assert len(products) == 9                       # the whole kernel, not its 2x2 part
    assert sum(cl.dashed for cl in products) == 5   # a ring corner of padding
    live = [cl for cl in products if cl.fill == "patch"]
    assert len(live) == 4 == len(exp.terms((0, 0)))
    assert "dashed cells are padding, holding zeros" in plain(d.caption)


def test_drawing_worked_table_and_equation_show_the_substitution() -> None:
    x, h = [1, 2, 0, -1, 3, 2], [1, 0, -1]
    exp = expand("conv", 6, 3, x=x, h=h)
    ref = np.convolve(x, h)  # 'full', centre origins: y[m] is ref[m + 4]
    d = F.build("drawing", exp, (2,))
    nums = [F.text(cl.lines[1]) for cl in d.cells if len(cl.lines) == 2]
    assert nums[:2] == ["3\u00b7(-1)", "2\u00b70"]
    tab = F.build("worked", exp, (2,))
    prods = [r.values for r in tab.rows if r.values]
    assert prods == [(3, -1), (2, 0)]
    assert sum(int(a) * int(b) for a, b in prods) == ref[2 + 4]
    from symconv.render.mathtex import output_equation
    from symconv.render.tex import Style

    eq = output_equation(exp, (2,), Style()).latex()
    assert r"= 3\cdot (-1) + 2\cdot 0 = {-3}" in eq


@pytest.mark.parametrize("v,text", [(3, "3"), (-2.0, "-2"), (0.125, "0.125"),
                                    (1 / 3, "0.3333"), (2 - 1j, "2-i"), (3j, "3i")])
def test_numbers_in_cells(v: Any, text: str) -> None:
    assert number(v) == text
