"""Operations as index relations: conv, corr, corr-reflected; modes; layers.

Two ways fix the output window of each spatial axis:

* a **mode** (``full``/``valid``/``same``), as NumPy (1-D, ``convention='numpy'``) and SciPy
  (N-D, the default) define it.  Indices are *natural*: ``c = 0``, so ``y[m]`` is the ``m``
  of the formula (conv ``i = s*m - d*k``, corr ``i = s*m + d*k``).
* **padding** (per side, or ``'same'``/``'valid'``), as ``torch.nn.functional.convNd``:
  the output runs over every position where the kernel fits the padded image, the first
  one at its low edge.  Outputs are 0-based (centred when ``origin='center'``).

``corr-reflected`` (the article's ``h[m+i]``) is correlation read at ``-m``: the same
relation with the stride negated and the output indices reflected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from ..errors import InputError
from ..limits import MAX_PARAMETER, shown
from .ops import CONVENTIONS, MODES, OPERATIONS, OPS
from .relation import BOUNDARIES, BOUNDARY_ALIASES, AffineAxis, ChannelAxis, Relation
from .signal import ORIGINS, Signal, check_name, make_signal


def per_axis(value: int | Sequence[int] | str | None, n: int, what: str, default: int,
              minimum: int = 1) -> tuple[int, ...]:
    if value is None:
        return (default,) * n
    if isinstance(value, str):
        parts = [p for p in value.replace("x", ",").split(",")]
        try:
            vals = [int(p) for p in parts]
        except ValueError:
            raise InputError(f"bad {what} {value!r}: expected an integer or one per axis, "
                             "such as 2 or 2,1") from None
    elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        vals = [int(value)]
    else:
        vals = [int(v) for v in cast(Sequence[int], value)]
    if len(vals) == 1:
        vals = vals * n
    if len(vals) != n:
        raise InputError(f"bad {what} {value!r}: give 1 value or {n} (one per spatial axis)")
    for v in vals:
        if v < minimum:
            raise InputError(f"bad {what} {shown(value)}: each value must be at least "
                             f"{minimum}")
        if v > MAX_PARAMETER:
            raise InputError(f"bad {what} {shown(value)}: each value must be at most "
                             f"{MAX_PARAMETER:,}")
    return tuple(vals)


def parse_padding(value: object, n: int) -> tuple[tuple[int, int], ...] | str | None:
    """``2`` / ``'2,1'`` (per axis) / ``'0:1,1:0'`` (low:high per axis) / ``'same'``/``'valid'``."""
    if value is None:
        return None
    if isinstance(value, str):
        v = value.strip().lower()
        if v in ("same", "valid"):
            return v
        parts = v.split(",")
        out: list[tuple[int, int]] = []
        for p in parts:
            try:
                if ":" in p:
                    a, b = p.split(":")
                    out.append((int(a), int(b)))
                else:
                    out.append((int(p), int(p)))
            except ValueError:
                raise InputError(f"bad padding {value!r}: use an integer, one per axis "
                                 "(1,2), low:high per axis (0:1,1:0), same or valid") from None
    elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        out = [(int(value), int(value))]
    else:
        out = []
        for p in value:  # type: ignore[attr-defined]
            if isinstance(p, (tuple, list)):
                out.append((int(p[0]), int(p[1])))
            else:
                out.append((int(p), int(p)))
    if len(out) == 1:
        out = out * n
    if len(out) != n:
        raise InputError(f"bad padding {value!r}: give 1 value or {n} (one per spatial axis)")
    for lo, hi in out:
        if lo < 0 or hi < 0:
            raise InputError(f"bad padding {shown(value)}: padding cannot be negative")
        if max(lo, hi) > MAX_PARAMETER:
            raise InputError(f"bad padding {shown(value)}: padding must be at most "
                             f"{MAX_PARAMETER:,}")
    return tuple(out)


@dataclass(frozen=True)
class Operation:
    """A fully resolved request: which operation, on which signals, with which options."""

    op: str
    image: Signal
    kernel: Signal
    mode: str | None = "full"
    stride: tuple[int, ...] = ()
    dilation: tuple[int, ...] = ()
    padding: tuple[tuple[int, int], ...] | None = None
    boundary: str = "zeros"
    conjugate: bool = False
    layer: bool = False
    groups: int = 1
    convention: str = "scipy"
    output_name: str = "y"
    origin: str = "center"
    #: the transposed convolution's extra outputs at the high end, per axis (PyTorch)
    output_padding: tuple[int, ...] = ()
    relation: Relation = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "relation", _build(self))

    @property
    def spatial_dims(self) -> int:
        return self.image.ndim - self.image.channel_axes


def check_value_symbols(img: Signal, ker: Signal, output: str) -> None:
    """Symbols among the values must not print like an array or a shown kernel entry:
    ``a*x[0]`` would be ambiguous if ``a`` were both a symbol and an entry."""
    from .numbers import symbols_of

    taken = {img.name: "the image's name", ker.name: "the kernel's name",
             output: "the output's name"}
    if ker.values is None:
        taken.update({e: "the name of a kernel entry" for e in ker.entries or ()})
    for sig in (img, ker):
        for sym in sorted(symbols_of(sig.values)):
            if sym in taken:
                raise InputError(f"symbol {sym!r} in the values of {sig.name} is also "
                                 f"{taken[sym]}; give the symbol another name (or the "
                                 "entries others with --entries)")


#: Letters the printed relations use as indices, per spatial axis (output, pixel), and for
#: channels: an array named so would print as y[m] = sum m[i] h[m-i].
INDEX_LETTERS = (("m", "i"), ("n", "j"), ("p", "k"))
CHANNEL_LETTERS = ("o", "c")


def index_names(img: Signal) -> frozenset[str]:
    """The index letters the relation of this image prints."""
    nd = img.ndim - img.channel_axes
    used = {v for pair in INDEX_LETTERS[:nd] for v in pair}
    if img.channel_axes:
        used.update(CHANNEL_LETTERS)
    return frozenset(used)


#: Names SymPy prints as constants (E is Euler's number, I the imaginary unit): a kernel
#: entry named so would read as the constant in an exact value ("5*E").
CONSTANT_NAMES = frozenset({"E", "I", "pi", "oo", "zoo", "nan"})


def check_printed_names(img: Signal, ker: Signal, output: str,
                        entries_given: bool = True) -> None:
    """Names that would make the printed terms ambiguous are refused: an array named like an
    index letter, a kernel entry named like the image or the output (they print beside it:
    ``x*x[0]``) or like a SymPy constant."""
    letters = index_names(img)
    for what, name in (("image", img.name), ("kernel", ker.name), ("output", output)):
        if name in letters:
            raise InputError(f"the {what}'s name {name!r} is an index letter of the printed "
                             f"relation ({', '.join(sorted(letters))}); choose another "
                             "with --names")
    if ker.values is None and entries_given:
        # (the kernel's own name is allowed: the article's 3x3 entries a..i include h)
        arrays = {img.name: "image", output: "output"}
        for e in ker.entries or ():
            if e in arrays:
                raise InputError(f"the kernel entry {e!r} has the {arrays[e]}'s name: "
                                 f"{e}*{img.name}[0] would be ambiguous; choose other names "
                                 "with --entries or --names")
            if e in CONSTANT_NAMES:
                raise InputError(f"the kernel entry {e!r} prints like SymPy's constant {e} "
                                 "in exact values; choose another name with --entries")


def operation(op: str, image: str | int | Sequence[int] | Signal,
              kernel: str | int | Sequence[int] | Signal, *, origin: str | Sequence[int]
              = "center", axes: str = "xy", mode: str | None = None,
              stride: int | Sequence[int] | str | None = None,
              padding: object = None, padding_mode: str | None = None,
              dilation: int | Sequence[int] | str | None = None, conjugate: bool = False,
              layer: bool = False, groups: int = 1, convention: str = "scipy",
              names: dict[str, str] | None = None, entries: object = "default",
              x: object = None, h: object = None,
              output_padding: int | Sequence[int] | str | None = None) -> Operation:
    """Resolve user-level arguments into an :class:`Operation` (its relation included).

    >>> o = operation("conv", "7x7", "3x3", mode="same")
    >>> o.relation.out_lo, o.relation.out_shape
    ((-3, -3), (7, 7))
    """
    if op not in OPS:
        raise InputError(f"bad operation {op!r}: use {', '.join(OPS)}")
    if isinstance(origin, str) and origin not in ORIGINS:
        raise InputError(f"bad origin {origin!r}: use center or corner")
    nm = {"image": "x", "kernel": "h", "output": "y"}
    for key, val in (names or {}).items():
        if key not in nm:
            raise InputError(f"bad --names key {key!r}: use image, kernel and output")
        nm[key] = val
    if len({nm["image"], nm["kernel"], nm["output"]}) != 3:
        raise InputError(f"image, kernel and output need different names, got "
                         f"{nm['image']}, {nm['kernel']}, {nm['output']}")
    img_ch, ker_ch = (1, 2) if layer else (0, 0)
    img = image if isinstance(image, Signal) else make_signal(
        nm["image"], image, origin=origin,
        axes=axes, channel_axes=img_ch, entries=None, values=x, what="image shape")
    ker = kernel if isinstance(kernel, Signal) else make_signal(
        nm["kernel"], kernel, origin=origin,
        axes=axes, channel_axes=ker_ch, entries=cast(Any, entries), values=h, what="kernel shape")
    check_name(nm["output"], "output")
    check_value_symbols(img, ker, nm["output"])
    check_printed_names(img, ker, nm["output"], entries_given=not (
        entries is None or (isinstance(entries, str) and entries in ("default", "indexed"))))
    sd = img.ndim - img_ch
    if ker.ndim - ker_ch != sd:
        raise InputError(
            f"image has {sd} spatial axes but kernel has {ker.ndim - ker_ch}"
            + (" (with --layer: image C_in x spatial, kernel C_out x C_in/groups x spatial)"
               if layer else ""))
    if convention not in CONVENTIONS:
        raise InputError(f"bad convention {convention!r}: use {', '.join(CONVENTIONS)}")
    if convention == "numpy" and sd != 1:
        raise InputError("convention numpy is 1-D only (numpy.convolve/correlate); "
                         "use scipy for N-D")
    if convention == "opencv" and padding_mode is not None:
        padding_mode = OPENCV_BORDERS.get(padding_mode.upper(), padding_mode)
        if padding_mode == "circular":
            raise InputError("cv2.filter2D does not take BORDER_WRAP (OpenCV refuses it)")
    if padding_mode is None:
        padding_mode = "reflect" if convention == "opencv" else "zeros"
    if padding_mode in BOUNDARY_ALIASES:
        padding_mode = BOUNDARY_ALIASES[padding_mode]
    if padding_mode not in BOUNDARIES:
        raise InputError(f"bad padding mode {padding_mode!r}: use {', '.join(BOUNDARIES)}"
                         + (" or OpenCV's BORDER_CONSTANT, BORDER_REPLICATE, BORDER_REFLECT, "
                            "BORDER_REFLECT_101" if convention == "opencv" else ""))
    if convention in LIBRARY_CONVENTIONS:
        mode, padding = _library_window(convention, op, mode, padding, padding_mode, stride,
                                        dilation, sd, img.shape[img_ch:], ker.shape[ker_ch:],
                                        layer)
    pad = parse_padding(padding, sd)
    transposed = OPERATIONS[op].in_stride
    if transposed:
        pad = _transposed_padding(mode, pad, padding_mode, conjugate, sd)
    elif output_padding is not None and any(per_axis(output_padding, sd, "output padding", 0,
                                                     minimum=0)):
        raise InputError("--output-padding applies to conv-transpose (PyTorch's "
                         "output_padding)")
    if mode is not None and mode not in MODES:
        raise InputError(f"bad mode {mode!r}: use full, valid or same")
    if mode is not None and pad is not None:
        raise InputError("give --mode or --padding, not both (padding means PyTorch's "
                         "output window; mode means NumPy/SciPy's)")
    if layer and mode is not None:
        raise InputError("--layer uses PyTorch's padding, not --mode")
    if pad is None and layer:
        pad = "valid"  # PyTorch's default: padding=0
    if pad is None and mode is None:
        mode = "full"
    st = per_axis(stride, sd, "stride", 1)
    dl = per_axis(dilation, sd, "dilation", 1)
    op_pad = per_axis(output_padding, sd, "output padding", 0, minimum=0) if transposed \
        else ()
    for a, s_, d_ in zip(op_pad, st, dl, strict=False):
        if a >= max(s_, d_):
            raise InputError(f"bad output padding {a}: it must be smaller than the stride "
                             f"({s_}) or the dilation ({d_}), as PyTorch requires")
    if conjugate and op == "conv":
        raise InputError("--conjugate applies to correlation (corr, corr-reflected), as "
                         "numpy.correlate and scipy.signal.correlate conjugate the kernel")
    if not isinstance(groups, int) or groups < 1:
        raise InputError(f"bad groups {groups!r}: must be a positive integer")
    if groups != 1 and not layer:
        raise InputError("--groups needs --layer (channels)")
    resolved_pad: tuple[tuple[int, int], ...] | None
    if pad == "same":
        if any(s != 1 for s in st):
            raise InputError("padding 'same' needs stride 1 (as PyTorch)")
        ke = [d * (k - 1) for d, k in zip(dl, ker.shape[ker_ch:], strict=True)]
        resolved_pad = tuple((t // 2, t - t // 2) for t in ke)
    elif pad == "valid":
        resolved_pad = tuple((0, 0) for _ in range(sd))
    else:
        resolved_pad = pad  # type: ignore[assignment]
    if mode == "valid":
        # A 'valid' output reads no pixel outside the image: scipy.signal ignores the
        # boundary there (and swaps the operands when the kernel is the larger one).
        padding_mode = "zeros"
    if resolved_pad is not None and not transposed and convention != "opencv":
        # (OpenCV folds a border wider than the image again and again, as map_boundary.)
        _check_torch_padding(resolved_pad, img.shape[img_ch:], padding_mode)
    return Operation(op, img, ker, mode if resolved_pad is None else None, st, dl,
                     resolved_pad, padding_mode, conjugate, layer, groups, convention,
                     nm["output"], origin if isinstance(origin, str) else "explicit",
                     op_pad)


#: Conventions that are a library's window rule rather than a SciPy mode.
LIBRARY_CONVENTIONS = ("matlab", "tensorflow", "jax", "opencv")
#: OpenCV's border names (``cv2.BORDER_*``) as boundary rules.
OPENCV_BORDERS = {"BORDER_CONSTANT": "zeros", "BORDER_REPLICATE": "replicate",
                  "BORDER_REFLECT": "symmetric", "BORDER_REFLECT_101": "reflect",
                  "BORDER_REFLECT101": "reflect", "BORDER_DEFAULT": "reflect",
                  "BORDER_WRAP": "circular"}


def tensorflow_same(n: int, k: int, s: int = 1, d: int = 1) -> tuple[int, int]:
    """TensorFlow's and JAX's 'SAME' padding on one axis, any stride and dilation: the total
    ``max((ceil(N/s) - 1)s + (K-1)d + 1 - N, 0)``, the extra one at the end.

    >>> tensorflow_same(5, 4), tensorflow_same(6, 3, 2), tensorflow_same(7, 3, 2, 2)
    ((1, 2), (0, 1), (2, 2))
    """
    total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
    return total // 2, total - total // 2


def _library_window(convention: str, op: str, mode: str | None, padding: object,
                    padding_mode: str, stride: Any, dilation: Any, sd: int,
                    image: Sequence[int], kernel: Sequence[int], layer: bool
                    ) -> tuple[str | None, object]:
    """The (mode, padding) a library's convention means, or one line refusing what the
    library cannot express (see DESIGN, "Conventions of other libraries")."""
    st = per_axis(stride, sd, "stride", 1)
    dl = per_axis(dilation, sd, "dilation", 1)
    if OPERATIONS[op].in_stride:
        raise InputError(f"--convention {convention} is not modelled for the transposed "
                         "convolution (its window is PyTorch's: give --padding and "
                         "--output-padding)")
    if convention == "matlab":
        if padding is not None or any(v != 1 for v in st + dl) or layer:
            raise InputError("MATLAB's conv/conv2/convn and filter2 take a shape only "
                             "(--mode full|same|valid): no --padding, --stride, --dilation "
                             "or --layer")
        if padding_mode != "zeros":
            raise InputError("MATLAB's conv/conv2/convn pad with zeros only")
        if mode == "valid" and any(k > n for n, k in zip(image, kernel, strict=True)):
            raise InputError("MATLAB's 'valid' output is empty when the kernel is larger "
                             "than the image on an axis (SciPy swaps the operands instead)")
        return mode or "full", None
    if convention in ("tensorflow", "jax"):
        name = ("TensorFlow's tf.nn.convolution" if convention == "tensorflow"
                else "JAX's lax.conv_general_dilated")
        if mode is not None:
            raise InputError(f"{name} takes padding 'SAME' or 'VALID': give --padding "
                             "same|valid (or explicit low:high per axis), not --mode")
        if padding_mode != "zeros":
            raise InputError(f"{name} pads with zeros only")
        if isinstance(padding, str) and padding.strip().lower() == "same":
            return None, ",".join(f"{lo}:{hi}" for lo, hi in (
                tensorflow_same(n, k, s, d) for n, k, s, d in zip(image, kernel, st, dl,
                                                                   strict=True)))
        return None, "valid" if padding is None else padding
    # opencv: cv2.filter2D, a correlation with the kernel's centre (K//2) on each pixel
    if op != "corr":
        raise InputError("cv2.filter2D is a correlation: use corr (for a convolution, flip "
                         "the kernel and move its anchor)")
    if sd != 2 or layer:
        raise InputError("cv2.filter2D filters 2-D images (one channel): give 2-D shapes")
    if mode is not None or padding is not None or any(v != 1 for v in st + dl):
        raise InputError("cv2.filter2D's output is the image's size, with the kernel's "
                         "centre as anchor: no --mode, --padding, --stride or --dilation")
    return None, ",".join(f"{k // 2}:{k - 1 - k // 2}" for k in kernel)


def _transposed_padding(mode: str | None, pad: Any, padding_mode: str, conjugate: bool,
                        sd: int) -> tuple[tuple[int, int], ...]:
    """The transposed convolution's padding: integers per axis (PyTorch's ``padding``,
    which removes outputs at both ends), zero padding only, no mode."""
    if mode is not None:
        raise InputError("conv-transpose has its own output size, as PyTorch's "
                         "conv_transpose: give --padding and --output-padding, not --mode")
    if isinstance(pad, str):
        raise InputError(f"padding {pad!r} does not apply to conv-transpose: give an integer "
                         "per axis (PyTorch's conv_transpose padding)")
    if padding_mode != "zeros":
        raise InputError("conv-transpose reads no padding: --padding-mode does not apply "
                         "(PyTorch's conv_transpose supports zeros only)")
    if conjugate:
        raise InputError("--conjugate applies to correlation (corr, corr-reflected)")
    return pad if pad is not None else tuple((0, 0) for _ in range(sd))


def _check_torch_padding(pad: Sequence[tuple[int, int]], sizes: Sequence[int],
                         padding_mode: str) -> None:
    """Refuse what ``torch.nn.functional.pad`` refuses: reflect padding of at least the
    input's size, circular padding that wraps around more than once."""
    for axis, ((lo, hi), n) in enumerate(zip(pad, sizes, strict=True)):
        if padding_mode == "reflect" and max(lo, hi) >= n:
            raise InputError(f"reflect padding {max(lo, hi)} on axis {axis} must be smaller "
                             f"than the image's size {n} there (as torch.nn.functional.pad)")
        if padding_mode == "circular" and max(lo, hi) > n:
            raise InputError(f"circular padding {max(lo, hi)} on axis {axis} would wrap "
                             f"around the image (size {n}) more than once; PyTorch refuses "
                             "it (torch.nn.functional.pad)")


