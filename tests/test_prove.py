"""The named theorems: both scopes, the symbolic twin of the core, the CLI contract."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from symconv.errors import InputError
from symconv.index.request import operation
from symconv.proof import polyarray as pa
from symconv.proof.instance import Inst, decide_pairs
from symconv.proof.options import Options
from symconv.proof.symbolic import Beyond, SymSet, is_zero, prove_same, sym_axis, syms
from symconv.proof.theorems import THEOREMS, prove
from symconv.proof.theorems.sizes import size_formulas, transposed_size

NAMES = list(THEOREMS)


#: What a theorem's instance is decided for when it is not an image and kernel shape: the
#: layers of a stack, a kernel's values (their own inputs, as the theorems document).
OWN_INSTANCE = {"receptive-field": {"image": "9", "layers": "3,3:2"},
                "separable": {"h": "1,2;2,4"}}
#: 1-D theorems (their instance is a length, not a 2-D shape).
ONE_D = ("convolution-theorem", "polynomial")


def instance_kwargs(name: str, image: str = "7", kernel: str = "3") -> dict[str, str]:
    if name in OWN_INSTANCE:
        return dict(OWN_INSTANCE[name])
    if name in ONE_D:
        return {"image": image.split("x")[0], "kernel": kernel.split("x")[0]}
    return {"image": image, "kernel": kernel}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("scope", ["instance", "all-sizes"])
def test_every_theorem_is_proved_in_both_scopes(name: str, scope: str) -> None:
    kw = instance_kwargs(name) if scope == "instance" else {}
    d = prove(name, scope=scope, **kw)
    assert d.verdict == "proved"
    # separable decides a given kernel for every image size: a wider scope than asked
    assert d.scope == scope or (name, scope, d.scope) == ("separable", "instance", "all-sizes")
    # every step has words; every step but a case heading ("Case mode full ...") a display
    assert d.steps and all(s.why and (s.latex or s.why.startswith("Case ")) for s in d.steps)
    assert d.exit_code == 0


@pytest.mark.parametrize("name", ["flip", "reflection", "duality", "commutative", "symmetric"])
@pytest.mark.parametrize("shapes", [("7x7", "3x3"), ("6x5", "2x3"), ("4x3x3", "2x2x1")],
                         ids=["2d-odd", "2d-even", "3d"])
def test_instance_in_nd(name: str, shapes: tuple[str, str]) -> None:
    d = prove(name, image=shapes[0], kernel=shapes[1])
    assert (d.verdict, d.scope) == ("proved", "instance")


@pytest.mark.parametrize("opts", [
    dict(mode="valid"), dict(mode="same"), dict(padding=1, stride=2), dict(dilation=2),
    dict(padding="2:1", stride=3, dilation=2, origin="corner"), dict(stride=2, mode="full")],
    ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
@pytest.mark.parametrize("name", ["flip", "reflection", "duality"])
def test_instance_with_options(name: str, opts: dict) -> None:
    d = prove(name, image="9", kernel="3", **opts)
    assert d.verdict == "proved"


@pytest.mark.parametrize("forward,wrt", list(itertools.product(["corr", "conv"],
                                                                ["input", "kernel"])))
def test_duality_all_sizes_every_direction(forward: str, wrt: str) -> None:
    d = prove("duality", scope="all-sizes", forward=forward, wrt=wrt)
    assert (d.verdict, d.scope) == ("proved", "all-sizes")
    text = " ".join(s.why for s in d.steps)
    assert "Kronecker delta" in text and "change the summation variable" in text.lower() or \
        wrt == "kernel"
    if wrt == "input":
        assert ("convolution" if forward == "corr" else "correlation") in text


def test_duality_textbook_steps_in_order() -> None:
    d = prove("duality", scope="all-sizes")
    whys = [s.why.lower() for s in d.steps]
    order = ["forward pass", "upstream gradient", "differentiate", "kronecker delta",
             "delta picks", "change the summation variable", "recognise the convolution",
             "flipped"]
    pos = [next(n for n, w in enumerate(whys) if key in w) for key in order]
    assert pos == sorted(pos)


def test_fallback_without_shapes_is_undecided_not_proved() -> None:
    """Where the all-sizes engine cannot go, a check at default shapes is evidence, not a
    proof: undecided (exit 3); with the user's shapes it is an exact instance result."""
    d = prove("flip", scope="all-sizes", padding=1, padding_mode="circular")
    assert (d.verdict, d.scope, d.exit_code) == ("undecided", "all-sizes", 3)
    assert "default shapes" in d.notes[0] and "undecided" in d.notes[0]
    d = prove("flip", scope="all-sizes", padding=1, padding_mode="circular", image="7",
              kernel="3")
    assert (d.verdict, d.scope) == ("proved", "instance")
    assert "all-sizes scope was asked for" in d.notes[0]


