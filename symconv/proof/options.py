"""What ``symconv prove THEOREM`` is asked: the :class:`Options` of a theorem, their checks,
and the shapes an instance proof uses when none are given.  Imports nothing heavy (NumPy
only inside :func:`with_shapes`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..errors import InputError

#: The scopes of a proof: exact for given shapes, or symbolic in the sizes.
SCOPES = ("instance", "all-sizes")
#: Shapes used when an all-sizes proof falls back to the instance scope without shapes.
DEFAULT_SHAPES = {1: ((7,), (3,)), 2: ((7, 7), (3, 3)), 3: ((5, 5, 5), (3, 3, 3))}


@dataclass(frozen=True)
class Options:
    """What ``symconv prove`` passes in; every field optional."""

    dims: int | None = None
    image: str | None = None
    kernel: str | None = None
    forward: str | None = None
    wrt: str | None = None
    mode: str | None = None
    stride: Any = None
    padding: Any = None
    dilation: Any = None
    padding_mode: str = "zeros"
    layer: bool = False
    groups: int = 1
    origin: str | None = None
    x: Any = None
    h: Any = None
    max_terms: int | None = None
    #: the transposed convolution's output padding (prove transpose, prove sizes)
    output_padding: Any = None
    #: prove sizes: the operation whose sizes are derived (conv-transpose; default the
    #: forward operations)
    op: str | None = None
    #: pooling (prove pooling, prove sizes --op pool): PyTorch's ceil_mode and
    #: count_include_pad (None: the default, counted)
    ceil_mode: bool = False
    count_include_pad: bool | None = None
    #: whose window --mode and --padding mean (DESIGN, "Conventions of other libraries")
    convention: str = "scipy"
    #: receptive-field: the stacked layers, "K[:s[:d[:p]]],..." (kernel, stride, dilation,
    #: padding of each layer, input first)
    layers: Any = None

    @property
    def forward_op(self) -> str:
        """The duality's forward operation (a correlation unless told: PyTorch's layers)."""
        return self.forward or "corr"

    @property
    def gradient_of(self) -> str:
        """The duality's gradient: with respect to the input unless told."""
        return self.wrt or "input"

    def op_kwargs(self) -> dict[str, Any]:
        kw: dict[str, Any] = {}
        for key in ("mode", "stride", "padding", "dilation"):
            v = getattr(self, key)
            if v is not None:
                kw[key] = v
        if self.padding_mode != "zeros":
            kw["padding_mode"] = self.padding_mode
        if self.origin is not None:
            kw["origin"] = self.origin  # the output origin under padding (0-based: corner)
        if self.convention != "scipy":
            kw["convention"] = self.convention
        return kw


#: Spatial dimensions a theorem is proved for.
MAX_DIMS = 3
#: Options every theorem reads (the operation both sides use, the shapes, the limit).
COMMON_OPTIONS = frozenset({"dims", "image", "kernel", "origin", "mode", "stride", "padding",
                            "dilation", "padding_mode", "max_terms", "convention"})
#: The command-line spelling of each option, for messages.
FLAGS = {"padding_mode": "--padding-mode", "max_terms": "--max-terms"}
#: (flags are the option's name with "-" for "_": --ceil-mode, --count-include-pad)


def given(o: Options) -> list[str]:
    """The options set to something other than their default."""
    defaults = Options()
    return [name for name in o.__dataclass_fields__
            if getattr(o, name) != getattr(defaults, name)]


def flag(name: str) -> str:
    return FLAGS.get(name, "--" + name.replace("_", "-"))