def _build(o: Operation) -> Relation:
    img, ker = o.image, o.kernel
    factors: list[AffineAxis | ChannelAxis] = []
    transposed = OPERATIONS[o.op].in_stride
    if o.layer:
        c_in = img.shape[0]
        g = o.groups
        if c_in % g:
            raise InputError(f"in_channels {c_in} is not divisible by groups {g}")
        if transposed:  # PyTorch's weight: C_in x C_out/groups x spatial
            if ker.shape[0] != c_in:
                raise InputError(f"kernel has {ker.shape[0]} input channels, the image "
                                 f"{c_in} (conv-transpose kernel: C_in x C_out/groups x "
                                 "spatial)")
            c_out = ker.shape[1] * g
        else:
            c_out, c_per = ker.shape[0], ker.shape[1]
            if c_out % g:
                raise InputError(f"out_channels {c_out} is not divisible by groups {g}")
            if c_per != c_in // g:
                raise InputError(
                    f"kernel has {c_per} input channels, expected in_channels/groups = "
                    f"{c_in}/{g} = {c_in // g} (kernel: C_out x C_in/groups x spatial)")
        factors.append(ChannelAxis(c_in, c_out, g, transposed))
    ic, kc = img.channel_axes, ker.channel_axes
    spec = OPERATIONS[o.op]
    sigma, reflect = spec.sigma, spec.reflect
    sd = img.ndim - ic
    lengths: list[tuple[int, int]] = []
    for a in range(sd):
        n, k = img.shape[ic + a], ker.shape[kc + a]
        ke = o.dilation[a] * (k - 1) + 1
        lengths.append((n, ke))
    if o.padding is None and o.mode == "valid" and o.convention == "scipy" and sd > 1:
        bigger = {n >= ke for n, ke in lengths}
        smaller = {n <= ke for n, ke in lengths}
        if not (all(bigger) or all(smaller)):
            raise InputError("for mode 'valid' the image must be at least as large as the "
                             "kernel on every axis, or the kernel at least as large on every "
                             "axis (as scipy.signal)")
    for a in range(sd):
        if transposed:
            assert o.padding is not None
            factors.append(_transposed_axis(o, img.lo[ic + a], img.shape[ic + a],
                                            ker.lo[kc + a], ker.shape[kc + a], o.stride[a],
                                            o.dilation[a], o.padding[a],
                                            o.output_padding[a]))
            continue
        factors.append(_axis(o, sigma, reflect, img.lo[ic + a], img.shape[ic + a],
                             ker.lo[kc + a], ker.shape[kc + a], o.stride[a], o.dilation[a],
                             None if o.padding is None else o.padding[a]))
    return Relation(tuple(factors))


