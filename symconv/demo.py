"""The main job: the article's worked examples and the thread's numbers, written to a folder.

``DEMO_EXPANSIONS`` is the embedded default input; each entry is expanded with the library
and rendered in every format in ``DEMO_FORMATS`` that has a renderer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import IO, Any

#: The article's setting: 7x7 image and 3x3 kernel indexed from the centre, first index
#: horizontal; 'same' keeps the output indexed -3..3 like the image.
ARTICLE = dict(origin="center", axes="xy", mode="same")
#: The thread's setting: NumPy's 1-D arrays, 0-based, 'valid' (no padding, stride 1).
THREAD = dict(origin="corner", mode="valid")
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
                  "The article's cross-correlation h[m+i, n+j]: the red patch is y[-1,-1] "
                  "(figures 7 and 8)", "corr-reflected", "7x7", "3x3", (-1, -1), ARTICLE),
    DemoExpansion("article-corr-y11",
                  "Standard cross-correlation h[i-m, j-n] (NumPy, PyTorch): the red patch "
                  "is y[1,1]", "corr", "7x7", "3x3", (1, 1), ARTICLE),
    DemoExpansion("thread-conv", "Thread, example 1: f = [2,1,3,5,4] convolved with "
                  "h = [1,-1]", "conv", "5", "2", None, {**THREAD, "x": THREAD_F, "h": [1, -1]}),
    DemoExpansion("thread-corr", "Thread, example 1: f correlated with h = [1,-1]",
                  "corr", "5", "2", None, {**THREAD, "x": THREAD_F, "h": [1, -1]}),
    DemoExpansion("thread-conv-symmetric", "Thread, example 2: symmetric h2 = [-1,2,-1], "
                  "convolution", "conv", "5", "3", None,
                  {**THREAD, "x": THREAD_F, "h": [-1, 2, -1]}),
    DemoExpansion("thread-corr-symmetric", "Thread, example 2: symmetric h2 = [-1,2,-1], "
                  "correlation", "corr", "5", "3", None,
                  {**THREAD, "x": THREAD_F, "h": [-1, 2, -1]}),
    DemoExpansion("thread-conv-typo", "Thread's NumPy snippet: h2 = [-1,2,1] (not "
                  "symmetric), convolution", "conv", "5", "3", None,
                  {**THREAD, "x": THREAD_F, "h": [-1, 2, 1]}),
    DemoExpansion("thread-corr-typo", "Thread's NumPy snippet: h2 = [-1,2,1], correlation "
                  "differs", "corr", "5", "3", None,
                  {**THREAD, "x": THREAD_F, "h": [-1, 2, 1]}),
)

#: format -> file extension of the demo's files.
DEMO_FORMATS = {"text": "txt", "json": "json"}


def run_demo(outdir: str, stream: IO[str]) -> int:
    """Write every demo item in every format; print what was written (and proved)."""
    from .expand import expand
    from .io import open_output
    from .render import render

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
                render("expansion", exp, fmt, fh, at=item.at, title=item.title)
            written.append(path)
        stream.write(f"  {item.name}: {summary}\n")
    stream.write(f"wrote {len(written)} files\n")
    return 0
