"""Symbolic signals: an array's name, shape, index origin, axes convention and entry names.

A :class:`Signal` is only a description (no SymPy objects): positions are 0-based array
positions, *indices* are what formulas use, ``index = position - origin``.  SymPy objects
for entries are made in :mod:`symconv.expansion`, and only for what is displayed or asked for.
"""

from __future__ import annotations

import math
import os
import re
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from ..errors import InputError
from ..limits import MAX_AXIS, MAX_PARAMETER, MAX_SIGNAL, shown

#: Names reach LaTeX, MathML and HTML: only plain identifiers are accepted, so nothing
#: needs escaping downstream and no name can smuggle markup or TeX commands.
NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}\Z")
ORIGINS = ("center", "corner")
AXES = ("xy", "ij")
LETTERS = string.ascii_lowercase


def check_name(name: str, what: str) -> str:
    """Return ``name`` if it is a safe identifier, else raise :class:`InputError`."""
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise InputError(
            f"bad {what} name {name!r}: use a letter followed by letters, digits or '_' "
            "(at most 32 characters; LaTeX and HTML special characters are not allowed)"
        )
    return name


def parse_shape(text: str | int | Sequence[int], what: str = "shape") -> tuple[int, ...]:
    """Parse ``'7x7'``, ``'5'``, ``'2x5x5'`` (or a tuple) into a tuple of positive ints."""
    if isinstance(text, (int, np.integer)) and not isinstance(text, bool):
        parts: list[object] = [int(text)]
    elif isinstance(text, str):
        raw = text.strip().lower().replace("×", "x")
        if not raw or not re.fullmatch(r"-?\d+(x-?\d+)*", raw):
            raise InputError(
                f"bad {what} {text!r}: write sizes separated by 'x', such as 5, 7x7 or 2x5x5"
            )
        parts = [int(p) for p in raw.split("x")]
    else:
        try:
            parts = list(cast(Sequence[int], text))
        except TypeError:
            raise InputError(f"bad {what} {text!r}: expected sizes such as (7, 7)") from None
    out: list[int] = []
    for p in parts:
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
            raise InputError(f"bad {what} {text!r}: sizes must be integers")
        if p <= 0:
            raise InputError(f"bad {what} {text!r}: every size must be at least 1, got {p}")
        out.append(int(p))
    if not out or len(out) > 6:
        raise InputError(f"bad {what} {shown(text)}: 1 to 6 axes are supported")
    for p in out:
        if p > MAX_AXIS:
            raise InputError(f"bad {what} {shown(text)}: a size can be at most {MAX_AXIS:,}")
    if int(np.prod([float(p) for p in out])) > MAX_SIGNAL:
        raise InputError(f"bad {what} {shown(text)}: at most {MAX_SIGNAL:,} entries in all")
    return tuple(out)


