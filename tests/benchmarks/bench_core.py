"""Benchmark of the core engine, with the naive approaches measured in the same run.

Run as ``python tests/benchmarks/bench_core.py`` (pytest does not collect it).  Prints one
line per measurement with the target and PASS/FAIL, and exits 1 if a target is missed.

(a) naive SymPy: each y of a 128x128 image and a 3x3 kernel built as ``sympy.Add`` of
    ``sympy.Mul`` in Python loops (IndexedBase x, Symbols a..i);
(b) symconv's ``Expansion.array()`` for the same;
(c) enumerating the index relation (triples/s) against plain NumPy enumeration of the
    (output, pixel, kernel) triples, the floor;
(d) ``symconv expand corr --image 512x512 --kernel 5x5 --format json -o FILE`` as a
    process: wall time and peak memory;
(e) ``symconv --help`` against ``python -c pass`` (median of several runs);
(f) the article's worked example as a whole process.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import numpy as np

RESULTS: list[tuple[str, bool]] = []


def report(name: str, value: str, ok: bool | None = None, target: str = "") -> None:
    mark = "" if ok is None else ("PASS" if ok else "FAIL")
    line = f"{name:<46} {value:<40} {target:<28} {mark}"
    print(line.rstrip(), flush=True)
    if ok is not None:
        RESULTS.append((name, ok))


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


# -- (a) and (b): whole SymPy expansion -------------------------------------------------------
def naive_sympy(n: int, k: int) -> list[object]:
    """The approach a notebook takes: canonicalising Add(*[Mul(...)]) per output."""
    import sympy

    x = sympy.IndexedBase("x")
    names = "abcdefghijklmnopqrstuvwxyz"
    h = [[sympy.Symbol(names[r * k + c]) for c in range(k)] for r in range(k)]
    half = k // 2
    out = []
    for m in range(n):
        for q in range(n):
            terms = []
            for r in range(k):
                for c in range(k):
                    i, j = m + r - half, q + c - half
                    if 0 <= i < n and 0 <= j < n:
                        terms.append(sympy.Mul(h[r][c], x[i, j]))
            out.append(sympy.Add(*terms))
    return out


def bench_expansion(n: int, k: int) -> None:
    import sympy  # noqa: F401  (imported before timing, as in both measurements)

    from symconv.expansion import expand

    terms = expand("corr", (n, n), (k, k), mode="same").relation.term_count()
    t_naive = best_of(lambda: naive_sympy(n, k), 1)
    report(f"(a) naive SymPy Add/Mul {n}x{n}/{k}x{k}",
           f"{t_naive:.2f} s ({terms / t_naive:,.0f} terms/s)")

    def ours() -> object:
        return expand("corr", (n, n), (k, k), mode="same").array()

    t_ours = best_of(ours, 3)
    ratio = t_naive / t_ours
    report(f"(b) symconv Expansion.array() {n}x{n}/{k}x{k}",
           f"{t_ours:.3f} s ({terms / t_ours:,.0f} terms/s), {ratio:.1f}x naive",
           ratio >= 10, ">= 10x naive")


# -- (c) enumeration of the relation ----------------------------------------------------------
def numpy_floor(n: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Plain NumPy: every (output, pixel, kernel) triple of a 2-D 'same' correlation, as
    flat positions grouped by output, by the fastest plain approach we know (boolean
    selection from broadcast views; no index tuples, no SymPy, nothing else)."""
    half = k // 2
    m, t = np.arange(n), np.arange(k)
    i = m[:, None] + t[None, :] - half  # (outputs, taps) per axis
    ok = (i >= 0) & (i < n)
    valid = ok[:, None, :, None] & ok[None, :, None, :]  # (m, n, tap_m, tap_n)
    dense = valid.shape
    out = np.broadcast_to((m[:, None] * n + m[None, :])[:, :, None, None], dense)[valid]
    pix = np.broadcast_to(i[:, None, :, None] * n + i[None, :, None, :], dense)[valid]
    ker = np.broadcast_to((t[:, None] * k + t[None, :])[None, None], dense)[valid]
    return out, pix, ker


