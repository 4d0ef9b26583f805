"""THE table of operations: every operation's name, its place in the index relation
(``sigma``, reflection, input stride) and the words every renderer says of it.

Light to import (no NumPy): the command line reads it for ``--help``.  Resolving a request
into an operation and its relation is :mod:`.request`.
"""

from __future__ import annotations

from typing import NamedTuple


class OpSpec(NamedTuple):
    """One row of the table of operations: everything that differs between operations.

    The relation reads ``sigma`` (the flip), ``reflect`` (the output index negated, the
    article's ``h[m+i]``) and ``in_stride`` (zero insertion in the image, the transposed
    convolution's ``u = s``); the words are what every renderer and command says of it.
    """

    #: the name in the CLI, JSON and derivation files
    name: str
    #: +1 correlation, -1 convolution (the kernel is flipped)
    sigma: int
    #: the output index is reflected: ``y[m]`` is the usual operation's ``y[-m]``
    reflect: bool
    #: the name in the claim language (an identifier)
    claim: str
    #: the operation as a sentence names it
    word: str
    #: as a title reads it (the text header, page titles)
    title: str
    #: as a figure caption names it
    figure_word: str
    #: the kernel index of the 1-D formula, with the natural offset (``h[m-i]``)
    kernel_index: str
    #: the LaTeX operator of ``(x * h)[m]`` (``\\ast``: centred in MathML, unlike ``*``)
    operator: str
    #: who computes it, for the CLI's help ("NumPy, PyTorch")
    used_by: str = ""
    #: the stride divides the image index (transposed convolution): ``u = s``
    in_stride: bool = False


#: THE table of operations: the CLI choices, the claim language, the relation and the words
#: of every renderer read it.  Adding an operation starts with a row here.
OPERATIONS: dict[str, OpSpec] = {spec.name: spec for spec in (
    OpSpec("conv", -1, False, "conv", "convolution", "convolution", "convolution", "m-i",
           r"\ast"),
    OpSpec("corr", 1, False, "corr", "cross-correlation", "cross-correlation",
           "cross-correlation", "i-m", r"\star", "NumPy, PyTorch"),
    OpSpec("corr-reflected", 1, True, "corr_reflected", "cross-correlation",
           "cross-correlation, the article's reflected form",
           "the article's cross-correlation", "m+i", r"\star", "the article"),
    OpSpec("conv-transpose", -1, False, "conv_transpose", "transposed convolution",
           "transposed convolution", "transposed convolution", "m-s*i",
           r"\ast^{\top}", "PyTorch's conv_transpose", in_stride=True),
)}
OPS = tuple(OPERATIONS)
#: The poolings ``expand`` takes beside the operations (a window, no kernel values):
#: :mod:`symconv.expansion.pooling`.
POOLS = ("avg-pool", "max-pool")
MODES = ("full", "valid", "same")
CONVENTIONS = ("scipy", "numpy", "matlab", "tensorflow", "jax", "opencv")
#: sigma of the normal form: +1 correlation, -1 convolution (the flip).
SIGMA = {name: spec.sigma for name, spec in OPERATIONS.items()}


#: Operations with an output window of their own (no --mode): the transposed convolution.
TRANSPOSED = tuple(name for name, spec in OPERATIONS.items() if spec.in_stride)


def op_help() -> str:
    """The CLI's help for OP, from the table: ``conv: y[m]=sum x[i]h[m-i]; ...``."""
    return "; ".join(f"{s.name}: y[m]=sum x[i]h[{s.kernel_index}]"
                     + (f" ({s.used_by})" if s.used_by else "") for s in OPERATIONS.values())
