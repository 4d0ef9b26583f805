"""Every bound symconv puts on a request, in one place: what is checked, arithmetically,
before any work starts (sizes, counts, depths, file sizes), so that a hostile request is
refused in well under a second and a few megabytes instead of exhausting memory.

The figures were measured on a 2-core machine (``tests/benchmarks/bench_hardening.py``):
the largest request the default term limit accepts finishes within about a minute and
1 GiB of memory; every refusal takes under a second and under 100 MB.
"""

from __future__ import annotations

#: Product terms plus outputs one request may produce (``--max-terms`` raises it).  On the
#: way to JSON a term costs about 60 bytes and an output about 140 bytes of peak memory
#: (measured: 8M terms over 0.9M outputs, 12 s and 0.57 GB; 8M outputs of 1 term each,
#: 47 s and 1.57 GB), so counting both keeps the largest accepted request near 1 GiB.
DEFAULT_MAX_TERMS = 8_000_000
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


def check_int(value: object, what: str, low: int, high: int) -> int:
    """``value`` as an int within ``low..high``, else an :class:`InputError` naming both."""
    from .errors import InputError

    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except ValueError:
            raise InputError(f"bad {what} {value!r}: expected an integer") from None
    if not low <= value <= high:
        raise InputError(f"bad {what} {_short(value)}: must be between {low:,} and {high:,}")
    return value


def _short(v: int) -> str:
    s = str(v)
    return s if len(s) <= 24 else f"{s[:10]}...{s[-4:]} ({len(s)} digits)"
