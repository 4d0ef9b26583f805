"""A tiny interpreter for the MATLAB that ``symconv port`` prints (tests only).

MATLAB itself is not installed: its documented semantics are implemented here for exactly
the statements the MATLAB port emits (1-based indexing with ranges, ``end``, ``zeros``,
``conv``/``conv2``/``convn`` with a shape, ``filter2``, ``flip``, ``conj``, ``mod``, ``abs``,
``min``/``max`` with a scalar, ``ones(size(t))``), so every printed MATLAB snippet runs and
is compared with symconv's values.  Anything else raises: an unknown statement is a test
failure, never a silent pass.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from scipy import signal

END = object()


class Range:
    """``a:s:b`` (``b`` may be ``end``): resolved against an axis's length when indexing."""

    def __init__(self, a: Any, s: Any, b: Any) -> None:
        self.a, self.s, self.b = a, s, b

    def indices(self, n: int) -> np.ndarray:
        a = n if self.a is END else self.a
        b = n if self.b is END else self.b
        return np.arange(a, b + (1 if self.s > 0 else -1), self.s) - 1

    def vector(self) -> np.ndarray:
        assert self.a is not END and self.b is not END
        return np.arange(self.a, self.b + 1, self.s).astype(np.int64)

    def __add__(self, other: Any) -> np.ndarray:
        return self.vector() + other

    def __sub__(self, other: Any) -> np.ndarray:
        return self.vector() - other


ALL = Range(1, 1, END)


class M:
    """A MATLAB array: calling it indexes (1-based); ``set`` assigns to an index."""

    def __init__(self, a: Any) -> None:
        self.a = np.asarray(a)

    def _index(self, idx: tuple[Any, ...]) -> tuple[Any, ...]:
        if len(idx) == 1 and self.a.ndim == 2 and self.a.shape[1] == 1:
            idx = (idx[0], ALL)  # one index into a column vector
        if len(idx) != self.a.ndim:
            raise AssertionError(f"{len(idx)} indices into a {self.a.ndim}-D array")
        out = []
        for i, n in zip(idx, self.a.shape, strict=True):
            if isinstance(i, Range):
                out.append(i.indices(n))
            else:
                v = np.asarray(i.a if isinstance(i, M) else i).astype(np.int64).ravel()
                if v.size and (v.min() < 1 or v.max() > n):
                    raise AssertionError(f"index out of bounds: {v} on an axis of {n}")
                out.append(v - 1)
        return tuple(out)

    def __call__(self, *idx: Any) -> M:
        return M(self.a[np.ix_(*self._index(idx))])

    def set(self, idx: tuple[Any, ...], value: Any) -> None:
        v = value.a if isinstance(value, M) else value
        self.a[np.ix_(*self._index(idx))] = v


def _shape(name: str, x: np.ndarray, h: np.ndarray, shape: str, conv_fn: str) -> np.ndarray:
    full = signal.convolve(x, h, mode="full", method="direct")
    if shape == "full":
        return full
    if shape == "same":
        return full[tuple(slice(k // 2, k // 2 + n) for n, k in zip(x.shape, h.shape,
                                                                    strict=True))]
    if any(k > n for n, k in zip(x.shape, h.shape, strict=True)):
        return np.zeros(tuple(max(n - k + 1, 0) for n, k in zip(x.shape, h.shape,
                                                                 strict=True)))
    return full[tuple(slice(k - 1, n) for n, k in zip(x.shape, h.shape, strict=True))]


def _zeros(*dims: int) -> M:
    return M(np.zeros(dims))


def _conv(fn: str) -> Any:
    def call(a: M, b: M, shape: str = "full") -> M:
        if fn == "conv" and (a.a.shape[1:] != (1,) or b.a.shape[1:] != (1,)):
            raise AssertionError("conv takes vectors")
        if fn == "conv2" and (a.a.ndim != 2 or b.a.ndim != 2):
            raise AssertionError("conv2 takes matrices")
        return M(_shape(fn, a.a, b.a, shape, fn))
    return call


def _filter2(h: M, x: M, shape: str = "same") -> M:
    if h.a.ndim != 2:
        raise AssertionError("filter2 takes matrices")
    return M(_shape("filter2", x.a, np.flip(h.a), shape, "conv2"))


def _unwrap(v: Any) -> Any:
    return v.a if isinstance(v, M) else v


FUNCTIONS: dict[str, Any] = {
    "zeros": _zeros, "conv": _conv("conv"), "conv2": _conv("conv2"), "convn": _conv("convn"),
    "filter2": _filter2,
    "flip": lambda y, k: M(np.flip(y.a, axis=k - 1)),
    "conj": lambda y: M(np.conj(y.a)),
    "mod": lambda a, n: np.mod(_unwrap(a), n),
    "abs": lambda a: np.abs(_unwrap(a)),
    "min": lambda a, b: np.minimum(_unwrap(a), _unwrap(b)),
    "max": lambda a, b: np.maximum(_unwrap(a), _unwrap(b)),
    "ones": lambda shape: np.ones(shape, dtype=np.int64),
    "size": lambda a: np.shape(_unwrap(a)),
}

_ASSIGN = re.compile(r"^(\w+)(\((.*)\))?\s*=\s*(.+);$")


def _expr(text: str) -> str:
    """MATLAB ranges and ``end`` as Python: ``1:2:end`` -> ``Range(1, 2, END)``."""
    text = text.replace("'", '"')
    text = re.sub(r"(?<!\w)\((\d+):(\d+)\)", r"Range(\1, 1, \2)", text)  # (0:8): a vector
    num = r"(?:-?\d+|end)"
    text = re.sub(rf"(?<![\w.]){num}:{num}:{num}",
                  lambda m: "Range(" + ", ".join(v.replace("end", "END")
                                                  for v in m.group(0).split(":")) + ")", text)
    text = re.sub(rf"(?<![\w.]){num}:{num}(?![\w:])",
                  lambda m: "Range({}, 1, {})".format(*[v.replace("end", "END") for v in
                                                         m.group(0).split(":")]), text)
    text = re.sub(r"(?<=[(,])\s*:\s*(?=[,)])", "ALL", text)
    return text


def run(code: str, x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Run the MATLAB port's statements on ``x`` and ``h``; returns ``y``."""
    column = x.ndim == 1  # MATLAB has no 1-D arrays: vectors are N x 1
    env: dict[str, Any] = {"x": M(np.array(x, dtype=np.float64).reshape(-1, 1) if column
                                  else np.array(x, dtype=np.float64)),
                           "h": M(np.array(h, dtype=np.float64).reshape(-1, 1) if column
                                  else np.array(h, dtype=np.float64)),
                           "Range": Range, "END": END, "ALL": ALL, **FUNCTIONS}
    for raw in code.splitlines():
        line = raw.split("%", 1)[0].strip()
        if not line:
            continue
        m = _ASSIGN.match(line)
        if m is None:
            raise AssertionError(f"not a statement the MATLAB port emits: {raw!r}")
        name, _, idx, rhs = m.groups()
        value = eval(_expr(rhs), {"__builtins__": {}}, env)  # noqa: S307 - test-only
        if isinstance(value, Range):
            value = value.vector()
        if not isinstance(value, M):
            value = M(value)
        if idx is None:
            env[name] = value
        else:
            target = env[name]
            target.set(eval("(" + _expr(idx) + ",)", {"__builtins__": {}}, env), value)
    y = np.asarray(env["y"].a)
    if column:
        assert y.ndim == 2 and y.shape[1] == 1, y.shape
        return y[:, 0]
    return y
