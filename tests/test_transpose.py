"""The transposed convolution as an operation of its own (``conv-transpose``): its values are
``torch.nn.functional.conv_transpose1d/2d/3d`` for every option (property tests), its terms
are the relation ``s*i = m - d*k + p`` (pixel i and tap k feed output ``s*i + d*k - p``), and
what PyTorch refuses is refused."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from symconv.errors import InputError
from symconv.expansion import expand

SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


@st.composite
def transpose_case(draw: Any, layer: bool = False) -> dict[str, Any]:
    nd = draw(st.integers(1, 3))
    n = tuple(draw(st.integers(1, 5 if nd < 3 else 3)) for _ in range(nd))
    k = tuple(draw(st.integers(1, 4 if nd < 3 else 2)) for _ in range(nd))
    s = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    d = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    a = tuple(draw(st.integers(0, max(si, di) - 1)) for si, di in zip(s, d, strict=True))
    full = [(ni - 1) * si + di * (ki - 1) + ai + 1
            for ni, si, di, ki, ai in zip(n, s, d, k, a, strict=True)]
    p = tuple(draw(st.integers(0, max(0, (f - 1) // 2))) for f in full)
    case = {"n": n, "k": k, "s": s, "d": d, "a": a, "p": p, "seed": draw(st.integers(0, 99))}
    if layer:
        g = draw(st.integers(1, 2))
        case.update(g=g, cin=g * draw(st.integers(1, 2)), cout_g=draw(st.integers(1, 2)))
    return case


def _torch_transpose(torch: Any, x: np.ndarray, h: np.ndarray, c: dict[str, Any],
                     layer: bool) -> np.ndarray:
    nd = len(c["n"])
    fn = getattr(torch.nn.functional, f"conv_transpose{nd}d")
    xt = torch.tensor(x, dtype=torch.float64)
    ht = torch.tensor(h, dtype=torch.float64)
    if not layer:
        xt, ht = xt[None, None], ht[None, None]
    else:
        xt = xt[None]
    y = fn(xt, ht, stride=c["s"], padding=c["p"], output_padding=c["a"],
           dilation=c["d"], groups=c.get("g", 1))
    return (y[0, 0] if not layer else y[0]).numpy()


@SETTINGS
@given(c=transpose_case())
def test_values_are_torchs_conv_transpose(torch: Any, c: dict[str, Any]) -> None:
    rng = np.random.default_rng(c["seed"])
    x = rng.integers(-4, 5, size=c["n"])
    h = rng.integers(-4, 5, size=c["k"])
    e = expand("conv-transpose", c["n"], c["k"], origin="corner", stride=c["s"],
               padding=",".join(map(str, c["p"])), output_padding=c["a"], dilation=c["d"],
               x=x, h=h)
    ref = _torch_transpose(torch, x, h, c, False)
    assert e.shape == ref.shape
    assert e.values().tolist() == ref.astype(np.int64).tolist()
    # every term is pixel i and tap k feeding output s*i + d*k - p
    t = e.terms_table
    for q in range(0, len(t.starts) - 1, max(1, (len(t.starts) - 1) // 7)):
        m = t.output_index(q)
        for term in e.terms(m):
            assert all(mm == si * i + di * kk - pp for mm, si, i, di, kk, pp in zip(
                m, c["s"], term.x, c["d"], term.h, c["p"], strict=True))


@SETTINGS
@given(c=transpose_case(layer=True))
def test_layers_with_groups_are_torchs(torch: Any, c: dict[str, Any]) -> None:
    rng = np.random.default_rng(c["seed"])
    x = rng.integers(-3, 4, size=(c["cin"], *c["n"]))
    h = rng.integers(-3, 4, size=(c["cin"], c["cout_g"], *c["k"]))
    e = expand("conv-transpose", "x".join(map(str, x.shape)), "x".join(map(str, h.shape)),
               origin="corner", layer=True, groups=c["g"], stride=c["s"],
               padding=",".join(map(str, c["p"])), output_padding=c["a"], dilation=c["d"],
               x=x, h=h)
    ref = _torch_transpose(torch, x, h, c, True)
    assert e.values().tolist() == ref.astype(np.int64).tolist()


def test_stride_two_upsampling_by_hand() -> None:
    """[1, 2, 3] with the kernel [a, b, c], stride 2: each pixel drops a scaled copy of
    the kernel two outputs further on; the copies overlap in one output."""
    e = expand("conv-transpose", 3, 3, origin="corner", stride=2)
    assert [e.expr_str(m) for m in e.indices()] == [
        "a*x[0]", "b*x[0]", "a*x[1] + c*x[0]", "b*x[1]", "a*x[2] + c*x[1]", "b*x[2]",
        "c*x[2]"]
    e = expand("conv-transpose", 3, 3, origin="corner", stride=2, padding=1,
               output_padding=1)
    assert e.shape == (6,)  # (3-1)*2 - 2*1 + (3-1) + 1 + 1


def test_exact_values_and_one_side_given() -> None:
    e = expand("conv-transpose", 2, 2, origin="corner", stride=2, h="1/2,1/3")
    assert [e.substituted_str(m) for m in e.indices()] == [
        "x[0]/2", "x[0]/3", "x[1]/2", "x[1]/3"]


@pytest.mark.parametrize(("opts", "needle"), [
    ({"mode": "same"}, "not --mode"),
    ({"padding": "same"}, "does not apply to conv-transpose"),
    ({"stride": 2, "output_padding": 2}, "smaller than the stride"),
    ({"padding_mode": "circular"}, "zeros only"),
    ({"padding": 5}, "leaves no output"),
])
def test_what_pytorch_refuses_is_refused(opts: dict[str, Any], needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        expand("conv-transpose", 3, 3, origin="corner", **opts)


def test_output_padding_belongs_to_conv_transpose(cli: Any) -> None:
    r = cli("expand", "conv", "--image", "5", "--kernel", "3", "--output-padding", "1")
    assert r.code == 2 and "applies to conv-transpose" in r.err
    d = json.loads(cli("expand", "conv-transpose", "--image", "3", "--kernel", "2",
                       "--origin", "corner", "--stride", "2", "--output-padding", "1",
                       "--format", "json").out)
    assert d["op"] == "conv-transpose" and d["output_padding"] == [1]
    assert d["output"]["shape"] == [(3 - 1) * 2 + (2 - 1) + 1 + 1]


def test_every_format_renders(cli: Any) -> None:
    base = ("expand", "conv-transpose", "--image", "3x3", "--kernel", "3x3", "--origin",
            "corner", "--stride", "2", "--padding", "1", "--at", "2,2")
    for fmt in ("text", "json", "latex", "beamer", "mathml", "html", "markdown"):
        r = cli(*base, "--format", fmt)
        assert r.code == 0, (fmt, r.err)
    assert r"\ast^{\top}" in cli(*base, "--format", "latex").out


# -- prove transpose -----------------------------------------------------------------------
@pytest.mark.parametrize("args", [(), ("--stride", "2"), ("--stride", "3", "--dilation", "2"),
                                  ("--dims", "2", "--stride", "2")])
def test_prove_transpose_for_all_sizes(cli: Any, args: tuple[str, ...]) -> None:
    d = json.loads(cli("prove", "transpose", *args, "--format", "json").out)
    assert (d["verdict"], d["scope"]) == ("proved", "all-sizes")
    claims = [s["latex"] for s in d["steps"]]
    assert any("flip" in c or r"\operatorname{flip}" in c for c in claims)  # the gather view


@pytest.mark.parametrize(("image", "kernel", "s", "p"), [("6", "3", 2, 1), ("7", "4", 3, 1),
                                                         ("5", "2", 2, 0), ("9", "3", 4, 2)])
def test_prove_transpose_with_padding_at_given_shapes(cli: Any, image: str, kernel: str,
                                                      s: int, p: int) -> None:
    r = cli("prove", "transpose", "--stride", str(s), "--padding", str(p), "--image", image,
            "--kernel", kernel, "--format", "json")
    d = json.loads(r.out)
    assert (d["verdict"], d["scope"], r.code) == ("proved", "instance", 0)
    a = (int(image) + 2 * p - (int(kernel) - 1) - 1) % s
    assert f"output_padding = [{a}]" in d["steps"][0]["text"]


def test_prove_transpose_with_padding_is_never_proved_for_all_sizes(cli: Any) -> None:
    r = cli("prove", "transpose", "--stride", "2", "--padding", "1", "--format", "json")
    assert json.loads(r.out)["verdict"] == "undecided" and r.code == 3


def test_prove_transpose_refuses_a_wrong_output_padding(cli: Any) -> None:
    r = cli("prove", "transpose", "--stride", "2", "--padding", "1", "--image", "6",
            "--kernel", "3", "--output-padding", "0")
    assert r.code == 2 and "mod s = [1]" in r.err


def test_the_adjoint_with_the_wrong_output_size_is_refuted(cli: Any) -> None:
    """Soundness: without the output padding the adjoint misses the image's last pixel."""
    r = cli("prove", "--claim", "sum(corr(x, h, stride=2, padding=1) * g) == "
            "sum(x * conv_transpose(g, h, stride=2, padding=1))", "--image", "6", "--kernel",
            "3", "--origin", "corner")
    assert r.code == 1


