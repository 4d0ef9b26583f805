"""``symconv matrix OP --image S --kernel S --form F``: the operation as a matrix."""

from __future__ import annotations

import argparse
from typing import IO

from ..index.ops import OPS
from .common import add_format, add_operation_options, latex_options, operation_kwargs

HELP = "the operation as a matrix: Toeplitz (y = C x), circulant or im2col, and transposes"
DESCRIPTION = (
    "Write the operation as a matrix acting on the flattened (row-major) image: --form "
    "toeplitz (y = C x; C's entries are kernel entries or 0, doubly block Toeplitz in 2-D), "
    "circulant (the same with --padding-mode circular, when it is square and circulant), "
    "im2col (the patch matrix: one row per output, one column per kernel tap, entries are "
    "pixels or 0, as torch.nn.functional.unfold) and --transpose (C^T, the backward pass). "
    "The matrix is built sparse from the relation's terms; --sparse lists the non-zeros "
    "(JSON, text) for large ones. With --h (Toeplitz) or --x (im2col) the numbers too.")
#: The forms, as ``symconv.expansion.matrix.FORMS`` (kept here: --help imports no NumPy).
FORMS = ("toeplitz", "circulant", "im2col")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("op", choices=OPS, help="the operation, as in expand")
    p.add_argument("--image", required=True, metavar="SHAPE", help="image shape: 5, 4x4")
    p.add_argument("--kernel", required=True, metavar="SHAPE", help="kernel shape")
    p.add_argument("--form", choices=FORMS, default="toeplitz",
                   help="toeplitz (default), circulant or im2col")
    p.add_argument("--transpose", action="store_true",
                   help="the transpose: C^T (the backward pass) or P^T (unfold's layout)")
    p.add_argument("--drawn", action="store_true",
                   help="LaTeX, slides, HTML, Markdown: the matrix drawn (cells filled, blocks "
                        "outlined; up to 16 rows and columns) instead of typeset")
    p.add_argument("--sparse", action="store_true",
                   help="JSON and text: the non-zeros only, [row, col, entry] (any size)")
    add_operation_options(p)
    add_format(p)


def run(args: argparse.Namespace, out: IO[str]) -> int:
    import io

    from ..errors import InputError
    from ..expansion.core import Expansion
    from ..expansion.matrix import (
        MAX_DENSE_CELLS,
        check_cells,
        check_typeset,
        matrix_shape,
        operator_matrix,
    )
    from ..index.request import operation
    from ..io import open_output
    from ..render import render

    if args.sparse and args.format not in ("json", "text"):
        raise InputError("--sparse applies to --format json and text")
    if args.drawn and args.format in ("json", "text"):
        raise InputError("--drawn applies to --format latex, beamer, mathml, html and "
                         "markdown")
    op = operation(args.op, args.image, args.kernel, **operation_kwargs(args))
    exp = Expansion(op, max_terms=args.max_terms)
    shape = matrix_shape(exp, args.form, args.transpose)  # refused before it is built
    if args.format in ("json", "text"):
        if not args.sparse:
            check_cells(shape, MAX_DENSE_CELLS, "written whole")
    else:
        check_typeset(shape)
        if args.drawn:
            from ..expansion.figures.tables import check_drawn

            check_drawn(shape)
    m = operator_matrix(exp, args.form, args.transpose)
    if args.sparse:  # streamed: the non-zeros of a large matrix are never one string
        with open_output(args.output, out) as stream:
            render(m, args.format, stream, sparse=True)
        return 0
    buf = io.StringIO()
    render(m, args.format, buf, drawn=args.drawn, **latex_options(args))
    with open_output(args.output, out) as stream:
        stream.write(buf.getvalue())
    return 0
