"""Identify what a library function computes by probing it with impulses.

A convolution-like function ``y = f(x, h)`` is bilinear: with an impulse at pixel ``i`` and
another at tap ``k``, ``y`` is nonzero exactly at the outputs ``m`` with ``(m, i, k)`` in its
index relation.  Probing every pixel/tap pair recovers the relation; fitting
``i = s*m + sigma*d*k + c`` per axis gives the same normal form as ``symconv check``, with
0-based array positions (origin ``corner``).  The output window relative to the full one
gives the mode or padding; outputs near the edges that read folded-back pixels give the
boundary rule (zeros, circular, reflect, replicate, symmetric); a complex probe shows which
argument is conjugated; a random input checks that the recovered relation reproduces the
function; and, when one exists, the PyTorch call with the same outputs is printed.

    >>> r = identify("numpy.convolve", image="7", kernel="4")
    >>> r.kind, r.extra["mode"]
    ('conv', 'full')

Only the module the user names is imported (and it runs, as any import does).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import itertools
import json
import re
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..errors import InputError, ToolError
from ..index.notation import IMG_NAMES, OUT_NAMES, kernel_index
from ..index.relation import BOUNDARIES, AffineAxis, map_boundary
from ..index.signal import parse_shape
from ..parse.formula import Poly, poly_const
from .check import AxisForm, CheckResult
from .libraries import Adapter, adapter, parse_layout

#: A dotted name, or ``module:attribute``: nothing else reaches importlib.
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*"
                      r"(:[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)?\Z")
#: Default probe shapes per number of spatial axes.  Even kernel sizes on purpose: they
#: tell apart the 'same' conventions (NumPy/SciPy pad more before, PyTorch/TF after).
DEFAULT_SHAPES = {1: ((7,), (4,)), 2: ((6, 7), (3, 4)), 3: ((4, 5, 6), (2, 3, 4))}
#: symconv's boundary names (relation.BOUNDARIES) as the libraries spell them.
BOUNDARY_NAMES = {
    "zeros": "zero padding: SciPy fill / constant, NumPy and PyTorch default, OpenCV's "
             "constant border",
    "circular": "periodic: SciPy signal wrap, ndimage grid-wrap, PyTorch circular, OpenCV's "
                "wrap border",
    "reflect": "mirrored without repeating the edge: ndimage mirror, np.pad and PyTorch "
               "reflect, OpenCV's reflect-101 border (its default)",
    "replicate": "edge value repeated: ndimage nearest, np.pad edge, PyTorch replicate, "
                 "OpenCV's replicate border",
    "symmetric": "mirrored repeating the edge: SciPy signal symm, ndimage reflect, np.pad "
                 "symmetric, OpenCV's reflect border",
}
#: torch.nn.functional.pad modes for symconv's boundary names.
TORCH_PAD_MODES = {"circular": "circular", "reflect": "reflect", "replicate": "replicate"}
#: Probes are image size x kernel size calls; refuse more than this.
MAX_PROBES = 20_000
#: Output entries all probes may read together (calls x output size): a padding of 1000
#: makes each output of a 7x7 probe 2,000 x 2,000, and its 441 calls ran for minutes.
MAX_PROBE_OUTPUTS = 50_000_000


#: Functions a shared file (a derivation file's ``identify`` block) may name without
#: ``--trust-identify``: the convolution and correlation functions of the libraries symconv
#: knows.  Anything else would be imported and run, which a file from elsewhere must not do.
KNOWN_FUNCTIONS = re.compile(r"""\A(?:
    numpy\.(?:convolve|correlate)
  | scipy\.signal\.(?:convolve|correlate|convolve2d|correlate2d|fftconvolve|oaconvolve)
  | scipy\.ndimage\.(?:convolve|correlate|convolve1d|correlate1d)
  | torch\.nn\.functional\.(?:conv[123]d|conv_transpose[123]d)
  | torch\.(?:conv[123]d|conv_transpose[123]d)
  | tensorflow\.nn\.(?:conv[123]d|convolution|conv2d_transpose|conv1d_transpose
                      |conv3d_transpose|depthwise_conv2d)
  | jax\.numpy\.(?:convolve|correlate)
  | jax\.scipy\.signal\.(?:convolve|correlate|convolve2d|correlate2d)
  | jax\.lax\.(?:conv|conv_general_dilated|conv_transpose|conv_with_general_padding)
  | cv2\.(?:filter2D|sepFilter2D)
  | (?:tensorflow\.)?keras\.layers\.(?:Conv[123]D|Conv[123]DTranspose|DepthwiseConv[12]D)
)\Z""", re.VERBOSE)


def is_known_function(name: str) -> bool:
    """Whether ``name`` is one of :data:`KNOWN_FUNCTIONS` (``module:function`` as
    ``module.function``)."""
    return isinstance(name, str) and bool(KNOWN_FUNCTIONS.match(name.replace(":", ".")))


def resolve(name: str) -> tuple[Callable[..., Any], str]:
    """Import the callable ``name`` (``numpy.convolve`` or ``pkg.mod:func``)."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise InputError(f"bad function name {name!r}: give an importable name such as "
                         "numpy.convolve or package.module:function")
    if ":" in name:
        modname, attr = name.split(":", 1)
        mod = _import(modname, name)
        return _getattr(mod, attr.split("."), name), name
    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        modname = ".".join(parts[:cut])
        try:
            mod = _quiet_import(modname)
        except ModuleNotFoundError as exc:
            if exc.name is not None and modname.startswith(exc.name):
                continue
            raise ToolError(f"importing {modname} failed: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - a user's module may raise anything
            raise ToolError(f"importing {modname} failed: {type(exc).__name__}: {exc}") \
                from None
        return _getattr(mod, parts[cut:], name), name
    raise InputError(f"bad function name {name!r}: no module in it can be imported (write "
                     "module.function or module:function)")


def _import(modname: str, full: str) -> Any:
    try:
        return _quiet_import(modname)
    except ModuleNotFoundError as exc:
        if exc.name is not None and modname.startswith(exc.name):
            raise InputError(f"cannot import module {modname!r} (for {full})") from None
        raise ToolError(f"importing {modname} failed: {exc}") from None
    except Exception as exc:  # noqa: BLE001
        raise ToolError(f"importing {modname} failed: {type(exc).__name__}: {exc}") from None


def _getattr(obj: Any, attrs: Sequence[str], full: str) -> Callable[..., Any]:
    for a in attrs:
        try:
            obj = getattr(obj, a)
        except AttributeError:
            raise InputError(f"{full!r}: no attribute {a!r}") from None
    if not callable(obj):
        raise InputError(f"{full!r} is not callable")
    return obj


def _is_torch_conv(fn: Callable[..., Any], name: str) -> bool:
    mod = getattr(fn, "__module__", "") or ""
    short = getattr(fn, "__name__", "") or name.rsplit(".", 1)[-1].rsplit(":", 1)[-1]
    return (mod.startswith("torch") or name.startswith("torch.")) and short.startswith("conv")


def _dims_from_name(name: str) -> int:
    m = re.search(r"([123])d(?:_?transpose)?\b", name.rsplit(".", 1)[-1].rsplit(":", 1)[-1],
                  re.IGNORECASE)
    return int(m.group(1)) if m else 1


class _Caller:
    """Calls the function on NumPy arrays, wrapping PyTorch's (N, C, ...) layout."""

    def __init__(self, fn: Callable[..., Any], name: str, kwargs: dict[str, Any],
                 library: Adapter | None = None) -> None:
        self.fn, self.name, self.kwargs, self.library = fn, name, kwargs, library
        self.torch = library is None and _is_torch_conv(fn, name)

    def __call__(self, x: np.ndarray, h: np.ndarray) -> np.ndarray:
        if self.library is not None:
            return self._numbers(np.asarray(self.library.call(x, h)), x, h)
        try:
            # the probed function's own printing would mix with symconv's output
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                if self.torch:
                    import torch

                    xt = torch.from_numpy(np.ascontiguousarray(x))[None, None]
                    ht = torch.from_numpy(np.ascontiguousarray(h))[None, None]
                    out = self.fn(xt, ht, **self.kwargs)
                    return self._numbers(np.asarray(out.detach().numpy()[0, 0]), x, h)
                return self._numbers(np.asarray(self.fn(x, h, **self.kwargs)), x, h)
        except ToolError:
            raise
        except Exception as exc:  # noqa: BLE001 - the probed function may raise anything
            raise ToolError(f"{self.name}(image {_shape(x)}, kernel {_shape(h)}"
                            f"{_kw(self.kwargs)}) failed: {type(exc).__name__}: "
                            f"{str(exc).splitlines()[0] if str(exc) else ''}") from None

    def _numbers(self, out: np.ndarray, x: np.ndarray, h: np.ndarray) -> np.ndarray:
        """The output if it is an array of numbers, else one line saying what came back."""
        if out.dtype.kind not in "biufc":
            got = "None" if out.dtype == object and out.shape == () and out.item() is None \
                else f"dtype {out.dtype}"
            raise ToolError(f"{self.name}(image {_shape(x)}, kernel {_shape(h)}"
                            f"{_kw(self.kwargs)}) returned {got}, not an array of numbers: "
                            "not a convolution")
        return out


def _quiet_import(modname: str) -> Any:
    """Import a module without letting its import-time printing into symconv's output."""
    with contextlib.redirect_stdout(io.StringIO()):
        return importlib.import_module(modname)


def _shape(a: np.ndarray) -> str:
    return "x".join(map(str, a.shape))


def _kw(kwargs: dict[str, Any]) -> str:
    text = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    return text if len(text) <= 120 else text[:100] + "..."


def parse_kwargs(text: str | dict[str, Any] | None) -> dict[str, Any]:
    """``--kwargs '{"mode": "same"}'``: a JSON object of keyword arguments."""
    if text is None:
        return {}
    from ..limits import MAX_KWARGS

    if isinstance(text, dict):
        _check_kwargs_depth(text)
        return dict(text)
    if len(text) > MAX_KWARGS:
        raise InputError(f"bad --kwargs: {len(text):,} characters, over the limit of "
                         f"{MAX_KWARGS:,} (keyword arguments fit in a line)")
    try:
        value = json.loads(text)
    except RecursionError:
        raise InputError("bad --kwargs: nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"bad --kwargs {text!r}: not JSON ({exc.msg} at column "
                         f"{exc.colno}); write it as '{{\"mode\": \"same\"}}'") from None
    if not isinstance(value, dict):
        raise InputError(f"bad --kwargs {text!r}: give a JSON object such as "
                         "'{\"mode\": \"same\"}'")
    _check_kwargs_depth(value)
    return value


#: Deepest nesting of a keyword argument's value (lists in lists, ...).
MAX_KWARGS_DEPTH = 8


def _check_kwargs_depth(value: Any) -> None:
    from ..limits import containers, first_deeper

    if first_deeper(value, MAX_KWARGS_DEPTH, containers) is not None:
        raise InputError(f"bad --kwargs: values nested more than {MAX_KWARGS_DEPTH} deep")


def identify(function: str | Callable[..., Any], image: str | Sequence[int] | None = None,
             kernel: str | Sequence[int] | None = None,
             kwargs: str | dict[str, Any] | None = None,
             max_probes: int = MAX_PROBES, layout: str | None = None) -> CheckResult:
    """Probe ``function`` and return its normal form (a :class:`CheckResult` whose
    ``extra`` holds the function, shapes, mode, padding and the verification).

    TensorFlow, Keras, JAX and OpenCV functions are called through the adapters of
    :mod:`symconv.classify.libraries` (batch and channel axes of size 1 in the function's
    layout, or ``layout`` such as ``"NHWC,HWIO"``)."""
    if callable(function):
        fn = function
        name = f"{getattr(fn, '__module__', '?')}:{getattr(fn, '__qualname__', repr(fn))}"
    else:
        fn, name = resolve(function)
    kw = parse_kwargs(kwargs)
    lay = parse_layout(layout)
    lib = adapter(fn, name, kw, lay)
    if lib is None and lay is not None:
        _torch_layout(fn, name, lay)
    dims = lib.dims if lib is not None and lib.dims else _dims_from_name(name)
    if image is not None:
        dims = len(parse_shape(image, "image shape"))
    elif kernel is not None:
        dims = len(parse_shape(kernel, "kernel shape"))
    if dims not in DEFAULT_SHAPES and (image is None or kernel is None):
        raise InputError(f"give --image and --kernel shapes for {dims} axes")
    img_shape = parse_shape(image, "image shape") if image is not None else \
        DEFAULT_SHAPES[dims][0]
    ker_shape = parse_shape(kernel, "kernel shape") if kernel is not None else \
        DEFAULT_SHAPES[dims][1]
    if len(img_shape) != len(ker_shape):
        raise InputError(f"image shape {_tshape(img_shape)} and kernel shape "
                         f"{_tshape(ker_shape)} have different numbers of axes")
    n_img, n_ker = int(np.prod(img_shape)), int(np.prod(ker_shape))
    if n_img * n_ker > max_probes:
        raise InputError(f"probing needs {n_img * n_ker:,} calls (image size x kernel size), "
                         f"over the limit of {max_probes:,}: use smaller shapes")
    if lib is not None and lib.dims and len(img_shape) != lib.dims:
        raise InputError(f"{name} takes {lib.dims}-D images: give --image and --kernel with "
                         f"{lib.dims} axes")
    call = _Caller(fn, name, kw, lib)
    bias, out_size = _bias(call, img_shape, ker_shape)
    if n_img * n_ker * out_size > MAX_PROBE_OUTPUTS:
        raise InputError(f"probing reads {n_img * n_ker:,} outputs of {out_size:,} entries "
                         f"({n_img * n_ker * out_size:,} in all, over the limit of "
                         f"{MAX_PROBE_OUTPUTS:,}): use smaller shapes or a smaller padding")
    triples, out_shape, scale = _probe(call, img_shape, ker_shape, bias)
    transposed = None
    try:
        axes, mode, padding, notes, boundary = _fit(triples, img_shape, ker_shape, out_shape)
    except ToolError:
        transposed = _fit_transposed(triples, img_shape, ker_shape, out_shape)
        if transposed is None:
            raise
        axes, mode, padding, notes, boundary = transposed
    _verify(call, axes, img_shape, ker_shape, out_shape, scale, boundary, bias,
            transposed is not None)
    conj, complex_note = _conjugation(call, triples, img_shape, ker_shape, scale)
    if complex_note:
        notes.append(complex_note)
    notes.append("indices are 0-based array positions (origin corner): m counts outputs "
                 "from 0")
    if scale != 1:
        notes.append(f"every product is scaled by {_num(scale)}")
    if bias:
        notes.append(f"every output has {_num(bias)} added (f(0, 0) = {_num(bias)}): the "
                     "function is affine, a correlation or convolution plus a bias")
    result_conv = (_torch_transpose_call(axes, img_shape, ker_shape, out_shape)
                   if transposed is not None else
                   _torch_call(axes, img_shape, ker_shape, out_shape, padding, boundary))
    extra = {"function": name, "image_shape": list(img_shape),
             "kernel_shape": list(ker_shape), "kwargs": kw, "output_shape": list(out_shape),
             "mode": mode, "padding": padding, "boundary": boundary,
             "boundary_names": BOUNDARY_NAMES[boundary], "verified": True,
             "torch_layout": call.torch}
    nd = len(img_shape)
    if lib is not None and lib.layout is not None:
        extra["layout"] = lib.layout(nd)
    elif call.torch:
        sp = _default_spatial(nd)
        extra["layout"] = {"image": "NC" + sp, "kernel": ("IO" if transposed else "OI") + sp}
    if lib is not None:
        notes.extend(lib.notes)
    if result_conv and scale != 1:
        result_conv = f"{_num(scale)} * {result_conv}"
    if result_conv and bias:
        result_conv = f"{result_conv} {'-' if bias < 0 else '+'} {_num(abs(bias))}"
    extra["torch_equivalent"] = result_conv
    return CheckResult(tuple(axes), "x", "h", "y", conj, {}, _num(bias) if bias else None,
                       _number(scale), "", "x", "h", (), tuple(notes), extra)


def _default_spatial(nd: int) -> str:
    return "DHW"[-nd:] if nd <= 3 else "".join(str(i) for i in range(nd))


def _torch_layout(fn: Callable[..., Any], name: str, lay: tuple[str, str | None]) -> None:
    """PyTorch's layouts are fixed (N, C, spatial; kernel O, I, spatial): a --layout must
    say the same; plain-array functions take none."""
    if not _is_torch_conv(fn, name):
        raise InputError(f"{name} takes plain arrays: no --layout")
    img, ker = lay
    if not img.startswith("NC") or (ker is not None and ker[:2] not in ("OI", "IO")):
        raise InputError(f"{name} takes N, C, spatial tensors and an O, I, spatial weight "
                         f"(NCHW, OIHW): not --layout {img}{',' + ker if ker else ''}")


def _fit_transposed(triples: np.ndarray, img_shape: Sequence[int], ker_shape: Sequence[int],
                    out_shape: Sequence[int]
                    ) -> tuple[list[AxisForm], str, list[list[int]], list[str], str] | None:
    """A transposed convolution: per axis ``m = s*pixel + d*tap - p`` (the output as a
    function of the pixel and the tap), exactly the probed terms; None otherwise."""
    nd = len(img_shape)
    fitted: list[tuple[int, int, int]] = []
    for a in range(nd):
        table: dict[tuple[int, int], set[int]] = {}
        for mm, ii, kk in zip(triples[:, a].tolist(), triples[:, nd + a].tolist(),
                              triples[:, 2 * nd + a].tolist(), strict=True):
            table.setdefault((ii, kk), set()).add(mm)
        if any(len(v) > 1 for v in table.values()):
            return None
        out = {key: next(iter(v)) for key, v in table.items()}
        s_ = _vote([out[(ii + 1, kk)] - mm for (ii, kk), mm in out.items()
                    if (ii + 1, kk) in out])
        d_ = _vote([out[(ii, kk + 1)] - mm for (ii, kk), mm in out.items()
                    if (ii, kk + 1) in out])
        s_ = 1 if s_ is None else s_
        d_ = 1 if d_ is None else d_
        if s_ < 1 or d_ == 0:
            return None
        c = _vote([mm - s_ * ii - d_ * kk for (ii, kk), mm in out.items()])
        assert c is not None
        fitted.append((s_, d_, c))
    if _predict_transposed(fitted, img_shape, ker_shape, out_shape) != \
            {tuple(r) for r in triples.tolist()}:
        return None
    axes: list[AxisForm] = []
    pads: list[list[int]] = []
    modes: list[str] = []
    for a, (s_, t_, c) in enumerate(fitted):
        # s*pixel = m + sigma*d*tap - c: sigma -1 as PyTorch (m = s*pixel + d*tap - p),
        # +1 for a zero-inserted input correlated without a flip (JAX's lhs_dilation)
        sigma, d_ = (-1, t_) if t_ > 0 else (1, -t_)
        p = -c
        p_torch = p if sigma < 0 else d_ * (ker_shape[a] - 1) - c
        a_pad = out_shape[a] - ((img_shape[a] - 1) * s_ - 2 * p_torch
                                + d_ * (ker_shape[a] - 1) + 1)
        axis = AffineAxis(1, sigma, d_, p, 0, out_shape[a], 0, img_shape[a], 0, ker_shape[a],
                          "zeros", s_)
        ki = kernel_index(axis, OUT_NAMES[a], IMG_NAMES[a])
        axes.append(AxisForm(poly_const(1), sigma, poly_const(d_), poly_const(p),
                             OUT_NAMES[a], IMG_NAMES[a], ki, poly_const(s_)))
        pads.append([p_torch, p_torch])
        extra = (f"output padding {a_pad}" if a_pad >= 0 else
                 f"the last {-a_pad} output{'s' if a_pad < -1 else ''} cropped")
        modes.append(f"transposed (stride {s_}, padding {p_torch}, {extra}"
                     + (", kernel not flipped: PyTorch's with the flipped kernel)"
                        if sigma > 0 else ")"))
    mode = modes[0] if len(set(modes)) == 1 else "; ".join(
        f"axis {a}: {md}" for a, md in enumerate(modes))
    return axes, mode, pads, ["a transposed convolution: output m = s*pixel + d*tap - p"], \
        "zeros"


def _predict_transposed(fitted: Sequence[tuple[int, int, int]], img_shape: Sequence[int],
                        ker_shape: Sequence[int], out_shape: Sequence[int]
                        ) -> set[tuple[int, ...]]:
    per_axis: list[list[tuple[int, int, int]]] = []
    for (s, d, c), n, kk, mm in zip(fitted, img_shape, ker_shape, out_shape, strict=True):
        ig, kg = np.meshgrid(np.arange(n), np.arange(kk), indexing="ij")
        mg = s * ig + d * kg + c
        ok = (mg >= 0) & (mg < mm)
        per_axis.append(list(zip(mg[ok].tolist(), ig[ok].tolist(), kg[ok].tolist(),
                                 strict=True)))
    out: set[tuple[int, ...]] = set()
    for combo in itertools.product(*per_axis):
        out.add(tuple(c[0] for c in combo) + tuple(c[1] for c in combo)
                + tuple(c[2] for c in combo))
    return out


def _torch_transpose_call(axes: Sequence[AxisForm], img_shape: Sequence[int],
                          ker_shape: Sequence[int], out_shape: Sequence[int]) -> str | None:
    """torch's conv_transpose call with the same outputs (None where PyTorch cannot say it:
    an output padding at least the stride and the dilation, a negative padding)."""
    nd = len(axes)
    st = [int(a.input_stride) for a in axes]
    dl = [int(a.dilation) for a in axes]
    flips = {a.sigma for a in axes}
    if len(flips) != 1:
        return None
    pd = [int(a.offset) if a.sigma < 0 else d * (k - 1) + int(a.offset)
          for a, d, k in zip(axes, dl, ker_shape, strict=True)]
    op = [o - ((n - 1) * s - 2 * p + d * (k - 1) + 1)
          for o, n, s, p, d, k in zip(out_shape, img_shape, st, pd, dl, ker_shape, strict=True)]
    crop = ""
    if any(p < 0 or a < 0 or a >= max(s, d) for p, a, s, d in zip(pd, op, st, dl,
                                                                    strict=True)):
        # PyTorch's full output (padding 0), the window [p, p + o) cut from it
        full = [(n - 1) * s + d * (k - 1) + 1
                for n, s, d, k in zip(img_shape, st, dl, ker_shape, strict=True)]
        if any(p < 0 or p + o > f for p, o, f in zip(pd, out_shape, full, strict=True)):
            return None
        crop = "[..., " + ", ".join(f"{p}:{p + o}" if (p, o) != (0, f) else ":"
                                    for p, o, f in zip(pd, out_shape, full, strict=True)) + "]"
        pd, op = [0] * nd, [0] * nd
    opts = []
    if any(v != 1 for v in st):
        opts.append("stride=" + _tup(st))
    if any(pd):
        opts.append("padding=" + _tup(pd))
    if any(op):
        opts.append("output_padding=" + _tup(op))
    if any(v != 1 for v in dl):
        opts.append("dilation=" + _tup(dl))
    fn = f"torch.nn.functional.conv_transpose{min(nd, 3)}d"
    h = "h" if flips == {-1} else "h.flip(" + ", ".join(str(-d) for d in range(nd, 0, -1)) + ")"
    return f"{fn}(x, {h}{''.join(', ' + o for o in opts)}){crop}"


def _torch_call(axes: Sequence[AxisForm], img_shape: Sequence[int], ker_shape: Sequence[int],
                out_shape: Sequence[int], padding: Sequence[Sequence[int]],
                boundary: str = "zeros") -> str | None:
    """The PyTorch call with the same outputs (same window), when there is one: kernel
    flipped for convolution, ``F.pad`` for uneven or non-zero padding; None for reflected
    outputs, mixed flips, padding that crops, or a boundary PyTorch lacks."""
    sigmas = {a.sigma for a in axes}
    if len(sigmas) != 1 or any(a.reflected for a in axes):
        return None
    if boundary != "zeros" and boundary not in TORCH_PAD_MODES:
        return None
    nd = len(axes)
    st = [int(a.stride) for a in axes]
    dl = [int(a.dilation) for a in axes]
    if any(lo < 0 for lo, _ in padding) or (boundary != "zeros" and any(
            hi < 0 for _, hi in padding)):
        return None
    for a in range(nd):
        lo, hi = padding[a]
        ke = dl[a] * (ker_shape[a] - 1) + 1
        if (img_shape[a] + lo + hi - ke) // st[a] + 1 != out_shape[a]:
            return None
    fn = f"torch.nn.functional.conv{nd}d" if nd <= 3 else "torch.nn.functional.conv3d"
    h = "h" if sigmas == {1} else "h.flip(" + ", ".join(str(-d) for d in range(nd, 0, -1)) + ")"
    x = "x"
    opts = []
    # PyTorch pads both sides alike: a high side that is never reached may be padded too.
    symmetric = boundary == "zeros" and all(
        hi <= lo and (n + 2 * lo - (d * (k - 1) + 1)) // s + 1 == c
        for (lo, hi), n, k, d, s, c in zip(padding, img_shape, ker_shape, dl, st, out_shape,
                                           strict=True))
    if symmetric:
        if any(lo for lo, _ in padding):
            opts.append("padding=" + _tup([lo for lo, _ in padding]))
    else:
        pads = [v for lo, hi in reversed(list(padding)) for v in (lo, hi)]
        mode = "" if boundary == "zeros" else f", mode={TORCH_PAD_MODES[boundary]!r}"
        x = f"torch.nn.functional.pad(x, ({', '.join(map(str, pads))}){mode})"
    if any(v != 1 for v in st):
        opts.append("stride=" + _tup(st))
    if any(v != 1 for v in dl):
        opts.append("dilation=" + _tup(dl))
    return f"{fn}({x}, {h}{''.join(', ' + o for o in opts)})"


def _tup(vals: Sequence[int]) -> str:
    return str(vals[0]) if len(set(vals)) == 1 else "(" + ", ".join(map(str, vals)) + ")"


def _tshape(s: Sequence[int]) -> str:
    return "x".join(map(str, s))


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _number(v: float) -> Any:
    """An int when integral (a scale of 2.0 reads 2)."""
    return int(v) if float(v).is_integer() else v


def _bias(call: _Caller, img_shape: Sequence[int], ker_shape: Sequence[int]
          ) -> tuple[float, int]:
    """``f(0, 0)``: 0 for a bilinear function; a constant for one that adds a bias; any
    other output means the function is not of this family.  With the output's size."""
    base = np.asarray(call(np.zeros(tuple(img_shape)), np.zeros(tuple(ker_shape))))
    if np.iscomplexobj(base):
        base = base.real
    if not base.size or not np.any(np.abs(base) > 1e-9):
        return 0.0, int(base.size)
    b = float(base.ravel()[0])
    if not np.allclose(base, b, rtol=1e-9, atol=1e-9):
        raise ToolError(f"{call.name} returns a non-constant output ({base.min():g} to "
                        f"{base.max():g}) for a zero image and kernel: not a convolution "
                        "or correlation plus a bias")
    return b, int(base.size)


def _impulse(shape: Sequence[int], flat: int, value: complex = 1.0,
             dtype: Any = np.float64) -> np.ndarray:
    a = np.zeros(int(np.prod(shape)), dtype=dtype)
    a[flat] = value
    return a.reshape(shape)


def _probe(call: _Caller, img_shape: Sequence[int], ker_shape: Sequence[int],
           bias: float = 0.0) -> tuple[np.ndarray, tuple[int, ...], float]:
    """Rows ``(m..., i..., k...)`` of the relation; the output shape; the common weight
    (each output minus the bias)."""
    n_img, n_ker = int(np.prod(img_shape)), int(np.prod(ker_shape))
    rows: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    out_shape: tuple[int, ...] | None = None
    nd = len(img_shape)
    for fi in range(n_img):
        x = _impulse(img_shape, fi)
        i_idx = np.unravel_index(fi, img_shape)
        for fk in range(n_ker):
            y = call(x, _impulse(ker_shape, fk))
            if out_shape is None:
                out_shape = tuple(y.shape)
                if len(out_shape) != nd:
                    raise ToolError(f"{call.name} returned an array of shape "
                                    f"{_tshape(out_shape) or 'scalar'} for a {nd}-axis image: "
                                    "not a convolution-like function of (image, kernel)")
            elif tuple(y.shape) != out_shape:
                raise ToolError(f"{call.name} returned outputs of different shapes for "
                                "different inputs")
            if np.iscomplexobj(y):
                y = y.real
            y = y - bias
            nz = np.flatnonzero(np.abs(y) > 1e-9)
            if not nz.size:
                continue
            k_idx = np.unravel_index(fk, ker_shape)
            ms = np.stack(np.unravel_index(nz, out_shape), axis=1)
            block = np.empty((nz.size, 3 * nd), dtype=np.int64)
            block[:, :nd] = ms
            block[:, nd:2 * nd] = i_idx
            block[:, 2 * nd:] = k_idx
            rows.append(block)
            weights.append(y.ravel()[nz])
    if not rows or out_shape is None:
        raise ToolError(f"{call.name} returned zeros for every impulse pair: nothing to "
                        "identify")
    w = np.concatenate(weights)
    scale = float(w[0])
    if not np.allclose(w, scale, rtol=1e-6, atol=1e-9):
        raise ToolError(f"{call.name} weights its products unequally ({w.min():g} to "
                        f"{w.max():g}): not a plain convolution or correlation")
    return np.concatenate(rows), out_shape, scale


def _vote(values: Sequence[int]) -> int | None:
    """The most common value (ties: the smallest), None for no values."""
    if not values:
        return None
    counts = Counter(values)
    best = max(counts.values())
    return min(v for v, n in counts.items() if n == best)


def _fit(triples: np.ndarray, img_shape: Sequence[int], ker_shape: Sequence[int],
         out_shape: Sequence[int]
         ) -> tuple[list[AxisForm], str, list[list[int]], list[str], str]:
    """Per axis ``pixel = s*m + t*k + c`` by majority over neighbouring probes (outputs near
    a padded edge may be folded back by a boundary rule); then the boundary rule under which
    the whole relation is exactly the product of the per-axis maps."""
    nd = len(img_shape)
    notes: list[str] = []
    fitted: list[tuple[int, int, int]] = []
    for a in range(nd):
        table: dict[tuple[int, int], set[int]] = {}
        for mm, ii, kk in zip(triples[:, a].tolist(), triples[:, nd + a].tolist(),
                              triples[:, 2 * nd + a].tolist(), strict=True):
            table.setdefault((mm, kk), set()).add(ii)
        if any(len(v) > 1 for v in table.values()):
            raise ToolError(f"along axis {a} one output and one kernel tap read several "
                            "pixels: not a convolution or correlation")
        pix = {key: next(iter(v)) for key, v in table.items()}
        t = _vote([pix[(mm, kk + 1)] - ii for (mm, kk), ii in pix.items()
                   if (mm, kk + 1) in pix])
        s_ = _vote([pix[(mm + 1, kk)] - ii for (mm, kk), ii in pix.items()
                    if (mm + 1, kk) in pix])
        if s_ is None:
            notes.append(f"axis {a}: one output position, the stride is not determined "
                         "(taken as 1)")
            s_ = 1
        if t is None:
            notes.append(f"axis {a}: one kernel tap, the flip is not determined (taken as "
                         "no flip)")
            t = 1
        if t == 0 or s_ == 0:
            raise ToolError(f"the index relation along axis {a} is not affine (pixel = "
                            "s*m + sigma*d*k + c): a transposed convolution, or not a "
                            "convolution at all")
        c = _vote([ii - s_ * mm - t * kk for (mm, kk), ii in pix.items()])
        assert c is not None
        fitted.append((s_, t, c))
    got = {tuple(r) for r in triples.tolist()}
    fits = [b for b in BOUNDARIES
            if _predict(fitted, img_shape, ker_shape, out_shape, b) == got]
    boundary = fits[0] if fits else None
    if len(fits) > 1:
        notes.append(f"the probes cannot tell the boundary rules {', '.join(fits)} apart at "
                     "these shapes (the padding is too thin): probe with a larger kernel")
    if boundary is None:
        expect = _predict(fitted, img_shape, ker_shape, out_shape, "zeros")
        raise ToolError("the index relation is not affine (pixel = s*m + sigma*d*k + c) with "
                        f"zero padding or a known boundary rule ({len(got)} terms found, "
                        f"{len(expect)} expected with zeros): a transposed convolution, or "
                        "not a convolution at all")
    axes: list[AxisForm] = []
    modes: list[str] = []
    pads: list[list[int]] = []
    for a, (s_, t, c) in enumerate(fitted):
        sigma = 1 if t > 0 else -1
        d = abs(t)
        axis = AffineAxis(s_, sigma, d, c, 0, out_shape[a], 0, img_shape[a], 0, ker_shape[a],
                          boundary)
        ki = kernel_index(axis, OUT_NAMES[a], IMG_NAMES[a])
        axes.append(AxisForm(poly_const(s_), sigma, poly_const(d), poly_const(c),
                             OUT_NAMES[a], IMG_NAMES[a], ki))
        mode, pad = _window(s_, t, c, img_shape[a], ker_shape[a], out_shape[a])
        modes.append(mode)
        pads.append(pad)
    mode = modes[0] if len(set(modes)) == 1 else "; ".join(
        f"axis {a}: {md}" for a, md in enumerate(modes))
    return axes, mode, pads, notes, boundary


def _predict(fitted: Sequence[tuple[int, int, int]], img_shape: Sequence[int],
             ker_shape: Sequence[int], out_shape: Sequence[int],
             boundary: str = "zeros") -> set[tuple[int, ...]]:
    per_axis: list[list[tuple[int, int, int]]] = []
    for (s, t, c), n, kk, mm in zip(fitted, img_shape, ker_shape, out_shape, strict=True):
        mg, kg = np.meshgrid(np.arange(mm), np.arange(kk), indexing="ij")
        ig, ok = map_boundary(s * mg + t * kg + c, 0, n, boundary)
        per_axis.append(list(zip(mg[ok].tolist(), ig[ok].tolist(), kg[ok].tolist(),
                                 strict=True)))
    out: set[tuple[int, ...]] = set()
    for combo in itertools.product(*per_axis):
        out.add(tuple(c[0] for c in combo) + tuple(c[1] for c in combo)
                + tuple(c[2] for c in combo))
    return out


def _window(s: int, t: int, c: int, n: int, k: int, count: int) -> tuple[str, list[int]]:
    """Mode name and (low, high) padding of one axis, from the pixels the outputs reach."""
    ke = abs(t) * (k - 1) + 1
    reach = [s * m + t * kk + c for m in (0, count - 1) for kk in (0, k - 1)]
    lo, hi = -min(reach), max(reach) - (n - 1)
    pad = [lo, hi]
    if abs(s) != 1:
        return f"strided (stride {abs(s)}), padding {lo}:{hi}", pad
    if lo == hi == ke - 1:
        return "full", pad
    if lo == hi == 0:
        return "valid", pad
    if n < ke and count == ke - n + 1 and lo == hi == ke - n:
        return "valid (the kernel is longer: every output sees the whole image)", pad
    if count == max(n, ke) and n < ke:
        return f"same (NumPy: max(N, K) = {count} outputs, the kernel is longer)", pad
    if count == n and lo + hi == ke - 1:
        if lo == hi:
            return "same", pad
        if lo > hi:
            return ("same (extra padding before, as numpy and scipy.signal 'same' and "
                    "cv2.filter2D with an even kernel)"), pad
        return ("same (extra padding after, as PyTorch and TensorFlow padding='same' with "
                "an even kernel)"), pad
    return f"padding {lo}:{hi} (low:high)", pad


def _verify(call: _Caller, axes: Sequence[AxisForm], img_shape: Sequence[int],
            ker_shape: Sequence[int], out_shape: Sequence[int], scale: float,
            boundary: str = "zeros", bias: float = 0.0, transposed: bool = False) -> None:
    """The function must be the recovered relation on inputs nothing like impulses: random
    floats of wide range (1e-3 to 3e4, so saturation, clipping, integer wrap-around and
    rounding show), and linear in each argument (f(a x1 + b x2, h) = a f(x1, h) + b f(x2,
    h), and the same for h).  Impulses alone cannot tell a clipped or wrapped convolution
    from a convolution."""
    rng = np.random.default_rng(0)
    nd = len(axes)
    if transposed:
        terms = sorted(_predict_transposed(
            [(_int(a.u), -a.sigma * _int(a.d), -_int(a.c)) for a in axes], img_shape,
            ker_shape, out_shape))
    else:
        fitted = [(_int(a.s), a.sigma * _int(a.d), _int(a.c)) for a in axes]
        terms = sorted(_predict(fitted, img_shape, ker_shape, out_shape, boundary))
    img_shape, ker_shape = tuple(img_shape), tuple(ker_shape)

    def relation(x: np.ndarray, h: np.ndarray) -> np.ndarray:
        want = np.zeros(tuple(out_shape))
        for term in terms:
            want[term[:nd]] += x[term[nd:2 * nd]] * h[term[2 * nd:]]
        return want * scale

    def value(x: np.ndarray, h: np.ndarray) -> np.ndarray:
        """The function's output minus the bias (the bilinear part)."""
        got = np.asarray(call(x, h), dtype=np.complex128) - bias
        return got.real if not np.iscomplexobj(x) and not np.iscomplexobj(h) else got

    def close(a: np.ndarray, b: np.ndarray) -> bool:
        size = max(1.0, float(np.abs(b).max(initial=0.0)))
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-7, atol=1e-9 * size))

    def fail(what: str) -> ToolError:
        return ToolError(f"{call.name} is not bilinear in (image, kernel): {what}; the "
                         "impulses show a convolution-like relation, but the function is "
                         "not that relation (saturation, clipping, integer wrap-around, "
                         "rounding or another nonlinearity)")

    inputs = []
    for mag_x, mag_h in ((1.0, 1.0), (1e3, 1.0), (1e-3, 1e2), (3e4, 3e2)):
        inputs.append((rng.normal(scale=mag_x, size=img_shape),
                       rng.normal(scale=mag_h, size=ker_shape)))
    inputs.append((rng.integers(-30000, 30001, size=img_shape).astype(np.float64),
                   rng.integers(-300, 301, size=ker_shape).astype(np.float64)))
    for k, (x, h) in enumerate(inputs):
        if not close(value(x, h), relation(x, h)):
            return_what = ("random inputs" if k == 0 else
                           f"random inputs of magnitude {np.abs(x).max():.3g} (image) and "
                           f"{np.abs(h).max():.3g} (kernel)")
            raise fail(f"{return_what} do not give the relation's outputs")
    (x1, h1), (x2, h2) = inputs[0], inputs[1]
    a, b = 2.5, -7.0
    if not close(value(a * x1 + b * x2, h1), a * value(x1, h1) + b * value(x2, h1)):
        raise fail("f(a*x1 + b*x2, h) differs from a*f(x1, h) + b*f(x2, h)")
    if not close(value(x1, a * h1 + b * h2), a * value(x1, h1) + b * value(x1, h2)):
        raise fail("f(x, a*h1 + b*h2) differs from a*f(x, h1) + b*f(x, h2)")
    for c in (1e-3, -1e3):
        if not close(value(c * x1, h1), c * value(x1, h1)):
            raise fail(f"f({c:g}*x, h) differs from {c:g}*f(x, h)")