def check_options(o: Options, scope: str | None, uses: frozenset[str] = COMMON_OPTIONS,
                  theorem: str = "") -> None:
    """Refuse, with one line each, every option out of its range and every option the
    theorem does not use (nothing is silently ignored)."""
    from ..index.ops import MODES
    from ..index.relation import BOUNDARIES, BOUNDARY_ALIASES
    from ..index.request import parse_padding, per_axis
    from ..index.signal import parse_shape

    unused = [n for n in given(o) if n not in uses]
    if unused:
        raise InputError(f"{', '.join(flag(n) for n in unused)} "
                         f"{'does' if len(unused) == 1 else 'do'} not apply to the theorem "
                         f"{theorem!r} (it reads {', '.join(sorted(flag(n) for n in uses))})")
    if o.forward is not None and o.forward not in ("conv", "corr"):
        raise InputError(f"bad --forward {o.forward!r}: use conv or corr")
    if o.wrt is not None and o.wrt not in ("input", "kernel"):
        raise InputError(f"bad --wrt {o.wrt!r}: use input or kernel")
    if scope is not None and scope not in SCOPES:
        raise InputError(f"bad scope {scope!r}: use instance or all-sizes")
    if o.dims is not None and not (isinstance(o.dims, int) and 1 <= o.dims <= MAX_DIMS):
        raise InputError(f"bad --dims {o.dims!r}: theorems are proved for 1 to {MAX_DIMS} "
                         "spatial dimensions")
    shapes = [parse_shape(s, f"{w} shape") for s, w in ((o.image, "image"),
                                                         (o.kernel, "kernel")) if s is not None]
    if o.origin is not None and o.origin not in ("center", "corner"):
        raise InputError(f"bad --origin {o.origin!r}: use center or corner")
    from ..index.ops import CONVENTIONS

    if o.convention not in CONVENTIONS:
        raise InputError(f"bad --convention {o.convention!r}: use {', '.join(CONVENTIONS)}")
    if o.mode is not None and o.mode not in MODES:
        raise InputError(f"bad --mode {o.mode!r}: use {', '.join(MODES)}")
    if o.padding_mode not in BOUNDARIES and o.padding_mode not in BOUNDARY_ALIASES:
        raise InputError(f"bad --padding-mode {o.padding_mode!r}: use "
                         f"{', '.join(BOUNDARIES)}")
    if o.mode is not None and o.padding is not None:
        raise InputError("give --mode or --padding, not both (padding means PyTorch's output "
                         "window; mode means NumPy/SciPy's)")
    if not isinstance(o.groups, int) or o.groups < 1:
        raise InputError(f"bad --groups {o.groups!r}: a positive integer")
    if o.max_terms is not None and o.max_terms < 0:
        raise InputError(f"bad --max-terms {o.max_terms}: the limit must be 0 or more")
    nd = o.dims or (len(shapes[0]) - (1 if o.layer else 0) if shapes else spatial_dims(o))
    if nd < 1 or nd > MAX_DIMS:
        raise InputError(f"the shapes have {nd} spatial axes: theorems are proved for 1 to "
                         f"{MAX_DIMS}")
    per_axis(o.stride, nd, "stride", 1)
    per_axis(o.dilation, nd, "dilation", 1)
    parse_padding(o.padding, nd)
    if len(shapes) == 2:
        check_work(o, shapes)


def check_work(o: Options, shapes: list[tuple[int, ...]]) -> None:
    """Refuse, before any array exists, shapes whose proof would be over the term limit:
    each signal's entries (a symbol each) and the operation's terms count."""
    import math

    from ..errors import LimitError
    from ..index.relation import check_limit
    from ..index.request import operation
    from ..limits import check_memory

    limit = check_limit(o.max_terms)
    for shape, what in zip(shapes, ("image", "kernel"), strict=True):
        n = math.prod(shape)
        if n > limit:
            raise LimitError(f"the {what} has {n:,} entries, over the limit of {limit:,} "
                             f"symbols; raise it with --max-terms {n}")
    kw = o.op_kwargs()
    if o.layer:
        kw.update(layer=True, groups=o.groups)
    try:
        op = operation("conv", shapes[0], shapes[1], **kw)
    except LimitError:
        raise
    except InputError:
        return  # the theorem says what is wrong with these options, in its own words
    rel = op.relation
    need = PROOF_SIDES * (rel.term_count() + rel.out_count())
    if need > limit:
        raise LimitError(
            f"this proof works on {need // PROOF_SIDES:,} product terms and outputs per side "
            f"and up to {PROOF_SIDES} sides ({need:,} in all), over the limit of {limit:,}; "
            f"raise it with --max-terms {need}")
    check_memory(need, "this proof")


#: Expansions an instance proof holds at once (both sides of an identity and of its
#: converse): the term limit counts them all, so that the largest proof accepted stays
#: near 0.5 GB (measured: flip at 1000x1000 by 1x1, duality at 445x445 by 3x3).
PROOF_SIDES = 4


