"""Benchmark of the transposed convolution (issue 14), run as a script.

    python tests/benchmarks/bench_transpose.py [--quick]

Targets, measured in the same run:

* enumerating the relation of ``conv-transpose`` (a 512x512 image, 5x5 kernel, stride 2,
  padding 2, output padding 1: 1024x1024 outputs, every pixel-tap pair a term) at the
  triples-per-second rate of ``conv`` over the same 512x512 image and kernel ('same': the
  same number of terms), within 0.8x of it (the transposed relation has an input stride:
  its table lists only the taps one output can reach);
* ``symconv prove transpose --stride 2`` (all sizes) as a whole process, at most 1 s
  (median of 5; 3 with --quick), and in 2-D.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    out = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t)
    return out


def median_process(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, fewer runs")
    args = ap.parse_args()
    from symconv.index.request import operation

    n = 256 if args.quick else 512
    runs = 3 if args.quick else 5
    conv = operation("corr", (n, n), (5, 5), mode="same").relation
    tran = operation("conv-transpose", (n, n), (5, 5), origin="corner", stride=2, padding=2,
                     output_padding=1).relation
    rates = {}
    times = {"conv": float("inf"), "conv-transpose": float("inf")}
    rels = {"conv": conv, "conv-transpose": tran}
    for _ in range(7):  # interleaved, best of 7: a shared machine varies by 2x
        for name, rel in rels.items():
            times[name] = min(times[name], best(lambda rel=rel: rel.enumerate(
                max_terms=rel.term_count() + rel.out_count()), 1))
    for name, rel in rels.items():
        rates[name] = rel.term_count() / times[name]
    ratio = rates["conv-transpose"] / rates["conv"]
    ok_rate = ratio >= 0.8
    print(f"symconv transposed-convolution benchmark (median/best of {runs})")
    print(f"{'enumerate conv ' + str(n) + 'x' + str(n) + '/5x5 same':52} "
          f"{rates['conv']:14,.0f} triples/s")
    print(f"{'enumerate conv-transpose ' + str(n) + 'x' + str(n) + '/5x5 stride 2':52} "
          f"{rates['conv-transpose']:14,.0f} triples/s  {ratio:5.2f}x conv "
          f"(target >= 0.8x)  {'PASS' if ok_rate else 'FAIL'}")
    ok = ok_rate
    for extra in ([], ["--dims", "2"]):
        argv = [sys.executable, "-m", "symconv", "prove", "transpose", "--stride", "2", *extra]
        t = median_process(argv, runs)
        good = t <= 1.0
        ok &= good
        print(f"{'prove transpose --stride 2 ' + ' '.join(extra) + ' (process)':52} "
              f"{t:7.3f} s (target <= 1 s)  {'PASS' if good else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