# -- prove sizes --op conv-transpose ---------------------------------------------------------
def test_sizes_of_the_transposed_convolution_for_all_sizes(cli: Any) -> None:
    d = json.loads(cli("prove", "sizes", "--op", "conv-transpose", "--format", "json").out)
    assert (d["verdict"], d["scope"]) == ("proved", "all-sizes")
    texts = " ".join(s["text"] for s in d["steps"])
    for num in range(8, 15):  # the convolution arithmetic guide's relationships 8-14
        assert f"relationship {num}:" in texts


@SETTINGS
@given(n=st.integers(1, 9), k=st.integers(1, 4), s=st.integers(1, 4), p=st.integers(0, 2),
       d=st.integers(1, 2))
def test_colliding_sizes_and_output_padding_are_torchs(torch: Any, n: int, k: int, s: int,
                                                       p: int, d: int) -> None:
    """Every forward size the instance lists maps to n outputs in torch's conv1d, and
    torch's conv_transpose1d with output padding r returns it."""
    from symconv.proof.theorems import prove

    if (n - 1) * s - 2 * p + d * (k - 1) + 1 < 1:
        return
    der = prove("sizes", op="conv-transpose", image=str(n), kernel=str(k), stride=s,
                padding=p, dilation=d)
    assert der.verdict == "proved"
    first = (n - 1) * s - 2 * p + d * (k - 1) + 1
    for r in range(s):
        big_n = first + r
        x = torch.zeros(1, 1, big_n, dtype=torch.float64)
        w = torch.zeros(1, 1, k, dtype=torch.float64)
        y = torch.nn.functional.conv1d(x, w, stride=s, padding=p, dilation=d)
        assert y.shape[-1] == n
        if r < max(s, d):
            back = torch.nn.functional.conv_transpose1d(y, w, stride=s, padding=p,
                                                        output_padding=r, dilation=d)
            assert back.shape[-1] == big_n


