"""Claims: true ones proved, false ones refuted with counterexamples that really differ.

Every refutation is re-checked with an independent reference: the claim's tree (from the
grammar) is evaluated numerically with SciPy (convolve/correlate with their own mode
windows), PyTorch (conv_transpose1d) and finite differences for ``grad`` -- not with
symconv's relation -- at the counterexample's values, and the two sides must differ at the
reported output with the reported values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from conftest import need_module

from symconv.errors import FormulaError
from symconv.proof.claims import (
    Binary,
    Call,
    Indexed,
    Name,
    Num,
    Unary,
    parse_claim,
    prove_claim,
    theorem_form,
)

scipy_signal = pytest.importorskip("scipy.signal")


# -- the independent reference ------------------------------------------------------------------
@dataclass
class Sig:
    """A finitely supported signal: values on the box starting at ``lo``."""

    lo: tuple[int, ...]
    arr: np.ndarray

    def at(self, idx: tuple[int, ...]) -> Any:
        pos = tuple(i - a for i, a in zip(idx, self.lo, strict=True))
        if any(p < 0 or p >= n for p, n in zip(pos, self.arr.shape, strict=True)):
            return 0
        return self.arr[pos]


def _per_axis(v: Any, n: int) -> tuple[int, ...]:
    if isinstance(v, tuple):
        return v if len(v) == n else v * n
    return (int(v),) * n


def _dilate(s: Sig, f: tuple[int, ...]) -> Sig:
    shape = tuple((n - 1) * k + 1 for n, k in zip(s.arr.shape, f, strict=True))
    out = np.zeros(shape, dtype=s.arr.dtype)
    out[tuple(slice(None, None, k) for k in f)] = s.arr
    return Sig(tuple(a * k for a, k in zip(s.lo, f, strict=True)), out)


def _flip(s: Sig, axes: tuple[bool, ...] | None = None) -> Sig:
    axes = axes or (True,) * s.arr.ndim
    sl = tuple(slice(None, None, -1) if a else slice(None) for a in axes)
    lo = tuple(-(a + n - 1) if f else a
               for a, n, f in zip(s.lo, s.arr.shape, axes, strict=True))
    return Sig(lo, s.arr[sl])


def _ref_op(fn: str, a: Sig, b: Sig, kw: dict[str, Any]) -> Sig:
    nd = a.arr.ndim
    mode = kw.get("mode", "full")
    d = _per_axis(kw.get("dilation", 1), nd)
    s = _per_axis(kw.get("stride", 1), nd)
    bd = _dilate(b, d)
    if fn == "conv":
        arr = scipy_signal.convolve(a.arr, bd.arr, mode=mode, method="direct")
        full_lo = [x + y for x, y in zip(a.lo, bd.lo, strict=True)]
    else:
        # SciPy: z[k] = sum_l a[l+k] conj(b[l]); the natural (unconjugated) correlation
        # y[m] = sum_i a[i] b[i-m] is SciPy's correlate of a with conj(b)
        bb = bd.arr if kw.get("conjugate") else np.conj(bd.arr)
        arr = scipy_signal.correlate(a.arr, bb, mode=mode, method="direct")
        full_lo = [x - (y + n - 1) for x, y, n in zip(a.lo, bd.lo, bd.arr.shape, strict=True)]
    n_img, n_ker = a.arr.shape, bd.arr.shape
    if mode == "valid":
        lo = [f + min(n, k) - 1 for f, n, k in zip(full_lo, n_img, n_ker, strict=True)]
    elif mode == "same":
        lo = [f + (k - 1) // 2 for f, k in zip(full_lo, n_ker, strict=True)]
    else:
        lo = full_lo
    out = Sig(tuple(lo), arr)
    if any(v != 1 for v in s):  # natural outputs: y_s[m] = y[s m]
        new_lo = tuple(-((-a_) // k) for a_, k in zip(out.lo, s, strict=True))
        sl = tuple(slice(nl * k - a_, None, k)
                   for nl, k, a_ in zip(new_lo, s, out.lo, strict=True))
        out = Sig(new_lo, out.arr[sl])
    if fn == "corr_reflected":
        out = _flip(out)
    return out


def _binary(op: str, a: Sig, b: Sig) -> Sig:
    if a.arr.ndim == 0 or b.arr.ndim == 0:
        fa, fb = a.arr, b.arr
        if op == "*":
            return Sig(a.lo or b.lo, fa * fb)
        return Sig(a.lo or b.lo, fa + fb if op == "+" else fa - fb)
    lo = tuple(min(x, y) for x, y in zip(a.lo, b.lo, strict=True))
    hi = tuple(max(x + n, y + m) - 1 for x, n, y, m in
               zip(a.lo, a.arr.shape, b.lo, b.arr.shape, strict=True))
    shape = tuple(h - lw + 1 for lw, h in zip(lo, hi, strict=True))
    out = np.zeros(shape, dtype=np.result_type(a.arr, b.arr))
    ea, eb = out.copy(), out.copy()
    for e, s in ((ea, a), (eb, b)):
        e[tuple(slice(x - lw, x - lw + n) for x, lw, n in
                zip(s.lo, lo, s.arr.shape, strict=True))] = s.arr
    res = ea * eb if op == "*" else (ea + eb if op == "+" else ea - eb)
    return Sig(lo, res)


def ref_eval(n: Any, env: dict[str, Sig]) -> Sig:
    if isinstance(n, Name):
        return env[n.name]
    if isinstance(n, Num):
        return Sig((), np.array(n.value))
    if isinstance(n, Unary):
        s = ref_eval(n.arg, env)
        return Sig(s.lo, -s.arr)
    if isinstance(n, Binary):
        return _binary(n.op, ref_eval(n.left, env), ref_eval(n.right, env))
    if isinstance(n, Indexed):
        return _flip(ref_eval(n.arg, env), n.signs)
    assert isinstance(n, Call)
    kw = dict(n.kwargs)
    if n.fn in ("conv", "corr", "corr_reflected"):
        return _ref_op(n.fn, ref_eval(n.args[0], env), ref_eval(n.args[1], env), kw)
    if n.fn == "flip":
        return _flip(ref_eval(n.args[0], env))
    if n.fn == "conj":
        s = ref_eval(n.args[0], env)
        return Sig(s.lo, np.conj(s.arr))
    if n.fn == "dilate":
        s = ref_eval(n.args[0], env)
        return _dilate(s, (n.args[1].value,) * s.arr.ndim)
    if n.fn == "sum":
        return Sig((), np.array(ref_eval(n.args[0], env).arr.sum()))
    if n.fn == "conv_transpose":
        torch = need_module("torch")

        g, h = ref_eval(n.args[0], env), ref_eval(n.args[1], env)
        s = kw.get("stride", 1)
        p = kw.get("padding", 0)
        d = kw.get("dilation", 1)
        a = kw.get("output_padding", 0)
        out = torch.nn.functional.conv_transpose1d(
            torch.tensor(g.arr, dtype=torch.float64)[None, None],
            torch.tensor(h.arr, dtype=torch.float64)[None, None], stride=s, padding=p,
            dilation=d, output_padding=a)[0, 0].numpy()
        return Sig((s * g.lo[0] + d * h.lo[0],), np.rint(out).astype(np.int64))
    # grad by central differences (exact for polynomials of degree <= 2 in that array)
    wrt = n.args[1].name
    if len(n.args) == 3:
        gname = n.args[2].name

        def loss(e: dict[str, Sig]) -> Any:
            y = ref_eval(n.args[0], e)
            return _binary("*", e[gname], y).arr.sum()
    else:
        def loss(e: dict[str, Sig]) -> Any:
            return ref_eval(n.args[0], e).arr.sum()
    base = env[wrt]
    out = np.zeros(base.arr.shape, dtype=complex)
    for pos in np.ndindex(*base.arr.shape):
        up, dn = base.arr.astype(complex).copy(), base.arr.astype(complex).copy()
        up[pos] += 1
        dn[pos] -= 1
        out[pos] = (loss({**env, wrt: Sig(base.lo, up)})
                    - loss({**env, wrt: Sig(base.lo, dn)})) / 2
    return Sig(base.lo, out)


def _value(v: Any) -> complex:
    return complex(v["re"], v["im"]) if isinstance(v, dict) else complex(v)


def recheck(text: str, cex: dict[str, Any]) -> tuple[complex, complex]:
    claim = parse_claim(text)
    env = {name: Sig(tuple(cex["lo"][name]),
                     np.array([[_value(v) for v in row] for row in vals])
                     if vals and isinstance(vals[0], list) else
                     np.array([_value(v) for v in vals]))
           for name, vals in cex["values"].items()}
    for name, vals in cex.get("fixed", {}).items():
        env[name] = Sig(tuple(cex["lo"][name]), np.array(vals))
    for k, s in env.items():
        if np.all(s.arr.imag == 0):
            env[k] = Sig(s.lo, s.arr.real.astype(np.int64))
    left, right = ref_eval(claim.left, env), ref_eval(claim.right, env)
    if cex.get("compare") == "positions":
        left = Sig((0,) * left.arr.ndim, left.arr)
        right = Sig((0,) * right.arr.ndim, right.arr)
    idx = tuple(cex["output"])
    lv = complex(left.at(idx) if left.arr.ndim else left.arr)
    rv = complex(right.at(idx) if right.arr.ndim else right.arr)
    return lv, rv


# -- tables ---------------------------------------------------------------------------------------
TRUE_CLAIMS = [
    "conv(x, h) == corr(x, flip(h))",
    "corr(x, h) == conv(x, flip(h))",
    "conv(x, h) == conv(h, x)",
    "corr(x, h) == flip(corr(h, x))",
    "corr(x, h) == corr(h, x)[-m]",
    "corr_reflected(x, h) == corr(x, h)[-m]",
    "corr_reflected(x, h) == corr(h, x)",
    "flip(conv(x, h)) == corr(flip(x), h)",
    "conv(x, h, mode=same) == corr(x, flip(h), mode=same)",
    "conv(x, h, mode='valid') == corr(x, flip(h), mode='valid')",
    "corr(x, h, dilation=2) == corr(x, dilate(h, 2))",
    "conv(x, h, stride=2, dilation=2) == corr(x, flip(h), stride=2, dilation=2)",
    "conv_transpose(g, h, stride=2) == conv(dilate(g, 2), h)",
    "conv_transpose(g, h, stride=3, dilation=2) == corr(dilate(g, 3), flip(dilate(h, 2)))",
    "grad(corr(x, h), x, g) == conv(g, h, mode=valid)",
    "grad(sum(g * corr(x, h)), h) == corr(x, g, mode=valid)",
    "sum(conv(x, h)) == sum(x) * sum(h)",
    "corr(x, h, conjugate=true) == corr(x, conj(h))",
    "2 * conv(x, h) == conv(x, h) + corr(x, flip(h))",
    "-conv(x, h) == conv(-x, h)",
    "grad(sum(conv(x, x)), x) == grad(sum(x) * sum(x), x)",
]

FALSE_CLAIMS = [
    pytest.param("conv(x, h) == corr(x, h)", id="conv-is-not-corr"),
    pytest.param("corr(x, h) == conv(x, h)", id="corr-is-not-conv"),
    pytest.param("conv(x, h) == -corr(x, h)", id="thread-negation"),
    pytest.param("corr(x, h) == -conv(x, h)", id="thread-negation-2"),
    pytest.param("conv(x, h) == corr(x, h)[-m]", id="reflect-output-not-kernel"),
    pytest.param("conv(x, h) == flip(corr(x, h))", id="flip-the-output"),
    pytest.param("corr(x, h) == corr(h, x)", id="corr-commutes"),
    pytest.param("corr(x, h) == corr_reflected(x, h)", id="article-form-is-usual"),
    pytest.param("corr_reflected(x, h) == conv(x, h)", id="article-form-is-conv"),
    pytest.param("conv(x, flip(h)) == conv(x, h)", id="flip-twice-missing"),
    pytest.param("conv(x, h) == corr(flip(x), h)", id="flip-the-image"),
    pytest.param("conv(x, h, mode=valid) == conv(x, h)", id="valid-is-full"),
    pytest.param("conv(x, h, mode=same) == conv(x, h, mode=valid)", id="same-is-valid"),
    pytest.param("corr(x, h, mode=valid) == corr(x, h, mode=same)", id="valid-is-same"),
    pytest.param("grad(corr(x, h, mode=valid), x, g) == corr(g, h, mode=full)",
                 id="backward-is-corr"),
    pytest.param("grad(corr(x, h, mode=valid), x, g) == conv(g, flip(h), mode=full)",
                 id="backward-flips-twice"),
    pytest.param("grad(corr(x, h, mode=valid), x, g) == conv(g, h, mode=valid)",
                 id="backward-wrong-mode"),
    pytest.param("grad(corr(x, h, mode=valid), x, g) == conv(g, h, mode=same)",
                 id="backward-same-mode"),
    pytest.param("grad(conv(x, h, mode=valid), x, g) == conv(g, h, mode=full)",
                 id="conv-forward-conv-backward"),
    pytest.param("grad(corr(x, h, mode=valid), h, g) == conv(x, g, mode=valid)",
                 id="kernel-grad-is-conv"),
    pytest.param("grad(corr(x, h), h, g) == corr(g, x)", id="kernel-grad-roles-swapped"),
    pytest.param("grad(corr(x, h, stride=2), x, g) == conv(g, h)", id="stride-ignored"),
    pytest.param("grad(corr(x, h, stride=2), x, g) == conv(dilate(g, 2), flip(h))",
                 id="strided-backward-flipped"),
    pytest.param("conv_transpose(g, h, stride=2) == corr(dilate(g, 2), h)",
                 id="transposed-kernel-not-flipped"),
    pytest.param("conv_transpose(g, h, stride=2) == conv(dilate(g, 3), h)",
                 id="transposed-wrong-stride"),
    pytest.param("conv_transpose(g, h, stride=2) == dilate(conv(g, h), 2)",
                 id="dilate-output-not-input"),
    pytest.param("conv_transpose(g, h, stride=2, padding=1) == conv(dilate(g, 2), h)",
                 id="transposed-padding-origin"),
    pytest.param("corr(x, h, conjugate=true) == corr(x, h)", id="missing-conjugation"),
    pytest.param("corr(x, h, conjugate=true) == conj(corr(x, h))", id="conjugate-both"),
    pytest.param("conv(conj(x), h) == conj(conv(x, h))", id="conjugate-one-factor"),
    pytest.param("corr(x, h, stride=2) == corr(x, h)", id="stride-dropped"),
    pytest.param("corr(x, h, dilation=2) == corr(x, h, stride=2)", id="dilation-is-stride"),
    pytest.param("corr(x, h, dilation=2) == dilate(corr(x, h), 2)", id="dilate-the-output"),
    pytest.param("conv(x, h) == conv(x, h)[-m]", id="conv-symmetric-output"),
    pytest.param("sum(g * conv(x, h)) == sum(g * corr(x, h))", id="loss-conv-vs-corr"),
    pytest.param("grad(sum(g * corr(x, h)), x) == conv(g, h)[-m]", id="grad-reflected"),
    pytest.param("flip(conv(x, h)) == conv(x, h)", id="conv-output-symmetric"),
    pytest.param("corr(x, h) == flip(corr(x, h))", id="corr-output-symmetric"),
    pytest.param("corr(x, h) == flip(corr(flip(h), x))", id="corr-is-conv-in-disguise"),
    pytest.param("2 * conv(x, h) == conv(x, h) + corr(x, h)", id="average-of-both"),
    pytest.param("conv(x, h) == conv(x, h, dilation=2)", id="dilation-ignored"),
    pytest.param("conv(x, h, mode=same) == conv(h, x, mode=same)", id="same-centre-origin"),
    pytest.param("conv(x, h, mode=same) == corr(x, flip(h), mode=valid)",
                 id="same-vs-valid-flip"),
    pytest.param("conv(x, h, stride=2) == corr(x, flip(h), stride=2)[-m]",
                 id="strided-reflected"),
]

FALSE_2D = [
    pytest.param("conv(x, h) == corr(x, h[-m, n])", id="2d-flip-one-axis"),
    pytest.param("conv(x, h) == corr(x, h)", id="2d-conv-is-corr"),
    pytest.param("conv(x, h) == corr(x, h[m, -n])", id="2d-flip-other-axis"),
    pytest.param("corr(x, h) == corr(h, x)", id="2d-corr-commutes"),
]


@pytest.mark.parametrize("text", TRUE_CLAIMS)
def test_true_claims_are_proved(text: str) -> None:
    d = prove_claim(text)
    assert d.verdict == "proved", d.notes
    if theorem_form(parse_claim(text)) is None:
        assert d.scope == "instance"  # a family of shapes is not all sizes
        assert "not a proof for every size" in d.notes[0]
    else:  # the claim is a named theorem, proved for all sizes
        assert d.scope == "all-sizes" and "is the theorem" in d.notes[0]


def _check_refuted(text: str, dims: int = 1) -> None:
    d = prove_claim(text, dims=dims)
    assert d.verdict == "refuted"
    cex = d.counterexample
    lv, rv = recheck(text, cex)
    assert lv != rv, (text, cex)
    assert lv == _value(cex["left"]) and rv == _value(cex["right"]), (lv, rv, cex)


@pytest.mark.parametrize("text", FALSE_CLAIMS)
def test_false_claims_are_refuted_with_a_real_difference(text: str) -> None:
    _check_refuted(text)


@pytest.mark.parametrize("text", FALSE_2D)
def test_false_2d_claims(text: str) -> None:
    _check_refuted(text, dims=2)


def test_table_size() -> None:
    assert len(FALSE_CLAIMS) + len(FALSE_2D) >= 40


def test_given_shapes_and_smallest_counterexample() -> None:
    d = prove_claim("conv(x, h) == corr(x, h)", image="7", kernel="3")
    assert d.verdict == "refuted"
    # the smallest shapes within the given ones where the sides differ
    assert d.counterexample["image"] == [1] and d.counterexample["kernel"] == [2]


def test_thread_claim_notes_kernel_larger_case() -> None:
    d = prove_claim("grad(corr(x, h, mode=valid), x, g) == conv(g, h, mode=full)")
    assert d.verdict == "refuted"
    assert any("image at least as large as the kernel" in n for n in d.notes)
    assert prove_claim("grad(corr(x, h, mode=valid), x, g) == conv(g, h, mode=full)",
                       image="7", kernel="3").verdict == "proved"


def test_corner_origin() -> None:
    d = prove_claim("corr(x, h, padding=1, stride=2) == corr(x, flip(flip(h)), padding=1, "
                    "stride=2)", image="8", kernel="3", origin="corner")
    assert d.verdict == "proved"


# -- grammar errors -------------------------------------------------------------------------------
BAD = [
    pytest.param("conv(x, h) = corr(x, h)", 11, id="single-equals"),
    pytest.param("conv(x,, h) == corr(x, h)", 7, id="double-comma"),
    pytest.param("conv(x, h) ==", 13, id="missing-rhs"),
    pytest.param("conv(x h) == x", 7, id="missing-comma"),
    pytest.param("foo(x) == x", 0, id="unknown-function"),
    pytest.param("conv(x, h) == corr(x, h))", 24, id="extra-paren"),
    pytest.param("conv(x, h, mode=) == x", 16, id="empty-keyword"),
    pytest.param("conv(x, h) == $x", 14, id="bad-character"),
    pytest.param("conv == x", 0, id="function-as-name"),
    pytest.param("x[-m, -m] == x", 6, id="repeated-index"),
    pytest.param("conv(x, h, mode=full, mode=same) == x", 22, id="repeated-keyword"),
]


@pytest.mark.parametrize("text,col", BAD)
def test_syntax_errors_point_at_the_column(text: str, col: int) -> None:
    with pytest.raises(FormulaError) as exc:
        parse_claim(text)
    assert exc.value.column == col
    assert "^" in str(exc.value)


@pytest.mark.parametrize("text", [
    "conv(x) == x", "conv(x, h, size=2) == x", "grad(conv(x, h), x) == x",
    "dilate(x, 0) == x", "conv(x, h) == sum(x)"])
def test_semantic_errors(text: str) -> None:
    with pytest.raises(FormulaError):
        prove_claim(text)


def test_never_eval() -> None:
    with pytest.raises(FormulaError):
        parse_claim("__import__('os').system('true') == x")


# -- CLI -------------------------------------------------------------------------------------
def test_cli_claim_proved(cli) -> None:
    r = cli("prove", "--claim", "conv(x, h, mode=same) == corr(x, flip(h), mode=same)",
            "--image", "7x7", "--kernel", "3x3", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert (data["verdict"], data["scope"]) == ("proved", "instance")


def test_cli_claim_refuted(cli) -> None:
    r = cli("prove", "--claim", "conv(x, h) == -corr(x, h)", "--format", "json")
    assert r.code == 1
    cex = json.loads(r.out)["counterexample"]
    assert cex["left"] != cex["right"]


def test_cli_claim_syntax_error(cli) -> None:
    r = cli("prove", "--claim", "conv(x, h) = corr(x, h)")
    assert r.code == 2
    lines = r.err.splitlines()
    assert lines[-1].strip() == "^" and lines[-1].index("^") - 2 == 11


def test_cli_claim_all_sizes_falls_back_honestly(cli) -> None:
    r = cli("prove", "--claim", "conv(x, h, mode=valid) == corr(x, flip(h), mode=valid)",
            "--scope", "all-sizes", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["scope"] == "instance"
    assert "all-sizes scope was asked for" in data["notes"][0]


def test_cli_claim_that_is_a_theorem(cli) -> None:
    r = cli("prove", "--claim", "corr(x, flip(h)) == conv(x, h)", "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["scope"] == "all-sizes"


# -- the thread's numbers: given kernels, arrays compared by position --------------------
THREAD = "conv(x, h, mode=valid) == -corr(x, h, mode=valid)"


@pytest.mark.parametrize("h,compare,verdict", [
    (None, "positions", "refuted"),       # false in general
    ("1,-1", "positions", "proved"),      # the thread: one is the other negated (as arrays)
    ("1,-1", "indices", "refuted"),       # as signals the two outputs sit one index apart
    ("-1,2,1", "positions", "refuted"),   # the typo'd h2
])
def test_thread_negation(h, compare, verdict) -> None:
    d = prove_claim(THREAD, h=h, compare=compare)
    assert d.verdict == verdict
    if verdict == "refuted":
        lv, rv = recheck(THREAD, d.counterexample)
        assert lv != rv and lv == _value(d.counterexample["left"])


@pytest.mark.parametrize("h,verdict", [("-1,2,-1", "proved"), ("-1,2,1", "refuted")])
def test_thread_symmetric_kernel(h, verdict) -> None:
    text = "conv(x, h, mode=valid) == corr(x, h, mode=valid)"
    d = prove_claim(text, h=h, compare="positions")
    assert d.verdict == verdict
    if verdict == "refuted":
        lv, rv = recheck(text, d.counterexample)
        assert lv != rv


def test_thread_cli(cli) -> None:
    r = cli("prove", "--claim", THREAD, "--h", "1,-1", "--compare", "positions")
    assert r.code == 0, r.err
    r = cli("prove", "--claim", THREAD, "--h", "1.5,-1")
    assert r.code == 2 and "integers" in r.err


@pytest.mark.parametrize("text", ["corr(x, h, conjugate=true) == corr(x, h)",
                                  "corr(x, conj(h)) == corr(conj(x), h)"])
def test_complex_counterexample_is_complex_throughout(text) -> None:
    """One JSON rule for numbers (symconv.index.values): with conjugates the values are
    complex, and every value and both sides are {re, im}, also where the imaginary part is 0."""
    cex = prove_claim(text).counterexample

    def entries(v: Any) -> list[Any]:
        return [e for x in v for e in entries(x)] if isinstance(v, list) else [v]

    numbers = [e for arr in cex["values"].values() for e in entries(arr)]
    numbers += [cex["left"], cex["right"]]
    assert all(isinstance(e, dict) and set(e) == {"re", "im"} for e in numbers)
    assert all(isinstance(e["re"], float) and isinstance(e["im"], float) for e in numbers)
    lv, rv = recheck(text, cex)
    assert lv != rv and lv == _value(cex["left"]) and rv == _value(cex["right"])