def test_duality_with_groups_all_sizes() -> None:
    d = prove("duality", scope="all-sizes", layer=True, groups=2)
    assert (d.verdict, d.scope) == ("proved", "all-sizes")
    assert any("division algorithm" in n for n in d.notes)


def test_symmetric_with_values() -> None:
    # The thread's typo [-1, 2, 1] is not symmetric: a concrete x where they differ.
    d = prove("symmetric", h="-1,2,1")
    assert d.verdict == "refuted"
    cex = d.counterexample
    x = np.array(cex["values"]["x"])
    h = np.array(cex["values"]["h"])
    conv, corr = np.convolve(x, h), np.correlate(np.pad(x, 2), h, mode="valid")
    assert not np.array_equal(conv, corr)
    assert cex["left"] != cex["right"]
    assert prove("symmetric", h="-1,2,-1").verdict == "proved"


# -- the symbolic twin of ops._axis -------------------------------------------------------------
def _subs(ax, n, k, s, d, a, b, pl=0, pr=0):
    S = syms()
    sub = {S["N"]: n, S["K"]: k, S["s"]: s, S["d"]: d, S["alpha"]: a, S["beta"]: b,
           S["pl"]: pl, S["pr"]: pr}
    return tuple(int(v.subs(sub)) if hasattr(v, "subs") else int(v)
                 for v in (ax.S, ax.C, ax.m_lo, ax.m_hi))


@pytest.mark.parametrize("op", ["conv", "corr", "corr-reflected"])
@pytest.mark.parametrize("family", ["full", "valid", "same", "padding"])
def test_symbolic_axis_matches_the_core(op: str, family: str) -> None:
    rng = np.random.default_rng(7)
    for _ in range(25):
        n, k = int(rng.integers(1, 12)), int(rng.integers(1, 5))
        s, d = int(rng.integers(1, 4)), int(rng.integers(1, 3))
        pl, pr = int(rng.integers(0, 3)), int(rng.integers(0, 3))
        origin = tuple(int(v) for v in rng.integers(-2, 3, size=1))
        korigin = tuple(int(v) for v in rng.integers(-2, 3, size=1))
        if family == "valid" and n < d * (k - 1) + 1:
            continue
        from symconv.index.signal import Signal

        img = Signal("x", (n,), (-origin[0],), entries=None)
        ker = Signal("h", (k,), (-korigin[0],), entries=None)
        kw = dict(padding=f"{pl}:{pr}", origin="corner") if family == "padding" else \
            dict(mode=family)
        try:
            o = operation(op, img, ker, stride=s, dilation=d, **kw)
        except InputError:
            continue
        f = o.relation.factors[0]
        sym = sym_axis(op, family, out_origin="corner")
        got = _subs(sym, n, k, s, d, origin[0], korigin[0], pl, pr)
        want = (f.stride, f.offset, f.out_lo, f.out_lo + f.out_count - 1)
        assert got == want, (op, family, n, k, s, d, pl, pr, origin, korigin)


def test_prove_same_fails_on_a_wrong_relation() -> None:
    # The engine must be able to say no: conv against unflipped corr.
    a = SymSet.of(sym_axis("conv", "full"))
    b = SymSet.of(sym_axis("corr", "full"))
    with pytest.raises(Beyond):
        prove_same(a, b, "conv", "corr")
    S = syms()
    assert not is_zero(S["N"] - S["K"])