def claim_keywords(o: Options) -> str | None:
    """The options as keyword arguments of the claim language (``, mode='same', stride=2``),
    or None when a claim cannot say them (boundary rules, channels, values, uneven padding)."""
    from ..index.request import parse_padding, per_axis

    if o.padding_mode != "zeros" or o.layer or o.groups != 1 or o.x is not None or \
            o.h is not None or o.convention != "scipy":
        return None
    nd = o.dims or 1
    out = ""
    if o.mode is not None:
        out += f", mode='{o.mode}'"
    for key, value in (("stride", o.stride), ("dilation", o.dilation)):
        if value is not None:
            vals = per_axis(value, nd, key, 1)
            out += f", {key}=" + (str(vals[0]) if len(set(vals)) == 1 else
                                  "(" + ", ".join(map(str, vals)) + ")")
    pad = parse_padding(o.padding, nd)
    if isinstance(pad, str):
        out += f", padding='{pad}'"
    elif pad is not None:
        if any(lo != hi for lo, hi in pad):
            return None
        sizes = [lo for lo, _ in pad]
        out += ", padding=" + (str(sizes[0]) if len(set(sizes)) == 1 else
                               "(" + ", ".join(map(str, sizes)) + ")")
    return out


def resolved(o: Options) -> Options:
    """``o`` with the duality's defaults (a forward correlation, the gradient with respect
    to the input, as PyTorch's layers)."""
    return replace(o, forward=o.forward or "corr", wrt=o.wrt or "input")


def default_scope(o: Options) -> str:
    """``instance`` when shapes or kernel values are given, else ``all-sizes``."""
    has_shapes = o.image is not None or o.kernel is not None
    return "instance" if has_shapes or o.h is not None else "all-sizes"


def all_sizes_limit(o: Options, channels: bool = False, same_padding: bool = False
                    ) -> str | None:
    """Why the all-sizes engine cannot take these options (``None``: it can).

    ``channels``: the theorem's all-sizes proof covers channels and groups;
    ``same_padding``: it covers PyTorch's ``padding='same'``.
    """
    if (o.layer or o.groups != 1) and not channels:
        return "channels and groups are handled by the instance engine only"
    if o.padding_mode != "zeros":
        return f"padding mode {o.padding_mode!r} (not zeros) is handled by the instance engine"
    if o.convention != "scipy":
        return (f"convention {o.convention!r}: that library's window is handled by the "
                "instance engine")
    if o.h is not None or o.x is not None:
        return "values were given (--x/--h), which concern one instance"
    if isinstance(o.padding, str) and o.padding.strip().lower() == "same" and not same_padding:
        return "padding 'same' splits d(K-1) unevenly and is handled by the instance engine"
    return None


def spatial_dims(o: Options) -> int:
    """The number of spatial axes: from the shapes (without channel axes), else ``dims``."""
    from ..index.signal import parse_shape

    if o.image is not None:
        return len(parse_shape(o.image)) - (1 if o.layer else 0)
    if o.kernel is not None:
        return len(parse_shape(o.kernel)) - (2 if o.layer else 0)
    if o.h is not None and o.dims is None:
        import numpy as np

        from ..index.signal import parse_values

        given = parse_values(o.h) if isinstance(o.h, str) else np.asarray(o.h, dtype=object)
        return max(given.ndim - (2 if o.layer else 0), 1)
    return o.dims or 1


def with_shapes(o: Options) -> Options:
    """``o`` with an image and a kernel shape (the defaults where none is given)."""
    import numpy as np

    from ..index.signal import as_values, parse_values

    nd = o.dims or spatial_dims(o)
    if nd not in DEFAULT_SHAPES and (o.image is None or o.kernel is None):
        raise InputError(f"give --image and --kernel for {nd} dimensions")
    img, ker = DEFAULT_SHAPES.get(nd, ((5,) * nd, (3,) * nd))
    if o.layer:
        img = (2,) + img
        ker = (2, 2 // max(o.groups, 1) or 1) + ker
    if o.image is None:
        # at least as wide as the stride: a narrower image puts every output on the same
        # few kernel offsets (7 pixels under a stride of 8 read one tap class only)
        from ..index.request import per_axis

        strides = per_axis(o.stride, len(img) - (1 if o.layer else 0), "stride", 1)
        lead = img[:1] if o.layer else ()
        img = lead + tuple(max(n, s) for n, s in zip(img[len(lead):], strides, strict=True))
    image = o.image if o.image is not None else "x".join(map(str, img))
    kernel = o.kernel if o.kernel is not None else "x".join(map(str, ker))
    if o.h is not None and o.kernel is None:
        given = parse_values(o.h) if isinstance(o.h, str) else np.asarray(o.h)
        kernel = "x".join(map(str, np.asarray(as_values(o.h, np.shape(given), "h")).shape))
    return replace(o, image=image, kernel=kernel, dims=nd)
