"""``symconv port``: code for another library that computes exactly this operation.

Every operation symconv expands is, per spatial axis, the relation
``u*i = s*m + sigma*d*k + c`` on finite ranges (:mod:`symconv.index.relation`).  Read in
array positions it is always the same recipe, which every library can follow:

1. insert ``u-1`` zeros between the image's pixels (a transposed convolution),
2. pad the image before and after by the boundary rule, or crop it where the first
   output starts inside it (a negative padding),
3. a *valid* correlation with stride ``|s|``, dilation ``d`` and groups, with the kernel
   flipped on every axis where ``sigma = -1`` (a convolution),
4. reverse the outputs on the axes where the stride is negative (the article's reflected
   correlation).

:func:`plan` derives those numbers from the operation's relation (never from its options),
so a port is right by construction wherever the relation is; each library's printer writes
the recipe in that library's own calls, and uses the library's native call (``np.convolve``
with a mode, ``cv2.filter2D``, ``conv_transpose2d``, TensorFlow's ``'SAME'``) when the plan
of that call, computed by symconv's own model of it, is the operation's plan.  A library
that cannot express a step gets no code and a note saying why.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import IO, Any

from ..errors import InputError
from ..index.ops import OPERATIONS
from ..index.relation import AffineAxis, ChannelAxis
from ..index.request import Operation, operation, tensorflow_same

#: The libraries ``--to`` takes, in the order ports are printed.
LIBRARIES = ("numpy", "scipy", "torch", "tensorflow", "jax", "opencv", "matlab")
#: NumPy's ``np.pad`` mode for each boundary rule of the relation.
NP_PAD = {"zeros": "constant", "circular": "wrap", "reflect": "reflect",
          "replicate": "edge", "symmetric": "symmetric"}
#: np.einsum subscripts for output and tap axes (g, o, c name the groups and channels).
EINSUM_LETTERS = "mnpqrstuvwxyzijklabdefh"
#: PyTorch's ``F.pad`` modes (it has no symmetric padding).
TORCH_PAD = {"zeros": "constant", "circular": "circular", "reflect": "reflect",
             "replicate": "replicate"}
#: OpenCV's border for each rule (``cv2.filter2D`` refuses BORDER_WRAP).
CV_BORDER = {"zeros": "cv2.BORDER_CONSTANT", "reflect": "cv2.BORDER_REFLECT_101",
             "symmetric": "cv2.BORDER_REFLECT", "replicate": "cv2.BORDER_REPLICATE"}


@dataclass(frozen=True)
class AxisPlan:
    """One spatial axis in array positions: ``y[m] = sum_t g[t] * xp[stride*m +
    dilation*t]`` for ``m < count``, where ``xp`` is the image with ``zeros_between - 1``
    zeros inserted between pixels, then padded by ``lo``/``hi`` (negative: cropped), and
    ``g`` is the kernel, flipped when ``flip``; ``reverse``: the outputs in reverse."""

    size: int
    kernel: int
    flip: bool
    stride: int
    dilation: int
    lo: int
    hi: int
    count: int
    reverse: bool = False
    zeros_between: int = 1

    @property
    def spread(self) -> int:
        """The dilated kernel's extent ``d(K-1)+1``."""
        return self.dilation * (self.kernel - 1) + 1

    @property
    def inserted(self) -> int:
        """The image's length after zero insertion."""
        return self.zeros_between * (self.size - 1) + 1

    @property
    def length(self) -> int:
        """The prepared image's length: exactly ``stride*(count-1) + spread``."""
        return self.inserted + self.lo + self.hi


@dataclass(frozen=True)
class Plan:
    """The whole operation as the library-neutral recipe (see the module's docstring)."""

    axes: tuple[AxisPlan, ...]
    boundary: str
    conjugate: bool
    #: ``(C_in, C_out, groups, transposed)`` with ``--layer``, else None
    channels: tuple[int, int, int, bool] | None = None

    @property
    def dims(self) -> int:
        return len(self.axes)

    @property
    def flip(self) -> bool:
        return any(a.flip for a in self.axes)

    @property
    def inserts(self) -> bool:
        return any(a.zeros_between > 1 for a in self.axes)

    @property
    def out_shape(self) -> tuple[int, ...]:
        lead = (self.channels[1],) if self.channels else ()
        return lead + tuple(a.count for a in self.axes)

    def toggled(self) -> Plan:
        """The plan of the same call on the kernel flipped in the array (``np.flip(h)``)."""
        return replace(self, axes=tuple(replace(a, flip=not a.flip) for a in self.axes))


