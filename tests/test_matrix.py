"""``symconv matrix``: the Toeplitz, circulant and im2col forms and their transposes, equal
to SciPy's ``convolution_matrix`` (1-D), to the Jacobian PyTorch's convolutions give
(every operation and option: columns from impulses, and ``torch.autograd.functional.
jacobian``), and to ``torch.nn.functional.unfold``; sparse at any size."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symconv.app.port import port
from symconv.errors import InputError, LimitError
from symconv.expansion.core import Expansion
from symconv.expansion.matrix import operator_matrix
from symconv.index.request import operation
from tests.conftest import run_cli
from tests.test_port import requests

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


def _with_values(op_name: str, image: str, kernel: str, kw: dict[str, Any],
                 seed: int) -> tuple[Any, np.ndarray, np.ndarray]:
    try:
        shape_op = operation(op_name, image, kernel, **kw)
    except InputError:
        assume(False)
    rng = np.random.default_rng(seed)
    x = rng.integers(-4, 5, size=shape_op.image.shape)
    h = rng.integers(-4, 5, size=shape_op.kernel.shape)
    op = operation(op_name, image, kernel, x=x if x.ndim > 1 else x.tolist(),
                   h=h if h.ndim > 1 else h.tolist(), **kw)
    assume(op.relation.out_count() * op.image.size <= 4000)
    return op, x, h


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("n, k", [(7, 3), (6, 4), (3, 5), (1, 1)])
def test_toeplitz_equals_scipy_convolution_matrix(n: int, k: int, mode: str) -> None:
    from scipy.linalg import convolution_matrix

    h = np.arange(1, k + 1) * np.array([1, -1] * k)[:k]
    op = operation("conv", str(n), str(k), mode=mode, convention="numpy", h=h.tolist())
    m = operator_matrix(Expansion(op), "toeplitz")
    np.testing.assert_array_equal(m.values(), convolution_matrix(h, n, mode))


@SETTINGS
@given(req=requests(), seed=st.integers(0, 999))
def test_toeplitz_is_the_jacobian_of_pytorchs_operation(torch: Any, req: Any,
                                                        seed: int) -> None:
    """Column j of C is the operation applied to the j-th impulse image, computed by
    PyTorch (the port's code); C^T is its transpose.  Every operation, stride, dilation,
    per-side padding, padding mode, groups and the transposed convolution."""
    op, x, h = _with_values(*req, seed)
    m = operator_matrix(Expansion(op), "toeplitz")
    code = port(op, ["torch"]).ports[0].source
    cols = []
    for j in range(op.image.size):
        e = np.zeros(op.image.size)
        e[j] = 1.0
        env: dict[str, Any] = {"x": e.reshape(op.image.shape), "h": h.astype(np.float64)}
        exec(compile(code, "<port>", "exec"), env)  # noqa: S102 - PyTorch's own operation
        cols.append(np.asarray(env["y"]).reshape(-1))
    jac = np.stack(cols, axis=1)
    np.testing.assert_allclose(m.values().astype(np.float64), jac, atol=1e-9)
    t = operator_matrix(Expansion(op), "toeplitz", transpose=True)
    np.testing.assert_array_equal(t.values(), m.values().T)
    # y = C x, and the sparse product without the dense matrix
    y = np.asarray(Expansion(op).values(), dtype=np.int64).reshape(-1)
    np.testing.assert_array_equal(m.values() @ x.reshape(-1), y)
    np.testing.assert_array_equal(m.matvec(x), y)


@pytest.mark.parametrize("kw", [
    dict(padding=1), dict(stride=2, padding="0:1,1:0"), dict(dilation=2, padding=2),
])
def test_toeplitz_equals_autograd_jacobian(torch: Any, kw: dict[str, Any]) -> None:
    import torch.nn.functional as F

    rng = np.random.default_rng(3)
    h = rng.integers(-3, 4, size=(3, 3))
    op = operation("corr", "5x6", "3x3", origin="corner", h=h, **kw)
    pads = [p for lo, hi in reversed(op.padding) for p in (lo, hi)]
    wt = torch.tensor(h, dtype=torch.float64)[None, None]

    def f(xt: Any) -> Any:
        return F.conv2d(F.pad(xt[None, None], pads), wt, stride=op.stride,
                        dilation=op.dilation)[0, 0]

    jac = torch.autograd.functional.jacobian(f, torch.zeros(5, 6, dtype=torch.float64))
    c = operator_matrix(Expansion(op), "toeplitz").values()
    np.testing.assert_array_equal(c, jac.reshape(c.shape).numpy())


@SETTINGS
@given(nd=st.integers(1, 3), c_in=st.integers(1, 3), layer=st.booleans(),
       stride=st.integers(1, 2), dilation=st.integers(1, 2), pad=st.integers(0, 2),
       seed=st.integers(0, 99))
def test_im2col_transposed_equals_unfold(torch: Any, nd: int, c_in: int, layer: bool,
                                         stride: int, dilation: int, pad: int,
                                         seed: int) -> None:
    """P^T is unfold's (C*taps, L) matrix for a correlation with zero padding (unfold
    takes 2-D images: 1-D as one row); y = P vec(h)."""
    import torch.nn.functional as F

    rng = np.random.default_rng(seed)
    sp = tuple(int(v) for v in rng.integers(3, 6, size=nd))
    ks = tuple(int(v) for v in rng.integers(1, 4, size=nd))
    if nd == 3:
        return  # unfold is 2-D only; N-D is covered by the Jacobian test
    image = ((c_in,) if layer else ()) + sp
    kernel = ((2, c_in) if layer else ()) + ks
    x = rng.integers(-4, 5, size=image)
    try:
        op = operation("corr", "x".join(map(str, image)), "x".join(map(str, kernel)),
                       origin="corner", stride=stride, dilation=dilation, padding=pad,
                       layer=layer, x=x if x.ndim > 1 else x.tolist())
    except InputError:
        assume(False)
    p = operator_matrix(Expansion(op), "im2col", transpose=True).values()
    xt = torch.tensor(x, dtype=torch.float64)
    xt = xt[None] if layer else xt[None, None]
    if nd == 1:
        xt = xt[..., None, :]
    one = (1,) if nd == 1 else ()
    u = F.unfold(xt, one + ks, dilation=one + (dilation,) * nd if nd == 1 else dilation,
                 padding=(0, pad) if nd == 1 else pad,
                 stride=one + (stride,) * nd if nd == 1 else stride)[0]
    np.testing.assert_array_equal(p, u.numpy())


@SETTINGS
@given(req=requests(layer=False), seed=st.integers(0, 999))
def test_im2col_times_the_kernel_is_the_output(req: Any, seed: int) -> None:
    op, x, h = _with_values(*req, seed)
    p = operator_matrix(Expansion(op), "im2col")
    hv = np.conj(h) if op.conjugate else h
    y = np.asarray(Expansion(op).values(), dtype=np.int64).reshape(-1)
    np.testing.assert_array_equal(p.values() @ hv.reshape(-1), y)


def test_im2col_with_channels_is_w_times_p_transposed() -> None:
    rng = np.random.default_rng(0)
    x = rng.integers(-3, 4, size=(4, 5, 5))
    h = rng.integers(-3, 4, size=(6, 2, 3, 3))
    op = operation("corr", "4x5x5", "6x2x3x3", layer=True, groups=2, padding=1, x=x, h=h)
    p = operator_matrix(Expansion(op), "im2col").values()  # (25, 4*9)
    w = np.zeros((6, 4 * 9), dtype=np.int64)
    for o in range(6):
        g = o // 3
        for c in range(2):
            w[o, (2 * g + c) * 9:(2 * g + c + 1) * 9] = h[o, c].reshape(-1)
    np.testing.assert_array_equal(w @ p.T, Expansion(op).values().reshape(6, -1))


@pytest.mark.parametrize("shape, kernel", [("8", "3"), ("5", "4"), ("4x5", "3x3"),
                                           ("4x4", "2x2")])
def test_circulant_is_diagonalised_by_the_dft(shape: str, kernel: str) -> None:
    """C x = IDFT(DFT(c) . DFT(x)) with c the first column: the convolution theorem on
    the circulant matrix."""
    rng = np.random.default_rng(1)
    dims = tuple(int(v) for v in shape.split("x"))
    h = rng.integers(-3, 4, size=tuple(int(v) for v in kernel.split("x")))
    x = rng.integers(-3, 4, size=dims)
    op = operation("conv", shape, kernel, padding="same", padding_mode="circular",
                   h=h if h.ndim > 1 else h.tolist())
    c = operator_matrix(Expansion(op), "circulant").values()
    first = c[:, 0].reshape(dims)
    # C's rows are outputs in array order; the circulant's generator is its first column
    # read from the output that pixel 0 feeds with the kernel's first tap
    via_dft = np.real(np.fft.ifftn(np.fft.fftn(first) * np.fft.fftn(x)))
    np.testing.assert_allclose(c @ x.reshape(-1), via_dft.reshape(-1), atol=1e-9)


@pytest.mark.parametrize("kw, words", [
    (dict(padding="same"), "--padding-mode circular"),
    (dict(padding="valid", padding_mode="circular"), "as many outputs as pixels"),
])
def test_circulant_refuses_what_is_not_circulant(kw: dict[str, Any], words: str) -> None:
    op = operation("conv", "6", "3", **kw)
    with pytest.raises(InputError, match=words):
        operator_matrix(Expansion(op), "circulant")


def test_64x64_is_sparse_and_its_product_is_the_output() -> None:
    rng = np.random.default_rng(2)
    x = rng.integers(-4, 5, size=(64, 64))
    h = rng.integers(-4, 5, size=(3, 3))
    op = operation("conv", "64x64", "3x3", mode="same", x=x, h=h)
    m = operator_matrix(Expansion(op), "toeplitz")
    assert m.shape == (4096, 4096) and m.nnz == (64 * 3 - 2) ** 2  # per axis: 3 taps, 2 fall off
    np.testing.assert_array_equal(m.matvec(x), Expansion(op).values().reshape(-1))
    with pytest.raises(LimitError, match="--sparse"):
        m.dense()


def test_json_contract_and_sparse(cli: Any) -> None:
    r = cli("matrix", "conv", "--image", "3", "--kernel", "2", "--h", "1,-1", "--format",
            "json")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert d["form"] == "toeplitz" and d["rows"] == [[-2], [-1], [0], [1]]
    assert d["cols"] == [[-1], [0], [1]] and len(d["entries"]) == 4
    assert d["entries"][0] == ["a", "0", "0"] and d["values"][0] == [1, 0, 0]
    r = cli("matrix", "conv", "--image", "64x64", "--kernel", "3x3", "--mode", "same",
            "--format", "json", "--sparse")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert d["shape"] == [4096, 4096] and len(d["nonzeros"]) == d["nnz"]
    assert "entries" not in d


@pytest.mark.parametrize("argv, words", [
    (["--image", "64x64", "--kernel", "3x3", "--format", "json"], "--sparse"),
    (["--image", "12x12", "--kernel", "3x3", "--format", "latex"], "typeset up to"),
    (["--image", "4", "--kernel", "3", "--format", "latex", "--sparse"], "--sparse applies"),
    (["--image", "4", "--kernel", "3", "--form", "circulant"], "circular"),
])
def test_bad_requests_are_one_line(argv: list[str], words: str) -> None:
    r = run_cli("matrix", "conv", *argv)
    assert r.code == 2 and words in r.err and r.out == ""
    assert len(r.err.strip().splitlines()) == 1


@pytest.mark.parametrize("fmt", ["text", "latex", "beamer", "mathml", "html", "markdown"])
def test_every_format_writes(cli: Any, fmt: str) -> None:
    r = cli("matrix", "corr", "--image", "3x3", "--kernel", "2x2", "--format", fmt)
    assert r.code == 0, r.err
    assert ("a" in r.out) and ("d" in r.out)


def test_text_shows_the_blocks(cli: Any) -> None:
    r = cli("matrix", "conv", "--image", "3x3", "--kernel", "2x2", "--origin", "corner")
    lines = r.out.splitlines()
    assert lines[0].startswith("Toeplitz matrix: 16 x 9, 36 non-zero")
    assert sum(1 for ln in lines if set(ln.strip()) == {"-"}) == 4  # header + 3 block rules
    assert all(ln.count("|") == 2 for ln in lines[4:] if "y[" in ln)


@pytest.mark.parametrize("fmt", ["latex", "beamer", "mathml", "html", "markdown"])
@pytest.mark.parametrize("form, argv", [
    ("toeplitz", ["corr", "--image", "3x3", "--kernel", "2x2"]),
    ("im2col", ["corr", "--image", "4x4", "--kernel", "2x2", "--padding", "1", "--stride",
                "2"]),
    ("circulant", ["conv", "--image", "6", "--kernel", "3", "--padding", "same",
                   "--padding-mode", "circular"]),
])
def test_drawn_matrices(cli: Any, fmt: str, form: str, argv: list[str]) -> None:
    """--drawn: the matrix as a picture (TikZ or SVG), its blocks outlined in 2-D."""
    r = cli("matrix", *argv, "--form", form, "--drawn", "--format", fmt)
    assert r.code == 0, r.err
    assert ("tikzpicture" in r.out) if fmt in ("latex", "beamer") else ("<svg" in r.out)


def test_drawn_blocks_are_outlined_and_large_matrices_refused(cli: Any) -> None:
    from symconv.expansion.figures.tables import matrix_view_drawing
    from symconv.expansion.matrix import matrix_view

    m = operator_matrix(Expansion(operation("corr", "3x3", "2x2")), "toeplitz")
    d = matrix_view_drawing(matrix_view(m))
    outlines = [b for b in d.boxes if b.role == "outline"]
    assert len(outlines) == 4 * 3  # 4 row blocks (image rows of outputs) x 3 column blocks
    r = cli("matrix", "conv", "--image", "5x5", "--kernel", "3x3", "--drawn", "--format",
            "latex")
    assert r.code == 2 and "--drawn" in r.err and r.out == ""
    r = cli("matrix", "conv", "--image", "3", "--kernel", "2", "--drawn")
    assert r.code == 2 and "--drawn applies" in r.err


def test_sizes_are_refused_before_the_matrix_is_built(cli: Any) -> None:
    """A matrix too large to typeset or to write whole is refused from its shape alone, at
    once (no operator of 3 million non-zeros is built first)."""
    import time

    t = time.perf_counter()
    for fmt in ("latex", "json"):
        r = cli("matrix", "conv", "--image", "600x600", "--kernel", "3x3", "--format", fmt)
        assert r.code == 2 and r.out == ""
        assert "362,404 x 360,000" in r.err or "362404 x 360000" in r.err
    assert time.perf_counter() - t < 5


def test_sparse_outputs_are_streamed_and_valid(cli: Any, tmp_path: Any) -> None:
    out = tmp_path / "m.json"
    r = cli("matrix", "corr", "--image", "40x40", "--kernel", "3x3", "--padding", "1",
            "--format", "json", "--sparse", "-o", str(out))
    assert r.code == 0, r.err
    data = json.loads(out.read_text())
    m = operator_matrix(Expansion(operation("corr", "40x40", "3x3", padding=1)), "toeplitz")
    assert data["nnz"] == m.nnz == len(data["nonzeros"])
    assert data["nonzeros"][:3] == [[r, c, m.entry_names[e]] for r, c, e in
                                    zip(m.r[:3].tolist(), m.c[:3].tolist(),
                                        m.entry[:3].tolist(), strict=True)]
    assert data["rows"] == [list(i) for i in m.rows]
    r = cli("matrix", "corr", "--image", "4", "--kernel", "2", "--sparse")
    # two header lines, then the 4 x 2 = 8 products of the full correlation, one per line
    assert r.code == 0 and len(r.out.strip().splitlines()) == 2 + 8


def test_im2col_of_a_conjugating_correlation_says_so(cli: Any) -> None:
    """The patches hold pixels; with --conjugate the output is P conj(h), and every format
    says so (a reviewer found it silent)."""
    x = "0-1j,3+3j,5-1j,2+3j,-5+2j"
    h = np.array([-2j, 3, -3j])
    r = cli("matrix", "corr", "--image", "5", "--kernel", "3", "--conjugate", "--form",
            "im2col", "--x", x, "--format", "json")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert d["kernel_conjugated"] is True
    def num(v: Any) -> complex:  # exact values come as SymPy's strings ('3 + 3*I')
        if isinstance(v, str):
            t = v.replace(" ", "").replace("*I", "j").replace("I", "1j")
            return complex(t)
        return complex(v)

    p = np.array([[num(v) for v in row] for row in d["values"]])
    xs = np.array([complex(v) for v in x.split(",")])
    np.testing.assert_allclose(p @ np.conj(h), np.correlate(xs, h, mode="full"))
    for fmt in ("text", "latex"):
        out = cli("matrix", "corr", "--image", "5", "--kernel", "3", "--conjugate", "--form",
                  "im2col", "--format", fmt).out
        assert "conjugat" in out
