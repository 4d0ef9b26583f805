"""``symconv port``: every generated snippet is executed in its library (NumPy, SciPy,
PyTorch, TensorFlow, JAX, OpenCV; MATLAB in the documented-semantics interpreter of
``tests/matlab_subset.py``) over a property-test set of operations, and its ``y`` must equal
symconv's own values, shape and order included.  A library that cannot express an operation
must say so with ``code: null``; none may print code computing something else."""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symconv.app.port import LIBRARIES, plan, port
from symconv.errors import InputError
from symconv.expansion.core import Expansion
from symconv.index.request import operation
from tests import matlab_subset
from tests.conftest import run_cli

SETTINGS = settings(max_examples=int(os.environ.get("SYMCONV_PORT_EXAMPLES", "60")),
                    deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                          HealthCheck.function_scoped_fixture])
BOUNDARIES = ("zeros", "circular", "reflect", "replicate", "symmetric")


def _shape(t: tuple[int, ...]) -> str:
    return "x".join(map(str, t))


@st.composite
def requests(draw: Any, layer: bool | None = None, max_dims: int = 3,
             transposed: bool = True) -> tuple[str, str, str, dict[str, Any]]:
    """An operation symconv accepts: conv, corr, corr-reflected, conv-transpose, in 1-3
    spatial axes, with modes and conventions, or stride, dilation, per-side padding and
    padding modes, even kernels, and channels with groups."""
    nd = draw(st.integers(1, max_dims))
    ops = ["conv", "corr", "corr-reflected"] + (["conv-transpose"] if transposed else [])
    op = draw(st.sampled_from(ops))
    big = 7 if nd < 3 else 4
    n = tuple(draw(st.integers(1, big)) for _ in range(nd))
    k = tuple(draw(st.integers(1, 4 if nd < 3 else 3)) for _ in range(nd))
    kw: dict[str, Any] = {"origin": draw(st.sampled_from(["center", "corner"]))}
    is_layer = draw(st.booleans()) if layer is None else layer
    if op == "conv-transpose":
        s = tuple(draw(st.integers(1, 3)) for _ in range(nd))
        d = tuple(draw(st.integers(1, 2)) for _ in range(nd))
        kw["stride"], kw["dilation"] = s, d
        pads = [(draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(nd)]
        if draw(st.booleans()):
            pads = [(lo, lo) for lo, _ in pads]
        kw["padding"] = ",".join(f"{lo}:{hi}" for lo, hi in pads)
        kw["output_padding"] = tuple(draw(st.integers(0, max(a, b) - 1))
                                     for a, b in zip(s, d, strict=True))
    elif draw(st.booleans()) and not is_layer:
        kw["mode"] = draw(st.sampled_from(["full", "same", "valid"]))
        conventions = ["scipy", "matlab"] + (["numpy"] if nd == 1 else [])
        kw["convention"] = draw(st.sampled_from(conventions))
        if kw["convention"] == "scipy" and draw(st.booleans()):
            kw["padding_mode"] = draw(st.sampled_from(BOUNDARIES))
    else:
        kw["stride"] = tuple(draw(st.integers(1, 3)) for _ in range(nd))
        kw["dilation"] = tuple(draw(st.integers(1, 2)) for _ in range(nd))
        how = draw(st.sampled_from(["sides", "sides", "same", "valid"]))
        if how == "sides":
            kw["padding"] = ",".join(f"{draw(st.integers(0, 3))}:{draw(st.integers(0, 3))}"
                                     for _ in range(nd))
        else:
            kw["padding"] = how
            if how == "same":
                kw["stride"] = 1
        kw["padding_mode"] = draw(st.sampled_from(BOUNDARIES))
    if op == "corr" and draw(st.booleans()):
        kw["conjugate"] = True
    image, kernel = n, k
    if is_layer:
        g = draw(st.integers(1, 3))
        c_in = g * draw(st.integers(1, 2))
        c_out = g * draw(st.integers(1, 2))
        image = (c_in,) + n
        kernel = ((c_in, c_out // g) if op == "conv-transpose" else (c_out, c_in // g)) + k
        kw["layer"], kw["groups"] = True, g
    return op, _shape(image), _shape(kernel), kw


def _case(req: tuple[str, str, str, dict[str, Any]], seed: int) -> tuple[Any, np.ndarray,
                                                                        np.ndarray, Any]:
    """The operation with random integer values, its expected output, and the arrays."""
    op_name, image, kernel, kw = req
    try:
        shape_op = operation(op_name, image, kernel, **kw)
    except InputError:
        assume(False)
    rng = np.random.default_rng(seed)
    x = rng.integers(-4, 5, size=shape_op.image.shape)
    h = rng.integers(-4, 5, size=shape_op.kernel.shape)
    op = operation(op_name, image, kernel, x=x.tolist() if x.ndim == 1 else _text(x),
                   h=h.tolist() if h.ndim == 1 else _text(h), **kw)
    assume(op.relation.term_count() < 20000)
    expected = np.asarray(Expansion(op).values(), dtype=np.float64)
    return op, x.astype(np.float64), h.astype(np.float64), expected


def _text(a: np.ndarray) -> Any:
    return a  # N-D values are taken as arrays


def _run(source: str, x: np.ndarray, h: np.ndarray) -> np.ndarray:
    env: dict[str, Any] = {"x": x.copy(), "h": h.copy()}
    exec(compile(source, "<port>", "exec"), env)  # noqa: S102 - the snippet under test
    return np.asarray(env["y"])


def _tally(library: str, what: str) -> None:
    """With SYMCONV_PORT_TALLY=FILE, one line per snippet (for the issue's counts)."""
    path = os.environ.get("SYMCONV_PORT_TALLY")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{library} {what}\n")


def _check(library: str, req: Any, seed: int, tol: float = 1e-9) -> None:
    op, x, h, expected = _case(req, seed)
    p = port(op, [library]).ports[0]
    _tally(library, "null" if p.code is None else f"run {req!r}")
    if p.code is None:
        assert p.notes, "a port without code must say why"
        _expect_inexpressible(library, op)
        return
    y = matlab_subset.run(p.code, x, h) if library == "matlab" else _run(p.source, x, h)
    assert y.shape == expected.shape, (p.source, y.shape, expected.shape)
    np.testing.assert_allclose(y, expected, rtol=tol, atol=tol, err_msg=p.source)
    _tally(library, "matched")


def _expect_inexpressible(library: str, op: Any) -> None:
    """Only the documented gaps give no code."""
    p = plan(op)
    if library in ("scipy", "opencv", "matlab"):
        assert p.channels is not None or (library == "opencv" and p.dims > 2), p
    else:
        raise AssertionError(f"{library} gave no code for {op}")


@SETTINGS
@given(req=requests(), seed=st.integers(0, 999))
def test_numpy_ports_compute_the_operation(req: Any, seed: int) -> None:
    _check("numpy", req, seed)


@SETTINGS
@given(req=requests(), seed=st.integers(0, 999))
def test_scipy_ports_compute_the_operation(req: Any, seed: int) -> None:
    _check("scipy", req, seed)


@SETTINGS
@given(req=requests(), seed=st.integers(0, 999))
def test_torch_ports_compute_the_operation(torch: Any, req: Any, seed: int) -> None:
    _check("torch", req, seed)


@SETTINGS
@given(req=requests(), seed=st.integers(0, 999))
def test_tensorflow_ports_compute_the_operation(tf: Any, req: Any, seed: int) -> None:
    _check("tensorflow", req, seed, tol=1e-6)


@SETTINGS
@given(req=requests(), seed=st.integers(0, 999))
def test_jax_ports_compute_the_operation(jax: Any, req: Any, seed: int) -> None:
    _check("jax", req, seed)


@SETTINGS
@given(req=requests(max_dims=2), seed=st.integers(0, 999))
def test_opencv_ports_compute_the_operation(cv2: Any, req: Any, seed: int) -> None:
    _check("opencv", req, seed, tol=1e-6)


@SETTINGS
@given(req=requests(), seed=st.integers(0, 999))
def test_matlab_ports_follow_matlabs_documented_semantics(req: Any, seed: int) -> None:
    _check("matlab", req, seed)


@settings(SETTINGS, max_examples=30)
@given(req=requests(), seed=st.integers(0, 999), which=st.sampled_from(["x", "h", "both"]))
def test_complex_arrays_port_exactly(torch: Any, jax: Any, req: Any, seed: int,
                                     which: str) -> None:
    """A complex image with a real kernel (the usual case), the reverse, or both: NumPy,
    SciPy, PyTorch and JAX ports compute the operation, conjugation included."""
    op_name, image, kernel, kw = req
    try:
        shape_op = operation(op_name, image, kernel, **kw)
    except InputError:
        assume(False)
    assume(shape_op.relation.term_count() < 20000)
    rng = np.random.default_rng(seed)
    x = rng.integers(-4, 5, size=shape_op.image.shape).astype(np.float64)
    h = rng.integers(-4, 5, size=shape_op.kernel.shape).astype(np.float64)
    if which in ("x", "both"):
        x = x + 1j * rng.integers(-4, 5, size=x.shape)
    if which in ("h", "both"):
        h = h + 1j * rng.integers(-4, 5, size=h.shape)
    op = operation(op_name, image, kernel, x=x, h=h, **kw)
    expected = np.asarray(Expansion(op).values(), dtype=np.complex128)
    for library in ("numpy", "scipy", "torch", "jax"):
        p = port(op, [library]).ports[0]
        if p.code is None:
            continue
        y = _run(p.source, x, h)
        assert y.shape == expected.shape, (library, p.source)
        np.testing.assert_allclose(y, expected, atol=1e-9, err_msg=p.source)


@pytest.mark.parametrize("image, kernel, kw", [
    ("3x3x3x3", "2x2x2x2", {}),
    ("2x2x2x2x2", "2x1x2x1x2", {"padding": 1}),
    ("2x3x3x3x3", "2x1x2x2x2x2", {"layer": True, "groups": 2}),
])
def test_numpy_ports_four_and_five_axes(image: str, kernel: str, kw: dict[str, Any]) -> None:
    rng = np.random.default_rng(7)
    shape_op = operation("conv", image, kernel, **kw)
    x = rng.integers(-3, 4, size=shape_op.image.shape)
    h = rng.integers(-3, 4, size=shape_op.kernel.shape)
    op = operation("conv", image, kernel, x=x, h=h, **kw)
    p = port(op, ["numpy"]).ports[0]
    y = _run(p.source, x.astype(np.float64), h.astype(np.float64))
    np.testing.assert_allclose(y, Expansion(op).values())


def _code(op_name: str, image: str, kernel: str, library: str, **kw: Any) -> str | None:
    return port(operation(op_name, image, kernel, **kw), [library]).ports[0].code


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_native_calls_where_they_are_exact(mode: str) -> None:
    assert _code("conv", "7", "4", "numpy", mode=mode, convention="numpy") == \
        f'y = np.convolve(x, h, mode="{mode}")'
    assert _code("conv", "6x7", "3x4", "scipy", mode=mode) == \
        f'y = scipy.signal.convolve(x, h, mode="{mode}")'
    assert _code("conv", "6x7", "3x4", "matlab", mode=mode, convention="matlab") == \
        f"y = conv2(x, h, '{mode}');"
    corr = _code("corr", "6x7", "3x4", "matlab", mode=mode, convention="matlab")
    assert corr is not None and corr.startswith(f"y = filter2(h, x, '{mode}');")


def test_even_same_differs_between_matlab_and_scipy() -> None:
    """MATLAB's 'same' is not SciPy's for an even kernel: the MATLAB port of SciPy's 'same'
    must not be conv2(..., 'same')."""
    code = _code("conv", "6x7", "4x4", "matlab", mode="same")
    assert code is not None and "'same'" not in code
    assert _code("conv", "6x7", "3x3", "matlab", mode="same") == "y = conv2(x, h, 'same');"


def test_library_conventions_port_to_their_own_calls() -> None:
    tf_code = _code("corr", "7x7", "4x4", "tensorflow", convention="tensorflow",
                    padding="same", stride=2)
    assert tf_code is not None and 'padding="SAME"' in tf_code
    cv = _code("corr", "7x7", "4x4", "opencv", convention="opencv")
    assert cv is not None and cv.startswith("y = cv2.filter2D(") and \
        "BORDER_REFLECT_101" in cv
    tt = _code("conv-transpose", "5x5", "3x3", "torch", stride=2, padding=1,
               output_padding=1)
    assert tt is not None and "F.conv_transpose2d(" in tt and "output_padding=(1, 1)" in tt


def test_what_a_library_cannot_express_has_no_code() -> None:
    layer = operation("conv", "2x5x5", "3x2x3x3", layer=True)
    result = port(layer, ["scipy", "opencv", "matlab"])
    for p in result.ports:
        assert p.code is None and p.notes
    four = operation("conv", "3x3x3x3", "2x2x2x2")
    torch_port, = port(four, ["torch"]).ports
    assert torch_port.code is None and "1, 2 or 3" in torch_port.notes[0]


def test_json_contract() -> None:
    r = run_cli("port", "corr", "--image", "5x5", "--kernel", "3x3", "--padding", "1",
                "--to", "numpy,torch,matlab", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert [p["library"] for p in data["ports"]] == ["numpy", "torch", "matlab"]
    for p in data["ports"]:
        assert set(p) == {"library", "imports", "code", "notes"}
    assert data["output"] == [5, 5]


def test_values_give_symconvs_y_to_check_a_run_against() -> None:
    r = run_cli("port", "corr", "--image", "2x3", "--kernel", "2x2", "--x", "1,2,3;4,5,6",
                "--h", "1,0;0,-1", "--padding", "0:1,1:0", "--to", "numpy", "--format", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    y = _run(data["ports"][0]["imports"] + "\n" + data["ports"][0]["code"],
             np.array([[1., 2, 3], [4, 5, 6]]), np.array([[1., 0], [0, -1]]))
    assert y.tolist() == data["expected"]


def test_text_and_markdown_hold_every_library() -> None:
    r = run_cli("port", "conv", "--image", "7", "--kernel", "3")
    assert r.code == 0
    for lib in LIBRARIES:
        assert f"--- {lib} ---" in r.out
    md = run_cli("port", "conv", "--image", "7", "--kernel", "3", "--format", "markdown")
    assert md.code == 0 and "```python" in md.out and "```matlab" in md.out


@pytest.mark.parametrize("argv, words", [
    (["--to", "fortran"], "bad --to"),
    (["--x", "1,2,3,4,5"], "give both"),
    (["--names", "image=I"], "do not apply to port"),
    (["--max-terms", "10"], "applies with --x and --h"),
])
def test_bad_requests_are_one_line(argv: list[str], words: str) -> None:
    r = run_cli("port", "conv", "--image", "5", "--kernel", "3", *argv)
    assert r.code == 2 and words in r.err and len(r.err.strip().splitlines()) == 1