def _axis_plan(f: AffineAxis) -> AxisPlan:
    s, sd = f.stride, f.sigma * f.dilation
    reverse = s < 0
    step = abs(s)
    # the first output in array order of the prepared (un-reversed) result
    m0 = f.out_lo + f.out_count - 1 if reverse else f.out_lo
    k_first = f.ker_lo if f.sigma > 0 else f.ker_lo + f.ker_size - 1
    u = f.in_stride
    start = int(f.affine(m0, k_first)) - u * f.img_lo  # position in the zero-inserted image
    last = start + step * (f.out_count - 1) + f.dilation * (f.ker_size - 1)
    inserted = u * (f.img_size - 1) + 1
    assert sd != 0
    return AxisPlan(f.img_size, f.ker_size, f.sigma < 0, step, f.dilation, -start,
                    last - (inserted - 1), f.out_count, reverse, u)


def plan(op: Operation) -> Plan:
    """The recipe of ``op``, read off its relation."""
    channels = None
    axes = []
    for f in op.relation.factors:
        if isinstance(f, ChannelAxis):
            channels = (f.in_channels, f.out_channels, f.groups, f.transposed)
        else:
            axes.append(_axis_plan(f))
    boundary = next((f.boundary for f in op.relation.factors if isinstance(f, AffineAxis)),
                    "zeros")
    if all(a.lo <= 0 and a.hi <= 0 for a in axes):
        boundary = "zeros"  # nothing is read outside the image: the rule never applies
    return Plan(tuple(axes), boundary, op.conjugate, channels)


@dataclass
class Port:
    """One library's code: ``imports`` then ``code`` (assigning ``y`` from NumPy arrays
    ``x`` and ``h``); ``code`` None when the library cannot express the operation."""

    library: str
    imports: str
    code: str | None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"library": self.library, "imports": self.imports, "code": self.code,
                "notes": list(self.notes)}

    @property
    def source(self) -> str:
        """Imports and code as one runnable snippet (empty when there is no code)."""
        return "" if self.code is None else (self.imports + "\n\n" + self.code).strip() + "\n"


@dataclass
class PortResult:
    """What ``symconv port`` prints: the operation in words and one port per library."""

    op: Operation
    plan: Plan
    ports: list[Port]
    #: symconv's own output for the values given (--x/--h), to check a port's run against
    expected: Any = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"operation": self.op.op, "image": list(self.op.image.shape),
                               "kernel": list(self.op.kernel.shape),
                               "output": list(self.op.relation.out_shape)}
        if self.expected is not None:
            out["expected"] = _plain(self.expected)
        out["ports"] = [p.to_json() for p in self.ports]
        return out

    def write(self, fmt: str, stream: IO[str]) -> None:
        if fmt == "json":
            from ..render.jsonfmt import dump

            dump(self.to_json(), stream)
            return
        md = fmt == "markdown"
        shape = "x".join(map(str, self.op.relation.out_shape))
        head = (f"{self.op.op} of a {'x'.join(map(str, self.op.image.shape))} image and a "
                f"{'x'.join(map(str, self.op.kernel.shape))} kernel: y is {shape}, from "
                "NumPy arrays x and h")
        stream.write(f"# Ports\n\n{head}.\n" if md else f"# {head}\n")
        if self.expected is not None:
            shown = repr(_plain(self.expected))
            stream.write(f"\nsymconv's y for the given x and h: `{shown}`\n" if md else
                         f"# symconv's y for the given x and h: {shown}\n")
        lang = {"matlab": "matlab"}
        for p in self.ports:
            stream.write(f"\n## {p.library}\n\n" if md else f"\n# --- {p.library} ---\n")
            for note in p.notes:
                stream.write(f"- {note}\n" if md else f"# note: {note}\n")
            if p.code is None:
                if not md:
                    stream.write("# (no code)\n")
                continue
            if md:
                stream.write(f"\n```{lang.get(p.library, 'python')}\n{p.source}```\n")
            else:
                stream.write(p.source)

    def text(self, fmt: str = "text") -> str:
        buf = io.StringIO()
        self.write(fmt, buf)
        return buf.getvalue()


def _plain(values: Any) -> Any:
    """An output array as nested lists of JSON numbers (exact values as their strings)."""
    import numpy as np

    arr = np.asarray(values, dtype=object)

    from ..index.values import json_number

    def one(v: Any) -> Any:
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        try:
            num = json_number(v)
        except (TypeError, ValueError):
            num = None
        return str(v) if num is None else num

    return np.vectorize(one, otypes=[object])(arr).tolist() if arr.size else arr.tolist()


def port(op: Operation, libraries: Sequence[str] = LIBRARIES) -> PortResult:
    """Ports of ``op`` to each of ``libraries``."""
    bad = [lib for lib in libraries if lib not in LIBRARIES]
    if bad or not libraries:
        raise InputError(f"bad --to {','.join(libraries)!r}: use one or more of "
                         f"{', '.join(LIBRARIES)} (comma-separated)")
    p = plan(op)
    return PortResult(op, p, [_PRINTERS[lib](op, p) for lib in libraries])


