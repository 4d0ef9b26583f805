"""symconv identify: library functions probed with impulses, each with the relation it
computes; the 'same' conventions for even kernels; conjugation; user functions; errors."""

from __future__ import annotations

import json
import sys
import textwrap

import numpy as np
import pytest

from symconv.classify.identification import identify, resolve
from symconv.errors import InputError, ToolError

NUMPY_SCIPY = [
    # function, image, kernel, kwargs, kind, normal form, mode, padding, conjugate
    pytest.param("numpy.convolve", "7", "4", None, "conv", "i = m - k", "full", [[3, 3]],
                 None, id="numpy.convolve"),
    pytest.param("numpy.convolve", "7", "4", {"mode": "same"}, "conv", "i = m - k + 1",
                 "same (extra padding before", [[2, 1]], None, id="numpy.convolve-same-even"),
    pytest.param("numpy.convolve", "7", "3", {"mode": "same"}, "conv", "i = m - k + 1",
                 "same", [[1, 1]], None, id="numpy.convolve-same-odd"),
    pytest.param("numpy.convolve", "7", "3", {"mode": "valid"}, "conv", "i = m - k + 2",
                 "valid", [[0, 0]], None, id="numpy.convolve-valid"),
    pytest.param("numpy.correlate", "7", "4", None, "corr", "i = m + k", "valid", [[0, 0]],
                 "kernel", id="numpy.correlate"),
    pytest.param("numpy.correlate", "7", "4", {"mode": "full"}, "corr", "i = m + k - 3",
                 "full", [[3, 3]], "kernel", id="numpy.correlate-full"),
    pytest.param("numpy.correlate", "7", "4", {"mode": "same"}, "corr", "i = m + k - 2",
                 "same (extra padding before", [[2, 1]], "kernel", id="numpy.correlate-same-even"),
    pytest.param("scipy.signal.convolve", "7", "4", None, "conv", "i = m - k", "full",
                 [[3, 3]], None, id="scipy.signal.convolve"),
    pytest.param("scipy.signal.correlate", "7", "4", None, "corr", "i = m + k - 3", "full",
                 [[3, 3]], "kernel", id="scipy.signal.correlate"),
    pytest.param("scipy.signal.correlate", "7", "4", {"mode": "same"}, "corr",
                 "i = m + k - 2", "same (extra padding before", [[2, 1]], "kernel",
                 id="scipy.signal.correlate-same-even"),
    pytest.param("scipy.signal.convolve2d", "6x7", "3x4", None, "conv",
                 "i = m - k, j = n - l", "full", [[2, 2], [3, 3]], None,
                 id="scipy.signal.convolve2d"),
    pytest.param("scipy.signal.correlate2d", "6x7", "3x4", None, "corr",
                 "i = m + k - 2, j = n + l - 3", "full", [[2, 2], [3, 3]], "kernel",
                 id="scipy.signal.correlate2d"),
    pytest.param("scipy.signal.correlate2d", "6x7", "3x4", {"mode": "valid"}, "corr",
                 "i = m + k, j = n + l", "valid", [[0, 0], [0, 0]], "kernel",
                 id="scipy.signal.correlate2d-valid"),
    # scipy.ndimage centres an even kernel differently for convolve and correlate.
    pytest.param("scipy.ndimage.correlate", "7", "4", {"mode": "constant"}, "corr",
                 "i = m + k - 2", "same (extra padding before", [[2, 1]], "kernel",
                 id="scipy.ndimage.correlate-constant"),
    pytest.param("scipy.ndimage.convolve", "7", "4", {"mode": "constant"}, "conv",
                 "i = m - k + 2", "same (extra padding after", [[1, 2]], None,
                 id="scipy.ndimage.convolve-constant"),
    pytest.param("scipy.signal:fftconvolve", "5x5", "2x3", None, "conv",
                 "i = m - k, j = n - l", "full", [[1, 1], [2, 2]], None,
                 id="scipy.signal:fftconvolve"),
]


@pytest.mark.parametrize("function, image, kernel, kwargs, kind, normal_form, mode, padding, "
                         "conj", NUMPY_SCIPY)
