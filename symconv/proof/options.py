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
    forward: str = "corr"
    wrt: str = "input"
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
        return kw


def check_options(o: Options, scope: str | None) -> None:
    """Raise :class:`InputError` for a bad ``forward``, ``wrt`` or scope."""
    if o.forward not in ("conv", "corr"):
        raise InputError(f"bad --forward {o.forward!r}: use conv or corr")
    if o.wrt not in ("input", "kernel"):
        raise InputError(f"bad --wrt {o.wrt!r}: use input or kernel")
    if scope is not None and scope not in SCOPES:
        raise InputError(f"bad scope {scope!r}: use instance or all-sizes")


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
    image = o.image if o.image is not None else "x".join(map(str, img))
    kernel = o.kernel if o.kernel is not None else "x".join(map(str, ker))
    if o.h is not None and o.kernel is None:
        given = parse_values(o.h) if isinstance(o.h, str) else np.asarray(o.h)
        kernel = "x".join(map(str, np.asarray(as_values(o.h, np.shape(given), "h")).shape))
    return replace(o, image=image, kernel=kernel, dims=nd)
