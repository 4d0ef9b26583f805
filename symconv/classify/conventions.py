"""How a classified relation reads in the libraries: which function computes it, how to
call PyTorch for it, what its offsets mean counted from 1, its 'full'-mode positions.

:func:`conventions` reads a :class:`~symconv.classify.check.CheckResult` (its kind, axes,
conjugation, names) and returns sentences; the classifier itself never words anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_TORCH = {1: "conv1d", 2: "conv2d", 3: "conv3d"}


def conventions(r: Any) -> list[str]:
    n = len(r.axes)
    x, h = r.image, r.kernel
    kind = r.kind
    out: list[str] = []
    torch_fn = f"torch.nn.functional.{_TORCH.get(n, 'conv3d')}"
    flip_dims = ", ".join(str(-d) for d in range(n, 0, -1))
    if kind == "corr":
        out.append("Cross-correlation: the kernel is not flipped. This is the relation "
                   "that numpy.correlate, scipy.signal.correlate/correlate2d, "
                   f"{torch_fn} (and nn.Conv{n}d) and TensorFlow's tf.nn.conv{min(n, 3)}d "
                   "/ Keras Conv layers compute (deep learning's 'convolution').")
    elif kind == "conv":
        out.append("Convolution: the kernel is flipped along every spatial axis. This is "
                   "the relation of numpy.convolve and scipy.signal.convolve/convolve2d/"
                   f"fftconvolve; in PyTorch or TensorFlow flip the kernel first: "
                   f"{torch_fn}(x, h.flip({flip_dims})) computes it.")
    elif kind == "corr-reflected":
        out.append(f"Cross-correlation with a point-reflected output: y at m equals the "
                   f"standard correlation at -m ({r.equivalent}); the kernel is not "
                   f"flipped, but each output sits at the mirrored position (the article's "
                   f"form). Exchanging the roles of {x} and {h} gives the standard "
                   f"correlation {_swapped_eq(r)}; it is also conv(flip({x}), {h}). No library "
                   "computes it directly: reverse the output of numpy.correlate or "
                   f"{torch_fn} along every spatial axis.")
    elif kind == "conv-reflected":
        out.append("Convolution with a point-reflected output: y at m equals the "
                   f"convolution at -m ({r.equivalent}); reverse numpy.convolve's or "
                   "scipy.signal.convolve's output along every spatial axis.")
    elif kind == "conv-transpose":
        tfn = f"torch.nn.functional.{_TORCH.get(n, 'conv3d').replace('conv', 'conv_transpose')}"
        out.append(f"Transposed convolution: {tfn} (and nn.ConvTranspose{n}d) computes "
                   f"{r.equivalent}, with indices from 0 and its weight laid out C_in x "
                   f"C_out. It is the gradient of {torch_fn} with respect to its input (the "
                   "adjoint of the strided correlation), and a stride-1 correlation of the "
                   "input with zeros inserted between its pixels and the kernel flipped "
                   "(symconv prove transpose).")
    else:
        flips = ", ".join(r.flipped_axes)
        out.append(f"Mixed: the kernel is flipped along the axis of {flips} only "
                   f"({r.equivalent}); no library computes this directly: flip the kernel "
                   f"along those axes and use a correlation ({torch_fn}, "
                   "scipy.signal.correlate).")
    if r.conjugate == "kernel" and all(a.sigma > 0 for a in r.axes):
        out.append(f"The kernel {h} is conjugated, as numpy.correlate and "
                   "scipy.signal.correlate do for complex input (their second argument); "
                   "for real data it makes no difference.")
    elif r.conjugate == "image":
        sw = r.swapped()
        extra = ""
        if sw is not None and sw.kind == "corr":
            extra = (f" With the roles exchanged it is {sw.equivalent}: "
                     f"numpy.correlate({h}, {x}) computes it (Wikipedia's f\u22c6g "
                     "conjugates its first argument).")
        out.append(f"The image {x} is conjugated.{extra}")
    elif r.conjugate:
        out.append(f"Conjugation on the {r.conjugate}: check the library's convention "
                   "(numpy.correlate conjugates its second argument).")
    nums = [a for a in r.axes if all(isinstance(v, int) for v in (a.stride, a.dilation,
                                                                   a.offset))]
    if kind == "corr" and len(nums) == n:
        pads = [-a.offset for a in r.axes]
        st = [a.stride for a in r.axes]
        dl = [a.dilation for a in r.axes]
        if all(p >= 0 for p in pads):
            opts = []
            if any(s != 1 for s in st):
                opts.append(f"stride={_tuple(st)}")
            if any(d != 1 for d in dl):
                opts.append(f"dilation={_tuple(dl)}")
            if any(p != 0 for p in pads):
                opts.append(f"padding={_tuple(pads)}")
            tail = (", " + ", ".join(opts)) if opts else ""
            out.append(f"With 0-based indices and the output counted from 0 this is the index "
                       f"relation of {torch_fn}({x}, {h}{tail}) (padding = -offset)"
                       + (" and of TensorFlow's padding='VALID'" if not any(pads) else "")
                       + ".")
        else:
            out.append("The offset is positive: the output starts inside the image (a "
                       "cropped correlation); PyTorch would need negative padding.")
    elif kind == "corr":
        sym = [a for a in r.axes if not isinstance(a.offset, int) or
               not isinstance(a.stride, int) or not isinstance(a.dilation, int)]
        if sym:
            out.append(f"Symbolic parameters: in {torch_fn} terms stride = "
                       f"{_tuple([a.stride for a in r.axes])}, dilation = "
                       f"{_tuple([a.dilation for a in r.axes])}, padding = -offset = "
                       f"{_tuple([_neg(a.offset) for a in r.axes])} (0-based indices).")
    if any(a.offset != 0 for a in r.axes) and r.source:
        ob = [a.offset_one_based for a in r.axes]
        out.append("If the formula counts every index from 1 (as the Deep Learning book "
                   "does), the offsets counted from 0 are " + _tuple(ob)
                   + (": no shift at all" if all(v == 0 for v in ob) else "") + ".")
    if all(isinstance(a.offset, int) and isinstance(a.stride, int) and a.stride == 1
           for a in r.axes) and kind in ("conv", "corr"):
        if kind == "conv":
            out.append("NumPy/SciPy 'full' output position p (0-based arrays) is the "
                       "natural index t = p of this formula (offset 0); 'same' and 'valid' "
                       "are windows of it.")
        else:
            out.append("NumPy/SciPy 'full' correlation output position p (0-based arrays) "
                       "is the natural index t = p - (K-1) for a kernel of size K; 'valid' "
                       "starts at t = 0.")
    return out


def _swapped_eq(r: Any) -> str:
    sw = r.swapped()
    return sw.equivalent if sw is not None else f"corr({r.kernel}, {r.image})"


def _tuple(vals: Sequence[Any]) -> str:
    if len(set(map(str, vals))) == 1:
        return str(vals[0])
    return "(" + ", ".join(map(str, vals)) + ")"


def _neg(v: Any) -> Any:
    if isinstance(v, int):
        return -v
    text = str(v)
    return text[1:] if text.startswith("-") and "+" not in text[1:] and "-" not in text[1:] \
        else f"-({text})"