# -- check recognises transposed convolutions ---------------------------------------------
@pytest.mark.parametrize(("formula", "equivalent"), [
    ("y[o] = sum_i x[i] h[o - 2*i + 1]", "conv_transpose(x, h, stride=2, padding=1)[o]"),
    ("y[m] = sum_i x[i] h[m - 3i]", "conv_transpose(x, h, stride=3)[m]"),
    (r"y[m,n]=\sum_{i}\sum_{j} x[i,j]\,w[m-2i,n-2j+1]",
     "conv_transpose(x, w, stride=2, padding=(0, 1))[m, n]"),
    ("y[o] = sum_i x[i] h[o - s*i + p]", "conv_transpose(x, h, stride=s, padding=p)[o]"),
])
def test_check_recognises_the_transposed_convolution(cli: Any, formula: str,
                                                      equivalent: str) -> None:
    d = json.loads(cli("check", formula, "--format", "json").out)
    assert d["kind"] == "conv-transpose"
    assert d["equivalent"].endswith(equivalent)
    assert all("input_stride" in a for a in d["axes"])


@SETTINGS
@given(s=st.integers(2, 4), p=st.integers(0, 3), n=st.integers(2, 6), k=st.integers(1, 4))
def test_checked_formula_has_the_terms_of_expand(s: int, p: int, n: int, k: int) -> None:
    """The formula the checker reads as conv_transpose(stride=s, padding=p) pairs the same
    pixels and taps as expand conv-transpose with those options (indices from 0)."""
    from symconv.classify.check import check_formula

    r = check_formula(f"y[o] = sum_i x[i] h[o - {s}*i + {p}]")
    (ax,) = r.axes
    assert (ax.input_stride, ax.offset, ax.kind) == (s, p, "conv-transpose")
    if (n - 1) * s + k - 2 * p < 1:
        return
    e = expand("conv-transpose", n, k, origin="corner", stride=s, padding=p)
    for m in e.indices():
        got = sorted((t.x[0], t.h[0]) for t in e.terms(m))
        want = sorted((i, m[0] - s * i + p) for i in range(n) if 0 <= m[0] - s * i + p < k)
        assert got == want


