"""Every bound symconv puts on a request, in one place: what is checked, arithmetically,
before any work starts (sizes, counts, depths, file sizes), so that a hostile request is
refused in well under a second and a few megabytes instead of exhausting memory.

The figures were measured on a 2-core machine (``tests/benchmarks/bench_hardening.py``):
the largest request the default term limit accepts finishes within about a minute and
1 GiB of memory; every refusal takes under a second and under 100 MB.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

#: Product terms plus outputs one request may produce (``--max-terms`` raises it).  On the
#: way to JSON a term costs about 60 bytes and an output about 140 bytes of peak memory
#: (measured: 8M terms over 0.9M outputs, 12 s and 0.57 GB; 8M outputs of 1 term each,
#: 47 s and 1.57 GB), so counting both keeps the largest accepted request near 1 GiB.
DEFAULT_MAX_TERMS = 8_000_000
#: Peak bytes per unit of work (a product term or an output), an upper bound of what was
#: measured on the way to text or JSON (the two measurements above, 64 and 98 bytes; 10M
#: outputs of one term each to JSON, 2.85 GB: 142 bytes; 1M outputs of 9 terms, 124; a
#: proof's term about 50): what :func:`check_memory` multiplies by.
BYTES_PER_TERM = 150
#: Largest size of one axis, and of a whole signal (entries), before any array exists.
MAX_AXIS = 10**8
MAX_SIGNAL = 10**9
#: Largest stride, dilation, padding or explicit origin (in absolute value).
MAX_PARAMETER = 10**8
#: Outputs x taps of one axis enumerated as a dense table; beyond it the counts are
#: computed arithmetically.
MAX_AXIS_PAIRS = 4_000_000
#: Derivation files: bytes, blocks, and nesting of their TOML.
MAX_DERIVATION_BYTES = 1_000_000
MAX_BLOCKS = 200
MAX_NESTING = 50
#: Free text a user passes (titles, paragraphs, --kwargs, formulas).
MAX_TEXT = 20_000
MAX_KWARGS = 2_000
#: A .npy file: bytes of its data (the header is read first and checked).
MAX_NPY_BYTES = 512 * 2**20
#: ``prove separable --h``: entries of the given kernel (decided exactly; 1000 x 1000 takes
#: about 7 s and 0.4 GB).
MAX_SEPARABLE_ENTRIES = 1_000_000
#: Exact (Python-object) coefficient products one step of a claim may make: roots of unity,
#: surds and symbols cost tens of microseconds each (250,000 take about 15 s).
MAX_EXACT_PRODUCTS = 250_000
#: The sliding-kernel animation (``expand --format gif|mp4``): frames (one per output) and
#: pixels a side; a 7x7 image and 3x3 kernel, full, is 81 frames of 917 x 552 px.
MAX_ANIMATION_FRAMES = 256
MAX_ANIMATION_PX = 2400


def available_memory() -> int | None:
    """Bytes of memory available now: ``MemAvailable`` of ``/proc/meminfo`` (Linux), else
    the physical memory (``sysconf``), and no more than this process's address-space limit
    (``ulimit -v``) leaves beyond what it already maps; None where nothing is known."""
    machine = _machine_memory()
    cap = _address_space_left()
    if machine is None:
        return cap
    return machine if cap is None else min(machine, cap)


def _machine_memory() -> int | None:
    import os

    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):
        return None


def _address_space_left() -> int | None:
    """RLIMIT_AS minus the address space this process maps now (``/proc/self/statm``);
    None without a limit."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):  # pragma: no cover - not POSIX
        return None
    if soft == resource.RLIM_INFINITY or soft <= 0:
        return None
    try:
        import os

        with open("/proc/self/statm", encoding="ascii") as f:
            used = int(f.read().split()[0]) * int(os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, IndexError, AttributeError):
        used = 0
    return max(soft - used, 0)


def check_memory(units: int, what: str, per: int = BYTES_PER_TERM) -> None:
    """Refuse, before anything is allocated, work of ``units`` terms and outputs whose peak
    (``per`` bytes each) is over the memory this machine has available, whatever
    ``--max-terms`` says: raising the limit lifts symconv's bound, not the machine's, and
    a request over it would be killed by the system instead of refused."""
    from .errors import LimitError

    need = units * per
    avail = available_memory()
    if avail is not None and need > avail:
        raise LimitError(f"{what} needs about {_size(need)} of memory ({units:,} items at "
                         f"about {per} bytes each), more than the "
                         f"{_size(avail)} this machine has available; use smaller sizes")


def _size(n: int) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.0f} MiB"


def shown(value: object, most: int = 40) -> str:
    """A user's value in a message (its ``repr``), cut when hostile: 30-digit numbers,
    long lists, megabytes of text."""
    s = repr(value)
    return s if len(s) <= most else s[:most - 10] + f"... ({len(s)} characters)"


def first_deeper(root: Any, most: int, children: Callable[[Any], Iterable[Any]],
                 start: int = 0) -> Any:
    """The first item nested deeper than ``most`` levels below ``root`` (which is at level
    ``start``), or None; walked with a stack, so the depth of the input cannot exhaust
    Python's recursion.  ``children`` gives an item's sub-items."""
    stack = [(root, start)]
    while stack:
        item, depth = stack.pop()
        if depth > most:
            return item
        stack.extend((c, depth + 1) for c in children(item))
    return None


def containers(value: Any) -> Iterable[Any]:
    """The sub-items of parsed JSON or TOML: a table's values, a list's items."""
    if isinstance(value, dict):
        return value.values()
    if isinstance(value, list):
        return value
    return ()