def test_instance_check_can_fail() -> None:
    reg = pa.Registry()
    x = reg.add("x", (-3,), (7,))
    h = reg.add("h", (-1,), (3,))
    conv = pa.bilinear("conv", pa.leaf(x), pa.leaf(h), reg)
    corr = pa.bilinear("corr", pa.leaf(x), pa.leaf(h), reg)
    d = decide_pairs("t", "t", "a", "a", [], [(conv, corr, "conv vs corr")], reg, [])
    assert d.verdict == "refuted" and d.counterexample["left"] != d.counterexample["right"]


# -- sizes --------------------------------------------------------------------------------------
def test_size_formulas_match_the_core_and_torch_formula() -> None:
    for n, k, s, d, p in itertools.product(range(1, 10), range(1, 5), range(1, 4), range(1, 3),
                                           range(0, 3)):
        if n + 2 * p < d * (k - 1) + 1:
            continue
        f = size_formulas(n, k, s, d, p, p)
        o = operation("corr", n, k, padding=p, stride=s, dilation=d, origin="corner")
        assert f["padding"] == f["torch"] == f["arith"] == o.relation.out_shape[0]
        a = (n + 2 * p - d * (k - 1) - 1) % s
        assert transposed_size(f["padding"], k, s, p, d, a) == n
        if s == 1:
            for mode in ("full", "same") + (("valid",) if n >= d * (k - 1) + 1 else ()):
                o = operation("corr", n, k, mode=mode, dilation=d)
                assert o.relation.out_shape[0] == f[mode]


def test_sizes_against_torch_shapes(torch) -> None:
    F = torch.nn.functional
    for n, k, s, d, p in [(7, 3, 2, 1, 1), (10, 4, 3, 2, 2), (5, 5, 1, 1, 0), (9, 2, 2, 3, 3)]:
        x = torch.zeros(1, 1, n)
        w = torch.zeros(1, 1, k)
        m = F.conv1d(x, w, stride=s, padding=p, dilation=d).shape[-1]
        assert m == size_formulas(n, k, s, d, p, p)["padding"]
        a = (n + 2 * p - d * (k - 1) - 1) % s
        back = F.conv_transpose1d(torch.zeros(1, 1, m), w, stride=s, padding=p, dilation=d,
                                  output_padding=a).shape[-1]
        assert back == transposed_size(m, k, s, p, d, a) == n


# -- LaTeX that latex2mathml converts -------------------------------------------------------------
def _all_derivations():
    for name in NAMES:
        yield prove(name, scope="all-sizes")
        yield prove(name, **instance_kwargs(name, "5x5", "3x3"))
    yield prove("duality", scope="all-sizes", forward="conv", wrt="kernel")
    yield prove("duality", image="8", kernel="3", stride=2, padding=1, origin="corner")
    yield prove("symmetric", h="-1,2,1")
    from symconv.proof.claims import prove_claim

    yield prove_claim("grad(corr(x, h, mode='valid'), x, g) == conv(g, h)[-m]")
    yield prove_claim("corr_reflected(x, h) == conj(corr(x, h))")


def test_latex_converts_to_mathml() -> None:
    l2m = pytest.importorskip("latex2mathml.converter")
    for d in _all_derivations():
        for latex in [d.claim_latex] + [s.latex for s in d.steps if s.latex]:
            assert "aligned" not in latex and "\\color{" not in latex
            mathml = l2m.convert(latex)
            ET.fromstring(mathml)
            assert "\\" not in mathml, latex


