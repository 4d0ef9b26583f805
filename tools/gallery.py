"""The gallery: a PNG of every figure kind, of beamer slides, of a compiled document page and
of the HTML page, and a GIF of the sliding kernel, with ``docs/gallery.md`` listing them.

``python -m tools.docgen gallery`` rebuilds the pictures in ``docs/gallery/`` (it needs
pdflatex, pdftoppm and Chromium) and writes the page.  The page is generated from
:data:`ITEMS` alone, so ``python -m tools.docgen --check`` compares it without the tools;
the PNG bytes may differ from run to run and are not compared.

Figures are typeset one per document with the package's own LaTeX renderer, compiled with
pdflatex and cut out of the page: a grey-scale pass of ``pdftoppm`` finds the ink's bounding
box, a second pass writes the PNG cropped to it (``-x -y -W -H``), so no imaging library is
needed.  The animation is written as ``symconv expand --format gif`` writes it (Pillow,
:mod:`symconv.render.raster`): ``python -m tools.gallery sliding-conv`` needs nothing else.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from tools.docgen import DOCS, GENERATED_NOTE, register

GALLERY = os.path.join(DOCS, "gallery")
#: Resolution of the figure crops and of the pages (dots per inch).
FIGURE_DPI = 96
PAGE_DPI = 80
SLIDE_DPI = 110
#: Chromium's window for the HTML screenshot (CSS pixels).
HTML_WINDOW = (1000, 1300)
#: Above this many bytes a PNG is reported (the gallery is read on a code host).
MAX_PNG_BYTES = 150_000
#: White margin kept around a cropped figure, in pixels.
MARGIN = 8

ARTICLE = {"mode": "same"}
THREAD = {"origin": "corner", "mode": "valid", "x": [2, 1, 3, 5, 4], "h": [1, -1]}
SMALL = {"origin": "corner", "mode": "valid"}


@dataclass(frozen=True)
class Item:
    """One picture: ``docs/gallery/NAME.png``."""

    name: str
    kind: str  # figure | matrix | page | slides | html | explorer | animation (NAME.gif)
    title: str
    #: For a figure: (op, image, kernel, options, at) of the expansion and the figure name.
    op: str = ""
    image: str = ""
    kernel: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    at: tuple[int, ...] | None = None
    figure: str = ""
    #: For pages and slides: the first page whose text holds every phrase of ``find``
    #: (``last``: the last page of that first run, where a step-by-step frame is complete);
    #: page 1 when ``find`` is empty.
    find: tuple[str, ...] = ()
    last: bool = False
    #: For a matrix (``symconv matrix``): its transpose (``figure`` is the form)
    transpose: bool = False
    #: For the explorer page: the browser window's width (CSS pixels)
    width: int = 1000


def _matrix(name: str, title: str, op: str, image: str, kernel: str, form: str,
            options: dict[str, Any], transpose: bool = False) -> Item:
    return Item(name, "matrix", title, op, image, kernel, options, None, form,
                transpose=transpose)


def _fig(name: str, figure: str, title: str, op: str = "conv", image: str = "7x7",
         kernel: str = "3x3", options: dict[str, Any] | None = None,
         at: tuple[int, ...] | None = (1, 1)) -> Item:
    return Item(name, "figure", title, op, image, kernel,
                ARTICLE if options is None else options, at, figure)


ITEMS: tuple[Item, ...] = (
    _fig("equation", "equation", "The index formula, its parts named (the article's figure 1)",
         at=None),
    _fig("kernel", "kernel", "The kernel with its indices and entry names (the article's "
         "figure 2)", at=None),
    _fig("image", "image", "The image with its indices, the origin at the centre (the "
         "article's figure 3)", at=None),
    _fig("corner", "corner", "The image's lower-right corner with [i,j] in each pixel (the "
         "article's figure 3)", at=None),
    _fig("worked-article", "worked-article",
         "The worked example as the article lays it out: pixels i, j = 0..3, the kernel "
         "index plugged in and solved (the article's figure 4)"),
    _fig("worked", "worked", "The worked example: every pixel of the window and its kernel "
         "index, valid or not"),
    _fig("drawing", "drawing", "Which kernel entry multiplies each pixel of the patch, "
         "convolution y[1,1]: the kernel rotated by 180 degrees (the article's figure 5)"),
    _fig("drawing-corr-reflected", "drawing", "The same patch under the article's "
         "cross-correlation h[m+i, n+j], output y[-1,-1]: the kernel is not flipped (the "
         "article's figure 8)",
         op="corr-reflected", at=(-1, -1)),
    _fig("boxes", "boxes", "The patches that feed y[1,1] under convolution and both "
         "correlations (the article's figure 6)"),
    _fig("window", "window", "Padding and stride drawn as the convolution-arithmetic guide "
         "draws them: the padded input (dashed zeros), the kernel's entries on the cells of "
         "y[0,0], the output beside it", image="5x5",
         options={"origin": "corner", "padding": 1, "stride": 2}, at=(0, 0)),
    _fig("window-dilated-values", "window", "Dilation 2 with numbers: the kernel's entries "
         "2 cells apart, each cell's value times its entry, the output's values beside",
         op="corr", image="7", kernel="3",
         options={"origin": "corner", "mode": "valid", "dilation": 2,
                  "x": [1, 2, 0, -1, 3, 2, 1], "h": [1, 0, -1]}, at=(1,)),
    _fig("window-transposed", "window", "A transposed convolution (stride 2, padding 1, "
         "output padding 1): the zeros it inserts between the pixels, the padding ring, the "
         "flipped kernel on output y[3,3]", op="conv-transpose", image="3x3",
         options={"origin": "corner", "stride": 2, "padding": 1, "output_padding": 1},
         at=(3, 3)),
    _fig("pooling-window", "window", "Average pooling over 2x2 windows with stride 2 is the "
         "correlation with the constant kernel 1/4 (symconv prove pooling): the window of "
         "output y[1,1]", op="corr", image="4x4", kernel="2x2",
         options={"origin": "corner", "axes": "ij", "stride": 2, "h": "1/4,1/4;1/4,1/4",
                  "x": "1,2,3,4;5,6,7,8;9,10,11,12;13,14,15,16"}, at=(1, 1)),
    _fig("exact-gaussian", "drawing", "Exact values: the Gaussian 1/16 [1 2 1; 2 4 2; 1 2 1] "
         "on a symbolic image, each product with its weight", op="corr", image="5x5",
         options={"mode": "same", "h": "1/16,1/8,1/16;1/8,1/4,1/8;1/16,1/8,1/16"},
         at=(0, 0)),
    _fig("output-map", "output-map", "Every output with the image box that feeds it "
         "(the article's ConvolutionOutput, y[1,1] highlighted)"),
    _fig("output-map-corr-reflected", "output-map", "The output map of the article's "
         "cross-correlation: the point reflection of the usual one",
         op="corr-reflected", at=(-1, -1)),
    _fig("terms", "terms", "Every output term by term, with values: the thread's "
         "f = [2, 1, 3, 5, 4] convolved with h = [1, -1]", image="5", kernel="2",
         options=THREAD, at=None),
    _fig("duality", "duality", "Forward and backward read off one relation: each output as "
         "a sum over pixels, each pixel's gradient as a sum over outputs", image="3x3",
         kernel="2x2", options=SMALL, at=None),
    _fig("matrix", "matrix", "y = C x with C doubly block Toeplitz, and the backward pass "
         "with the transpose", image="3x3", kernel="2x2", options=SMALL, at=None),
    _fig("worked-article-drawn", "worked-article-drawn", "The article's worked example "
         "drawn as a figure (TikZ in LaTeX, SVG in HTML and Markdown)"),
    _fig("worked-drawn", "worked-drawn", "The whole window's worked example, drawn"),
    _fig("duality-drawn", "duality-drawn", "Forward and backward, drawn: which outputs each "
         "pixel feeds, with the kernel entry", image="3x3", kernel="2x2", options=SMALL,
         at=None),
    _fig("matrix-drawn", "matrix-drawn", "The matrix C drawn, its blocks outlined (doubly "
         "block Toeplitz), and its transpose", image="3x3", kernel="2x2", options=SMALL,
         at=None),
    _matrix("matrix-guide", "The convolution arithmetic guide's 4 x 16 matrix: a 3 x 3 "
            "kernel over a 4 x 4 image, no padding", "corr", "4x4", "3x3", "toeplitz",
            SMALL),
    _matrix("matrix-guide-transposed", "Its transpose: the backward pass, and the "
            "transposed convolution", "corr", "4x4", "3x3", "toeplitz", SMALL,
            transpose=True),
    _matrix("matrix-im2col", "The patch matrix (im2col) with padding 1 and stride 2", "corr",
            "4x4", "2x2", "im2col", {"origin": "corner", "padding": 1, "stride": 2}),
    _matrix("matrix-circulant", "A circulant matrix: circular padding, diagonalised by the "
            "DFT", "conv", "6", "3", "circulant",
            {"padding": "same", "padding_mode": "circular"}),
    Item("article-title", "page", "The compiled article (pdflatex), first page: the title, "
         "the notation and the first figures"),
    Item("article-worked", "page", "The compiled article: the worked example page",
         find=("the article’s rows",)),
    Item("slides-title", "slides", "Beamer slides: the title frame"),
    Item("slides-worked", "slides", "Beamer slides: the worked example, revealed row by row "
         "(the last overlay)", find=("pixel and kernel index",), last=True),
    Item("slides-drawing", "slides", "Beamer slides: the kernel on the patch",
         find=("products for", "kernel on the patch")),
    Item("slides-sliding", "slides", "Beamer slides: the kernel sliding over the image, one "
         "frame per output (here y[1,1])", find=("the kernel sliding", "y[1, 1]")),
    Item("html", "html", "The HTML page (MathML and inline SVG, no scripts) in Chromium"),
    Item("explore-article", "explorer", "The explorer page of the article's convolution "
         "(symconv explore), output y[1,1] pointed at: the flipped kernel on the input, the "
         "pixels it reads, the kernel entries of its terms, the terms in MathML, the code "
         "panel", "conv", "7x7", "3x3", {"mode": "same"}, (1, 1)),
    Item("explore-transpose", "explorer", "The explorer page of a transposed convolution "
         "(stride 2, padding 1, output padding 1) with numbers: the zeros inserted between "
         "the pixels, the one pixel that reaches y[0,0] and its value", "conv-transpose",
         "3x3", "3x3", {"origin": "corner", "stride": 2, "padding": 1, "output_padding": 1,
                        "x": "1,2,3;4,5,6;7,8,9", "h": "1,0,-1;1,2,1;0,1,0"}, (0, 0)),
    Item("explore-320px", "explorer", "The explorer page 320 pixels wide (a phone): the "
         "controls wrap, the grids scroll in their panels", "corr", "5x5", "3x3",
         {"padding": 1, "stride": 2}, (0, 0), width=320),
    Item("sliding-conv", "animation", "The kernel sliding over a 5x5 image padded with zeros "
         "(dashed), stride 2: one frame per output, the entries on the cells they multiply, "
         "the output marked on the right", "conv", "5x5", "3x3",
         {"origin": "corner", "padding": 1, "stride": 2}),
)


# -- the page -------------------------------------------------------------------------------
def _toml(item: Item) -> str:
    """The derivation-file block that shows this figure."""
    def val(v: Any) -> str:
        if isinstance(v, str):
            return f'"{v}"'
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(val(x) for x in v) + "]"
        return str(v)

    head = "matrix" if item.kind == "matrix" else "expand"
    parts = [f'{head} = "{item.op}"', f'image = "{item.image}"', f'kernel = "{item.kernel}"']
    parts += [f"{k} = {val(v)}" for k, v in item.options.items()]
    if item.kind == "matrix":
        parts.append(f'form = "{item.figure}"')
        if item.transpose:
            parts.append("transpose = true")
        return "\n".join(parts)
    if item.at is not None:
        parts.append(f"at = {val(item.at)}")
    parts.append(f'figures = ["{item.figure}"]')
    return "\n".join(parts)


def _command(item: Item) -> str:
    """The ``symconv expand`` (``matrix``) command that typesets this figure alone."""
    argv = ["symconv", "matrix" if item.kind == "matrix" else "expand", item.op, "--image",
            item.image, "--kernel", item.kernel]
    for k, v in item.options.items():
        argv += [f"--{k.replace('_', '-')}",
                 ",".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)]
    if item.kind == "matrix":
        argv += ["--form", item.figure] + (["--transpose"] if item.transpose else [])
        return " ".join(argv + ["--format", "latex", "--standalone", "-o",
                                f"{item.name}.tex"])
    if item.kind == "animation":
        return " ".join(argv + ["--format", "gif", "-o", f"{item.name}.gif"])
    if item.kind == "explorer":
        argv[1] = "explore"
        return " ".join(argv + ["-o", f"{item.name}.html"])
    if item.at is not None:
        argv += ["--at", ",".join(map(str, item.at))]
    argv += ["--figures", item.figure, "--format", "latex", "--standalone",
             "-o", f"{item.name}.tex"]
    return " ".join(argv)


def gallery_page() -> str:
    from symconv.expansion.figures import FIGURES

    out = io.StringIO()
    out.write(f"{GENERATED_NOTE}\n\n# Gallery\n\n")
    out.write("What symconv's output looks like: every figure kind, typeset by the LaTeX "
              "renderer and compiled with pdflatex, a page of the compiled article, beamer "
              "slides and the HTML page in Chromium. The pictures are regenerated by one "
              "command (it needs pdflatex, pdftoppm and Chromium):\n\n")
    out.write("```sh\npython -m tools.docgen gallery\n```\n\n")
    out.write("Under each figure: the command that typesets it alone (`--figures` picks "
              "figures; `--format beamer`, `html` or `markdown` work too), and the "
              "`[[block]]` that puts it in a derivation file (see the "
              "[tutorial](tutorial.md#6-a-derivation-file) and "
              "[derivations/](../derivations/README.md)). The figure names are "
              + ", ".join(f"`{f}`" for f in FIGURES) + ".\n\n## Figures\n")
    for item in ITEMS:
        if item.kind != "figure":
            continue
        out.write(f"\n### {item.title}\n\n")
        out.write(f"![{item.figure}: {item.title}](gallery/{item.name}.png)\n\n")
        out.write("```console\n$ " + _command(item) + "\n```\n\n")
        out.write("```toml\n[[block]]\n" + _toml(item) + "\n```\n")
    out.write("\n## Matrices\n\n`symconv matrix` writes the operation as a matrix on the "
              "flattened image (Toeplitz, circulant, im2col, and transposes), with its "
              "blocks ruled; the [matrix-view derivation](../derivations/matrix-view/"
              "matrix-view.md) reads them.\n")
    for item in ITEMS:
        if item.kind != "matrix":
            continue
        out.write(f"\n### {item.title}\n\n")
        out.write(f"![{item.figure}: {item.title}](gallery/{item.name}.png)\n\n")
        out.write("```console\n$ " + _command(item) + "\n```\n\n")
        out.write("```toml\n[[block]]\n" + _toml(item) + "\n```\n")
    out.write("\n## Animation\n\n`symconv expand ... --format gif` (or `mp4`) writes the "
              "kernel sliding over the image, one frame per output, in the figures' style "
              "(padding dashed, the kernel's outline in the operation's line style, values "
              "when given). It is drawn with Pillow, no external program (`pip install "
              "'symconv[anim]'`; MP4 also needs PyAV).\n")
    for item in ITEMS:
        if item.kind != "animation":
            continue
        out.write(f"\n### {item.title}\n\n")
        out.write(f"![Animation: {item.title}](gallery/{item.name}.gif)\n\n")
        out.write("```console\n$ " + _command(item) + "\n```\n")
    out.write("\n## The explorer page\n\n`symconv explore` writes one self-contained page "
              "(no network, it works from `file://`) to point at outputs with: the kernel on "
              "the input, the pixels and padding each output reads, its terms in MathML, a "
              "play button and a step slider, controls that recompute the relation in the "
              "page, and the `symconv port` code for the current settings. Screenshots "
              "taken in Chromium by Playwright after clicking the output named.\n")
    for item in ITEMS:
        if item.kind != "explorer":
            continue
        out.write(f"\n### {item.title}\n\n![{item.title}](gallery/{item.name}.png)\n\n")
        out.write("```console\n$ " + _command(item) + "\n```\n")
    out.write("\n## Documents, slides and the web page\n\n"
              "Made from the documents of `symconv demo` (`symconv-demo/article.tex`, "
              "`article-slides.tex`, `article.html`); the [tutorial](tutorial.md) builds "
              "them step by step.\n")
    for item in ITEMS:
        if item.kind in ("figure", "matrix", "animation", "explorer"):
            continue
        out.write(f"\n### {item.title}\n\n![{item.title}](gallery/{item.name}.png)\n")
    out.write("\n## Before and after: publication quality (issue 11)\n\n"
              "The same pages made by the code at the start of the second round (commit "
              "13216bd) and by the current code; the pictures are kept as they were made, "
              "not regenerated.\n")
    for name, title, what in BEFORE_AFTER:
        out.write(f"\n### {title}\n\n{what}\n\n"
                  f"| before | after |\n|---|---|\n"
                  f"| ![{title}, before](gallery/before-after/{name}-before.png) "
                  f"| ![{title}, after](gallery/before-after/{name}-after.png) |\n")
    return out.getvalue()


#: The before/after pairs in docs/gallery/before-after/ (name, title, what changed).
BEFORE_AFTER = (
    ("article", "A page of the article",
     "Before: the page opens with the caption of a figure on the previous page, the prose "
     "is plain text (\"y = C x\", \"the transpose of C\"), a drawn and a typeset matrix "
     "follow each other. After: numbered figure floats that keep their captions, prose in "
     "mathematics, one matrix."),
    ("slides-matrix", "A 9 x 25 matrix on slides",
     "`expand corr --image 5x5 --kernel 3x3 --stride 2 --padding 1 --format beamer`. Before: "
     "the whole matrix shrunk to about 2.5 pt. After: blocks of whole image rows, one frame "
     "each, at 7 pt or more, the frame's subtitle saying which block it shows."),
    ("slides-proof", "A proof on slides",
     "The all-sizes duality, steps 41-42. Before: each formula twice (ASCII in the words, "
     "typeset below), an unsimplified range set at 4 pt. After: a sentence with its "
     "mathematics typeset and one simplified display."),
)


def _build_assets() -> int:
    return main([])


register("gallery", "gallery.md", gallery_page, _build_assets)


# -- the pictures -----------------------------------------------------------------------------
class ToolMissing(RuntimeError):
    pass


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ToolMissing(f"the gallery needs {name}, which is not installed")
    return path


def _run(argv: list[str], cwd: str, timeout: float = 120) -> None:
    res = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if res.returncode != 0:
        tail = (res.stdout + res.stderr)[-2000:]
        raise RuntimeError(f"{os.path.basename(argv[0])} failed in {cwd}:\n{tail}")


def _figure_tex(item: Item) -> str:
    from symconv.expansion.core import expand
    from symconv.render import render

    exp = expand(item.op, item.image, item.kernel, **item.options)
    buf = io.StringIO()
    if item.kind == "matrix":
        from symconv.document.blocks import Document, MatrixBlock
        from symconv.expansion.matrix import matrix_view, operator_matrix

        view = matrix_view(operator_matrix(exp, item.figure, item.transpose))
        render(Document("", (MatrixBlock(view),)), "latex", buf, standalone=True)
        return buf.getvalue().replace("\\begin{document}\n",
                                      "\\begin{document}\n\\pagestyle{empty}\n", 1)
    render(exp, "latex", buf, at=item.at, standalone=True, figures=(item.figure,))
    if "\\emph{(" + item.figure + ":" in buf.getvalue():  # the writer's note for a failure
        raise RuntimeError(f"gallery: figure {item.figure!r} of {item.name} failed: "
                           "see the LaTeX renderer's note in the document")
    # No page number: the crop is the figure and its caption.
    return buf.getvalue().replace("\\begin{document}\n",
                                  "\\begin{document}\n\\pagestyle{empty}\n", 1)


def _pdflatex(tex: str, folder: str, stem: str, runs: int = 1) -> str:
    with open(os.path.join(folder, stem + ".tex"), "w", encoding="utf-8") as fh:
        fh.write(tex)
    for _ in range(runs):  # beamer's "frame / total" needs a second run
        _run([_tool("pdflatex"), "-interaction=nonstopmode", "-halt-on-error",
              stem + ".tex"], folder)
    return os.path.join(folder, stem + ".pdf")


def _ink_box(pdf: str, page: int, dpi: int, folder: str) -> tuple[int, int, int, int]:
    """(x, y, width, height) in pixels at ``dpi`` of everything not white on ``page``."""
    import numpy as np

    root = os.path.join(folder, "ink")
    _run([_tool("pdftoppm"), "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page),
          "-singlefile", pdf, root], folder)
    with open(root + ".pgm", "rb") as fh:
        data = fh.read()
    # P5 header: magic, width, height, maxval, each followed by whitespace.
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    pos += 1
    w, h = int(fields[1]), int(fields[2])
    img = np.frombuffer(data, dtype=np.uint8, count=w * h, offset=pos).reshape(h, w)
    ys, xs = np.nonzero(img < 250)
    if len(xs) == 0:
        return 0, 0, w, h
    x0, x1 = max(int(xs.min()) - MARGIN, 0), min(int(xs.max()) + MARGIN + 1, w)
    y0, y1 = max(int(ys.min()) - MARGIN, 0), min(int(ys.max()) + MARGIN + 1, h)
    return x0, y0, x1 - x0, y1 - y0


def _png(pdf: str, page: int, dpi: int, out: str, crop: bool) -> None:
    folder = os.path.dirname(pdf)
    argv = [_tool("pdftoppm"), "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
            "-singlefile"]
    if crop:
        x, y, w, h = _ink_box(pdf, page, dpi, folder)
        argv += ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h)]
    root = os.path.join(folder, "out")
    _run(argv + [pdf, root], folder)
    shutil.move(root + ".png", out)


def _page_count(pdf: str) -> int:
    res = subprocess.run([_tool("pdfinfo"), pdf], capture_output=True, text=True, check=True)
    for line in res.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 1


def _build_figure(item: Item, tmp: str, outdir: str) -> str:
    folder = tempfile.mkdtemp(prefix=item.name + "-", dir=tmp)
    pdf = _pdflatex(_figure_tex(item), folder, item.name)
    if _page_count(pdf) > 1:
        print(f"gallery: {item.name}: the figure runs over {_page_count(pdf)} pages; "
              "showing the first", file=sys.stderr)
    out = os.path.join(outdir, item.name + ".png")
    _png(pdf, 1, FIGURE_DPI, out, crop=True)
    return out


def _demo_document(fmt: str, tmp: str) -> str:
    """The demo's article in ``fmt``, written to ``tmp``; returns the path."""
    from symconv.app.demo import article_document
    from symconv.render import render

    ext = {"latex": "tex", "beamer": "tex", "html": "html"}[fmt]
    stem = "article-slides" if fmt == "beamer" else "article"
    folder = os.path.join(tmp, fmt)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{stem}.{ext}")
    with open(path, "w", encoding="utf-8") as fh:
        render(article_document(), fmt, fh, standalone=True)
    return path