def parse_libraries(text: str) -> list[str]:
    libs = [t.strip().lower() for t in text.split(",") if t.strip()]
    if "all" in libs:
        return list(LIBRARIES)
    aliases = {"np": "numpy", "pytorch": "torch", "tf": "tensorflow", "keras": "tensorflow",
               "cv2": "opencv"}
    out: list[str] = []
    for lib in libs:
        lib = aliases.get(lib, lib)
        if lib not in LIBRARIES:
            raise InputError(f"bad --to {text!r}: use one or more of {', '.join(LIBRARIES)} "
                             "(comma-separated), or all")
        if lib not in out:
            out.append(lib)
    if not out:
        raise InputError("--to is empty: name one or more of " + ", ".join(LIBRARIES))
    return out


# --- the shared pieces of code ---------------------------------------------------------------

def _tuple(values: Sequence[int]) -> str:
    return _tuple_text([str(v) for v in values])


def _same_plan(op: Operation, kind: str, mode: str | None, convention: str,
               **options: Any) -> Plan | None:
    """The plan symconv's model gives a library call, or None when the model refuses it."""
    try:
        cand = operation(kind, op.image.shape, op.kernel.shape, origin="corner", mode=mode,
                         convention=convention, **options)
    except InputError:
        return None
    return plan(cand)


def _prepare_image(p: Plan, var: str, lead: int, lines: list[str]) -> str:
    """NumPy lines that insert zeros, pad by the boundary rule and crop ``var`` (its first
    ``lead`` axes are batch/channels); returns the prepared array's name."""
    if p.inserts:
        shape = [f"{var}.shape[{i}]" for i in range(lead)] + [str(a.inserted) for a in p.axes]
        lines.append(f"xz = np.zeros({_tuple_text(shape)}, dtype={var}.dtype)")
        lines.append("xz[" + ", ".join([":"] * lead + [f"::{a.zeros_between}"
                                                         for a in p.axes]) + f"] = {var}"
                     + "  # zeros between the pixels")
        var = "xz"
    pads = [(max(a.lo, 0), max(a.hi, 0)) for a in p.axes]
    if any(lo or hi for lo, hi in pads):
        parts = ["(0, 0)"] * lead + [f"({lo}, {hi})" for lo, hi in pads]
        spec = parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"
        lines.append(f'xp = np.pad({var}, {spec}, mode="{NP_PAD[p.boundary]}")')
        var = "xp"
    if any(a.lo < 0 or a.hi < 0 for a in p.axes):
        cuts = []
        for a in p.axes:
            first = -a.lo if a.lo < 0 else 0
            stop = max(a.lo, 0) + a.inserted + a.hi
            cuts.append(f"{first}:{stop}")
        lines.append(f"xp = {var}[" + ", ".join([":"] * lead + cuts) + "]  # the first "
                     "output starts inside the image")
        var = "xp"
    return var


def _tuple_text(items: Sequence[str]) -> str:
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _forward_kernel(p: Plan, lines: list[str], var: str = "h",
                    why: str = "a convolution flips the kernel") -> str:
    """NumPy lines giving the kernel of the valid correlation: a transposed layer's weight
    (C_in x C_out/groups x ...) regrouped as C_out x C_in/groups x ..., flipped where the
    plan flips, conjugated when asked."""
    lead = 2 if p.channels else 0
    if p.channels and p.channels[3]:
        c_in, c_out, g, _ = p.channels
        ks = ", ".join(str(a.kernel) for a in p.axes)
        lines.append(f"w = {var}.reshape({g}, {c_in // g}, {c_out // g}, {ks}).swapaxes(1, 2)"
                     f".reshape({c_out}, {c_in // g}, {ks})  # C_out x C_in/groups x ...")
        var = "w"
    flips = [lead + i for i, a in enumerate(p.axes) if a.flip]
    if flips:
        lines.append(f"w = np.flip({var}, axis={_tuple(flips)})  # {why}")
        var = "w"
    if p.conjugate:
        lines.append(f"w = np.conj({var})")
        var = "w"
    return var


def _dilate_kernel(p: Plan, var: str, lines: list[str]) -> str:
    """NumPy lines spreading the kernel's taps ``dilation`` apart (for calls without one)."""
    if all(a.dilation == 1 for a in p.axes):
        return var
    lines.append("wd = np.zeros(" + _tuple([a.spread for a in p.axes]) + f", dtype={var}.dtype)")
    lines.append("wd[" + ", ".join(f"::{a.dilation}" for a in p.axes) + f"] = {var}  # the "
                 "dilated kernel")
    return "wd"


def _stride_slice(p: Plan, lead: int) -> str:
    parts = [":"] * lead + [f"::{a.stride}" if a.stride > 1 else ":" for a in p.axes]
    return "[" + ", ".join(parts) + "]" if any(a.stride > 1 for a in p.axes) else ""


def _reverse(p: Plan, lead: int, lines: list[str], fn: str = "np.flip") -> None:
    rev = [lead + i for i, a in enumerate(p.axes) if a.reverse]
    if rev:
        lines.append(f"y = {fn}(y, axis={_tuple(rev)})  # the reflected output: y[m] is "
                     "the correlation's y[-m]")


