"""The main job: the article's worked examples and the thread's numbers, written to a folder.

``DEMO_EXPANSIONS`` is the embedded default input; each entry is expanded with the library
and rendered in every format in ``DEMO_FORMATS`` that has a renderer.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import IO, Any

#: The article's setting: 7x7 image and 3x3 kernel indexed from the centre, first index
#: horizontal; 'same' keeps the output indexed -3..3 like the image.
ARTICLE: dict[str, Any] = dict(origin="center", axes="xy", mode="same")
#: The thread's setting: NumPy's 1-D arrays, 0-based, 'valid' (no padding, stride 1).
THREAD: dict[str, Any] = dict(origin="corner", mode="valid")
THREAD_F = [2, 1, 3, 5, 4]


@dataclass(frozen=True)
class DemoExpansion:
    name: str
    title: str
    op: str
    image: str
    kernel: str
    at: tuple[int, ...] | None
    options: dict[str, Any] = field(default_factory=dict)


DEMO_EXPANSIONS = (
    DemoExpansion("article-conv-y11", "Convolution, y[1,1] (the article's figures 4 and 5)",
                  "conv", "7x7", "3x3", (1, 1), ARTICLE),
    DemoExpansion("article-corr-reflected-y-1-1",
                  "The article's cross-correlation h[m+i, n+j]: the patch x[0..2, 0..2] "
                  "is y[-1,-1] (figures 7 and 8)", "corr-reflected", "7x7", "3x3", (-1, -1),
                  ARTICLE),
    DemoExpansion("article-corr-y11",
                  "Standard cross-correlation h[i-m, j-n] (NumPy, PyTorch): the patch "
                  "x[0..2, 0..2] is y[1,1]", "corr", "7x7", "3x3", (1, 1), ARTICLE),
    DemoExpansion("thread-conv", r"Thread, example 1: $\arr{x} = [2,1,3,5,4]$ (the "
                  r"thread's $f$) convolved with $\arr{h} = [1,-1]$", "conv", "5", "2", None,
                  {**THREAD, "x": THREAD_F, "h": [1, -1]}),
    DemoExpansion("thread-corr", r"Thread, example 1: $\arr{x}$ correlated with "
                  r"$\arr{h} = [1,-1]$",
                  "corr", "5", "2", None, {**THREAD, "x": THREAD_F, "h": [1, -1]}),
    DemoExpansion("thread-conv-symmetric", r"Thread, example 2: the symmetric "
                  r"$\arr{h} = [-1,2,-1]$, convolution", "conv", "5", "3", None,
                  {**THREAD, "x": THREAD_F, "h": [-1, 2, -1]}),
    DemoExpansion("thread-corr-symmetric", r"Thread, example 2: the symmetric "
                  r"$\arr{h} = [-1,2,-1]$, correlation", "corr", "5", "3", None,
                  {**THREAD, "x": THREAD_F, "h": [-1, 2, -1]}),
    DemoExpansion("thread-conv-typo", r"Thread's NumPy snippet: $\arr{h} = [-1,2,1]$ "
                  r"(not symmetric), convolution", "conv", "5", "3", None,
                  {**THREAD, "x": THREAD_F, "h": [-1, 2, 1]}),
    DemoExpansion("thread-corr-typo", r"Thread's NumPy snippet: $\arr{h} = [-1,2,1]$, "
                  r"correlation differs", "corr", "5", "3", None,
                  {**THREAD, "x": THREAD_F, "h": [-1, 2, 1]}),
)

#: format -> file extension of the per-expansion files (the worked examples as data).
DEMO_FORMATS = {"text": "txt", "json": "json"}
#: The article's figures, by operation: conv (figures 1-6), the article's correlation
#: (figures 7-8) and the standard correlation, each with its output map (ConvolutionOutput,
#: CrossCorrelationOutput) and, on slides, the kernel sliding over the image.
ARTICLE_FIGURES = {
    "conv": ("equation", "kernel", "image", "corner", "worked-article-drawn", "terms",
             "drawing", "boxes", "output-map"),
    "corr-reflected": ("equation", "worked-article", "terms", "drawing", "output-map"),
    "corr": ("equation", "worked-article", "terms", "drawing", "output-map"),
}


def _prove(theorem: str, **options: Any) -> Any:
    """The named theorem's derivation (:func:`symconv.proof.theorems.prove`)."""
    from ..proof.theorems import prove

    return prove(theorem, **options)


