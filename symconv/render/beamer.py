"""Beamer slides: every figure on a frame, the worked example revealed row by row
(``\\uncover<k->``), the kernel sliding over the image (one ``\\only<k>`` overlay per output,
like the article's opening GIF) and proofs revealed step by step.

Compiles with pdflatex (beamer is in TeX Live's recommended set); the same preamble as the
LaTeX documents, minus the packages beamer loads itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from ..errors import InputError
from ..index.ops import OPERATIONS
from . import latex as L
from . import tikz
from .facts import check_dict, check_title

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
#: Largest share of the slide a drawing may take.
DRAWING_HEIGHT = "0.66\\textheight"
#: Proof steps per frame.
STEPS_PER_FRAME = 2
#: The worked-example figures; on slides each is the row-by-row reveal.
WORKED = ("worked", "worked-article", "worked-drawn", "worked-article-drawn")
#: Lines of equations per frame (every output of an expansion, one per line).
LINES_PER_FRAME = 12
#: Worked-example rows per frame (the article's rows, 16 for a 3x3 kernel, fit one frame).
ROWS_PER_FRAME = 16


class BeamerWriter:
    def __init__(self, stream: IO[str], style: L.Style) -> None:
        self.w = stream.write
        self.style = style
        self.section = ""

    def frame(self, title: str, body: str, subtitle: str = "") -> None:
        sub = f"\\framesubtitle{{{L.escape_text(subtitle)}}}\n" if subtitle else ""
        self.w(f"\\begin{{frame}}\n\\frametitle{{{L.escape_text(title or self.section)}}}\n"
               f"{sub}{body}\\end{{frame}}\n\n")

    def caption(self, text: str) -> str:
        return f"\\par\\vspace{{0.4em}}{{\\scriptsize {L.escape_text(text)}\\par}}\n"

    # -- figures ------------------------------------------------------------------------
    def worked(self, exp: Any, at: Sequence[int], title: str, subset: str) -> None:
        from ..expansion import figures as F

        tab = F.worked_table(exp, at, subset)
        st = self.style
        xs, hs = L._name(st, tab.image), L._name(st, tab.kernel)
        rows = tab.rows
        for start in range(0, len(rows), ROWS_PER_FRAME):
            chunk = rows[start:start + ROWS_PER_FRAME]
            lines = [r"\text{pixel and kernel index} & \text{solved} & \text{entry}"]
            for k, r in enumerate(chunk, start=1):
                left = L._bracket(st, xs, [str(v) for v in r.x]) + r"\," + \
                    L._bracket(st, hs, [L.math_chars(p) for p in r.plugged])
                right = L._bracket(st, hs, [str(v) for v in r.h]) if r.h is not None else \
                    L._bracket(st, hs, [r"\text{--}"], colour=False)
                note = "= " + L._entry(r.entry or "") if r.valid else \
                    r"\times\ \text{" + L.INVALID_TEXT.get(r.reason, "invalid") + "}"
                cells = (left, right, note) if r.valid else \
                    tuple(L._muted(st, c) for c in (left, right, note))
                lines.append(" & ".join(f"\\uncover<{k}->{{{c}}}" for c in cells))
            body = ("{\\footnotesize\\renewcommand{\\arraystretch}{1.0}\n\\begin{center}\n"
                    "\\symconvfitbox{" + DRAWING_HEIGHT + "}{$\\displaystyle\n"
                    "\\begin{array}{l|ll}\n" + L.ROW_SEP.join(lines) + "\n\\end{array}\n$}\n"
                    "\\end{center}\n}\n")
            self.frame(title, body + self.caption(tab.caption),
                       f"rows {start + 1}-{start + len(chunk)}" if len(rows) > ROWS_PER_FRAME
                       else "")

    def sliding(self, exp: Any, title: str) -> None:
        from ..expansion import figures as F

        base, frames = F.sliding_kernel(exp)
        prelude, pic = tikz.tikz_frames(base, frames, self.style, (1.0, base.height - 0.4))
        self.w(prelude)
        body = ("\\begin{center}\n\\symconvfitbox{" + DRAWING_HEIGHT + "}{%\n" + pic
                + "}\n\\end{center}\n" + self.caption(base.caption))
        self.frame(title, body, "the kernel sliding over the image")

    def drawing(self, model: Any, title: str) -> None:
        body = ("\\begin{center}\n\\symconvfitbox{" + DRAWING_HEIGHT + "}{%\n"
                + tikz.tikz_drawing(model, self.style) + "}\n\\end{center}\n"
                + self.caption(model.caption))
        self.frame(title, body)

    def typeset(self, name: str, exp: Any, at: Sequence[int] | None, title: str) -> None:
        caption = L.figure_caption(name, exp, at, self.style.subset)
        pages: list[tuple[str, str]] = []  # (body, subtitle) per frame
        displays = L.typeset(name, exp, at, self.style)
        # Several displays (the matrix C and its transpose) get a frame each, at full size.
        count = sum(1 for m in displays if not m.startswith("\\begin{align*}"))
        k = 0
        for m in displays:
            if not m.startswith("\\begin{align*}"):
                k += 1
                pages.append(("\\begin{center}\n\\symconvfitbox{" + DRAWING_HEIGHT
                              + "}{$\\displaystyle " + m + "$}\n\\end{center}\n",
                              f"{k} of {count}" if count > 1 else ""))
                continue
            # As an array in a box, shrunk to the slide when wider or taller (an align*
            # cannot be boxed; indexed kernel entries make long lines); every output of a
            # large expansion over several frames, LINES_PER_FRAME lines each.
            rows = m[len("\\begin{align*}\n"):-len("\n\\end{align*}")].split(L.ROW_SEP)
            groups: list[list[int]] = [[]]
            used = 0
            for k, row in enumerate(rows):  # an output and its continued lines stay together
                height = row.count("\\\\ &") + 1
                if groups[-1] and used + height > LINES_PER_FRAME:
                    groups.append([])
                    used = 0
                groups[-1].append(k)
                used += height
            for ks in groups:
                chunk = L.ROW_SEP.join(rows[k] for k in ks).replace("&=", "&{}=")
                sub = f"lines {ks[0] + 1}-{ks[-1] + 1} of {len(rows)}" \
                    if len(groups) > 1 else ""
                pages.append(("\\begin{center}\\small\n\\symconvfitbox{" + DRAWING_HEIGHT
                              + "}{$\\displaystyle\n\\begin{array}{@{}r@{}l@{}}\n" + chunk
                              + "\n\\end{array}\n$}\n\\end{center}\n", sub))
        if len(pages) > 1 and all(not sub for _, sub in pages):
            pages = [("".join(body for body, _ in pages), "")]  # displays that share a frame
        for body, sub in pages:
            self.frame(title, body + self.caption(caption), sub)

    def expansion(self, exp: Any, at: Sequence[int] | None, figures: Iterable[str],
                  title: str = "") -> None:
        title = title or self.section
        figs = tuple(figures)
        for name in figs:
            try:
                if name in WORKED:
                    # The worked example, drawn or typeset, is revealed row by row.
                    if at is None:
                        raise InputError(f"figure {name!r} needs an output index (at)")
                    if name in ("worked", "worked-drawn") and \
                            {"worked-article", "worked-article-drawn"} & set(figs):
                        continue  # one reveal per output is enough on slides
                    self.worked(exp, at, title, "article" if "article" in name
                                else self.style.subset)
                elif name in L.DRAWN:
                    self.drawing(L.figure_model(name, exp, at, self.style.subset), title)
                else:
                    self.typeset(name, exp, at, title)
            except InputError as exc:
                self.frame(title, f"\\emph{{{L.escape_text(f'({name}: {exc})')}}}\n")
        if "boxes" in figs:  # the animation goes with the figure of the patches
            try:
                self.sliding(exp, title)
            except InputError:
                pass  # 3-D or channels: no animation

    def derivation(self, d: Any) -> None:
        head = ("\\textbf{Claim.}\n\\[\n\\symconvfit{" + d.claim_latex + "}\n\\]\n"
                f"\\textbf{{Verdict:}} {d.verdict}, \\textbf{{scope:}} "
                f"{L.escape_text(d.scope)}.\n")
        steps = list(d.steps)
        chunks = [steps[k:k + STEPS_PER_FRAME] for k in range(0, len(steps), STEPS_PER_FRAME)]
        self.frame(d.title, head)  # the claim and the verdict on a frame of their own
        for n, chunk in enumerate(chunks):
            body = "{\\small\n"
            for k, s in enumerate(chunk, start=1):
                num = n * STEPS_PER_FRAME + k
                body += (f"\\uncover<{k}->{{\\par\\smallskip\\textbf{{{num}.}} "
                         f"{L.escape_text(s.why)}\n\\[\n\\symconvfit{{{s.latex}}}\n\\]\n}}\n")
            body += "}\n"
            self.frame(d.title, body, f"steps {n * STEPS_PER_FRAME + 1}-"
                       f"{n * STEPS_PER_FRAME + len(chunk)} of {len(steps)}")
        extra = ""
        if d.counterexample is not None:
            extra += "\\textbf{Counterexample.}\n\\begin{itemize}\n" + "".join(
                f"\\item {L.escape_text(str(k))}: "
                f"{L.escape_text(json.dumps(v, ensure_ascii=False))}\n"
                for k, v in d.counterexample.items()) + "\\end{itemize}\n"
        extra += "".join(f"\\par\\emph{{Note:}} {L.escape_text(n)}\n" for n in d.notes)
        if extra:
            self.frame(d.title, "{\\small\n" + extra + "}\n")

    def check(self, data: Any, source: str = "") -> None:
        d = check_dict(data)
        items = "".join(f"\\item[{L.escape_text(a)}] {L.breakable(L.escape_text(b))}\n"
                        for a, b in L.check_facts(d, source))
        self.frame(check_title(d), "{\\scriptsize\n\\begin{description}\n" + items
                   + "\\end{description}\n}\n")

    def comparison(self, block: Any) -> None:
        for label, exp in block.rows:
            self.frame(block.title or self.section,
                       f"\\textbf{{{L.escape_text(label)}}}\n{{\\small\n"
                       + L.terms_equations(exp, self.style) + "\n}\n")
        side = L.comparison_table(block, self.style)
        if side is not None:
            self.frame(block.title or self.section,
                       "\\[\n\\symconvfit{" + side[0] + "}\n\\]\n" + self.caption(side[1]),
                       "side by side")

    def heading(self, text: str, level: int) -> None:
        self.section = text
        self.w(f"\\section{{{L.escape_text(text)}}}\n")

    def paragraph(self, text: str) -> None:
        self.frame(self.section, L.text_with_math(text) + "\n")

    def blocks(self, blocks: Iterable[Any]) -> None:
        from ..document.blocks import visit

        visit(blocks, self)


def _slides(stream: IO[str], title: str, subtitle: str, options: dict[str, Any],
            body: Any) -> None:
    L._check_options(options)
    stream.write(L.preamble("", "beamer", CLASS_OPTIONS))
    stream.write(THEME + "\n" + FIT_BOX + "\n")
    stream.write(f"\\title{{{L.escape_text(title)}}}\n")
    if subtitle:
        stream.write(f"\\subtitle{{{L.escape_text(subtitle)}}}\n")
    stream.write("\\author{symconv}\n\\date{}\n\\begin{document}\n"
                 "\\begin{frame}\n\\titlepage\n\\end{frame}\n\n")
    body(BeamerWriter(stream, L.style_from(options)))
    stream.write("\\end{document}\n")


def render_expansion(exp: Any, stream: IO[str], at: Sequence[int] | None = None,
                     standalone: bool = True, **options: Any) -> None:

    title = options.get("title") or f"symconv: {OPERATIONS[exp.operation.op].title}"
    figs = tuple(options.get("figures") or L.default_figures(exp, at))
    _slides(stream, title, "", options, lambda w: w.expansion(exp, at, figs, title))


def render_derivation(d: Any, stream: IO[str], standalone: bool = True, **options: Any
                      ) -> None:
    _slides(stream, d.title, "", options, lambda w: w.derivation(d))


def render_check(data: Any, stream: IO[str], standalone: bool = True, **options: Any) -> None:
    _slides(stream, check_title(check_dict(data)), "", options,
            lambda w: w.check(data, options.get("source", "")))


def render_document(doc: Any, stream: IO[str], standalone: bool = True, **options: Any
                    ) -> None:
    _slides(stream, doc.title, doc.subtitle, options, lambda w: w.blocks(doc.blocks))
