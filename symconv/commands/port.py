"""``symconv port OP --image S --kernel S --to LIB,...``: the same output in other libraries."""

from __future__ import annotations

import argparse
from typing import IO

from ..index.ops import OPS
from .common import add_format, add_operation_options, operation_kwargs

HELP = "print code computing this operation's output in numpy, scipy, torch, tensorflow, " \
       "jax, opencv or matlab"
DESCRIPTION = (
    "Print, for each library in --to, code that computes exactly the output 'symconv expand' "
    "computes for these options (same values, same output window, in array order), from "
    "NumPy arrays x (image) and h (kernel) shaped as --image and --kernel, assigning it to "
    "y. The code is derived from the operation's index relation: zeros inserted (transposed "
    "convolution), padding or cropping by the boundary rule, a valid correlation with "
    "stride, dilation and groups (the kernel flipped for a convolution), the output reversed "
    "for the reflected correlation; a library's own call (np.convolve with a mode, "
    "cv2.filter2D, conv_transpose2d, 'SAME') when symconv's model of that call is this "
    "operation. A library that cannot express the operation gets no code and a note. "
    "MATLAB code is printed, not run.")

FORMATS = ("text", "json", "markdown")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("op", choices=OPS, help="the operation, as in expand")
    p.add_argument("--image", required=True, metavar="SHAPE", help="image shape: 5, 7x7, 2x5x5")
    p.add_argument("--kernel", required=True, metavar="SHAPE", help="kernel shape")
    p.add_argument("--to", default="all", metavar="LIB[,LIB...]",
                   help="numpy, scipy, torch, tensorflow, jax, opencv, matlab, or all "
                        "(default: all)")
    add_operation_options(p)
    add_format(p, FORMATS)


def run(args: argparse.Namespace, out: IO[str]) -> int:
    from ..app.port import parse_libraries, port
    from ..errors import InputError
    from ..index.request import operation
    from ..io import open_output

    libraries = parse_libraries(args.to)
    if args.names or args.entries:
        raise InputError("--names and --entries do not apply to port (the code names its "
                         "arrays x, h and y)")
    if (args.x is None) != (args.h is None):
        raise InputError("port computes symconv's own y for a check only from both --x and "
                         "--h (give both, or neither for the code alone)")
    if args.max_terms is not None and args.x is None:
        raise InputError("--max-terms applies with --x and --h (the values port checks "
                         "against)")
    op = operation(args.op, args.image, args.kernel, **operation_kwargs(args))
    result = port(op, libraries)
    if args.x is not None:
        from ..expansion.core import Expansion

        result.expected = Expansion(op, max_terms=args.max_terms).values()
    text = result.text(args.format)
    with open_output(args.output, out) as stream:
        stream.write(text)
    return 0