def test_identify_numpy_scipy(function, image, kernel, kwargs, kind, normal_form, mode,
                              padding, conj) -> None:
    r = identify(function, image=image, kernel=kernel, kwargs=kwargs)
    d = r.to_json()
    assert d["kind"] == kind
    assert d["normal_form"] == normal_form
    assert d["mode"].startswith(mode)
    assert d["padding"] == padding
    assert d["conjugate"] == conj
    assert d["verified"] is True
    assert d["flipped"] == (kind == "conv")


TORCH = [
    pytest.param("torch.nn.functional.conv1d", None, None, None, "i = m + k", "valid",
                 [[0, 0]], id="conv1d"),
    pytest.param("torch.nn.functional.conv2d", None, None, None, "i = m + k, j = n + l",
                 "valid", [[0, 0], [0, 0]], id="conv2d"),
    pytest.param("torch.nn.functional.conv1d", "7", "4", {"padding": "same"},
                 "i = m + k - 1", "same (extra padding after", [[1, 2]], id="conv1d-same-even"),
    pytest.param("torch.nn.functional.conv2d", "6x7", "3x3", {"stride": 2, "padding": 1},
                 "i = 2m + k - 1, j = 2n + l - 1", "strided (stride 2)", [[1, 0], [1, 1]],
                 id="conv2d-stride2-padding1"),
    pytest.param("torch.nn.functional.conv1d", "9", "3", {"dilation": 2},
                 "i = m + 2k", "valid", [[0, 0]], id="conv1d-dilation2"),
]


@pytest.mark.parametrize("function, image, kernel, kwargs, normal_form, mode, padding", TORCH)
def test_identify_torch(torch, function, image, kernel, kwargs, normal_form, mode,
                        padding) -> None:
    r = identify(function, image=image, kernel=kernel, kwargs=kwargs)
    d = r.to_json()
    assert d["kind"] == "corr" and d["flipped"] is False
    assert d["normal_form"] == normal_form
    assert mode in d["mode"]
    assert d["padding"] == padding
    assert d["conjugate"] is None  # PyTorch does not conjugate complex kernels
    assert d["torch_layout"] is True


def test_same_conventions_differ_for_even_kernels(torch) -> None:
    np_same = identify("numpy.convolve", "7", "4", {"mode": "same"}).to_json()
    sp_same = identify("scipy.signal.correlate", "7", "4", {"mode": "same"}).to_json()
    th_same = identify("torch.nn.functional.conv1d", "7", "4", {"padding": "same"}).to_json()
    assert np_same["padding"] == sp_same["padding"] == [[2, 1]]
    assert th_same["padding"] == [[1, 2]]
    assert np_same["mode"] != th_same["mode"]


# -- a module's own functions ------------------------------------------------------------------

