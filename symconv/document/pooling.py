"""A pooling (:class:`symconv.expansion.pooling.Pooling`) as a document: what it is, its
outputs as aligned equations, and, for one output, its window; every format prints it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..expansion.pooling import WORDS, outputs_phrase
from .blocks import Document, Equations, Heading, Paragraph


def pooling_document(pool: Any, title: str = "", at: Sequence[int] | None = None) -> Document:
    """The pooling as a document (LaTeX, beamer, MathML, HTML, Markdown print it); with
    ``at``, that output and its window."""
    return Document(title or WORDS[pool.op].capitalize(), pooling_blocks(pool, at), pool.op)


def pooling_blocks(pool: Any, at: Sequence[int] | None = None, level: int = 2
                   ) -> tuple[Any, ...]:
    """The document's blocks: what the pooling is, then its outputs (a heading of
    ``level`` above them)."""
    from ..expansion.exact import value_latex, value_text

    rel = (r"$\arr{y}[m] = \max_{k} \arr{x}[s m + d k - p]$" if pool.op == "max-pool"
           else r"$\arr{y}[m] = \frac{1}{|W_m|} \sum_{k} \arr{x}[s m + k - p]$")
    blocks: list[Any] = [
        Paragraph(pool.header()[0].upper() + pool.header()[1:] + "."),
        Paragraph("Output m reads the window of the correlation's index relation "
                  r"$i = s m + d k - p$ (no flip), pixels inside the image: " + rel
                  + (". The padding counts as minus infinity." if pool.op == "max-pool"
                     else "; $|W_m|$ is PyTorch's divisor, the window clipped to the "
                     "padded image" + ("" if pool.count_include_pad else
                                       " with the padding not counted") + ".")),
    ]
    if pool.op == "avg-pool":
        diff = pool.differs_from_correlation()
        kern = math.prod(pool.window)
        blocks.append(Paragraph(
            r"Every output equals the correlation with the constant kernel "
            rf"$\frac{{1}}{{{kern}}}$ of the window's shape, the same stride and padding "
            "(symconv prove pooling)." if not diff else
            f"{outputs_phrase(len(diff))} {'differs' if len(diff) == 1 else 'differ'} from "
            "the correlation with the constant kernel "
            rf"$\frac{{1}}{{{kern}}}$ (a window cut by ceil mode, or padding not "
            "counted): their divisors are smaller."))
    blocks.append(Heading("Outputs" if at is None else "One output and its window",
                          level))
    chosen = list(pool.outputs()) if at is None else [pool.check_index(at)]
    rows, texts = [], []
    for i in chosen:
        where = ", ".join(map(str, i))
        right, text = "= " + pool.latex(i), f"{pool.output_name}[{where}] = {pool.text(i)}"
        if pool.x is not None:
            v = pool.value(i)
            right += " = " + value_latex(v)
            text += " = " + value_text(v)
        rows.append((rf"\arr{{{pool.output_name}}}[{where}] ", right))
        texts.append(text)
    blocks.append(Equations(tuple(rows), tuple(texts)))
    if at is not None:
        i = chosen[0]
        w = pool.weight(i)
        cells = ", ".join(rf"$\arr{{x}}[{', '.join(map(str, px))}]$"
                          for px in pool.pixels(i))
        pads = pool.padding_cells(i)
        blocks.append(Paragraph(
            f"The window holds the pixels {cells}"
            + (rf" (weight $\frac{{1}}{{{pool.divisor(i)}}}$ each)" if w is not None
               and w != 1 else "")
            + (f" and {len(pads)} padding {'cell' if len(pads) == 1 else 'cells'}, read as "
               + ("minus infinity" if pool.op == "max-pool" else "0"
                  + ("" if pool.count_include_pad else ", not counted"))
               if pads else "") + "."))
    return tuple(blocks)