def _find_page(pdf: str, item: Item) -> int:
    """The page of ``pdf`` that ``item.find`` names (see :class:`Item`)."""
    if not item.find:
        return 1
    tool = _tool("pdftotext")
    found = 0
    for p in range(1, _page_count(pdf) + 1):
        res = subprocess.run([tool, "-f", str(p), "-l", str(p), pdf, "-"],
                             capture_output=True, text=True)
        text = " ".join(res.stdout.split())
        if all(f in text for f in item.find):
            if not item.last:
                return p
            found = p
        elif found:
            break
    if not found:
        raise RuntimeError(f"gallery: no page of {pdf} holds {item.find}")
    return found


def _build_documents(items: list[Item], tmp: str, outdir: str) -> list[str]:
    written: list[str] = []
    want = {i.kind for i in items}
    if "page" in want:
        tex = _demo_document("latex", tmp)
        pdf = _pdflatex(open(tex, encoding="utf-8").read(), os.path.dirname(tex), "article")
        for item in items:
            if item.kind == "page":
                out = os.path.join(outdir, item.name + ".png")
                _png(pdf, _find_page(pdf, item), PAGE_DPI, out, crop=False)
                written.append(out)
    if "slides" in want:
        tex = _demo_document("beamer", tmp)
        pdf = _pdflatex(open(tex, encoding="utf-8").read(), os.path.dirname(tex),
                        "article-slides", runs=2)
        for item in items:
            if item.kind == "slides":
                out = os.path.join(outdir, item.name + ".png")
                _png(pdf, _find_page(pdf, item), SLIDE_DPI, out, crop=False)
                written.append(out)
    if "html" in want:
        page = _demo_document("html", tmp)
        for item in items:
            if item.kind == "html":
                out = os.path.join(outdir, item.name + ".png")
                _screenshot(page, out, tmp)
                written.append(out)
    return written