def article_document() -> Any:
    """The article's full worked example: every figure, convolution and both correlations."""
    from ..document.blocks import Document, ExpansionBlock, Heading, Paragraph
    from ..expansion.core import expand

    conv = expand("conv", "7x7", "3x3", **ARTICLE)
    refl = expand("corr-reflected", "7x7", "3x3", **ARTICLE)
    corr = expand("corr", "7x7", "3x3", **ARTICLE)
    small = expand("conv", "3x3", "2x2", origin="corner", mode="valid")
    blocks = (
        Heading("Notation"),
        Paragraph(r"The image is $\arr{x}$, the kernel $\arr{h}$, the output $\arr{y}$ "
                  r"(arrays in bold); the centre element of each has the index $[0,0]$. The "
                  r"first index $\idxm{m}$ runs horizontally, the second $\idxn{n}$ "
                  r"vertically, downwards; $\idxm{i}$ and $\idxn{j}$ do the same on the "
                  r"image, and each index keeps its colour and place in every figure. The "
                  r"entries of the kernel are named $a, b, \ldots, i$ in reading order: the "
                  r"kernel entry $i$ is a number, the index $\idxm{i}$ a position."),
        ExpansionBlock(conv, (1, 1), ARTICLE_FIGURES["conv"],
                       r"Convolution, $\arr{y}[1,1]$: the article's figures 1 to 6"),
        Heading(r"The article's cross-correlation, $\arr{h}[m+i,\, n+j]$"),
        Paragraph(r"The same patch $\arr{x}[0..2,\, 0..2]$ is the output "
                  r"$\arr{y}[-1,-1]$ of the article's cross-correlation, with the kernel "
                  r"unflipped (the article's figures 7 and 8). Its output map is the point "
                  r"reflection of the usual one: $\operatorname{corr}_{\mathrm{refl}}"
                  r"(\arr{x}, \arr{h})[m,n] = \operatorname{corr}(\arr{x}, \arr{h})[-m,-n]$."),
        ExpansionBlock(refl, (-1, -1), ARTICLE_FIGURES["corr-reflected"],
                       r"The article's cross-correlation, output $\arr{y}[-1,-1]$"),
        Heading(r"Standard cross-correlation, $\arr{h}[i-m,\, j-n]$"),
        Paragraph(r"NumPy, SciPy, PyTorch and TensorFlow compute this one. Under the "
                  r"standard definition the patch $\arr{x}[0..2,\, 0..2]$ is the output "
                  r"$\arr{y}[1,1]$ of both operations: the same patch, the same output "
                  r"index; convolution flips the kernel, correlation does not."),
        ExpansionBlock(corr, (1, 1), ARTICLE_FIGURES["corr"],
                       r"Standard cross-correlation, output $\arr{y}[1,1]$"),
        Heading("The relation as a matrix"),
        Paragraph(r"For a $3 \times 3$ image and a $2 \times 2$ kernel (indices from 0, "
                  r"mode valid), $\arr{y} = C\arr{x}$ with $C$ doubly block Toeplitz; the "
                  r"backward pass multiplies the upstream gradient $\arr{g}$ by $C^\top$."),
        ExpansionBlock(small, None, ("equation", "matrix-drawn", "duality-drawn"),
                       r"Convolution of a $3 \times 3$ image with a $2 \times 2$ kernel"),
    )
    return Document("Convolution vs. cross-correlation, index by index", blocks,
                    "article", "The Glass Box article's worked example, derived by symconv")


#: Section headings of the thread's document, before the first item of each example.
THREAD_HEADINGS = {
    "thread-conv": r"Example 1: $\arr{h} = [1, -1]$",
    "thread-conv-symmetric": r"Example 2: a symmetric kernel $\arr{h} = [-1, 2, -1]$",
    "thread-conv-typo": r"The NumPy snippet's typo: $\arr{h} = [-1, 2, 1]$ is not symmetric",
}


def thread_document() -> Any:
    """The question-and-answer thread's 1-D numbers."""
    from ..document.blocks import Document, ExpansionBlock, Heading, Paragraph
    from ..expansion.core import expand

    blocks: list[Any] = [Paragraph(r"The thread's signal $f$ is the image "
                                   r"$\arr{x} = [2, 1, 3, 5, 4]$ here, indexed from 0, "
                                   r"with no padding and stride 1 (NumPy's mode valid).")]
    for item in DEMO_EXPANSIONS:
        if not item.name.startswith("thread-"):
            continue
        exp = expand(item.op, item.image, item.kernel, **item.options)
        figs = ("equation", "terms", "kernel", "output-map")
        if item.name == "thread-corr-symmetric":
            figs = ("equation", "terms", "duality", "matrix")
        if item.name in THREAD_HEADINGS:
            blocks.append(Heading(THREAD_HEADINGS[item.name]))
        blocks.append(ExpansionBlock(exp, None, figs, item.title))
    return Document("Convolution and cross-correlation in 1-D: the thread's numbers",
                    tuple(blocks), "thread", r"$\arr{x} = [2, 1, 3, 5, 4]$ with the kernels "
                    r"$[1, -1]$, $[-1, 2, -1]$ and the snippet's $[-1, 2, 1]$")