def bench_enumeration(n: int, k: int) -> None:
    from symconv.index.request import operation

    rel = operation("corr", (n, n), (k, k), mode="same").relation
    count = rel.term_count()
    # Best of 7, interleaved: on a shared machine single runs vary by 2x.
    t_floor = t_ours = float("inf")
    for _ in range(7):
        t_floor = min(t_floor, best_of(lambda: numpy_floor(n, k), 1))
        t_ours = min(t_ours, best_of(lambda: rel.enumerate(max_terms=count + rel.out_count()),
                                     1))
    rate_floor, rate_ours = count / t_floor, count / t_ours
    report(f"(c) NumPy triples floor {n}x{n}/{k}x{k}", f"{rate_floor:,.0f} triples/s")
    report(f"(c) Relation.enumerate {n}x{n}/{k}x{k}",
           f"{rate_ours:,.0f} triples/s ({rate_ours / rate_floor:.2f}x floor)",
           rate_ours >= 2e7, ">= 2e7 triples/s")


# -- (d), (e), (f): whole processes -------------------------------------------------------------
def symconv_cmd() -> list[str]:
    exe = shutil.which("symconv")
    return [exe] if exe else [sys.executable, "-m", "symconv"]


def run_process(argv: list[str]) -> tuple[float, int | None]:
    """Wall time and peak RSS (bytes) of one child process."""
    time_bin = "/usr/bin/time"
    if os.path.exists(time_bin):
        with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
            t0 = time.perf_counter()
            subprocess.run([time_bin, "-v", "-o", tf.name, *argv], check=True,
                           stdout=subprocess.DEVNULL)
            wall = time.perf_counter() - t0
            for line in tf.read().splitlines():
                if "Maximum resident set size" in line:
                    return wall, int(line.split(":")[1]) * 1024
            return wall, None
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest so far: exact when this child is the largest.
    return wall, after * 1024 if after > before else None


def median_wall(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_big_json(size: int, k: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.json")
        argv = symconv_cmd() + ["expand", "corr", "--image", f"{size}x{size}", "--kernel",
                                f"{k}x{k}", "--format", "json", "-o", path]
        wall, rss = run_process(argv)
        mb = os.path.getsize(path) / 2**20
    gib = None if rss is None else rss / 2**30
    report(f"(d) expand corr {size}x{size}/{k}x{k} json -o",
           f"{wall:.1f} s, {mb:,.0f} MiB written", wall < 30, "< 30 s")
    report("(d)   peak memory", "unknown" if gib is None else f"{gib:.2f} GiB",
           None if gib is None else gib < 2, "< 2 GiB")


def bench_help(runs: int) -> None:
    bare = median_wall([sys.executable, "-c", "pass"], runs)
    helps = median_wall(symconv_cmd() + ["--help"], runs)
    report("(e) python -c pass (median)", f"{bare:.3f} s")
    report("(e) symconv --help (median)", f"{helps:.3f} s (+{helps - bare:.3f} s, "
           f"{helps / bare:.1f}x)", helps - bare <= 0.15, "<= bare + 0.15 s")


def bench_worked_example(runs: int) -> None:
    argv = symconv_cmd() + ["expand", "conv", "--image", "7x7", "--kernel", "3x3", "--mode",
                            "same", "--at", "1,1", "--format", "json"]
    wall = median_wall(argv, runs)
    report("(f) article worked example, json (median)", f"{wall:.3f} s", wall < 0.8,
           "< 0.8 s")
    wall = median_wall(argv[:-2] + ["--format", "text"], runs)
    report("(f) article worked example, text (median)", f"{wall:.3f} s", wall < 0.8,
           "< 0.8 s")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    args = p.parse_args()
    n_sym, n_enum, n_json, runs = (32, 256, 64, 3) if args.quick else (128, 1024, 512, 7)
    print(f"symconv core benchmark (python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs){' --quick' if args.quick else ''}")
    bench_enumeration(n_enum, 3)
    bench_enumeration(n_enum // 2, 5)
    bench_expansion(n_sym, 3)
    bench_help(runs)
    bench_worked_example(runs)
    bench_big_json(n_json, 5)
    failed = [name for name, ok in RESULTS if not ok]
    print(f"{len(RESULTS) - len(failed)}/{len(RESULTS)} targets met"
          + (f"; missed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