# -- CLI -------------------------------------------------------------------------------------------
def test_cli_theorem_json(cli) -> None:
    r = cli("prove", "flip", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["verdict"] == "proved" and data["scope"] == "all-sizes"
    assert data["counterexample"] is None
    assert all(set(s) >= {"latex", "why"} for s in data["steps"])


def test_cli_instance_text(cli) -> None:
    r = cli("prove", "duality", "--image", "8x8", "--kernel", "3x3", "--stride", "2",
            "--padding", "1", "--origin", "corner")
    assert r.code == 0, r.err
    assert "verdict: PROVED   scope: instance" in r.out


def test_cli_layer_groups(cli) -> None:
    r = cli("prove", "duality", "--layer", "--image", "4x6x6", "--kernel", "6x2x3x3",
            "--groups", "2", "--stride", "2", "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["scope"] == "instance"


def test_cli_refuted_exit_1(cli) -> None:
    r = cli("prove", "symmetric", "--h", "-1,2,1", "--format", "json")
    assert r.code == 1
    assert json.loads(r.out)["counterexample"]["output"]


def test_cli_output_file(cli, tmp_path) -> None:
    path = tmp_path / "flip.json"
    r = cli("prove", "reflection", "--format", "json", "-o", str(path))
    assert r.code == 0 and r.out == ""
    assert json.loads(path.read_text())["verdict"] == "proved"


@pytest.mark.parametrize("argv", [
    ("prove",), ("prove", "flip", "--claim", "conv(x,h)==conv(h,x)"),
    ("prove", "flip", "--image", "7", "--kernel", "3x3"),
    ("prove", "duality", "--image", "0", "--kernel", "3"),
    ("prove", "flip", "--layer", "--image", "2x7", "--kernel", "2x2x3"),
], ids=["nothing", "both", "axes-mismatch", "zero-size", "layer-on-flip"])
def test_cli_bad_input_exit_2(cli, argv) -> None:
    r = cli(*argv)
    assert r.code == 2
    assert "Traceback" not in r.err and r.err.strip()


def test_deterministic_output(cli) -> None:
    a = cli("prove", "duality", "--format", "json").out
    b = cli("prove", "duality", "--format", "json").out
    assert a == b


def test_registry_is_the_package_and_feeds_the_cli() -> None:
    """Every module of symconv.proof.theorems is a registered theorem with a TITLE and an
    instance proof, and the CLI's THEOREM choices and help are the registry's names."""
    import argparse
    import importlib
    import pkgutil

    import symconv
    import symconv.proof.theorems as registry
    from symconv.cli import build_parser

    modules = [m.name for m in pkgutil.iter_modules(registry.__path__)
               if not m.name.startswith("_")]
    assert modules, "no theorem module found"
    assert registry.NAMES == tuple(sorted(m.replace("_", "-") for m in modules))
    assert list(THEOREMS) == list(registry.NAMES) and symconv.THEOREMS == THEOREMS
    for m in modules:
        mod = importlib.import_module(f"symconv.proof.theorems.{m}")
        name = m.replace("_", "-")
        assert isinstance(mod.TITLE, str) and mod.TITLE and "\n" not in mod.TITLE
        assert THEOREMS[name] == mod.TITLE
        assert callable(mod.instance)
        assert getattr(mod, "all_sizes", None) is None or callable(mod.all_sizes)
        assert registry.theorem_module(name) is mod
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    prove_parser = sub.choices["prove"]
    (theorem,) = [a for a in prove_parser._actions if a.dest == "theorem"]
    assert tuple(theorem.choices) == registry.NAMES
    for text in (theorem.help, prove_parser.description):
        assert ", ".join(registry.NAMES) in text


def test_registry_discovers_a_new_module(tmp_path) -> None:
    from symconv.proof.theorems import discover

    (tmp_path / "receptive_field.py").write_text("TITLE = 'x'\n")
    (tmp_path / "_helpers.py").write_text("")
    assert discover([str(tmp_path)]) == ("receptive-field",)


def test_unknown_theorem_is_an_input_error() -> None:
    with pytest.raises(InputError, match="bad theorem 'nope': use associativity, commutative"):
        prove("nope")


def test_options_defaults() -> None:
    assert Options().op_kwargs() == {}


def test_symmetrize_is_a_real_check() -> None:
    from symconv.proof.theorems.symmetric import symmetrize

    inst = Inst.make(Options(image="6", kernel="3"))
    reg = inst.reg
    conv = pa.bilinear("conv", pa.leaf(inst.x), pa.leaf(inst.h), reg)
    corr = pa.bilinear("corr", pa.leaf(inst.x), pa.leaf(inst.h), reg)
    assert not pa.compare(conv, corr, reg).equal
    assert pa.compare(symmetrize(conv, reg, inst), symmetrize(corr, reg, inst), reg).equal
    assert not pa.compare(symmetrize(conv, reg, inst), corr, reg).equal


@pytest.mark.parametrize("h, mode, verdict, conditions", [
    ("5,0,0", None, "proved", "h[1] = 0; h[2] = 0"),
    ("1,2,1", None, "refuted", "h[1] = 0; h[2] = 0"),
    ("-1,2,1", "valid", "refuted", "h[0] = 0; h[1] = 0; h[2] = 0"),
])
def test_symmetric_corner_origin_entry_zero_is_an_entry(cli, h: str, mode: str | None,
                                                        verdict: str, conditions: str) -> None:
    """Regression: under the corner origin h[0] is a real entry; it was mistaken for 'no
    entry' (the value 0), so the conditions and the broken one were misreported."""
    import numpy as np

    argv = ["prove", "symmetric", "--image", "5", "--kernel", "3", "--origin", "corner",
            f"--h={h}", "--format", "json"] + (["--mode", mode] if mode else [])
    run = cli(*argv)
    d = json.loads(run.out)
    assert d["verdict"] == verdict and run.code == (0 if verdict == "proved" else 1)
    assert any(s.get("text") == f"conditions: {conditions}" for s in d["steps"]), d["steps"]
    if verdict == "refuted":
        cex = d["counterexample"]
        x, hv = np.array(cex["values"]["x"]), np.array(cex["values"]["h"])
        # NumPy as the independent reference, as indexed signals (corner origin): full conv
        # at natural indices 0..6, full corr at -2..4; 'valid' keeps conv 2..4, corr 0..2.
        conv = dict(zip(range(0, 7), np.convolve(x, hv).tolist(), strict=True))
        corr = dict(zip(range(-2, 5), np.correlate(x, hv, "full").tolist(), strict=True))
        if mode == "valid":
            conv = {m: v for m, v in conv.items() if 2 <= m <= 4}
            corr = {m: v for m, v in corr.items() if 0 <= m <= 2}
        lo = cex["output_lo"][0]
        span = range(lo, lo + len(cex["conv"]))
        assert cex["conv"] == [conv.get(m, 0) for m in span]
        assert cex["corr"] == [corr.get(m, 0) for m in span]
        at = cex["output"][0]
        assert conv.get(at, 0) == cex["left"] != cex["right"] == corr.get(at, 0)


@pytest.mark.parametrize(("argv", "fragment"), [
    (["flip", "--dilation", "-1"], "dilation"), (["sizes", "--stride", "0"], "stride"),
    (["duality", "--stride", "-2"], "stride"), (["flip", "--padding", "-3"], "negative"),
    (["flip", "--dims", "-1"], "--dims"), (["flip", "--dims", "50"], "--dims"),
    (["flip", "--wrt", "kernel"], "does not apply"), (["duality", "--h", "1,2"],
                                                       "does not apply"),
    (["flip", "--mode", "same", "--padding", "1"], "not both"),
    (["flip", "--where", "N >= K"], "--where applies to --claim"),
    (["flip", "--groups", "0"], "groups")])
def test_theorem_options_validated(cli, argv: list[str], fragment: str) -> None:
    r = cli("prove", *argv)
    assert r.code == 2 and fragment in r.err, (r.code, r.err)
    assert len(r.err.strip().splitlines()) == 1


def test_symmetric_with_padding_is_not_proved_for_all_sizes() -> None:
    """The all-sizes proof is about natural indices: with PyTorch's padding the condition
    is where the window puts the kernel (h = [1, 2, 1] with corner indices makes conv = corr
    although h[k] != h[-k]), so no all-sizes PROVED; with corner indices it is refuted."""
    d = prove("symmetric", padding=1)
    assert d.verdict != "proved"
    d = prove("symmetric", padding=1, origin="corner")
    assert d.verdict == "refuted"


def test_commutative_with_padding_is_refuted_not_bad_input() -> None:
    d = prove("commutative", padding=1)
    assert d.verdict == "refuted" and d.counterexample is not None


def test_theorem_falls_back_to_the_claim_engine() -> None:
    d = prove("commutative", mode="valid")  # SciPy's 'valid' swaps: conv still commutes
    assert (d.verdict, d.scope) == ("proved", "all-sizes")
    assert "claim engine" in d.notes[0]


def test_symmetric_with_stride_finds_a_separating_impulse() -> None:
    """With stride 2 the centre impulse's difference can fall between the outputs kept; the
    'only if' example then tries other impulses (found by the CLI fuzz test)."""
    from symconv.proof.theorems import prove

    d = prove("symmetric", stride=2, image="5")
    assert d.verdict in ("undecided", "proved") and any("impulse" in s.why for s in d.steps)