def _conj_note(p: Plan) -> list[str]:
    return ["the kernel is conjugated (complex arrays); nothing changes for real ones"] \
        if p.conjugate else []


# --- NumPy ----------------------------------------------------------------------------------

def _numpy(op: Operation, p: Plan) -> Port:
    imports = "import numpy as np"
    native = _numpy_native(op, p)
    if native is not None:
        return Port("numpy", imports, native, [])
    lines: list[str] = []
    lead = 1 if p.channels else 0
    xv = _prepare_image(p, "x", lead, lines)
    wv = _forward_kernel(p, lines)
    spreads = _tuple([a.spread for a in p.axes])
    axes = _tuple([lead + i for i in range(p.dims)])
    steps = [":"] * lead + [f"::{a.stride}" if a.stride > 1 else ":" for a in p.axes] + \
        [f"::{a.dilation}" if a.dilation > 1 else ":" for a in p.axes]
    pick = f"[{', '.join(steps)}]" if any(t != ":" for t in steps) else ""
    lines.append(f"win = sliding_window_view({xv}, {spreads}, axis={axes}){pick}"
                 "  # every output's taps")
    if 2 * p.dims > len(EINSUM_LETTERS):
        return Port("numpy", imports, None, [f"{p.dims} spatial axes: more than np.einsum "
                                              "has letters for"])
    out = EINSUM_LETTERS[:p.dims]
    taps = EINSUM_LETTERS[p.dims:2 * p.dims]
    if p.channels:
        c_in, c_out, g, _ = p.channels
        counts = ", ".join(str(a.count) for a in p.axes)
        ks = ", ".join(str(a.kernel) for a in p.axes)
        lines.append(f"y = np.einsum(\"gc{out}{taps},goc{taps}->go{out}\", "
                     f"win.reshape({g}, {c_in // g}, {counts}, {ks}), "
                     f"{wv}.reshape({g}, {c_out // g}, {c_in // g}, {ks}))"
                     f".reshape({c_out}, {counts})")
    else:
        lines.append(f"y = np.einsum(\"{out}{taps},{taps}->{out}\", win, {wv})")
    _reverse(p, lead, lines)
    imports += "\nfrom numpy.lib.stride_tricks import sliding_window_view"
    return Port("numpy", imports, "\n".join(lines), _conj_note(p))


def _numpy_native(op: Operation, p: Plan) -> str | None:
    """``np.convolve`` / ``np.correlate`` with a mode, when one computes exactly ``op``."""
    if p.dims != 1 or p.channels:
        return None
    for mode in ("full", "same", "valid"):
        if _same_plan(op, "conv", mode, "numpy") == p:
            return f'y = np.convolve(x, h, mode="{mode}")'
        if p.conjugate and _same_plan(op, "corr", mode, "numpy", conjugate=True) == p:
            return f'y = np.correlate(x, h, mode="{mode}")  # conjugates h, as asked'
        flipped = _same_plan(op, "conv", mode, "numpy")
        if flipped is not None and flipped.toggled() == p:
            return (f'y = np.convolve(x, h[::-1], mode="{mode}")  # a correlation: the '
                    "convolution with the reversed kernel (np.correlate would conjugate h)")
    return None


# --- SciPy ----------------------------------------------------------------------------------

def _scipy(op: Operation, p: Plan) -> Port:
    imports = "import numpy as np\nimport scipy.signal"
    if p.channels:
        return Port("scipy", imports, None,
                    ["SciPy has no channels or groups (a layer): the numpy, torch, "
                     "tensorflow and jax ports compute it"])
    native = _scipy_native(op, p)
    if native is not None:
        return Port("scipy", imports, native, [])
    lines: list[str] = []
    xv = _prepare_image(p, "x", 0, lines)
    # scipy.signal.convolve(xp, hd, 'valid') is the correlation with hd reversed: give it
    # the kernel reversed where the plan does not flip, as is where it does.
    plain = replace(p, axes=tuple(replace(a, flip=not a.flip) for a in p.axes))
    wv = _forward_kernel(plain, lines, why="a correlation: convolve flips it back")
    wv = _dilate_kernel(p, wv, lines)
    lines.append(f'y = scipy.signal.convolve({xv}, {wv}, mode="valid"){_stride_slice(p, 0)}')
    _reverse(p, 0, lines)
    notes = _conj_note(p)
    if any(a.dilation > 1 for a in p.axes):
        notes.append("scipy.signal has no dilation: the kernel's taps are spread with zeros")
    if any(a.stride > 1 for a in p.axes):
        notes.append("scipy.signal has no stride: every stride-th output of the stride-1 "
                     "correlation is kept")
    return Port("scipy", imports, "\n".join(lines), notes)