def resolve_origin(origin: str | Sequence[int], shape: tuple[int, ...],
                   channel_axes: int = 0) -> tuple[int, ...]:
    """Position of index 0 on each axis.

    ``center``: ``size // 2`` (indices ``-k..k`` for size ``2k+1``, as the article; for an
    even size ``-k..k-1``, as ``scipy.ndimage``).  ``corner``: 0.  Channel axes are always
    0-based.  Explicit offsets are given per spatial axis.
    """
    spatial = shape[channel_axes:]
    if isinstance(origin, str):
        if origin == "center":
            offs = tuple(n // 2 for n in spatial)
        elif origin == "corner":
            offs = tuple(0 for _ in spatial)
        else:
            raise InputError(f"bad origin {origin!r}: use center, corner or offsets per axis")
    else:
        offs = tuple(int(o) for o in origin)
        if any(abs(o) > MAX_PARAMETER for o in offs):
            raise InputError(f"bad origin {shown(origin)}: offsets must be at most "
                             f"{MAX_PARAMETER:,} in absolute value")
        if len(offs) != len(spatial):
            raise InputError(
                f"bad origin {tuple(origin)!r}: give one offset per spatial axis "
                f"({len(spatial)})"
            )
    return (0,) * channel_axes + offs


@dataclass(frozen=True)
class Signal:
    """An N-D array described symbolically.

    ``origin`` is the position of index 0 per axis; ``channel_axes`` leading axes are
    channel axes (0-based, not spatial); ``entries`` are the entry names in display order
    (``None``: entries are indexed, ``x[i,j]``).  ``values`` are optional numbers in array
    order (the same axis order as the indices).
    """

    name: str
    shape: tuple[int, ...]
    origin: tuple[int, ...]
    axes: str = "xy"
    channel_axes: int = 0
    entries: tuple[str, ...] | None = None
    values: np.ndarray | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        check_name(self.name, "array")
        if self.axes not in AXES:
            raise InputError(f"bad axes {self.axes!r}: use xy or ij")
        if len(self.origin) != len(self.shape):
            raise InputError("origin and shape must have the same number of axes")
        if self.entries is not None:
            if len(self.entries) != self.size:
                raise InputError(
                    f"{len(self.entries)} entry names given for {self.name}, which has "
                    f"{self.size} entries"
                )
            for e in self.entries:
                check_name(e, "entry")
            if len(set(self.entries)) != len(self.entries):
                dup = sorted({e for e in self.entries if self.entries.count(e) > 1})
                raise InputError(f"entry names must differ; repeated: {', '.join(dup)}")
        if self.values is not None and tuple(self.values.shape) != self.shape:
            raise InputError(
                f"values for {self.name} have shape {'x'.join(map(str, self.values.shape))}, "
                f"expected {'x'.join(map(str, self.shape))}"
            )

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    @property
    def lo(self) -> tuple[int, ...]:
        """Lowest index on each axis."""
        return tuple(-o for o in self.origin)

    @property
    def hi(self) -> tuple[int, ...]:
        """Highest index on each axis."""
        return tuple(n - 1 - o for n, o in zip(self.shape, self.origin, strict=True))

    def display_axes(self) -> tuple[int, ...]:
        """Axes from slowest to fastest in display (reading) order.

        Channel axes first; then the spatial axes, reversed under ``xy`` (the first index is
        horizontal, so the second index selects the row), in order under ``ij``.
        """
        ch = tuple(range(self.channel_axes))
        sp = tuple(range(self.channel_axes, self.ndim))
        return ch + (sp[::-1] if self.axes == "xy" else sp)

    def display_order(self) -> np.ndarray:
        """Flat C-order positions of the entries, listed in display order."""
        perm = self.display_axes()
        flat = np.arange(self.size).reshape(self.shape)
        return np.ascontiguousarray(flat.transpose(perm)).ravel()

    def entry_names(self) -> list[str] | None:
        """Entry names in C (array) order, or ``None`` when entries are indexed."""
        if self.entries is None:
            return None
        names = [""] * self.size
        for name, flat in zip(self.entries, self.display_order(), strict=True):
            names[int(flat)] = name
        return names

    def indices(self) -> Iterator[tuple[int, ...]]:
        """Every index tuple in C order."""
        for pos in np.ndindex(*self.shape):
            yield tuple(p - o for p, o in zip(pos, self.origin, strict=True))

    def with_values(self, values: np.ndarray | None) -> Signal:
        return Signal(self.name, self.shape, self.origin, self.axes, self.channel_axes,
                      self.entries, values)


def default_entries(size: int) -> tuple[str, ...] | None:
    """``a, b, c, ...`` for up to 26 entries; ``None`` (indexed names) beyond."""
    return tuple(LETTERS[:size]) if size <= len(LETTERS) else None


def make_signal(name: str, shape: str | int | Sequence[int], *, origin: str | Sequence[int]
                = "center", axes: str = "xy", channel_axes: int = 0,
                entries: str | Sequence[str] | None = "default", values: object = None,
                what: str = "shape") -> Signal:
    """Build a :class:`Signal` from user-level arguments (strings accepted)."""
    shp = parse_shape(shape, what)
    if channel_axes >= len(shp) and channel_axes:
        raise InputError(f"bad {what} {shape!r}: needs {channel_axes} channel axes and at "
                         "least one spatial axis")
    org = resolve_origin(origin, shp, channel_axes)
    ents: tuple[str, ...] | None
    if entries == "default":
        ents = default_entries(int(np.prod(shp)))
    elif entries == "indexed" or entries is None:
        ents = None
    elif isinstance(entries, str):
        ents = tuple(e.strip() for e in entries.split(","))
    else:
        ents = tuple(entries)
    vals = None if values is None else as_values(values, shp, name)
    return Signal(name, shp, org, axes, channel_axes, ents, vals)


def parse_values(text: str, what: str = "the array") -> np.ndarray:
    """``'2,1,3'`` -> 1-D; ``'0,1;2,3'`` -> 2-D (rows split by ``;``); a ``.npy`` path.

    Values are exact (:mod:`.numbers`): ``'1/4,1/2,1/4'`` holds fractions, ``'1,t,1'`` a
    symbol; a ``.npy`` file holds what it holds (floats stay binary floats).
    """
    from .numbers import parse_text

    t = text.strip()
    if t.endswith(".npy"):
        return read_npy(t)
    return parse_text(t, what)


def read_npy(path: str) -> np.ndarray:
    """A ``.npy`` file of numbers, read safely: only a regular file (a FIFO would block),
    never unpickled, its header read and checked (format, dtype, size against the file's
    length and :data:`~symconv.limits.MAX_NPY_BYTES`) before any data is read."""
    import stat

    from numpy.lib import format as npformat

    from ..limits import MAX_NPY_BYTES

    where = shown(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(f"cannot read values from {where}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"cannot read values from {where}: not a regular file")
        head = fh.read(6)
        if head[:4] == b"PK\x03\x04":
            raise InputError(f"cannot read values from {where}: it is an .npz archive (a zip "
                             "of arrays); save one array with numpy.save")
        if head != b"\x93NUMPY":
            raise InputError(f"cannot read values from {where}: not a .npy file (no NumPy "
                             "header)")
        fh.seek(0)
        try:
            version = npformat.read_magic(fh)
            if version == (1, 0):
                shape, fortran, dtype = npformat.read_array_header_1_0(fh)
            elif version in ((2, 0), (3, 0)):
                shape, fortran, dtype = npformat.read_array_header_2_0(fh)
            else:
                raise ValueError(f"unknown .npy version {version}")
        except (ValueError, SyntaxError, OverflowError) as exc:
            raise InputError(f"cannot read values from {where}: bad .npy header "
                             f"({' '.join(str(exc).split())[:80]})") from None
        if dtype.hasobject or dtype.kind not in "biufc":
            raise InputError(f"values in {where} are not numbers (dtype {dtype})")
        if any(int(n) < 0 for n in shape) or len(shape) > MAX_NPY_AXES:
            raise InputError(f"cannot read values from {where}: bad .npy header (shape "
                             f"{tuple(shape)[:8]}{'...' if len(shape) > 8 else ''}: sizes must "
                             f"be 0 or more, on at most {MAX_NPY_AXES} axes)")
        if any(int(n) > MAX_SIGNAL for n in shape):
            raise InputError(f"values in {where}: shape {tuple(shape)} has an axis over the "
                             f"limit of {MAX_SIGNAL:,} entries")
        count = math.prod(int(n) for n in shape)
        size = count * dtype.itemsize
        if count > MAX_SIGNAL or size > MAX_NPY_BYTES:
            raise InputError(f"values in {where}: shape {shape} is {size:,} bytes, over the "
                             f"limit of {MAX_NPY_BYTES:,}")
        if info.st_size - fh.tell() < size:
            raise InputError(f"cannot read values from {where}: the file is truncated "
                             f"({info.st_size - fh.tell():,} of {size:,} data bytes)")
        data = np.frombuffer(fh.read(size), dtype=dtype, count=count)
    return data.reshape(shape, order="F" if fortran else "C").copy()


#: Axes a values file may have (NumPy's own limit is 64; symconv's operations take 1 to 3
#: spatial axes plus channels).
MAX_NPY_AXES = 8


def as_values(values: object, shape: tuple[int, ...], name: str) -> np.ndarray:
    """Coerce lists, nested lists, arrays or value strings to an array of ``shape``.

    Python ``int``, :class:`~fractions.Fraction`, SymPy numbers and symbols and value
    strings (``"1/9"``) are exact; Python and NumPy floats are binary floats.
    """
    from .numbers import to_array

    if isinstance(values, str):
        arr = parse_values(values, name)
    else:
        try:
            arr = np.asarray(values)
        except (TypeError, ValueError) as exc:  # pragma: no cover - numpy message varies
            raise InputError(f"bad values for {name}: {exc}") from None
        if arr.dtype == object or arr.dtype.kind in "US":
            arr = to_array(values if arr.dtype == object else arr.tolist(), name)
        elif arr.dtype.kind not in "biufc":
            raise InputError(f"bad values for {name}: expected numbers, got dtype {arr.dtype}")
        if arr.dtype.kind in "bu":
            arr = arr.astype(np.int64)
    if arr.dtype.kind in "fc" and not np.isfinite(arr).all():
        raise InputError(f"values for {name} include inf or nan: values must be finite")
    if arr.shape != shape:
        if arr.size == int(np.prod(shape)):
            arr = arr.reshape(shape)
        else:
            raise InputError(
                f"values for {name} have shape {'x'.join(map(str, arr.shape)) or 'scalar'}, "
                f"expected {'x'.join(map(str, shape))}"
            )
    return arr


def parse_index(text: str) -> tuple[int, ...]:
    """An output index as ``--at`` writes it: ``"1,1"`` or ``"-1"``."""
    parts = text.replace(" ", "").split(",")
    if not text.strip() or any(not re.fullmatch(r"[+-]?\d{1,12}", p) for p in parts):
        raise InputError(f"bad output index {shown(text)}: give integers separated by "
                         "commas, such as 1,1 or -1,-1")
    return tuple(int(v) for v in parts)
