"""How ``identify`` calls other libraries' convolution functions on plain arrays.

``identify`` probes ``y = f(x, h)`` with NumPy arrays of the spatial shapes.  TensorFlow,
Keras, JAX and OpenCV take batches, channels, layouts, required strides and paddings, and
their own dtypes; an *adapter* wraps one function so that it takes the spatial image and
kernel and returns the spatial output, float64 (complex128 where the library has it), with
the layout it used:

- ``tensorflow.nn.conv1d/conv2d/conv3d/convolution``: input N...C (or NC... by
  ``data_format``), filters spatial + IO; ``conv1d/2d/3d_transpose``: filters spatial + OI,
  ``output_shape`` spatial or full (default: TensorFlow's size for the padding);
  ``depthwise_conv2d``: filter spatial + (in, multiplier).  Required strides default to 1
  and padding to ``VALID`` (said in the notes).
- Keras ``layers.Conv1D/2D/3D``, ``Conv1D/2D/3DTranspose``, ``DepthwiseConv1D/2D``: the
  layer is built once per shape with one filter, no bias, float64; the probed kernel is
  its weight.
- ``jax.lax.conv_general_dilated`` (``dimension_numbers`` from the keyword arguments or
  ``--layout``), ``conv``, ``conv_with_general_padding``, ``conv_transpose`` (TensorFlow's
  layouts by default, as JAX); ``jax.numpy.convolve/correlate`` and ``jax.scipy.signal.*``
  take plain arrays.  JAX is switched to 64-bit floats (``jax_enable_x64``) first.
- ``cv2.filter2D(src, -1, kernel)``; ``cv2.sepFilter2D(src, -1, kernelX, kernelY)`` is
  probed as the 2-D correlation with ``kernelY kernelX^T``: a kernel ``h`` is the sum over
  its columns ``j`` of ``h[:, j] e_j^T``, so ``f(x, h) = sum_j sepFilter2D(x, -1, e_j,
  h[:, j])``, one real call per column (one for an impulse).

    >>> parse_layout("NHWC,HWIO")
    ('NHWC', 'HWIO')
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError, ToolError

Array = np.ndarray


@dataclass
class Adapter:
    """A library function as ``(x, h) -> y`` on spatial arrays."""

    library: str
    call: Callable[[Array, Array], Any]
    #: number of spatial axes the function takes (None: any, from the shapes)
    dims: int | None = None
    #: the layouts used for a number of spatial axes (``{"image": "NHWC", "kernel":
    #: "HWIO"}``), or None for plain arrays
    layout: Callable[[int], dict[str, str]] | None = None
    notes: list[str] = field(default_factory=list)


_LAYOUT_RE = re.compile(r"[A-Z0-9]{1,8}\Z")


def parse_layout(text: str | None) -> tuple[str, str | None] | None:
    """``--layout NHWC,HWIO`` (image layout, optional kernel layout)."""
    if text is None:
        return None
    parts = [p.strip().upper() for p in str(text).split(",")]
    if not 1 <= len(parts) <= 3 or not all(_LAYOUT_RE.match(p) for p in parts):
        raise InputError(f"bad --layout {text!r}: give the image layout and optionally the "
                         "kernel layout, e.g. NHWC,HWIO or NCHW,OIHW")
    img = parts[0]
    if img.count("N") != 1 or img.count("C") != 1:
        raise InputError(f"bad --layout {text!r}: the image layout needs one N and one C")
    ker = parts[1] if len(parts) > 1 else None
    if ker is not None and (ker.count("O") != 1 or ker.count("I") != 1):
        raise InputError(f"bad --layout {text!r}: the kernel layout needs one O and one I")
    return img, ker


def _short(name: str) -> str:
    return name.replace(":", ".")


def library_of(fn: Callable[..., Any], name: str) -> str | None:
    """``tensorflow``, ``keras``, ``jax`` or ``cv2`` when ``fn`` is one of theirs."""
    dotted = _short(name)
    mod = getattr(fn, "__module__", "") or ""
    for lib, prefixes in (("keras", ("keras.", "tensorflow.keras.", "tf.keras.")),
                          ("tensorflow", ("tensorflow.", "tf.")),
                          ("jax", ("jax.", "jaxlib.")), ("cv2", ("cv2.",))):
        if dotted.startswith(prefixes) or (mod + ".").startswith(prefixes):
            if lib == "tensorflow" and ".keras." in dotted:
                return "keras"
            return lib
    return None


def adapter(fn: Callable[..., Any], name: str, kwargs: dict[str, Any],
            layout: tuple[str, str | None] | None) -> Adapter | None:
    """The adapter for a TensorFlow, Keras, JAX or OpenCV function; None for a function
    that takes plain arrays as they are (NumPy, SciPy, user code)."""
    lib = library_of(fn, name)
    short = _short(name).rsplit(".", 1)[-1]
    if lib == "keras":
        return _keras(fn, short, kwargs, layout)
    if lib == "tensorflow":
        return _tensorflow(fn, short, kwargs, layout)
    if lib == "jax":
        return _jax(fn, _short(name), short, kwargs, layout)
    if lib == "cv2":
        if layout is not None:
            raise InputError("OpenCV functions take plain 2-D arrays: no --layout")
        return _opencv(fn, short, kwargs)
    return None


# ---------------------------------------------------------------- layouts
def _place(a: Array, spec: str, ones: str) -> Array:
    """``a`` (spatial axes only) as an array of layout ``spec``: the letters in ``ones``
    are axes of size 1, the others the spatial axes in order."""
    spatial = [c for c in spec if c not in ones]
    if len(spatial) != a.ndim:
        raise InputError(f"layout {spec} has {len(spatial)} spatial axes, the probe "
                         f"{a.ndim}")
    shape = [1 if c in ones else 0 for c in spec]
    it = iter(a.shape)
    shape = [s if s else next(it) for s in shape]
    return a.reshape(shape)


def _take(a: Array, spec: str, ones: str) -> Array:
    """The spatial part of an output of layout ``spec`` (its size-1 axes dropped)."""
    idx = tuple(0 if c in ones else slice(None) for c in spec)
    return np.asarray(a)[idx]


def _default_spec(nd: int, first: bool, ones: str = "NC") -> str:
    sp = "DHW"[-nd:] if nd <= 3 else "".join(str(i) for i in range(nd))
    return ones + sp if first else ones[0] + sp + ones[1]


def _fail(name: str, x: Array, h: Array, exc: BaseException) -> ToolError:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return ToolError(f"{name}(image {'x'.join(map(str, x.shape))}, kernel "
                     f"{'x'.join(map(str, h.shape))}) failed: {type(exc).__name__}: "
                     f"{msg[:200]}")


def _guard(name: str, call: Callable[[Array, Array], Any]) -> Callable[[Array, Array], Any]:
    def run(x: Array, h: Array) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return call(x, h)
        except (InputError, ToolError):
            raise
        except Exception as exc:  # noqa: BLE001 - the probed library may raise anything
            raise _fail(name, x, h, exc) from None
    return run


# ---------------------------------------------------------------- TensorFlow
_TF_CONV = re.compile(r"conv([123])d\Z|convolution\Z")
_TF_TRANSPOSE = re.compile(r"conv([123])d_transpose\Z")


def _tensorflow(fn: Callable[..., Any], short: str, kwargs: dict[str, Any],
                layout: tuple[str, str | None] | None) -> Adapter:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    m_conv, m_tr = _TF_CONV.match(short), _TF_TRANSPOSE.match(short)
    depthwise = short == "depthwise_conv2d"
    if not (m_conv or m_tr or depthwise):
        raise InputError(f"tensorflow.nn.{short} is not a convolution symconv knows how to "
                         "call (conv1d/2d/3d, convolution, conv1d/2d/3d_transpose, "
                         "depthwise_conv2d)")
    match = m_conv or m_tr
    fixed = 2 if depthwise else (int(match.group(1)) if match and match.group(1) else
                                 _dims_of(kwargs, ("strides", "dilations")))
    kw = dict(kwargs)
    notes: list[str] = []
    fmt = kw.get("data_format")
    if layout is not None:
        img_spec, ker_spec = layout
        if fmt is None:
            kw["data_format"] = fmt = img_spec
        elif fmt != img_spec:
            raise InputError(f"--layout {img_spec} differs from data_format={fmt!r}")
        want = "OI" if m_tr else "IO"
        if ker_spec is not None and not ker_spec.endswith(want):
            raise InputError(f"tensorflow.nn.{short} takes its kernel as spatial + {want}, "
                             f"not {ker_spec}")
    first = isinstance(fmt, str) and fmt.upper().startswith("NC")
    if "padding" not in kw:
        kw["padding"] = "SAME" if m_tr else "VALID"
        notes.append(f"padding not given: TensorFlow's {'default ' if m_tr else ''}"
                     f"{kw['padding']!r} used")
    stride_key = "stride" if short == "conv1d" else "strides"
    if stride_key not in kw and short != "convolution":
        kw[stride_key] = [1, 1, 1, 1] if depthwise else 1
    if short == "conv3d" and isinstance(kw.get("strides"), int):
        s = kw["strides"]
        kw["strides"] = [1, s, s, s, 1] if not first else [1, 1, s, s, s]
    dtype = tf.float64

    def call(x: Array, h: Array) -> Any:
        nd = x.ndim
        spec = _default_spec(nd, first)
        if np.iscomplexobj(x) or np.iscomplexobj(h):
            raise ToolError(f"tensorflow.nn.{short} takes real tensors only")
        xt = tf.constant(_place(x, spec, "NC"), dtype)
        ht = tf.constant(h.reshape(h.shape + (1, 1)), dtype)
        args = dict(kw)
        if m_tr:
            args["output_shape"] = _tf_output_shape(args, x.shape, h.shape, spec, first)
        out = fn(xt, ht, **args)
        return _take(out.numpy(), spec, "NC")

    def lay(nd: int) -> dict[str, str]:
        io = "IM" if depthwise else "OI" if m_tr else "IO"
        return {"image": _default_spec(nd, first), "kernel": _default_spec(nd, False)[1:-1]
                + io}
    return Adapter("tensorflow", _guard(f"tensorflow.nn.{short}", call), fixed, lay, notes)


def _tf_output_shape(kw: dict[str, Any], n: Sequence[int], k: Sequence[int], spec: str,
                     first: bool) -> list[int]:
    """conv*_transpose's ``output_shape``: given (spatial or full), or TensorFlow's size for
    the padding: N*s for SAME, (N-1)*s + d*(K-1) + 1 for VALID."""
    given = kw.get("output_shape")
    nd = len(n)
    if given is not None:
        given = [int(v) for v in given]
        if len(given) == nd:
            return [1, 1, *given] if first else [1, *given, 1]
        return given
    st = _per_axis(kw.get("strides", 1), nd, first)
    dl = _per_axis(kw.get("dilations", 1), nd, first)
    same = str(kw.get("padding", "SAME")).upper() == "SAME"
    sp = [ni * si if same else (ni - 1) * si + di * (ki - 1) + 1
          for ni, ki, si, di in zip(n, k, st, dl, strict=True)]
    return [1, 1, *sp] if first else [1, *sp, 1]


def _per_axis(v: Any, nd: int, first: bool) -> list[int]:
    if isinstance(v, int):
        return [v] * nd
    v = [int(a) for a in v]
    if len(v) == nd:
        return v
    if len(v) == 1:
        return v * nd
    return v[2:] if first else v[1:-1]


# ---------------------------------------------------------------- Keras
_KERAS = re.compile(r"(Conv([123])D(Transpose)?|DepthwiseConv([12])D)\Z")


def _keras(fn: Callable[..., Any], short: str, kwargs: dict[str, Any],
           layout: tuple[str, str | None] | None) -> Adapter:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    m = _KERAS.match(short)
    if m is None or not isinstance(fn, type):
        raise InputError(f"keras layer {short} is not one symconv knows how to build "
                         "(Conv1D/2D/3D, Conv1D/2D/3DTranspose, DepthwiseConv1D/2D)")
    nd = int(m.group(2) or m.group(4))
    depthwise = m.group(4) is not None
    kw = dict(kwargs)
    if layout is not None:
        kw.setdefault("data_format", "channels_first" if layout[0].startswith("NC")
                      else "channels_last")
    first = kw.get("data_format") == "channels_first"
    kw.setdefault("use_bias", False)
    kw.setdefault("dtype", "float64")
    if not depthwise:
        kw.setdefault("filters", 1)
    layers: dict[tuple[tuple[int, ...], tuple[int, ...]], Any] = {}

    def call(x: Array, h: Array) -> Any:
        if np.iscomplexobj(x) or np.iscomplexobj(h):
            raise ToolError(f"keras {short} takes real tensors only")
        spec = _default_spec(x.ndim, first)
        key = (x.shape, h.shape)
        if key not in layers:
            layer = fn(kernel_size=tuple(h.shape), **kw)
            layer.build(_place(x, spec, "NC").shape)
            layers[key] = layer
        layer = layers[key]
        weight = getattr(layer, "depthwise_kernel", None) if depthwise else None
        weight = layer.kernel if weight is None else weight
        weight.assign(h.reshape(tuple(weight.shape)))
        out = layer(_place(np.asarray(x, np.float64), spec, "NC"))
        return _take(np.asarray(out), spec, "NC")

    def lay(n: int) -> dict[str, str]:
        io = "IM" if depthwise else "OI" if m.group(3) else "IO"
        return {"image": _default_spec(n, first), "kernel": _default_spec(n, False)[1:-1] + io}
    notes = [f"keras {short} built with one filter, no bias, float64; the probed kernel is "
             "its weight"]
    return Adapter("keras", _guard(f"keras.layers.{short}", call), nd, lay, notes)


# ---------------------------------------------------------------- JAX
_JAX_LAX = ("conv_general_dilated", "conv", "conv_with_general_padding", "conv_transpose")


def _jax(fn: Callable[..., Any], dotted: str, short: str, kwargs: dict[str, Any],
         layout: tuple[str, str | None] | None) -> Adapter:
    import jax

    jax.config.update("jax_enable_x64", True)
    notes = ["JAX switched to 64-bit floats (jax_enable_x64) for exact probes"]
    if ".lax." not in f".{dotted}." or short not in _JAX_LAX:
        if layout is not None:
            raise InputError(f"{dotted} takes plain arrays: no --layout")

        def plain(x: Array, h: Array) -> Any:
            return np.asarray(fn(x, h, **kwargs))
        return Adapter("jax", _guard(dotted, plain), 1 if ".numpy." in dotted else None,
                       None, notes)
    kw = dict(kwargs)
    transpose = short == "conv_transpose"
    stride_key = "strides" if transpose else "window_strides"
    dn = kw.get("dimension_numbers")
    if dn is not None:
        if not (isinstance(dn, (list, tuple)) and len(dn) == 3
                and all(isinstance(s, str) for s in dn)):
            raise InputError("dimension_numbers: give three layout strings, e.g. "
                             "[\"NHWC\", \"HWIO\", \"NHWC\"]")
        kw["dimension_numbers"] = tuple(dn)
    elif layout is not None and short in ("conv_general_dilated", "conv_transpose"):
        img_spec, ker_spec = layout
        if ker_spec is None:
            ker_spec = "".join(c for c in img_spec if c not in "NC") + "IO" \
                if img_spec.endswith("C") else "OI" + "".join(c for c in img_spec
                                                             if c not in "NC")
        kw["dimension_numbers"] = (img_spec, ker_spec, img_spec)
    elif layout is not None:
        raise InputError(f"jax.lax.{short} takes NC.../OI... arrays: no --layout")

    def specs(nd: int) -> tuple[str, str, str]:
        if "dimension_numbers" in kw and kw["dimension_numbers"] is not None:
            lhs, rhs, out = kw["dimension_numbers"]
            return lhs.upper(), rhs.upper(), out.upper()
        if transpose:  # JAX's default for conv_transpose: TensorFlow's layouts
            sp = _default_spec(nd, False)[1:-1]
            return "N" + sp + "C", sp + "IO", "N" + sp + "C"
        sp = _default_spec(nd, True)[2:]
        return "NC" + sp, "OI" + sp, "NC" + sp

    def call(x: Array, h: Array) -> Any:
        nd = x.ndim
        lhs, rhs, out = specs(nd)
        args = dict(kw)
        args.setdefault(stride_key, (1,) * nd)
        args.setdefault("padding", "VALID")
        if short == "conv_with_general_padding":
            args.setdefault("lhs_dilation", None)
            args.setdefault("rhs_dilation", None)
        for key in ("padding",):
            if isinstance(args[key], list):
                args[key] = [tuple(p) for p in args[key]]
        y = fn(_place(x, lhs, "NC"), _place(h, rhs, "OI"), **args)
        return _take(np.asarray(y), out, "NC")

    def lay(nd: int) -> dict[str, str]:
        lhs, rhs, _ = specs(nd)
        return {"image": lhs, "kernel": rhs}
    if "padding" not in kw:
        notes.append("padding not given: 'VALID' used (JAX requires one)")
    return Adapter("jax", _guard(dotted, call), _dims_of(kw, (
        stride_key, "padding", "lhs_dilation", "rhs_dilation")), lay, notes)


def _dims_of(kw: dict[str, Any], keys: Sequence[str]) -> int | None:
    """The number of spatial axes a call's per-axis arguments say (a list of strides, of
    (low, high) pairs, ...), or None."""
    for key in keys:
        v = kw.get(key)
        if isinstance(v, (list, tuple)) and v:
            return len(v)
    spec = kw.get("dimension_numbers")
    if isinstance(spec, (list, tuple)) and spec and isinstance(spec[0], str):
        return len(spec[0]) - 2
    return None


# ---------------------------------------------------------------- OpenCV
def _opencv(fn: Callable[..., Any], short: str, kwargs: dict[str, Any]) -> Adapter:
    import cv2

    kw = dict(kwargs)
    for key in ("borderType",):
        if isinstance(kw.get(key), str):
            name = kw[key].upper()
            if not name.startswith("BORDER_") or not hasattr(cv2, name):
                raise InputError(f"bad borderType {kw[key]!r}: give an OpenCV border name "
                                 "(BORDER_CONSTANT, BORDER_REPLICATE, BORDER_REFLECT, "
                                 "BORDER_REFLECT_101) or its number")
            kw[key] = int(getattr(cv2, name))
    if isinstance(kw.get("anchor"), list):
        kw["anchor"] = tuple(kw["anchor"])
    ddepth = kw.pop("ddepth", -1)

    def real(a: Array) -> Array:
        if np.iscomplexobj(a):
            raise ToolError(f"cv2.{short} takes real images only")
        return np.ascontiguousarray(a, dtype=np.float64)

    def check(x: Array, h: Array) -> None:
        if x.ndim != 2 or h.ndim != 2:
            raise InputError(f"cv2.{short} filters 2-D images: give 2-D --image and "
                             "--kernel shapes")

    if short == "filter2D":
        def call(x: Array, h: Array) -> Any:
            check(x, h)
            return fn(real(x), ddepth, real(h), **kw)
        notes: list[str] = []
    elif short == "sepFilter2D":
        def call(x: Array, h: Array) -> Any:
            check(x, h)
            xx, hh = real(x), real(h)
            cols = [j for j in range(hh.shape[1]) if np.any(hh[:, j])] or [0]
            total = None
            for j in cols:
                ex = np.zeros(hh.shape[1])
                ex[j] = 1.0
                part = np.asarray(fn(xx, ddepth, ex, np.ascontiguousarray(hh[:, j]), **kw))
                total = part if total is None else total + part - (
                    float(kw.get("delta", 0.0)))
            return total
        notes = ["cv2.sepFilter2D(x, -1, kernelX, kernelY) probed as the 2-D operation with "
                 "the kernel kernelY kernelX^T (one call per kernel column: h = sum_j h[:, j] "
                 "e_j^T)"]
    else:
        raise InputError(f"cv2.{short} is not a filter symconv knows how to call "
                         "(filter2D, sepFilter2D)")
    return Adapter("cv2", _guard(f"cv2.{short}", call), 2, None, notes)