def _scipy_native(op: Operation, p: Plan) -> str | None:
    """``scipy.signal.convolve/correlate`` (N-D) or ``convolve2d`` with a boundary."""
    if p.boundary == "zeros" and not p.inserts:
        for mode in ("full", "same", "valid"):
            conv = _same_plan(op, "conv", mode, "scipy")
            if conv == p:
                return f'y = scipy.signal.convolve(x, h, mode="{mode}")'
            if p.conjugate and _same_plan(op, "corr", mode, "scipy", conjugate=True) == p:
                return f'y = scipy.signal.correlate(x, h, mode="{mode}")  # conjugates h'
            if conv is not None and conv.toggled() == p:
                return (f'y = scipy.signal.convolve(x, np.flip(h), mode="{mode}")  # a '
                        "correlation: the convolution with the flipped kernel "
                        "(scipy.signal.correlate would conjugate h)")
    names = {"zeros": "fill", "circular": "wrap", "symmetric": "symm"}
    if p.dims == 2 and p.boundary in names:
        for mode in ("full", "same"):
            conv = _same_plan(op, "conv", mode, "scipy",
                              padding_mode=p.boundary if p.boundary != "zeros" else None)
            if conv is None:
                continue
            b = names[p.boundary]
            if conv == p:
                return f'y = scipy.signal.convolve2d(x, h, mode="{mode}", boundary="{b}")'
            if conv.toggled() == p:
                return (f'y = scipy.signal.convolve2d(x, np.flip(h), mode="{mode}", '
                        f'boundary="{b}")  # a correlation: the flipped kernel')
    return None


# --- PyTorch --------------------------------------------------------------------------------

def _torch(op: Operation, p: Plan) -> Port:
    imports = "import numpy as np\nimport torch\nimport torch.nn.functional as F"
    if p.dims > 3:
        return Port("torch", imports, None, [f"PyTorch convolves 1, 2 or 3 spatial axes, not "
                                             f"{p.dims}"])
    n = p.dims
    lines: list[str] = []
    batch = "[None]" if p.channels else "[None, None]"
    if OPERATIONS[op.op].in_stride:
        return _torch_transpose(op, p, imports)
    notes = _conj_note(p)
    pads = [(a.lo, a.hi) for a in p.axes]
    symmetric = all(lo == hi >= 0 for lo, hi in pads)
    torch_mode = TORCH_PAD.get(p.boundary)
    fits = torch_mode is not None and all(lo >= 0 and hi >= 0 for lo, hi in pads) and all(
        p.boundary not in ("reflect", "circular")
        or max(lo, hi) < a.size or (p.boundary == "circular" and max(lo, hi) <= a.size)
        for (lo, hi), a in zip(pads, p.axes, strict=True))
    lines.append("dt = np.result_type(x, h, np.float64)  # one dtype for both (complex "
                 "if either is)")
    conv_pad = "0"
    if p.boundary == "zeros" and symmetric:
        conv_pad = _tuple([lo for lo, _ in pads])
        lines.append(f"xt = torch.from_numpy(np.array(x, dtype=dt)){batch}")
    elif fits:
        lines.append(f"xt = torch.from_numpy(np.array(x, dtype=dt)){batch}")
        flat = ", ".join(f"{lo}, {hi}" for lo, hi in reversed(pads))
        extra = "" if p.boundary == "zeros" else f', mode="{torch_mode}"'
        lines.append(f"xt = F.pad(xt, ({flat}){extra})  # last axis first")
    else:
        xv = _prepare_image(p, "x", 1 if p.channels else 0, lines)
        lines.append(f"xt = torch.from_numpy(np.array({xv}, dtype=dt)){batch}")
        if p.boundary != "zeros" and any(lo > 0 or hi > 0 for lo, hi in pads):
            notes.append(f"torch.nn.functional.pad cannot pad this way ({p.boundary}"
                         + (", wider than the image" if torch_mode else "") + "): np.pad "
                         "does")
    wv = _forward_kernel(p, lines)
    lines.append(f"wt = torch.from_numpy(np.array({wv}, dtype=dt))"
                 + ("" if p.channels else "[None, None]"))
    call = (f"yt = F.conv{n}d(xt, wt, stride={_tuple([a.stride for a in p.axes])}, "
            f"padding={conv_pad}, dilation={_tuple([a.dilation for a in p.axes])}"
            + (f", groups={p.channels[2]}" if p.channels and p.channels[2] > 1 else "") + ")")
    lines.append(call)
    lines.append("y = yt[0].numpy()" if p.channels else "y = yt[0, 0].numpy()")
    _reverse(p, 1 if p.channels else 0, lines)
    return Port("torch", imports, "\n".join(lines), notes)