def _transposed_axis(o: Operation, i_lo: int, n: int, k_lo: int, k: int, s: int, d: int,
                     pad: tuple[int, int], out_pad: int) -> AffineAxis:
    """PyTorch's conv_transpose on one axis: pixel i and tap k feed output position
    ``s*i + d*k - p`` (positions from 0), on ``(N-1)s - p_lo - p_hi + d(K-1) + a + 1``
    outputs.  As a relation: ``s*i = m - d*k + c`` (input stride s: zeros inserted)."""
    pl, pr = pad
    count = (n - 1) * s - pl - pr + d * (k - 1) + out_pad + 1
    if count < 1:
        raise InputError(f"padding {pl}+{pr} leaves no output of the transposed convolution "
                         f"on an axis (input {n}, stride {s}, kernel {k}, dilation {d})")
    m_lo = -(count // 2) if o.origin == "center" else 0
    c = pl - m_lo + s * i_lo + d * k_lo
    return AffineAxis(1, -1, d, c, m_lo, count, i_lo, n, k_lo, k, "zeros", s)


def _axis(o: Operation, sigma: int, reflect: bool, i_lo: int, n: int, k_lo: int, k: int,
          s: int, d: int, pad: tuple[int, int] | None) -> AffineAxis:
    ends = (sigma * d * k_lo, sigma * d * (k_lo + k - 1))
    f_lo, f_hi = min(ends), max(ends)
    ke = f_hi - f_lo + 1
    if pad is None:
        # Natural coordinates: c = 0; the window is a range of natural positions m0 = s*m.
        full_lo = i_lo - f_hi
        if o.mode == "full":
            w_lo, length = full_lo, n + ke - 1
        elif o.mode == "valid":
            t = min(n, ke) - 1
            w_lo, length = full_lo + t, abs(n - ke) + 1
        elif o.convention == "matlab":  # 'same': the central part from floor(K/2) on
            w_lo, length = full_lo + ke // 2, n
        elif o.convention == "numpy":
            length = max(n, ke)
            if sigma < 0:
                start = (min(n, ke) - 1) // 2
            else:
                start = (ke - 1) // 2 if n >= ke else n // 2
            w_lo = full_lo + start
        else:
            w_lo, length = full_lo + (ke - 1) // 2, n
        w_hi = w_lo + length - 1
        m_lo = -((-w_lo) // s)
        m_hi = w_hi // s
        if m_hi < m_lo:
            raise InputError(f"stride {s} leaves no output on an axis of size {n}")
        count, c = m_hi - m_lo + 1, 0
    else:
        pl, pr = pad
        npad = n + pl + pr
        if npad < ke:
            raise InputError(
                f"kernel (dilated size {ke}) is larger than the padded image ({n}+{pl}+{pr}"
                f" = {npad}): no output")
        count = (npad - ke) // s + 1
        c0 = i_lo - pl - f_lo
        out_origin = count // 2 if o.origin == "center" else 0
        m_lo, c = -out_origin, c0 + s * out_origin
    if reflect:
        return AffineAxis(-s, sigma, d, c, -(m_lo + count - 1), count, i_lo, n, k_lo, k,
                          o.boundary)
    return AffineAxis(s, sigma, d, c, m_lo, count, i_lo, n, k_lo, k, o.boundary)
