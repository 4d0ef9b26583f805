"""Text and JSON for derivations (the model is :class:`symconv.derivation.Derivation`).

The LaTeX/MathML/HTML/Markdown renderers read the same object; this module only writes the
terminal text and the contract's JSON.
"""

from __future__ import annotations

import json
import textwrap
from typing import IO, Any

#: Width of the wrapped reasons in the text rendering.
WIDTH = 96


def render_derivation_text(d: Any, stream: IO[str]) -> None:
    """A derivation for terminals: claim, verdict and scope, numbered steps, counterexample."""
    w = stream.write
    w(f"{d.title}\n")
    w(f"claim: {d.claim_text}\n")
    w(f"verdict: {d.verdict.upper()}   scope: {d.scope}\n\n")
    for n, s in enumerate(d.steps, 1):
        eq = s.text or s.latex
        lines = eq.splitlines() or [""]
        w(f"{n:3d}. {lines[0]}\n")
        for extra in lines[1:]:
            w(f"     {extra}\n")
        for line in textwrap.wrap(s.why, WIDTH - 7):
            w(f"       {line}\n")
    if d.counterexample is not None:
        w("\ncounterexample:\n")
        for key, val in d.counterexample.items():
            w(f"  {key}: {json.dumps(val, ensure_ascii=False)}\n")
    for note in d.notes:
        w("\n" + "\n".join(textwrap.wrap("note: " + note, WIDTH)) + "\n")


def render_derivation_json(d: Any, stream: IO[str]) -> None:
    stream.write(json.dumps(d.to_json(), indent=2, ensure_ascii=False) + "\n")