def _torch_transpose(op: Operation, p: Plan, imports: str) -> Port:
    """PyTorch's own conv_transpose, with an asymmetric padding cropped from its output."""
    n = p.dims
    lines: list[str] = []
    batch = "[None]" if p.channels else "[None, None]"
    lines.append("dt = np.result_type(x, h, np.float64)  # one dtype for both (complex if "
                 "either is)")
    lines.append(f"xt = torch.from_numpy(np.array(x, dtype=dt)){batch}")
    lines.append("wt = torch.from_numpy(np.array(h, dtype=dt))"
                 + ("" if p.channels else "[None, None]"))
    assert op.padding is not None
    pads = list(op.padding)
    symmetric = all(lo == hi for lo, hi in pads)
    pad_arg = _tuple([lo for lo, _ in pads]) if symmetric else "0"
    groups = f", groups={p.channels[2]}" if p.channels and p.channels[2] > 1 else ""
    lines.append(f"yt = F.conv_transpose{n}d(xt, wt, stride={_tuple(op.stride)}, "
                 f"padding={pad_arg}, output_padding={_tuple(op.output_padding)}{groups}, "
                 f"dilation={_tuple(op.dilation)})")
    lead = "yt[0]" if p.channels else "yt[0, 0]"
    if symmetric:
        lines.append(f"y = {lead}.numpy()")
        notes: list[str] = []
    else:
        cuts = ", ".join([":"] * (1 if p.channels else 0)
                         + [f"{lo}:{lo + a.count}" for (lo, _), a in zip(pads, p.axes,
                                                                        strict=True)])
        lines.append(f"y = {lead}.numpy()[{cuts}]  # an uneven padding, cropped")
        notes = ["PyTorch's padding removes the same number of outputs at both ends: the "
                 "uneven padding is cropped from the unpadded output"]
    return Port("torch", imports, "\n".join(lines), notes)


# --- TensorFlow -----------------------------------------------------------------------------

def _tensorflow(op: Operation, p: Plan) -> Port:
    imports = "import numpy as np\nimport tensorflow as tf"
    if p.dims > 3:
        return Port("tensorflow", imports, None,
                    [f"tf.nn.convolution takes 1, 2 or 3 spatial axes, not {p.dims}"])
    notes = _conj_note(p) + ["TensorFlow convolves real floating arrays (float32/float64)"]
    lines: list[str] = []
    lead = 1 if p.channels else 0
    both = any(a.stride > 1 for a in p.axes) and any(a.dilation > 1 for a in p.axes)
    # (TensorFlow's CPU Conv3D crops where its documented 'SAME' pads 0 when the stride
    # overshoots the image: 3-D ports pad explicitly)
    same = (p.boundary == "zeros" and not p.inserts and not both and p.dims <= 2 and all(
        (a.lo, a.hi) == tensorflow_same(a.size, a.kernel, a.stride, a.dilation)
        for a in p.axes))
    padding = "VALID"
    if same and any(a.lo or a.hi for a in p.axes):
        padding, xv = "SAME", "x"
    else:
        xv = _prepare_image(p, "x", lead, lines)
    wv = _forward_kernel(p, lines)
    n = p.dims
    if p.channels:
        c_in, c_out, g, _ = p.channels
        lines.append(f"inp = np.moveaxis({xv}, 0, -1)[None]  # N, spatial..., C")
        lines.append(f"w = np.moveaxis({wv}, (0, 1), (-1, -2))  # spatial..., C_in/groups, "
                     "C_out")
    else:
        g = 1
        lines.append(f"inp = {xv}[None, ..., None]  # N, spatial..., C")
        lines.append(f"w = {wv}[..., None, None]  # spatial..., in, out")
    strides = [1 if both else a.stride for a in p.axes]
    call = ("tf.nn.convolution({i}, {w}, strides=" + _tuple(strides) + f', padding="{padding}"'
            + ", dilations=" + _tuple([a.dilation for a in p.axes]) + ")")
    if g > 1 and n == 3:
        assert p.channels
        ci, co = p.channels[0] // g, p.channels[1] // g
        lines.append("out = tf.concat([" + call.format(
            i=f"inp[..., {ci}*k:{ci}*(k+1)]", w=f"w[..., {co}*k:{co}*(k+1)]")
            + f" for k in range({g})], axis=-1)")
        notes.append("TensorFlow's CPU Conv3D has no groups: one convolution per group")
    else:
        lines.append("out = " + call.format(i="inp", w="w"))
    if p.channels:
        lines.append("y = np.moveaxis(out.numpy()[0], -1, 0)" + _stride_slice(p, 1)
                     if both else "y = np.moveaxis(out.numpy()[0], -1, 0)")
    else:
        lines.append("y = out.numpy()[0, ..., 0]" + (_stride_slice(p, 0) if both else ""))
    if both:
        notes.append("tf.nn.convolution refuses strides > 1 with dilations > 1: stride 1, "
                     "then every stride-th output")
    if p.inserts:
        notes.append("zeros are inserted between the pixels (a transposed convolution), "
                     "then a stride-1 correlation with the flipped kernel")
    _reverse(p, lead, lines)
    return Port("tensorflow", imports, "\n".join(lines), notes)


# --- JAX ------------------------------------------------------------------------------------

