"""Beamer slides: every figure on a frame, the worked example revealed row by row
(``\\uncover<k->``), the kernel sliding over the image (one ``\\only<k>`` overlay per output,
like the article's opening GIF) and proofs revealed step by step.

Compiles with pdflatex (beamer is in TeX Live's recommended set); the same preamble as the
LaTeX documents, minus the packages beamer loads itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..errors import InputError
from ..expansion import figures
from ..expansion.figures.sliding import sliding_kernel
from ..expansion.figures.tables import worked_table
from ..index.ops import OPERATIONS
from . import tikz
from .base import Printer
from .latex import preamble, stack_clauses
from .mathtex import (
    INVALID_TEXT,
    Aligned,
    Display,
    Typesetter,
    array_name,
    bracketed,
    comparison_table,
    duality_latex,
    entry_name,
    equations_display,
    matrix_latex,
    matrix_view_latex,
    muted,
    terms_equations,
)
from .plainmath import plain
from .tex import (
    ROW_SEP,
    breakable,
    derivation_math,
    escape_text,
    math_chars,
    split_math,
    text_with_math,
)
from .words import check_dict, check_facts, check_title

#: Beamer class options: 4:3 slides, 10pt type.
CLASS_OPTIONS = "10pt"
THEME = ("\\usetheme{default}\n\\setbeamertemplate{navigation symbols}{}\n"
         "\\setbeamertemplate{footline}[frame number]\n"
         "\\setbeamercolor{frametitle}{fg=black}\n\\setbeamerfont{frametitle}{series=\\bfseries}")
#: Shrinks a box to the text width and to a height (#1) when it is larger.
FIT_BOX = r"""\newsavebox{\symconvbox}\newsavebox{\symconvbase}
\newcommand{\symconvfitbox}[2]{\sbox{\symconvbox}{#2}%
\ifdim\wd\symconvbox>\linewidth\sbox{\symconvbox}{\resizebox{\linewidth}{!}{\usebox{\symconvbox}}}\fi
\ifdim\dimexpr\ht\symconvbox+\dp\symconvbox\relax>#1\sbox{\symconvbox}{\resizebox*{!}{#1}{\usebox{\symconvbox}}}\fi
\usebox{\symconvbox}}"""
#: Largest share of the slide a drawing may take (its caption is the frame subtitle).
DRAWING_HEIGHT = "0.76\\textheight"
#: The room a drawing has on a slide (cm: the text width, 0.76 of the text height), and
#: the least scale a drawn table may take there (its 10 pt text at 7 pt).
SLIDE_CM = (10.8, 5.9)
MIN_DRAWING_SCALE = 0.7
#: The largest block of a matrix on one frame: pixel columns and output rows.
MATRIX_COLS = 10
MATRIX_ROWS = 12
#: Proof steps per frame.
STEPS_PER_FRAME = 2
#: Lines of equations per frame (every output of an expansion, one per line).
LINES_PER_FRAME = 12
#: Worked-example rows per frame (the article's rows, 16 for a 3x3 kernel, fit one frame).
ROWS_PER_FRAME = 16


#: Longest caption (characters of its plain text) a slide shows on one line.
CAPTION_CHARS = 80


def short_caption(text: str) -> str:
    """The caption's first clause (up to the first ':' or ';' outside math), cut at a word
    before :data:`CAPTION_CHARS` characters of plain text.

    >>> short_caption("Worked example for $y[1,1]$: the kernel index; a grey row adds nothing.")
    'Worked example for $y[1,1]$'
    """
    out, plain_len = [], 0
    for is_math, piece in split_math(text):
        if is_math:
            out.append(f"${piece}$")
            plain_len += len(plain(f"${piece}$"))
            continue
        # the first clause, unless it is only a label ("Convolution, y[1,1]: the patch...")
        colon = piece.find(": ")
        if colon >= 0 and plain_len + colon < 25:
            colon = -1
        cut = min((k for k in (colon, piece.find("; ")) if k >= 0), default=-1)
        if cut >= 0:
            out.append(piece[:cut])
            break
        out.append(piece)
        plain_len += len(piece)
    short = "".join(out).rstrip(" ,.")
    if len(plain(short)) > CAPTION_CHARS:
        words = short.split(" ")
        while words and (len(plain(" ".join(words))) > CAPTION_CHARS - 2
                         or " ".join(words).count("$") % 2):  # never inside math
            words.pop()
        short = " ".join(words).rstrip(" ,") + " \u2026"
    return short


#: An output map shrunk below this on a slide is split by columns (its 9 pt cell text
#: stays at 7 pt or more).
MIN_MAP_SCALE = 0.8


def _slide_scale(model: Any) -> float:
    """The scale a drawing gets on a slide (1 when it fits)."""
    w, h = model.width * model.unit, model.height * model.unit
    return min(1.0, SLIDE_CM[0] / w if w else 1.0, SLIDE_CM[1] / h if h else 1.0)


def _columns(model: Any) -> list[float]:
    """The left edges of the drawing's grid columns (its cells' x positions)."""
    return sorted({round(c.x, 6) for c in model.cells})


def split_columns(model: Any, per_part: int) -> list[Any]:
    """The drawing cut into parts of at most ``per_part`` grid columns, each part keeping
    what lies left of the grid (row labels) and its own columns' cells, labels and boxes,
    moved left to close the gap."""
    import dataclasses

    cols = _columns(model)
    n_parts = -(-len(cols) // max(1, per_part))
    per_part = -(-len(cols) // n_parts)  # balanced: 4 + 3, not 6 + 1
    left = cols[0]
    step = cols[1] - cols[0] if len(cols) > 1 else 1.0
    parts = []
    for k in range(0, len(cols), per_part):
        lo, hi = cols[k], cols[min(k + per_part, len(cols)) - 1] + step
        shift = lo - left

        def inside(x: float, lo: float = lo, hi: float = hi) -> bool:
            return lo - 1e-6 <= x < hi - 1e-6

        cells = tuple(dataclasses.replace(c, x=c.x - shift) for c in model.cells
                      if inside(c.x))
        labels = tuple(lab if lab.x < left - 1e-6 else dataclasses.replace(lab, x=lab.x - shift)
                       for lab in model.labels if lab.x < left - 1e-6 or inside(lab.x))
        boxes = tuple(dataclasses.replace(b, x0=b.x0 - shift, x1=b.x1 - shift)
                      for b in model.boxes if inside(b.x0))
        parts.append(dataclasses.replace(model, cells=cells, labels=labels, boxes=boxes,
                                         lines=(), width=model.width - shift
                                         - (cols[-1] + step - hi)))
    return parts


def _span(what: str, r: range, n: int, blocks: Sequence[range]) -> str:
    """``, outputs 1-9`` when the figure is split along ``what``, else nothing."""
    if len(blocks) <= 1 and len(r) == n:
        return ""
    return f"{what} {r.start + 1}-{r.stop} of {n}"


def _fitted(content: str, math: bool = False) -> str:
    """A frame's figure: ``content`` (a picture, or a display when ``math``) centred and
    shrunk to the text width and :data:`DRAWING_HEIGHT` when larger."""
    inner = "$\\displaystyle " + content + "$" if math else "%\n" + content
    return ("\\begin{center}\n\\symconvfitbox{" + DRAWING_HEIGHT + "}{" + inner
            + "}\n\\end{center}\n")


def _join(*parts: str) -> str:
    """A frame subtitle from its non-empty parts."""
    return ", ".join(p for p in parts if p)


class BeamerPrinter(Printer):
    format = "beamer"

    def __init__(self, stream: Any, **settings: Any) -> None:
        super().__init__(stream, **settings)
        self.section = ""

    # -- whole outputs ----------------------------------------------------------------------
    def _slides(self, title: str, subtitle: str, body: Callable[[], None]) -> None:
        self.write(preamble("", "beamer", CLASS_OPTIONS))
        self.write(THEME + "\n" + FIT_BOX + "\n")
        self.write(f"\\title{{{self.pdf_rich(title)}}}\n")
        if subtitle:
            self.write(f"\\subtitle{{{self.pdf_rich(subtitle)}}}\n")
        self.write("\\author{symconv}\n\\date{}\n\\begin{document}\n"
                   "\\begin{frame}\n\\titlepage\n\\end{frame}\n\n")
        body()
        self.write("\\end{document}\n")

    def _page_Expansion(self, exp: Any) -> None:
        at = self._settings["at"]
        title = self._settings["title"] or f"symconv: {OPERATIONS[exp.operation.op].title}"
        figs = tuple(self._settings["figures"] or figures.default_figures(exp, at))
        self._slides(title, "", lambda: self.expansion(exp, at, figs, title))

    def _page_Derivation(self, d: Any) -> None:
        self._slides(d.title, "", lambda: self._print_Derivation(d))

    def _page_CheckResult(self, data: Any) -> None:
        self._slides(check_title(check_dict(data)), "",
                     lambda: self.check(data, self._settings["source"]))

    def _page_Document(self, doc: Any) -> None:
        def body() -> None:
            for b in doc.blocks:
                self._print(b)

        self._slides(doc.title, doc.subtitle, body)

    # -- frames -----------------------------------------------------------------------------
    def frame(self, title: str, body: str, subtitle: str = "") -> None:
        sub = f"\\framesubtitle{{{self.rich(subtitle)}}}\n" if subtitle else ""
        self.write(f"\\begin{{frame}}\n\\frametitle{{{self.rich(title or self.section)}}}\n"
                   f"{sub}{body}\\end{{frame}}\n\n")

    def rich(self, text: str) -> str:
        """Rich text (prose with ``$...$`` math) in the printer's style."""
        return text_with_math(text, self.style)

    def pdf_rich(self, text: str) -> str:
        """Rich text where hyperref also writes it into the PDF's outline (titles,
        sections): the math there as plain Unicode."""
        if not any(is_math for is_math, _ in split_math(text)):
            return self.rich(text)
        return f"\\texorpdfstring{{{self.rich(text)}}}{{{escape_text(plain(text))}}}"

    # -- figures ----------------------------------------------------------------------------
    def worked(self, exp: Any, at: Sequence[int], title: str, subset: str) -> None:
        tab = worked_table(exp, at, subset)
        st = self.style
        xs, hs = array_name(st, tab.image), array_name(st, tab.kernel)
        rows = tab.rows
        for start in range(0, len(rows), ROWS_PER_FRAME):
            chunk = rows[start:start + ROWS_PER_FRAME]
            lines = [r"\text{pixel and kernel index} & \text{solved} & \text{entry}"]
            for k, r in enumerate(chunk, start=1):
                left = bracketed(st, xs, [str(v) for v in r.x]) + r"\," + \
                    bracketed(st, hs, [math_chars(p) for p in r.plugged])
                right = bracketed(st, hs, [str(v) for v in r.h]) if r.h is not None else \
                    bracketed(st, hs, [r"\text{--}"], colour=False)
                note = "= " + entry_name(r.entry or "") if r.valid else \
                    r"\times\ \text{" + INVALID_TEXT.get(r.reason, "invalid") + "}"
                cells = (left, right, note) if r.valid else \
                    tuple(muted(st, c) for c in (left, right, note))
                lines.append(" & ".join(f"\\uncover<{k}->{{{c}}}" for c in cells))
            body = ("{\\footnotesize\\renewcommand{\\arraystretch}{1.0}\n\\begin{center}\n"
                    "\\symconvfitbox{" + DRAWING_HEIGHT + "}{$\\displaystyle\n"
                    "\\begin{array}{l|ll}\n" + ROW_SEP.join(lines) + "\n\\end{array}\n$}\n"
                    "\\end{center}\n}\n")
            self.frame(title, body, _join(short_caption(tab.caption),
                                          f"rows {start + 1}-{start + len(chunk)}"
                                          if len(rows) > ROWS_PER_FRAME else ""))

    def sliding(self, exp: Any, title: str) -> None:
        base, frames = sliding_kernel(exp)
        prelude, pic = tikz.tikz_frames(base, frames, self.style, (1.0, base.height - 0.4))
        self.write(prelude)
        self.frame(title, _fitted(pic), "the kernel sliding over the image, one output a step")

    def _print_Drawing(self, model: Any, title: str) -> None:
        scale = _slide_scale(model)
        if model.name.startswith("output-map") and scale < MIN_MAP_SCALE:
            # split by columns, the row labels repeated: cell text at 7 pt or more
            parts = split_columns(model, max(2, int(len(_columns(model)) * scale
                                                    / MIN_MAP_SCALE)))
            short = short_caption(model.caption)
            for k, part in enumerate(parts, 1):
                self.frame(title, _fitted(tikz.tikz_drawing(part, self.style)),
                           _join(short, f"columns part {k} of {len(parts)}"))
            return
        self.frame(title, _fitted(tikz.tikz_drawing(model, self.style)),
                   short_caption(model.caption))

    def _print_MatrixFigure(self, model: Any, title: str) -> None:
        """The matrix split, not shrunk: ``C`` in blocks of at most
        :data:`MATRIX_COLS` pixel columns and :data:`MATRIX_ROWS` output rows (in 2-D a
        block of columns is whole rows of the image, the Toeplitz blocks), then ``C^T`` in
        blocks of pixel rows."""
        import dataclasses

        blocks = matrix_cuts

        def sub(rows: range, cols: range) -> Any:
            return dataclasses.replace(
                model, rows=tuple(model.rows[r] for r in rows),
                cols=tuple(model.cols[c] for c in cols),
                entries=tuple(tuple(model.entries[r][c] for c in cols) for r in rows))

        short = short_caption(model.caption)
        pages = []
        row_blocks = blocks(len(model.rows), MATRIX_ROWS, model.rows)
        col_blocks = blocks(len(model.cols), MATRIX_COLS, model.cols)
        for rb in row_blocks:
            for cb in col_blocks:
                pages.append((matrix_latex(sub(rb, cb), self.style),
                              _join(_span("outputs", rb, len(model.rows), row_blocks),
                                    _span("pixels", cb, len(model.cols), col_blocks))))
        # C^T: its rows are pixels (always named: "the transpose, pixels 1-9 of 9"), its
        # columns outputs
        out_blocks = blocks(len(model.rows), MATRIX_COLS, model.rows)
        for cb in blocks(len(model.cols), MATRIX_ROWS, model.cols):
            for rb in out_blocks:
                pages.append((matrix_latex(sub(rb, cb), self.style, transpose=True),
                              _join("the transpose",
                                    _span("pixels", cb, len(model.cols), [cb, cb]),
                                    _span("outputs", rb, len(model.rows), out_blocks))))
        for latex, where in pages:
            self.frame(title, _fitted(latex, math=True), _join(short, where))

    def _print_DualityTable(self, model: Any, title: str) -> None:
        """Forward and backward each over frames of at most :data:`LINES_PER_FRAME`
        lines (a 2-D layer's table is too tall for one slide at a readable size)."""
        import dataclasses

        from .mathtex import DUALITY_PER_LINE

        def groups(items: Sequence[Any]) -> list[list[Any]]:
            out: list[list[Any]] = [[]]
            used = 0
            for it in items:
                n = max(1, -(-len(it[1]) // DUALITY_PER_LINE))
                if out[-1] and used + n > LINES_PER_FRAME:
                    out.append([])
                    used = 0
                out[-1].append(it)
                used += n
            return out

        short = short_caption(model.caption)
        fwd, bwd = groups(model.forward), groups(model.backward)
        if len(fwd) == 1 and len(bwd) == 1:
            self._print_object(model, title)
            return
        for side, parts in (("forward", fwd), ("backward", bwd)):
            done = 0
            for part in parts:
                sub = dataclasses.replace(model, forward=tuple(part) if side == "forward"
                                          else (), backward=tuple(part)
                                          if side == "backward" else ())
                what = "outputs" if side == "forward" else "pixels"
                total = len(model.forward if side == "forward" else model.backward)
                self.frame(title, _fitted(duality_latex(sub, self.style), math=True),
                           _join(short, f"{side}, {what} {done + 1}-{done + len(part)} of "
                                 f"{total}"))
                done += len(part)

    def _print_object(self, model: Any, title: str) -> None:
        """A typeset figure: each display at full size on a frame of its own; aligned rows
        over several frames, :data:`LINES_PER_FRAME` lines each."""
        pages: list[tuple[str, str]] = []  # (body, subtitle) per frame
        displays: list[Display] = Typesetter(self.style).displays(model)
        count = sum(1 for m in displays if not isinstance(m, Aligned))
        k = 0
        for m in displays:
            if not isinstance(m, Aligned):
                k += 1
                pages.append((_fitted(m, math=True),
                              f"{k} of {count}" if count > 1 else ""))
                continue
            pages += aligned_pages(m)
        if len(pages) > 1 and all(not sub for _, sub in pages):
            pages = [("".join(body for body, _ in pages), "")]  # displays that share a frame
        for body, sub in pages:
            self.frame(title, body, _join(short_caption(model.caption), sub))

    def expansion(self, exp: Any, at: Sequence[int] | None, names: Iterable[str],
                  title: str = "") -> None:
        title = title or self.section
        figs = tuple(names)
        for name in figs:
            try:
                if name in figures.WORKED:
                    # The worked example, drawn or typeset, is revealed row by row.
                    if at is None:
                        raise InputError(f"figure {name!r} needs an output index (at)")
                    if name in ("worked", "worked-drawn") and \
                            {"worked-article", "worked-article-drawn"} & set(figs):
                        continue  # one reveal per output is enough on slides
                    self.worked(exp, at, title, "article" if "article" in name
                                else self.style.subset)
                else:
                    model = self._readable(name, exp, at)
                    self._print(model, title)
            except InputError as exc:
                self.frame(title, f"\\emph{{{escape_text(f'({name}: {exc})')}}}\n")
        if "boxes" in figs:  # the animation goes with the figure of the patches
            try:
                self.sliding(exp, title)
            except InputError:
                pass  # 3-D or channels: no animation

    def _readable(self, name: str, exp: Any, at: Sequence[int] | None) -> Any:
        """The figure ``name``, or for a drawn table too large to read on a slide (shrunk
        below :data:`MIN_DRAWING_SCALE`) or too large to draw, its typeset twin, which the
        slides split over frames instead of shrinking."""
        typeset = {"matrix-drawn": "matrix", "duality-drawn": "duality"}.get(name)
        try:
            model = figures.build(name, exp, at, self.style.subset)
        except InputError:
            if typeset is None:
                raise
            return figures.build(typeset, exp, at, self.style.subset)
        if typeset and _slide_scale(model) < MIN_DRAWING_SCALE:
            return figures.build(typeset, exp, at, self.style.subset)
        return model

    def check(self, data: Any, source: str = "") -> None:
        d = check_dict(data)
        items = "".join(f"\\item[{escape_text(a)}] {breakable(escape_text(b))}\n"
                        for a, b in check_facts(d, source))
        self.frame(check_title(d), "{\\scriptsize\n\\begin{description}\n" + items
                   + "\\end{description}\n}\n")

    # -- blocks -----------------------------------------------------------------------------
    def _print_ExpansionBlock(self, b: Any) -> None:
        self.expansion(b.expansion, b.at, b.figures, b.title)

    def _print_DerivationBlock(self, b: Any) -> None:
        self._print_Derivation(b.derivation)

    def _print_MatrixBlock(self, b: Any) -> None:
        """A matrix split, not shrunk, as the relation's matrix figure: blocks of at most
        :data:`MATRIX_ROWS` rows and :data:`MATRIX_COLS` columns, cut between the Toeplitz
        blocks where they fit."""
        import dataclasses

        if b.drawing is not None:
            self._print(b.drawing, self.section or short_caption(b.drawing.caption))
            return
        v = b.view
        row_cuts = matrix_cuts(len(v.rows), MATRIX_ROWS, v.rows)
        col_cuts = matrix_cuts(len(v.cols), MATRIX_COLS, v.cols)
        short = short_caption(v.caption)
        for rb in row_cuts:
            for cb in col_cuts:
                part = dataclasses.replace(
                    v, rows=tuple(v.rows[r] for r in rb), cols=tuple(v.cols[c] for c in cb),
                    cells=tuple(tuple(v.cells[r][c] for c in cb) for r in rb),
                    row_blocks=tuple(k - rb.start for k in v.row_blocks if k in rb),
                    col_blocks=tuple(k - cb.start for k in v.col_blocks if k in cb))
                where = _join(_span("rows", rb, len(v.rows), row_cuts),
                              _span("columns", cb, len(v.cols), col_cuts))
                self.frame(self.section or short, _fitted(matrix_view_latex(part, self.style),
                                                          math=True), where)

    def _print_Derivation(self, d: Any) -> None:
        claim = derivation_math(d.claim_latex, self.style)
        head = ("\\textbf{Claim.}\n\\[\n\\symconvfit{" + stack_clauses(claim) + "}\n\\]\n"
                f"\\textbf{{Verdict:}} {d.verdict}, \\textbf{{scope:}} "
                f"{escape_text(d.scope)}.\n")
        steps = list(d.steps)
        chunks = [steps[k:k + STEPS_PER_FRAME] for k in range(0, len(steps), STEPS_PER_FRAME)]
        self.frame(d.title, head, "the claim and the verdict")  # a frame of their own
        for n, chunk in enumerate(chunks):
            body = "{\n"  # full size: a display's scripts stay at 7 pt
            for k, s in enumerate(chunk, start=1):
                num = n * STEPS_PER_FRAME + k
                shown = "" if not s.latex else (  # a case heading has words only
                    "\\[\n\\symconvfit{"
                    + stack_clauses(derivation_math(s.latex, self.style)) + "}\n\\]\n")
                body += (f"\\uncover<{k}->{{\\par\\smallskip\\textbf{{{num}.}} "
                         f"{self.rich(s.why)}\n{shown}}}\n")
            body += "}\n"
            self.frame(d.title, body, f"steps {n * STEPS_PER_FRAME + 1}-"
                       f"{n * STEPS_PER_FRAME + len(chunk)} of {len(steps)}")
        extra = ""
        if d.counterexample is not None:
            extra += "\\textbf{Counterexample.}\n\\begin{itemize}\n" + "".join(
                f"\\item {escape_text(str(k))}: "
                f"{escape_text(json.dumps(v, ensure_ascii=False))}\n"
                for k, v in d.counterexample.items()) + "\\end{itemize}\n"
        extra += "".join(f"\\par\\emph{{Note:}} {self.rich(n)}\n" for n in d.notes)
        if extra:
            self.frame(d.title, "{\\small\n" + extra + "}\n",
                       "the counterexample" if d.counterexample is not None else "notes")

    def _print_CheckBlock(self, b: Any) -> None:
        self.check(b.result, b.source)

    def _print_ComparisonBlock(self, block: Any) -> None:
        for label, exp in block.rows:
            self.frame(block.title or self.section,
                       "{\\small\n" + terms_equations(exp, self.style).latex() + "\n}\n",
                       label)
        side = comparison_table(block, self.style)
        if side is not None:
            self.frame(block.title or self.section,
                       "\\[\n\\symconvfit{" + side[0] + "}\n\\]\n",
                       _join("side by side", short_caption(side[1])))

    def _print_Heading(self, b: Any) -> None:
        self.section = b.text
        self.write(f"\\section{{{self.pdf_rich(b.text)}}}\n")

    def _print_Equations(self, b: Any) -> None:
        # display-size fractions: rows spaced so that they do not touch
        for body, sub in aligned_pages(equations_display(b, self.style), stretch="2.4"):
            self.frame(self.section, body, sub)

    def _print_Paragraph(self, b: Any) -> None:
        self.frame(self.section, self.rich(b.text) + "\n")


def matrix_cuts(n: int, size: int, keys: Sequence[tuple[int, ...]]) -> list[range]:
    """Pieces of at most ``size`` of ``n`` rows or columns, cut at a change of the first
    index when the pieces fit (whole image rows: the Toeplitz blocks)."""
    cuts, start = [], 0
    while start < n:
        end = min(start + size, n)
        if end < n and len(keys[0]) >= 2:
            first = [k for k in range(start + 1, end + 1) if keys[k][0] != keys[k - 1][0]]
            end = first[-1] if first else end
        cuts.append(range(start, end))
        start = end
    return cuts


def aligned_pages(m: Aligned, stretch: str = "") -> list[tuple[str, str]]:
    """Aligned rows over frames of at most :data:`LINES_PER_FRAME` lines: (body, subtitle)
    each.  As an array in a box, shrunk to the slide when wider or taller (an align*
    cannot be boxed; indexed kernel entries make long lines)."""
    groups: list[list[int]] = [[]]
    used = 0
    for j, row in enumerate(m.rows):  # an output and its continued lines together
        if groups[-1] and used + len(row) > LINES_PER_FRAME:
            groups.append([])
            used = 0
        groups[-1].append(j)
        used += len(row)
    pages = []
    for js in groups:
        chunk = ROW_SEP.join(Aligned.row_latex(m.rows[j], "&{}") for j in js)
        sub = f"lines {js[0] + 1}-{js[-1] + 1} of {len(m.rows)}" if len(groups) > 1 else ""
        pages.append(("\\begin{center}\\small\n\\symconvfitbox{" + DRAWING_HEIGHT
                      + "}{" + (f"\\renewcommand{{\\arraystretch}}{{{stretch}}}"
                                if stretch else "")
                      + "$\\displaystyle\n\\begin{array}{@{}r@{}l@{}}\n" + chunk
                      + "\n\\end{array}\n$}\n\\end{center}\n", sub))
    return pages
