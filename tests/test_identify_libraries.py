"""``identify`` on TensorFlow, Keras, JAX and OpenCV functions: probed through their own
layouts, verified against the function on random inputs (inside identify), and checked
here against what their documentation says (TensorFlow's 'SAME' rule, OpenCV's anchor and
borders, JAX's unflipped conv_transpose) and against an independent implementation: the
PyTorch call identify prints as having the same outputs is run and compared with the
function."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from symconv.classify.identification import identify, is_known_function
from symconv.classify.libraries import adapter, parse_layout
from symconv.errors import InputError
from symconv.index.request import tensorflow_same

# (function, kwargs, image, kernel, kind, per-axis (low, high) padding or None, conjugate)
CASES = [
    ("tensorflow.nn.conv1d", {"stride": 2, "padding": "SAME"}, None, None, "corr",
     [list(tensorflow_same(7, 4, 2))], None),
    ("tensorflow.nn.conv2d", {"strides": 1, "padding": "SAME", "dilations": 2}, "7x8", "3x2",
     "corr", [list(tensorflow_same(7, 3, 1, 2)), list(tensorflow_same(8, 2, 1, 2))], None),
    ("tensorflow.nn.conv3d", {"strides": [1, 1, 2, 1, 1], "padding": "SAME"}, "3x4x5",
     "2x2x3", "corr", [list(tensorflow_same(3, 2)), list(tensorflow_same(4, 2, 2)),
                       list(tensorflow_same(5, 3))], None),
    ("tensorflow.nn.convolution", {"padding": "VALID", "dilations": [2]}, "9", "3", "corr",
     [[0, 0]], None),
    ("tensorflow.nn.conv2d", {"strides": 2, "padding": "VALID"}, None, None, "corr", None,
     None),
    ("tensorflow.nn.conv1d_transpose", {"strides": 2, "padding": "VALID"}, "4", "3",
     "conv-transpose", [[0, 0]], None),
    ("tensorflow.nn.conv2d_transpose", {"strides": 2, "padding": "SAME"}, "3x4", "3x2",
     "conv-transpose", None, None),
    ("tensorflow.nn.conv3d_transpose", {"strides": [1, 2, 1, 1, 1], "padding": "SAME"},
     "2x3x3", "2x2x2", "conv-transpose", None, None),
    ("tensorflow.nn.depthwise_conv2d", {"strides": [1, 2, 2, 1], "padding": "VALID"}, None,
     None, "corr", None, None),
    ("keras.layers.Conv1D", {"strides": 2}, None, None, "corr", None, None),
    ("keras.layers.Conv2D", {"padding": "same"}, None, None, "corr",
     [list(tensorflow_same(6, 3)), list(tensorflow_same(7, 4))], None),
    ("keras.layers.Conv3D", {}, "3x4x4", "2x2x3", "corr", [[0, 0]] * 3, None),
    ("keras.layers.Conv1DTranspose", {"strides": 3}, "4", "2", "conv-transpose", [[0, 0]],
     None),
    ("tensorflow.keras.layers.Conv2DTranspose", {"strides": 2, "padding": "same"}, "3x4",
     "3x3", "conv-transpose", None, None),
    ("keras.layers.DepthwiseConv2D", {"dilation_rate": 2}, "7x7", "2x3", "corr", None, None),
    ("keras.layers.DepthwiseConv1D", {"padding": "same"}, "7", "4", "corr",
     [list(tensorflow_same(7, 4))], None),
    ("jax.lax.conv_general_dilated", {"window_strides": [1, 2], "padding": "SAME",
                                      "rhs_dilation": [2, 1]}, None, None, "corr",
     [list(tensorflow_same(6, 3, 1, 2)), list(tensorflow_same(7, 4, 2, 1))], None),
    ("jax.lax.conv_general_dilated", {"window_strides": [1, 1], "padding": [[1, 0], [0, 2]],
                                      "lhs_dilation": [2, 2]}, "3x4", "2x3",
     "conv-transpose", None, None),
    ("jax.lax.conv_general_dilated", {"window_strides": [1, 1], "padding": "SAME",
                                      "dimension_numbers": ["NHWC", "HWIO", "NHWC"]}, None,
     None, "corr", [list(tensorflow_same(6, 3)), list(tensorflow_same(7, 4))], None),
    ("jax.lax.conv", {"window_strides": [2], "padding": "VALID"}, None, None, "corr", None,
     None),
    ("jax.lax.conv_transpose", {"strides": [2, 2], "padding": "SAME"}, "3x4", "3x2",
     "conv-transpose", None, None),
    ("jax.lax.conv_transpose", {"strides": [2], "padding": "VALID", "transpose_kernel": True},
     "4", "3", "conv-transpose", [[0, 0]], None),
    ("jax.lax.conv_with_general_padding", {"window_strides": [1], "padding": [[2, 1]],
                                           "lhs_dilation": [1], "rhs_dilation": [2]}, "7",
     "3", "corr", [[2, 1]], None),
    ("jax.numpy.convolve", {"mode": "same"}, None, None, "conv", [[2, 1]], None),
    ("jax.numpy.correlate", {"mode": "full"}, None, None, "corr", [[3, 3]], "kernel"),
    ("jax.scipy.signal.convolve2d", {"mode": "same"}, None, None, "conv", [[1, 1], [2, 1]],
     None),
    ("jax.scipy.signal.correlate", {"mode": "valid"}, "6x7", "3x4", "corr", [[0, 0], [0, 0]],
     "kernel"),
    ("cv2.filter2D", {}, None, None, "corr", [[1, 1], [2, 1]], None),
    ("cv2.filter2D", {"borderType": "BORDER_REPLICATE", "anchor": [0, 0]}, None, None, "corr",
     [[0, 2], [0, 3]], None),
    ("cv2.filter2D", {"borderType": "BORDER_CONSTANT", "delta": 2}, None, None, "corr",
     [[1, 1], [2, 1]], None),
    ("cv2.filter2D", {"borderType": "BORDER_REFLECT"}, "5x6", "5x5", "corr", [[2, 2], [2, 2]],
     None),
    ("cv2.sepFilter2D", {"borderType": "BORDER_CONSTANT"}, None, None, "corr",
     [[1, 1], [2, 1]], None),
]
#: OpenCV's border names and the boundary rule identify must find for each.
CV_BORDERS = {"BORDER_CONSTANT": "zeros", "BORDER_REPLICATE": "replicate",
              "BORDER_REFLECT": "symmetric", "BORDER_REFLECT_101": "reflect", None: "reflect"}


@pytest.fixture
def library(request: Any, tf: Any, jax: Any, cv2: Any) -> None:
    """Every library must be there (or the test skips, failing under
    SYMCONV_REQUIRE_TOOLS=1)."""


def _ids(case: tuple[Any, ...]) -> str:
    return f"{case[0]}-{json.dumps(case[1], sort_keys=True)}"


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_identified_and_run_against_torch(library: None, torch: Any,
                                          case: tuple[Any, ...]) -> None:
    name, kw, image, kernel, kind, padding, conj = case
    r = identify(name, image=image, kernel=kernel, kwargs=kw)
    assert r.extra["verified"] is True
    assert r.kind == kind
    assert r.conjugate == conj
    if padding is not None:
        assert r.extra["padding"] == padding
    if name.startswith("cv2."):
        assert r.extra["boundary"] == CV_BORDERS[kw.get("borderType")]
    elif name.startswith(("tensorflow.", "keras.", "jax.lax.")):
        assert set(r.extra["layout"]) == {"image", "kernel"}
    # the PyTorch call identify prints computes the function's outputs
    call = r.extra["torch_equivalent"]
    if name == "cv2.filter2D" and kw.get("borderType") == "BORDER_REFLECT":
        assert call is None  # PyTorch has no symmetric padding mode: nothing is claimed
        return
    assert call is not None
    fn = adapter(*_resolve(name), dict(kw), None)
    rng = np.random.default_rng(1)
    x = rng.integers(-9, 10, size=r.extra["image_shape"]).astype(np.float64)
    h = rng.integers(-9, 10, size=r.extra["kernel_shape"]).astype(np.float64)
    got = np.asarray(fn.call(x, h)) if fn is not None else None
    assert got is not None
    tx = torch.tensor(x)[None, None]
    th = torch.tensor(h)[None, None]
    want = eval(call, {"torch": torch, "x": tx, "h": th})  # noqa: S307 - our own output
    assert np.allclose(np.asarray(want)[0, 0], got), call


def _resolve(name: str) -> tuple[Any, str]:
    from symconv.classify.identification import resolve

    return resolve(name)


def test_counts_per_library(library: None) -> None:
    """Every function the issue names is known (a derivation file may name it) and is
    among the cases above."""
    names = {c[0] for c in CASES}
    per_lib: dict[str, int] = {}
    for n in names:
        assert is_known_function(n), n
        lib = n.split(".")[0] if not n.startswith("tensorflow.keras") else "keras"
        per_lib[lib] = per_lib.get(lib, 0) + 1
    assert per_lib == {"tensorflow": 8, "keras": 7, "jax": 8, "cv2": 2}


@pytest.mark.parametrize("border", list(CV_BORDERS))
def test_opencv_borders(cv2: Any, border: str | None) -> None:
    kw = {} if border is None else {"borderType": border}
    r = identify("cv2.filter2D", image="5x6", kernel="5x4", kwargs=kw)
    assert r.extra["boundary"] == CV_BORDERS[border]
    assert r.extra["padding"] == [[2, 2], [2, 1]]  # anchor (K//2): extra before when even
    assert not any("cannot tell" in n for n in r.notes)


def test_thin_padding_says_the_boundary_is_ambiguous(cv2: Any) -> None:
    r = identify("cv2.filter2D", image="5x5", kernel="3x3",
                 kwargs={"borderType": "BORDER_REFLECT"})
    assert any("replicate, symmetric apart" in n for n in r.notes)


def test_layout_option(cli: Any, tf: Any) -> None:
    r = cli("identify", "tensorflow.nn.conv2d", "--kwargs", '{"padding": "SAME"}',
            "--layout", "NHWC,HWIO", "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["layout"] == {"image": "NHWC", "kernel": "HWIO"}
    r = cli("identify", "tensorflow.nn.conv2d", "--layout", "NHWC,OIHW")
    assert r.code == 2 and "spatial + IO" in r.err and len(r.err.strip().splitlines()) == 1


def test_jax_layout_sets_dimension_numbers(jax: Any) -> None:
    r = identify("jax.lax.conv_general_dilated", kwargs={"padding": "SAME"},
                 layout="NHWC,HWIO")
    assert r.extra["layout"] == {"image": "NHWC", "kernel": "HWIO"}
    assert r.extra["padding"] == [list(tensorflow_same(6, 3)), list(tensorflow_same(7, 4))]


@pytest.mark.parametrize("argv,match", [
    (["cv2.filter2D", "--image", "7", "--kernel", "3"], "2-D"),
    (["numpy.convolve", "--layout", "NHWC"], "plain arrays"),
    (["torch.nn.functional.conv2d", "--layout", "NHWC"], "NCHW"),
    (["tensorflow.nn.conv2d", "--layout", "XYZ"], "bad --layout"),
    (["cv2.filter2D", "--kwargs", '{"borderType": "BORDER_NOPE"}'], "border"),
    (["cv2.filter2D", "--kwargs", '{"borderType": "BORDER_WRAP"}'], "failed"),
])
def test_refusals_are_one_line(cli: Any, library: None, argv: list[str], match: str) -> None:
    r = cli("identify", *argv)
    assert r.code == 2, r.out
    assert match in r.err and len(r.err.strip().splitlines()) == 1


def test_parse_layout() -> None:
    assert parse_layout("nchw,oihw") == ("NCHW", "OIHW")
    assert parse_layout(None) is None
    for bad in ("", "HW", "NHWC,HW", "N,C,D,E"):
        with pytest.raises(InputError):
            parse_layout(bad)


#: The atlas's 'same' rows (tools/atlas.py SAME_CALLS) that identify can probe, with the
#: call that produces each cell.
ATLAS_PROBES = {
    "numpy": lambda k, s: ("numpy.convolve", str(6), str(k), {"mode": "same"}),
    "scipy": lambda k, s: ("scipy.signal.convolve", str(6), str(k), {"mode": "same"}),
    "torch": lambda k, s: ("torch.nn.functional.conv1d", "6", str(k), {"padding": "same"}),
    "tensorflow": lambda k, s: ("tensorflow.nn.conv1d", "6", str(k),
                                {"stride": s, "padding": "SAME"}),
    "jax": lambda k, s: ("jax.lax.conv_general_dilated", "6", str(k),
                         {"window_strides": [s], "padding": "SAME"}),
    "opencv": lambda k, s: ("cv2.filter2D", "6x6", f"{k}x{k}", {}),
}


@pytest.mark.parametrize("k,s", [(3, 1), (4, 1), (3, 2), (4, 2)])
def test_atlas_same_table_is_what_identify_finds(library: None, torch: Any, k: int,
                                                 s: int) -> None:
    """Every cell of the atlas's 'same' table that a real function can be probed for
    equals the padding identify finds (so the page, built from symconv's model without the
    libraries, is checked against them); keras Conv1D too, for the TensorFlow row."""
    from tools.atlas import SAME_CALLS, same_padding

    checked = 0
    for call, lib, op, opts, _layout in SAME_CALLS:
        cell = same_padding(op, k, s, opts)
        probe = ATLAS_PROBES.get(lib)
        if probe is None:
            continue  # MATLAB: tests/test_conventions.py checks its documented semantics
        if op == "corr" and lib == "scipy":
            continue  # the correlate row shares the convolve row's window
        if cell is None:
            continue  # the library has no stride there (or refuses it)
        fn, image, kernel, kw = probe(k, s)
        r = identify(fn, image=image, kernel=kernel, kwargs=kw)
        assert r.extra["padding"][0] == list(cell), (call, k, s)
        checked += 1
    r = identify("keras.layers.Conv1D", image="6", kernel=str(k),
                 kwargs={"strides": s, "padding": "same"})
    assert r.extra["padding"][0] == list(same_padding("corr", k, s, {
        "padding": "same", "convention": "tensorflow"}) or ())
    assert checked >= (6 if s == 1 else 2)