def _jax(op: Operation, p: Plan) -> Port:
    imports = "import numpy as np\nimport jax.numpy as jnp\nfrom jax import lax"
    notes = _conj_note(p) + ["JAX computes in float32 unless jax_enable_x64 is set"]
    lines: list[str] = []
    batch = "[None]" if p.channels else "[None, None]"
    padding = [(a.lo, a.hi) for a in p.axes]
    lines.append("dt = jnp.result_type(x, h)  # one dtype for both (complex if either is)")
    if p.boundary == "zeros":
        lines.append(f"lhs = jnp.asarray(x, dtype=dt){batch}")
    else:
        pos = ", ".join(["(0, 0)", "(0, 0)"] + [f"({max(lo, 0)}, {max(hi, 0)})"
                                                for lo, hi in padding])
        lines.append(f"lhs = jnp.asarray(x, dtype=dt){batch}")
        lines.append(f'lhs = jnp.pad(lhs, ({pos}), mode="{NP_PAD[p.boundary]}")')
        padding = [(min(lo, 0), min(hi, 0)) for lo, hi in padding]  # crops stay in the call
    wv = _forward_kernel(p, lines)
    lines.append(f"rhs = jnp.asarray({wv}, dtype=dt)" + ("" if p.channels else "[None, None]"))
    pad_text = _tuple_text([f"({lo}, {hi})" for lo, hi in padding])
    if p.boundary == "zeros" and not p.inserts and any(lo or hi for lo, hi in padding) and \
            all((a.lo, a.hi) == tensorflow_same(a.size, a.kernel, a.stride, a.dilation)
                for a in p.axes):
        pad_text = '"SAME"'  # lax's own rule: the extra zero at the end
    call = (f"out = lax.conv_general_dilated(lhs, rhs, window_strides="
            f"{_tuple([a.stride for a in p.axes])}, padding={pad_text}")
    if p.inserts:
        call += f", lhs_dilation={_tuple([a.zeros_between for a in p.axes])}"
    call += f", rhs_dilation={_tuple([a.dilation for a in p.axes])}"
    if p.channels and p.channels[2] > 1:
        call += f", feature_group_count={p.channels[2]}"
    call += ", precision=lax.Precision.HIGHEST)"
    lines.append(call)
    lines.append("y = np.asarray(out[0])" if p.channels else "y = np.asarray(out[0, 0])")
    _reverse(p, 1 if p.channels else 0, lines)
    if any(lo < 0 or hi < 0 for lo, hi in padding):
        notes.append("a negative padding crops the image: the first output starts inside it")
    return Port("jax", imports, "\n".join(lines), notes)


# --- OpenCV ---------------------------------------------------------------------------------

def _opencv(op: Operation, p: Plan) -> Port:
    imports = "import numpy as np\nimport cv2"
    if p.channels:
        return Port("opencv", imports, None,
                    ["cv2.filter2D filters each channel with one kernel: it cannot sum over "
                     "input channels (a layer)"])
    if p.dims > 2:
        return Port("opencv", imports, None, [f"cv2.filter2D filters 1-D and 2-D arrays, "
                                              f"not {p.dims}-D"])
    notes = _conj_note(p) + ["OpenCV filters real arrays (float32/float64)"]
    if p.dims == 2:
        cand = _same_plan(op, "corr", None, "opencv",
                          padding_mode=p.boundary if p.boundary != "zeros" else
                          "BORDER_CONSTANT")
        if cand == p:
            return Port("opencv", imports,
                        "y = cv2.filter2D(np.asarray(x, dtype=np.float64), -1, "
                        "np.asarray(h, dtype=np.float64), "
                        f"borderType={CV_BORDER[p.boundary]})", notes)
    lines: list[str] = []
    xv = _prepare_image(p, "x", 0, lines)
    wv = _forward_kernel(p, lines)
    wv = _dilate_kernel(p, wv, lines)
    one = p.dims == 1
    src = f"np.array({xv}, dtype=np.float64)" + ("[None]" if one else "")
    ker = f"np.array({wv}, dtype=np.float64)" + ("[None]" if one else "")
    lines.append(f"full = cv2.filter2D({src}, -1, {ker}, anchor=(0, 0), "
                 "borderType=cv2.BORDER_CONSTANT)")
    ends = [a.stride * (a.count - 1) + 1 for a in p.axes]
    cuts = [f"0:{e}:{a.stride}" if a.stride > 1 else f"0:{e}"
            for e, a in zip(ends, p.axes, strict=True)]
    lines.append(f"y = full[{'0, ' if one else ''}{', '.join(cuts)}]  # the outputs whose "
                 "window lies in the prepared image")
    _reverse(p, 0, lines)
    notes.append("filter2D correlates with the kernel's corner as anchor on the prepared "
                 "image; the outputs past it (which read its zero border) are dropped")
    return Port("opencv", imports, "\n".join(lines), notes)


# --- MATLAB ---------------------------------------------------------------------------------

