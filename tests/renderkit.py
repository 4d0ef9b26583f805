"""Shared helpers for the renderer tests: golden files, pdflatex, XML checks, samples.

Golden files live in ``tests/golden/`` (``.tex``, ``.html``, ``.md``, ``.svg``: open them
directly); ``SYMCONV_UPDATE_GOLDEN=1`` rewrites them from the current output.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from symconv.expansion import expand
from symconv.proof.derivation import Derivation, Step
from symconv.render import render

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("SYMCONV_UPDATE_GOLDEN") == "1"
PDFLATEX_ARGS = ("-no-shell-escape", "-halt-on-error", "-interaction=nonstopmode")
#: A LaTeX command left in MathML/HTML text: a backslash followed by letters.
LEFTOVER_COMMAND = re.compile(r"\\[A-Za-z]+")
#: An ampersand that is not an entity or character reference (in raw serialised XML).
STRAY_AMP = re.compile(r"&(?!(?:[A-Za-z]+|#[0-9]+|#x[0-9A-Fa-f]+);)")


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return
    if not path.exists():
        pytest.fail(f"missing golden file {path}; run with SYMCONV_UPDATE_GOLDEN=1")
    assert path.read_bytes() == text.encode("utf-8"), (
        f"{name} differs from tests/golden/{name}; if the change is intended, regenerate "
        "with SYMCONV_UPDATE_GOLDEN=1 and review the diff")


#: ``Overfull \hbox (12.3pt too wide)`` or ``\vbox (.. too high)``: more than OVERFULL_PT
#: sticks out of the text (a line, a picture, a slide's content).
OVERFULL = re.compile(r"Overfull \\[hv]box \(([\d.]+)pt too (?:wide|high)\)")
OVERFULL_PT = 10.0


def rendered(kind: str, obj: Any, fmt: str, **options: Any) -> str:
    buf = io.StringIO()
    render(obj, fmt, buf, **options)
    return buf.getvalue()


def pdflatex(tex: Path, pdflatex_path: str, runs: int = 1,
             max_overfull: float | None = OVERFULL_PT) -> Path:
    """Compile ``tex`` in its folder; fail with the log's first error, or when a line or
    a picture sticks out of the text by more than ``max_overfull`` points."""
    for _ in range(runs):
        proc = subprocess.run([pdflatex_path, *PDFLATEX_ARGS, tex.name], cwd=tex.parent,
                              capture_output=True, text=True, timeout=240)
        if proc.returncode != 0:
            log = tex.with_suffix(".log")
            text = log.read_text(errors="replace") if log.exists() else proc.stdout
            first = text[text.find("\n!"):][:1500] if "\n!" in text else text[-1500:]
            pytest.fail(f"pdflatex failed on {tex.name}:\n{first}")
    pdf = tex.with_suffix(".pdf")
    assert pdf.exists() and pdf.stat().st_size > 1000
    if max_overfull is not None:
        log = tex.with_suffix(".log").read_text(errors="replace")
        wide = [float(v) for v in OVERFULL.findall(log)]
        assert not [w for w in wide if w > max_overfull], (
            f"{tex.name}: overfull boxes {sorted(wide)[-3:]} pt (at most {max_overfull} pt)")
    return pdf


def check_xml(text: str, what: str) -> ET.Element:
    """Parse as XML; no LaTeX command and no stray ``&`` left anywhere in the text."""
    body = text[len("<!DOCTYPE html>\n"):] if text.startswith("<!DOCTYPE html>") else text
    root = ET.fromstring(body)
    assert not STRAY_AMP.search(body), f"{what}: a stray & in the serialised XML"
    # Inside MathML every LaTeX command must have been converted; free text elsewhere may
    # hold a backslash the user typed (escaped by the serialiser, shown as typed).
    maths = [el for el in root.iter() if el.tag.split("}")[-1] == "math"]
    if root.tag.split("}")[-1] == "math":
        maths = [root]
    for math in maths:
        for el in math.iter():
            tag = el.tag.split("}")[-1]
            for chunk in (el.text, el.tail if el is not math else None):
                if chunk:
                    m = LEFTOVER_COMMAND.search(chunk)
                    assert m is None, f"{what}: leftover LaTeX {m.group(0)!r} in <{tag}>"
            if tag in ("mi", "mo", "mtext", "mn"):
                assert (el.text or "").strip() != "&", f"{what}: a bare & in MathML <{tag}>"
                assert "\\" not in (el.text or ""), f"{what}: a backslash in MathML <{tag}>"
    return root


# -- samples ----------------------------------------------------------------------------
def article(op: str = "conv") -> Any:
    return expand(op, "7x7", "3x3", origin="center", axes="xy", mode="same")


def thread(op: str = "corr", h: Any = (-1, 2, 1)) -> Any:
    return expand(op, 5, len(h), origin="corner", mode="valid", x=[2, 1, 3, 5, 4], h=list(h))


#: Free text full of LaTeX, HTML and Markdown specials: must come out escaped everywhere.
NASTY = r"50% of {x} & <b>y</b> cost $5 #1 ~ ^ _ \relax * [link](u) | `code`"


def hand_derivation(verdict: str = "proved") -> Derivation:
    """A derivation built by hand (the proof engine's output has the same model)."""
    steps = (
        Step(r"\operatorname{conv}(x, h)[m] = \sum_{k=-\infty}^{\infty} x[m-k]\,h[k]",
             "the definition of convolution; " + NASTY),
        Step(r"= \sum_{k=-\infty}^{\infty} x[m+k]\,h[-k]", "substitute k -> -k"),
        Step(r"= \operatorname{corr}(x, \tilde h)[m],\quad \tilde h[k] = h[-k]",
             "recognise the correlation with the flipped kernel"),
    )
    cex = None if verdict == "proved" else {"x": [1, 0], "h": [1, 2], "differs at": [1]}
    return Derivation(title="Convolution flips the kernel: " + NASTY,
                      claim_latex=r"\operatorname{conv}(x, h) = \operatorname{corr}(x, \tilde h)",
                      claim_text="conv(x, h) == corr(x, flip(h))", verdict=verdict,
                      scope="all-sizes" if verdict == "proved" else "instance", steps=steps,
                      counterexample=cex, notes=("a note: " + NASTY,), name="flip")


CHECK_RESULT = {
    "formula": "y[m,n] = sum_{i,j} x[i,j] h[m+i,n+j] " + NASTY,
    "kind": "corr-reflected", "flipped": False, "flipped_axes": [],
    "axes": [{"kind": "corr-reflected", "stride": 1, "dilation": 1, "offset": 0,
              "output_index": "m"},
             {"kind": "corr-reflected", "stride": 1, "dilation": 1, "offset": 0,
              "output_index": "n"}],
    "normal_form": "i = -m + k, j = -n + l", "equivalent": "corr(x, h)[-m, -n]",
    "image": "x", "kernel": "h", "output": "y",
    "conventions": ["No library computes it directly: reverse the output of "
                    "numpy.correlate along every axis."],
}