# -- identify torch's conv_transpose ----------------------------------------------------------
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(c=transpose_case())
@example(c={"n": (2,), "k": (2,), "s": (3,), "d": (2,), "a": (0,), "p": (1,), "seed": 0})
@example(c={"n": (2,), "k": (2,), "s": (2,), "d": (2,), "a": (0,), "p": (1,), "seed": 0})
def test_identify_names_torchs_conv_transpose(torch: Any, c: dict[str, Any]) -> None:
    """identify probes torch's conv_transpose and prints the call that reproduces it (its
    stride, padding, output padding and dilation), verified on random inputs; the
    recovered relation is expand conv-transpose's."""
    from symconv.classify.identification import identify

    nd = len(c["n"])
    if any(s == 1 for s in c["s"]) or min(c["n"]) < 2 or min(c["k"]) < 2 or \
            any(2 * p > d * (k - 1) for p, d, k in zip(c["p"], c["d"], c["k"], strict=True)) \
            or np.prod(c["n"]) * np.prod(c["k"]) > 400:
        # stride 1 is a padded convolution (identified as such); one pixel or one tap
        # cannot show a stride or a dilation, nor can a padding that crops away the
        # outputs two pixels share; probing stays small
        return
    kw = {"stride": list(c["s"]), "padding": list(c["p"]), "output_padding": list(c["a"]),
          "dilation": list(c["d"])}
    args = (f"torch.nn.functional.conv_transpose{nd}d", "x".join(map(str, c["n"])),
            "x".join(map(str, c["k"])))
    # the (pixel, tap) pairs that reach an output on each axis, after the padding crops
    # (output m = s*i + d*t - p); the probes show the stride only where two neighbouring
    # pixels meet one tap, and the dilation only where two neighbouring taps meet one pixel
    shown = []
    for n, k, s, d, p, a in zip(c["n"], c["k"], c["s"], c["d"], c["p"], c["a"],
                                strict=True):
        size = (n - 1) * s - 2 * p + d * (k - 1) + a + 1
        pairs = {(i, t) for i in range(n) for t in range(k) if 0 <= s * i + d * t - p < size}
        shown.append(any((i + 1, t) in pairs for i, t in pairs)
                     and any((i, t + 1) in pairs for i, t in pairs))
    if not all(shown):
        from symconv.errors import ToolError

        # the crop leaves too few terms to fix the relation: identify refuses, or names a
        # relation that reproduces the function at these shapes, never one it did not verify
        try:
            r = identify(*args, kwargs=kw)
        except ToolError:
            return
        assert r.extra["verified"]
        call = r.extra.get("torch_equivalent")
        if call:
            rng = np.random.default_rng(2)
            x = torch.tensor(rng.normal(size=c["n"]))[None, None]
            h = torch.tensor(rng.normal(size=c["k"]))[None, None]
            want = getattr(torch.nn.functional, f"conv_transpose{nd}d")(x, h, **kw)
            got = eval(call, {"torch": torch, "x": x, "h": h})  # noqa: S307 - our own output
            assert torch.allclose(got, want)
        return
    r = identify(*args, kwargs=kw)
    assert r.kind == "conv-transpose" and r.extra["verified"]
    call = r.extra["torch_equivalent"]
    assert call.startswith(f"torch.nn.functional.conv_transpose{nd}d(x, h")
    assert [a.input_stride for a in r.axes] == list(c["s"])
    assert [a.offset for a in r.axes] == list(c["p"])