def _matlab(op: Operation, p: Plan) -> Port:
    notes = ["MATLAB code is printed, not run; x and h are MATLAB arrays of the same shapes "
             "(indices from 1)"]
    if p.channels:
        return Port("matlab", "", None, notes + [
            "MATLAB's conv, conv2 and convn have no channels or groups (a layer)"])
    native = _matlab_native(op, p)
    if native is not None:
        return Port("matlab", "", native, notes)
    n = p.dims
    fn = "conv" if n == 1 else "conv2" if n == 2 else "convn"
    lines: list[str] = []
    var = "x"
    if p.inserts:
        size = ", ".join(str(a.inserted) for a in p.axes)
        lines.append(f"xz = zeros({size}{', 1' if n == 1 else ''});")
        lines.append("xz(" + ", ".join(f"1:{a.zeros_between}:end" for a in p.axes) + ") = x;")
        var = "xz"
    if any(a.lo or a.hi for a in p.axes):
        if p.boundary == "zeros":
            size = ", ".join(str(a.length) for a in p.axes)
            lines.append(f"xp = zeros({size}{', 1' if n == 1 else ''});")
            dst, src = [], []
            for a in p.axes:
                first = max(-a.lo, 0)
                last = a.inserted - max(-a.hi, 0)
                src.append(f"{first + 1}:{last}")
                dst.append(f"{max(a.lo, 0) + 1}:{max(a.lo, 0) + last - first}")
            whole = all(a.lo >= 0 and a.hi >= 0 for a in p.axes)
            lines.append(f"xp({', '.join(dst)}) = {var}" + ("" if whole else
                                                            f"({', '.join(src)})") + ";")
        else:
            for i, a in enumerate(p.axes):
                shift = f" - {a.lo}" if a.lo > 0 else f" + {-a.lo}" if a.lo < 0 else ""
                lines.append(f"t{i} = (0:{a.length - 1}){shift};")
                lines.append(f"i{i} = {_matlab_rule(p.boundary, f't{i}', a.size)};")
            rule = {"circular": "circular", "replicate": "replicate",
                    "reflect": "mirrored without repeating the edge",
                    "symmetric": "'symmetric' (the edge repeated)"}[p.boundary]
            lines.append(f"xp = {var}({', '.join(f'i{i}' for i in range(n))});  % padded: "
                         f"{rule}")
        var = "xp"
    # conv(xp, hd, 'valid') correlates with hd reversed: reverse where the plan does not flip
    kv = "h"
    if p.conjugate:
        lines.append("hc = conj(h);")
        kv = "hc"
    unflipped = [i for i, a in enumerate(p.axes) if not a.flip]
    if unflipped:
        idx = ", ".join("end:-1:1" if not a.flip else ":" for a in p.axes)
        lines.append(f"w = {kv}({idx});  % a correlation: the kernel reversed for {fn}")
        kv = "w"
    if any(a.dilation > 1 for a in p.axes):
        size = ", ".join(str(a.spread) for a in p.axes)
        lines.append(f"wd = zeros({size}{', 1' if n == 1 else ''});")
        lines.append("wd(" + ", ".join(f"1:{a.dilation}:end" for a in p.axes) + f") = {kv};")
        kv = "wd"
    lines.append(f"y = {fn}({var}, {kv}, 'valid');")
    if any(a.stride > 1 for a in p.axes):
        lines.append("y = y(" + ", ".join(f"1:{a.stride}:end" for a in p.axes) + ");")
    for i, a in enumerate(p.axes):
        if a.reverse:
            lines.append(f"y = flip(y, {i + 1});  % the reflected output")
    if n == 1:
        notes.append("1-D: x and h as column vectors")
    return Port("matlab", "", "\n".join(lines), notes)


def _matlab_rule(boundary: str, t: str, n: int) -> str:
    """The MATLAB index (from 1) a position ``t`` reads under a boundary rule."""
    if boundary == "circular":
        return f"mod({t}, {n}) + 1"
    if boundary == "replicate":
        return f"min(max({t}, 0), {n - 1}) + 1"
    if boundary == "reflect":
        if n == 1:
            return f"ones(size({t}))"
        return f"{n - 1} - abs({n - 1} - mod({t}, {2 * n - 2})) + 1"
    # symmetric: period 2n, q -> min(q, 2n-1-q)
    per = 2 * n
    return f"min(mod({t}, {per}), {per - 1} - mod({t}, {per})) + 1"


def _matlab_native(op: Operation, p: Plan) -> str | None:
    if p.boundary != "zeros" or p.inserts:
        return None
    n = p.dims
    fn = "conv" if n == 1 else "conv2" if n == 2 else "convn"
    for mode in ("full", "same", "valid"):
        cand = _same_plan(op, "conv", mode, "matlab")
        if cand is None:
            continue
        if cand == p:
            return f"y = {fn}(x, h, '{mode}');"
        if cand.toggled() == p and n == 2 and not p.conjugate:
            return f"y = filter2(h, x, '{mode}');  % a correlation (no conjugation)"
    return None


_PRINTERS: dict[str, Callable[[Operation, Plan], Port]] = {
    "numpy": _numpy, "scipy": _scipy, "torch": _torch, "tensorflow": _tensorflow,
    "jax": _jax, "opencv": _opencv, "matlab": _matlab}