def duality_document() -> Any:
    """Correlation forward, convolution backward: the derivation and its two pictures."""
    from ..document.blocks import DerivationBlock, Document, ExpansionBlock, Heading, Paragraph
    from ..expansion.core import expand

    fwd = expand("corr", 5, 3, origin="corner", mode="valid")
    blocks = (
        Paragraph("The thread says: if a correlation is used on the forward pass, a "
                  "convolution is used on the backward pass, and the opposite. The derivation "
                  "below is the reason, step by step, for every size, stride, dilation and "
                  "padding."),
        DerivationBlock(_prove("duality")),
        Heading("The same relation read from both ends"),
        ExpansionBlock(fwd, None, ("equation", "duality-drawn", "matrix-drawn"),
                       "Forward correlation of a 5-pixel image with a 3-tap kernel"),
        DerivationBlock(dataclasses.replace(
            _prove("duality", forward="conv", image="5", kernel="3"),
            title="Convolution forward, correlation backward: the converse, checked exactly "
                  "for a 5-pixel image and a 3-tap kernel")),
    )
    return Document("The backward pass: correlation forward, convolution backward", blocks,
                    "duality", "Why the gradient of a correlation is a convolution")


#: The animation the demo writes when Pillow is importable: the article's convolution,
#: the kernel sliding over the 7x7 image ('same': one ring of padding), a frame per output.
DEMO_ANIMATION = "article-sliding-conv.gif"


def write_animation(outdir: str, stream: IO[str]) -> list[str]:
    """The article's sliding kernel as a GIF (:mod:`symconv.render.raster`); without
    Pillow, skipped with a line that says so (the rest of the demo needs no Pillow)."""
    from ..errors import ToolError
    from ..expansion.core import expand
    from ..render import raster

    try:
        raster.require("gif")
    except ToolError:
        stream.write(f"  skipped {DEMO_ANIMATION}: the GIF needs Pillow "
                     "(pip install 'symconv[anim]')\n")
        return []
    exp = expand("conv", "7x7", "3x3", **ARTICLE)
    path = os.path.join(outdir, DEMO_ANIMATION)
    raster.save_animation(exp, "gif", path)
    stream.write(f"  {DEMO_ANIMATION}: the kernel sliding over x, one frame per output "
                 f"({len(list(exp.indices()))} frames)\n")
    return [path]


#: The explorer page the demo writes: the article's convolution, to point at.
DEMO_EXPLORER = "article-explore.html"


def write_explorer(outdir: str, stream: IO[str]) -> list[str]:
    """The article's convolution as an explorer page (:mod:`symconv.app.explore`)."""
    from .explore import explore

    page = explore("conv", "7x7", "3x3", **ARTICLE)
    path = os.path.join(outdir, DEMO_EXPLORER)
    page.save(path)
    stream.write(f"  {DEMO_EXPLORER}: the explorer page; open it in a browser and point at "
                 "an output\n")
    return [path]


#: The demo's documents, each written in every format of derive.DOCUMENT_FORMATS, and as
#: MathML (``NAME-mathml.xhtml``).
MATHML_SUFFIX = "-mathml.xhtml"
DEMO_DOCUMENTS = (article_document, thread_document, duality_document)


def run_demo(outdir: str, stream: IO[str]) -> int:
    """Write every demo item in every format; print what was written (and proved)."""
    from ..expansion.core import expand
    from ..io import open_output
    from ..render import render
    from .derive import check_folder, render_document

    check_folder(outdir)
    os.makedirs(outdir, exist_ok=True)
    written: list[str] = []
    stream.write(f"symconv demo: writing to {outdir}/\n")
    for item in DEMO_EXPANSIONS:
        exp = expand(item.op, item.image, item.kernel, **item.options)
        summary = ""
        if item.at is not None:
            summary = f"{exp.operation.output_name}[{', '.join(map(str, item.at))}] = " \
                      f"{exp.expr_str(item.at)}"
        else:
            summary = f"values {exp.values().tolist()}"
        for fmt, ext in DEMO_FORMATS.items():
            path = os.path.join(outdir, f"{item.name}.{ext}")
            with open_output(path) as fh:
                render(exp, fmt, fh, at=item.at, title=item.title)
            written.append(path)
        stream.write(f"  {item.name}: {summary}\n")
    for make in DEMO_DOCUMENTS:
        doc = make()
        paths = render_document(doc, outdir)
        # MathML on its own too (the HTML page holds the same): an XHTML fragment of
        # MathML and SVG that a browser opens and another page can include.
        mathml = os.path.join(outdir, f"{doc.name}{MATHML_SUFFIX}")
        with open_output(mathml) as fh:
            render(doc, "mathml", fh)
        paths.append(mathml)
        written.extend(paths)
        from ..document.blocks import DerivationBlock

        proved = [f"{b.derivation.title}: {b.derivation.verdict} ({b.derivation.scope})"
                  for b in doc.blocks if isinstance(b, DerivationBlock)]
        stream.write(f"  {doc.name}: {doc.title}\n")
        for p in proved:
            stream.write(f"    {p}\n")
        names = sorted(os.path.basename(p) for p in paths)
        stream.write("    " + ", ".join(names) + "\n")
    written.extend(write_animation(outdir, stream))
    written.extend(write_explorer(outdir, stream))
    stream.write(f"wrote {len(written)} files\n")
    return 0