@pytest.mark.parametrize(("nd", "n", "k", "kw"), [
    (1, "5", "3", {"stride": 2, "padding": 1, "output_padding": 1}),
    (1, "4", "3", {"stride": 3, "dilation": 2, "output_padding": 2}),
    (2, "3x4", "2x3", {"stride": [2, 3], "padding": [0, 1], "output_padding": [1, 2]}),
    (3, "2x2x3", "2x2x2", {"stride": 2, "dilation": [1, 1, 2]}),
])
def test_identify_conv_transpose_cases(torch: Any, nd: int, n: str, k: str,
                                       kw: dict[str, Any]) -> None:
    from symconv.classify.identification import identify

    r = identify(f"torch.nn.functional.conv_transpose{nd}d", n, k, kwargs=kw)
    assert r.kind == "conv-transpose" and r.extra["verified"]
    call = r.extra["torch_equivalent"]
    # the printed call computes the function's outputs
    rng = np.random.default_rng(1)
    x = torch.tensor(rng.normal(size=tuple(int(v) for v in n.split("x"))))[None, None]
    h = torch.tensor(rng.normal(size=tuple(int(v) for v in k.split("x"))))[None, None]
    want = getattr(torch.nn.functional, f"conv_transpose{nd}d")(x, h, **kw)
    got = eval(call, {"torch": torch, "x": x, "h": h})  # noqa: S307 - our own output
    assert torch.allclose(got, want)


# -- what the review found ------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ("prove", "transpose", "--image", "6", "--kernel", "3", "--stride", "2",
     "--padding-mode", "reflect"),
    ("prove", "transpose", "--stride", "2", "--padding-mode", "circular"),
    ("prove", "transpose", "--stride", "2", "--mode", "full"),
    ("prove", "sizes", "--op", "conv-transpose", "--padding-mode", "reflect"),
    ("prove", "sizes", "--op", "conv-transpose", "--mode", "full", "--image", "5",
     "--kernel", "3"),
])
def test_transposed_theorems_refuse_modes_and_boundaries(cli: Any, args: tuple[str, ...]
                                                         ) -> None:
    """The transposed convolution pads with zeros: a boundary rule or a SciPy mode is
    refused, never proved as if it were zero padding."""
    r = cli(*args)
    assert r.code == 2 and r.out == "" and "does not apply" in r.err


def test_check_reads_a_stride_1_axis_of_a_transposed_convolution(cli: Any) -> None:
    r = cli("check", "y[o,p] = sum_{i,j} x[i,j] h[o - 2*i + 1, p - j + 1]", "--format",
            "json")
    d = json.loads(r.out)
    assert d["kind"] == "conv-transpose"
    assert d["equivalent"].endswith("conv_transpose(x, h, stride=(2, 1), padding=1)[o, p]")


def test_check_never_suggests_a_negative_padding(torch: Any, cli: Any) -> None:
    """y[o] = sum_i x[i] h[o - 2i - 1] is conv_transpose(x, h, stride=2) read one place
    later (PyTorch refuses padding=-1): checked against torch."""
    d = json.loads(cli("check", "y[o] = sum_{i} x[i] h[o - 2*i - 1]", "--format", "json").out)
    assert d["equivalent"].endswith("conv_transpose(x, h, stride=2)[o - 1]")
    rng = np.random.default_rng(3)
    x, h = rng.integers(-3, 4, 5), rng.integers(-3, 4, 3)
    ct = torch.nn.functional.conv_transpose1d(torch.tensor(x[None, None] * 1.0),
                                              torch.tensor(h[None, None] * 1.0),
                                              stride=2)[0, 0].numpy()
    for o in range(1, ct.size + 1):
        want = sum(x[i] * h[o - 2 * i - 1] for i in range(5) if 0 <= o - 2 * i - 1 < 3)
        assert ct[o - 1] == want


def test_sizes_name_only_possible_input_sizes(cli: Any) -> None:
    r = cli("prove", "sizes", "--op", "conv-transpose", "--image", "2", "--kernel", "3",
            "--stride", "3", "--padding", "2", "--format", "json")
    d = json.loads(r.out)
    why = " ".join(s["why"] for s in d["steps"])
    assert "output padding a = 0 returns N = 2" in why and "a = 2 returns N = 4" in why
    assert "+ r" not in why


def test_prove_transpose_reads_output_padding_for_every_size(cli: Any) -> None:
    """--output-padding is part of both claims (never silently dropped): the outputs it
    adds are reached by no pixel, so both identities hold for every size."""
    d = json.loads(cli("prove", "transpose", "--stride", "3", "--dilation", "2",
                       "--output-padding", "2", "--format", "json").out)
    assert d["verdict"] == "proved" and d["scope"] == "all-sizes"
    claims = [s["text"] for s in d["steps"] if "conv_transpose" in s["text"]]
    assert len(claims) == 2 and all("output_padding=2" in c for c in claims)
    r = cli("prove", "transpose", "--stride", "2", "--output-padding", "2")
    assert r.code == 2 and "smaller than the stride" in r.err