def reflected_correlation(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """The article's form: the full correlation, output reversed."""
    return np.correlate(x, h, "full")[::-1]


def scaled_convolution(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    return 3 * np.convolve(x, h)


def squared(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    return np.convolve(x, h) ** 2


def circular(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    n = len(x)
    return np.array([sum(x[(m - k) % n] * h[k] for k in range(len(h))) for m in range(n)])


def upsampled(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    return np.convolve(np.repeat(x, 2), h)


def test_own_function_reflected_correlation() -> None:
    r = identify(reflected_correlation, "7", "3")
    assert r.kind == "corr-reflected"
    assert r.normal_form == "i = -m + k + 6"
    assert r.equivalent == "corr(x, conj(h))[-m + 6]"


def clipped(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """A convolution that saturates: impulses (and small integers) never reach the clip."""
    return np.clip(np.convolve(x, h), -100, 100)


def int8_wrapped(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """An 8-bit accumulator: wraps around past 127."""
    full = np.convolve(np.round(x).astype(np.int64), np.round(h).astype(np.int64))
    return full.astype(np.int8).astype(np.float64)


def rounded(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    return np.round(np.convolve(x, h))


def slightly_quadratic(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    y = np.convolve(x, h)
    return y + 1e-4 * y ** 2


def kernel_clipped(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Nonlinear in the kernel only."""
    return np.convolve(x, np.clip(h, -50, 50))


def affine(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    return 0.5 * np.convolve(x, h) - 3


def position_dependent(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    y = np.convolve(x, h)
    return y + np.arange(y.size)


def test_own_function_scaled() -> None:
    r = identify(scaled_convolution, "6", "3")
    assert r.kind == "conv"
    assert any("scaled by 3" in n for n in r.notes)
    assert r.equivalent == "3*conv(x, h)[m]" and r.scale == 3


def test_own_function_with_a_bias_shows_it_in_the_equivalent() -> None:
    r = identify(affine, "6", "3")
    assert r.equivalent == "0.5*conv(x, h)[m] - 3"
    assert r.bias == "-3" and r.scale == 0.5
    assert r.to_json()["torch_equivalent"].endswith("- 3")


@pytest.mark.parametrize("fn, fragment", [
    pytest.param(squared, "not bilinear", id="not-bilinear"),
    pytest.param(upsampled, "not affine", id="upsampled"),
    pytest.param(clipped, "not bilinear", id="clip-saturates"),
    pytest.param(int8_wrapped, "not bilinear", id="int8-wrap-around"),
    pytest.param(rounded, "not bilinear", id="rounded"),
    pytest.param(slightly_quadratic, "not bilinear", id="slightly-quadratic"),
    pytest.param(kernel_clipped, "not bilinear", id="nonlinear-in-the-kernel"),
    pytest.param(position_dependent, "non-constant output", id="position-dependent-term"),
])
def test_own_function_not_of_this_family(fn, fragment) -> None:
    with pytest.raises(ToolError, match=fragment):
        identify(fn, "6", "3")


def test_own_function_circular_boundary() -> None:
    r = identify(circular, "6", "3").to_json()
    assert (r["kind"], r["boundary"], r["normal_form"]) == ("conv", "circular", "i = m - k")


BOUNDARIES = [
    pytest.param("scipy.signal.convolve2d", {"mode": "same", "boundary": "wrap"}, "circular",
                 id="convolve2d-wrap"),
    pytest.param("scipy.signal.convolve2d", {"mode": "same", "boundary": "symm"}, "symmetric",
                 id="convolve2d-symm"),
    pytest.param("scipy.ndimage.correlate", None, "symmetric", id="ndimage-default-reflect"),
    pytest.param("scipy.ndimage.correlate", {"mode": "mirror"}, "reflect", id="ndimage-mirror"),
    pytest.param("scipy.ndimage.correlate", {"mode": "nearest"}, "replicate",
                 id="ndimage-nearest"),
    pytest.param("scipy.ndimage.correlate", {"mode": "grid-wrap"}, "circular",
                 id="ndimage-grid-wrap"),
]


@pytest.mark.parametrize("function, kwargs, boundary", BOUNDARIES)
def test_boundary_rules_are_identified(function, kwargs, boundary) -> None:
    r = identify(function, "6x7" if "2d" in function else "7",
                 "3x4" if "2d" in function else "4", kwargs).to_json()
    assert r["boundary"] == boundary and r["verified"] is True


def test_module_colon_function_via_cli(cli, tmp_path, monkeypatch) -> None:
    (tmp_path / "symconv_probe_mod.py").write_text(textwrap.dedent("""
        import numpy as np

        def reversed_corr(x, h):
            return np.correlate(x, h, "full")[::-1]
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    res = cli("identify", "symconv_probe_mod:reversed_corr", "--image", "6", "--kernel", "2",
              "--format", "json")
    sys.modules.pop("symconv_probe_mod", None)
    assert res.code == 0, res.err
    d = json.loads(res.out)
    assert d["kind"] == "corr-reflected" and d["function"] == "symconv_probe_mod:reversed_corr"


# -- the CLI contract and errors -------------------------------------------------------------

def test_cli_json_contract(cli) -> None:
    res = cli("identify", "numpy.convolve", "--format", "json")
    assert res.code == 0, res.err
    d = json.loads(res.out)
    for key in ("kind", "flipped", "axes", "normal_form", "equivalent", "mode", "padding",
                "conjugate"):
        assert key in d
    assert d["kind"] == "conv"
    assert {"kind", "stride", "dilation", "offset"} <= set(d["axes"][0])


def test_cli_text_kwargs(cli) -> None:
    res = cli("identify", "numpy.correlate", "--kernel", "4", "--kwargs", '{"mode": "same"}')
    assert res.code == 0, res.err
    assert "corr" in res.out and "extra padding before" in res.out and "2:1" in res.out


def test_only_the_named_module_is_imported() -> None:
    import subprocess

    code = ("import sys; from symconv.classify.identification import identify; "
            "identify('numpy.convolve'); "
            "print('torch' in sys.modules, 'scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["False", "False"]


IDENTIFY_ERRORS = [
    pytest.param(["os.path;rm"], "bad function name", id="bad-characters"),
    pytest.param(["no_such_module_xyz.f"], "no module in it can be imported", id="no-module"),
    pytest.param(["no_such_module_xyz:f"], "cannot import module", id="no-module-colon"),
    pytest.param(["numpy.no_such_function"], "no attribute", id="no-attribute"),
    pytest.param(["numpy.pi"], "not callable", id="not-callable"),
    pytest.param(["numpy.add"], "failed", id="function-fails"),
    pytest.param(["numpy.convolve", "--kwargs", "{mode: same}"], "not JSON", id="bad-json"),
    pytest.param(["numpy.convolve", "--kwargs", "[1]"], "JSON object", id="json-not-object"),
    pytest.param(["numpy.convolve", "--image", "0"], "image shape", id="bad-shape"),
    pytest.param(["numpy.convolve", "--image", "7", "--kernel", "3x3"], "numbers of axes",
                 id="axes-mismatch"),
    pytest.param(["scipy.signal.convolve2d", "--image", "200x200", "--kernel", "9x9"],
                 "over the limit", id="too-many-probes"),
]


@pytest.mark.parametrize("argv, fragment", IDENTIFY_ERRORS)
def test_identify_errors_exit_2(cli, argv, fragment) -> None:
    res = cli("identify", *argv)
    assert res.code == 2, res.out
    assert fragment in res.err and res.err.startswith("symconv identify: error: ")
    assert "Traceback" not in res.err


def test_resolve_dotted_and_colon() -> None:
    fn, _ = resolve("numpy.convolve")
    assert fn is np.convolve
    fn, _ = resolve("numpy:convolve")
    assert fn is np.convolve
    with pytest.raises(InputError):
        resolve("")


# -- agreement with the core engine's operations ---------------------------------------------

@pytest.mark.parametrize("op, fn", [("conv", "numpy.convolve"), ("corr", "numpy.correlate")])
@pytest.mark.parametrize("mode", ["full", "valid", "same"])
@pytest.mark.parametrize("n, k", [(7, 4), (7, 3), (3, 5)])
def test_identify_agrees_with_ops(op: str, fn: str, mode: str, n: int, k: int) -> None:
    """The relation probed from NumPy is the relation symconv.index.request builds for the same
    request (outputs counted from 0 here, natural indices there)."""
    from symconv.index.request import operation

    ref = operation(op, n, k, origin="corner", mode=mode, convention="numpy")
    (f,) = ref.relation.factors
    got = identify(fn, str(n), str(k), {"mode": mode})
    (ax,) = got.axes
    assert ax.sigma == f.sigma and ax.stride == f.stride and ax.dilation == f.dilation
    assert ax.offset == f.stride * f.out_lo + f.offset
    assert got.to_json()["output_shape"] == [f.out_count]


@pytest.mark.parametrize("op, fn", [("conv", "scipy.signal.convolve2d"),
                                    ("conv", "scipy.signal.convolve"),
                                    ("corr", "scipy.signal.correlate2d"),
                                    ("corr", "scipy.signal.correlate")])
@pytest.mark.parametrize("mode", ["full", "valid", "same"])
def test_identify_agrees_with_ops_2d(op: str, fn: str, mode: str) -> None:
    from symconv.index.request import operation

    ref = operation(op, "6x7", "3x4", origin="corner", mode=mode)
    got = identify(fn, "6x7", "3x4", {"mode": mode})
    # correlate2d(mode='same') centres the even kernel axis one step to the other side of
    # scipy.signal.correlate and symconv (see the next test): offset +1 on that axis only.
    shift = (0, 1) if (fn, mode) == ("scipy.signal.correlate2d", "same") else (0, 0)
    for ax, f, d in zip(got.axes, ref.relation.factors, shift, strict=True):
        assert ax.sigma == f.sigma and ax.stride == f.stride
        assert ax.offset == f.stride * f.out_lo + f.offset + d
    assert got.to_json()["output_shape"] == list(ref.relation.out_shape)


def test_correlate2d_same_differs_from_correlate_same_for_even_kernels() -> None:
    """A finding of the probe: scipy.signal.correlate2d(mode='same') puts the extra padding
    of an even kernel after, scipy.signal.correlate(mode='same') before (correlate2d flips
    the kernel and calls convolve2d, whose 'same' centring then lands on the other side)."""
    c2 = identify("scipy.signal.correlate2d", "6x7", "3x4", {"mode": "same"}).to_json()
    cn = identify("scipy.signal.correlate", "6x7", "3x4", {"mode": "same"}).to_json()
    assert c2["padding"] == [[1, 1], [1, 2]]
    assert cn["padding"] == [[1, 1], [2, 1]]
    assert c2["normal_form"] == "i = m + k - 1, j = n + l - 1"
    assert cn["normal_form"] == "i = m + k - 1, j = n + l - 2"


@pytest.mark.parametrize("function, image, kernel, kwargs", [
    pytest.param("numpy.convolve", "7", "4", None, id="np-convolve-full"),
    pytest.param("numpy.convolve", "7", "4", {"mode": "same"}, id="np-convolve-same"),
    pytest.param("numpy.correlate", "7", "4", {"mode": "same"}, id="np-correlate-same"),
    pytest.param("numpy.correlate", "7", "3", {"mode": "valid"}, id="np-correlate-valid"),
    pytest.param("scipy.signal.correlate2d", "6x7", "3x4", None, id="correlate2d-full"),
    pytest.param("scipy.signal.convolve2d", "6x7", "3x4", {"mode": "same"},
                 id="convolve2d-same"),
    pytest.param("torch.nn.functional.conv2d", "6x7", "3x3", {"stride": 2, "padding": 1},
                 id="torch-stride-padding"),
    pytest.param("torch.nn.functional.conv1d", "9", "3", {"dilation": 2, "padding": 2},
                 id="torch-dilation"),
    pytest.param("scipy.signal.convolve2d", "6x7", "3x4", {"mode": "same", "boundary": "wrap"},
                 id="convolve2d-wrap"),
    pytest.param("scipy.ndimage.correlate", "7", "4", {"mode": "mirror"}, id="ndimage-mirror"),
    pytest.param("scipy.ndimage.correlate", "7", "4", {"mode": "nearest"},
                 id="ndimage-nearest"),
])
def test_torch_equivalent_gives_the_same_outputs(torch, function, image, kernel,
                                                 kwargs) -> None:
    """The printed PyTorch call, run (this test evaluates symconv's own output, never user
    text), equals the probed function on random data."""
    from symconv.classify.identification import _Caller, resolve

    r = identify(function, image, kernel, kwargs)
    call_text = r.to_json()["torch_equivalent"]
    rng = np.random.default_rng(1)
    x = rng.standard_normal(tuple(r.to_json()["image_shape"]))
    h = rng.standard_normal(tuple(r.to_json()["kernel_shape"]))
    fn, name = resolve(function)
    want = _Caller(fn, name, dict(kwargs or {}))(x, h)
    xt = torch.from_numpy(x)[None, None]
    ht = torch.from_numpy(h)[None, None]
    got = eval(call_text, {"torch": torch, "x": xt, "h": ht})[0, 0].numpy()  # noqa: S307
    np.testing.assert_allclose(got, want, atol=1e-9)