def _int(p: Poly) -> int:
    return p[0][1] if p else 0


def _conjugation(call: _Caller, triples: np.ndarray, img_shape: Sequence[int],
                 ker_shape: Sequence[int], scale: float = 1.0) -> tuple[str | None, str | None]:
    nd = len(img_shape)
    row = triples[0]
    m = tuple(int(v) for v in row[:nd])
    fi = int(np.ravel_multi_index(tuple(row[nd:2 * nd]), img_shape))
    fk = int(np.ravel_multi_index(tuple(row[2 * nd:]), ker_shape))
    conj: dict[str, bool] = {}
    for who in ("image", "kernel"):
        xv = 1j if who == "image" else 1.0
        hv = 1j if who == "kernel" else 1.0
        try:
            y = call(_impulse(img_shape, fi, xv, np.complex128),
                     _impulse(ker_shape, fk, hv, np.complex128))
        except ToolError:
            return None, "complex input was rejected: conjugation not probed"
        if not np.iscomplexobj(y) or y.shape != tuple(
                np.asarray(y).shape) or abs(complex(y[m]).imag) < 1e-9:
            return None, "complex input lost its imaginary part: conjugation not probed"
        conj[who] = complex(y[m]).imag / scale < 0
    return ({(False, False): None, (True, False): "image", (False, True): "kernel",
             (True, True): "both"}[(conj["image"], conj["kernel"])], None)