def _screenshot(page: str, out: str, tmp: str) -> None:
    profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp)
    w, h = HTML_WINDOW
    shot = os.path.join(tmp, "screenshot.png")
    _run([_tool("chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
          "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1",
          f"--user-data-dir={profile}", f"--screenshot={shot}", f"--window-size={w},{h}",
          "file://" + os.path.abspath(page)], tmp, timeout=180)
    shutil.move(shot, out)


def _build_animation(item: Item, outdir: str) -> str:
    """``NAME.gif``: the sliding-kernel animation, as ``symconv expand --format gif`` writes
    it (Pillow only: no LaTeX, no browser)."""
    from symconv.errors import ToolError
    from symconv.expansion.core import expand
    from symconv.render import raster

    try:
        raster.require("gif")
    except ToolError as exc:
        raise ToolMissing(str(exc)) from None
    out = os.path.join(outdir, item.name + ".gif")
    raster.save_animation(expand(item.op, item.image, item.kernel, **item.options), "gif",
                          out)
    return out


def _build_explorers(items: list[Item], outdir: str) -> list[str]:
    """``NAME.png``: the explorer page in Chromium (Playwright, the system's Chromium),
    after clicking the output ``item.at``."""
    if not items:
        return []
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ToolMissing("the explorer screenshots need Playwright (pip install "
                          "playwright)") from None
    from symconv.app.explore import explore

    exe = _tool("chromium")
    written = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        for item in items:
            path = os.path.join(tmp, item.name + ".html")
            explore(item.op, item.image, item.kernel, **item.options).save(path)
            page = browser.new_page(viewport={"width": item.width, "height": 900})
            page.goto("file://" + path)
            page.wait_for_selector("body[data-ready=true]")
            assert item.at is not None
            page.click(f'[data-output="{",".join(map(str, item.at))}"]')
            page.mouse.move(0, 0)
            out = os.path.join(outdir, item.name + ".png")
            page.screenshot(path=out, full_page=True)
            page.close()
            written.append(out)
        browser.close()
    return written


def build(names: list[str] | None = None, outdir: str = GALLERY) -> list[str]:
    """Rebuild the gallery's pictures (all, or the items named); returns the paths
    written.  Animations need Pillow only; the rest pdflatex, pdftoppm (and Chromium)."""
    items = [i for i in ITEMS if names is None or i.name in names]
    animations = [i for i in items if i.kind == "animation"]
    explorers = [i for i in items if i.kind == "explorer"]
    items = [i for i in items if i.kind not in ("animation", "explorer")]
    for t in (("pdflatex", "pdftoppm", "pdfinfo", "pdftotext") if items else ()) + (
            ("chromium",) if any(i.kind == "html" for i in items) else ()):
        _tool(t)
    os.makedirs(outdir, exist_ok=True)
    written = [_build_animation(i, outdir) for i in animations]
    written += _build_explorers(explorers, outdir)
    with tempfile.TemporaryDirectory(prefix="symconv-gallery-") as tmp:
        figures = [i for i in items if i.kind in ("figure", "matrix")]
        with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 2)) as pool:
            docs = pool.submit(_build_documents, [i for i in items
                                                  if i.kind not in ("figure", "matrix")],
                               tmp, outdir)
            written += list(pool.map(lambda i: _build_figure(i, tmp, outdir), figures))
            written += docs.result()
    for path in written:
        size = os.path.getsize(path)
        if size > MAX_PNG_BYTES:
            print(f"gallery: {path} is {size:,} bytes (over {MAX_PNG_BYTES:,})",
                  file=sys.stderr)
    return written


def main(argv: list[str] | None = None) -> int:
    """Build the pictures (``python -m tools.gallery [NAME ...]``)."""
    names = list(sys.argv[1:] if argv is None else argv) or None
    start = time.monotonic()
    try:
        written = build(names)
    except ToolMissing as exc:
        print(f"gallery: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path} ({os.path.getsize(path):,} bytes)")
    print(f"gallery: {len(written)} pictures in {time.monotonic() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
