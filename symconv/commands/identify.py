"""``symconv identify FUNCTION``: probe a library function with impulses."""

from __future__ import annotations

import argparse
from typing import IO

from .common import add_format, latex_options

HELP = "probe a convolution-like function (numpy.convolve, torch...conv2d) with impulses"
DESCRIPTION = (
    "Import FUNCTION (numpy.correlate, scipy.signal.correlate2d, torch.nn.functional.conv2d, "
    "package.module:function), call it with an impulse image and an impulse kernel for "
    "every pixel/tap pair, and report the index relation it computes in the normal form of "
    "'symconv check', with its mode/padding and conjugation. Only the named module is "
    "imported. torch.nn.functional.conv*, TensorFlow (tf.nn.conv*, Keras Conv layers), "
    "jax.lax.conv* and cv2.filter2D/sepFilter2D get their batch, channel and layout "
    "automatically (see --layout).")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("function", metavar="FUNCTION",
                   help="an importable callable: numpy.convolve or package.module:function")
    p.add_argument("--image", metavar="SHAPE",
                   help="probe image shape: 7, 6x7 (default: 7, 6x7 or 4x5x6 by the "
                        "function's 1d/2d/3d)")
    p.add_argument("--kernel", metavar="SHAPE",
                   help="probe kernel shape (default: 4, 3x4 or 2x3x4: even sizes tell "
                        "the 'same' conventions apart)")
    p.add_argument("--kwargs", metavar="JSON",
                   help="fixed keyword arguments as a JSON object, e.g. '{\"mode\": \"same\"}' "
                        "or '{\"stride\": 2}'")
    p.add_argument("--layout", metavar="LAYOUT",
                   help="image and kernel layout, e.g. NHWC,HWIO or NCHW,OIHW (default: the "
                        "function's own: TensorFlow's data_format, JAX's dimension_numbers, "
                        "PyTorch's NCHW/OIHW)")
    add_format(p)


def run(args: argparse.Namespace, out: IO[str]) -> int:
    from ..classify.identification import identify
    from .check import write_result

    result = identify(args.function, image=args.image, kernel=args.kernel,
                      kwargs=args.kwargs, layout=args.layout)
    write_result(result, args.format, args.output, out, **latex_options(args))
    return 0
