"""``symconv check FORMULA``: which operation an index formula computes."""

from __future__ import annotations

import argparse
import sys
from typing import IO, Any

from .common import add_format, latex_options

HELP = "classify an index formula: conv, corr, corr-reflected..., stride, dilation, offset"
DESCRIPTION = (
    "Parse an index formula in plain text or LaTeX and classify it into the normal form "
    "pixel = s*m + sigma*d*k + c per axis: convolution or cross-correlation, reflected or "
    "not, stride, dilation, offset, conjugation, and how NumPy, SciPy, PyTorch and "
    "TensorFlow relate to it. A sum's finite limits are read as the range of the index of "
    "the array they bound (sum_{k=0}^{K-1} ... h[k]: h is 0 outside 0..K-1, said in a note); "
    "limits that move with an output index or bound no array's own index are refused. "
    "Example: symconv check 'y[m,n] = sum_{i,j} x[i,j] h[m+i,n+j]'")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("formula", metavar="FORMULA",
                   help="the formula, such as 'y[m] = sum_i x[i] h[m-i]' or LaTeX; '-' "
                        "reads it from standard input")
    p.add_argument("--image", metavar="NAME",
                   help="the image's name in the formula (default: inferred from x, f, I, "
                        "input, X...)")
    p.add_argument("--kernel", metavar="NAME",
                   help="the kernel's name in the formula (default: inferred from h, w, k, "
                        "K, g, kernel, W...)")
    add_format(p)


def run(args: argparse.Namespace, out: IO[str]) -> int:
    from ..classify.check import check_formula

    text = sys.stdin.read() if args.formula == "-" else args.formula
    result = check_formula(text, image=args.image, kernel=args.kernel)
    write_result(result, args.format, args.output, out, **latex_options(args))
    return 0


def write_result(result: object, fmt: str, path: str | None, out: IO[str],
                 **options: Any) -> None:
    """Write a CheckResult in ``fmt`` (shared with ``identify``); rendered fully first, so a
    renderer error writes no file."""
    import io

    from ..io import open_output
    from ..render import render

    buf = io.StringIO()
    render(result, fmt, buf, **options)
    with open_output(path, out) as stream:
        stream.write(buf.getvalue())
