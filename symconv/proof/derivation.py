"""The derivation model every renderer reads: immutable steps, a verdict, a scope.

A :class:`Step` is one line of a derivation: an equation in LaTeX (the single source of
notation: renderers derive MathML from it with latex2mathml, so keep to what latex2mathml
converts: no ``aligned``, no ``\\cellcolor``, ``\\textcolor{red}{..}`` rather than
``\\color``), a plain-text form for terminals, and the reason for the step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..display import Displayable

VERDICTS = ("proved", "refuted", "undecided")
#: The command line's exit code of each verdict (the contract's "Verdicts").
EXIT_CODES = {"proved": 0, "refuted": 1, "undecided": 3}
SCOPES = ("all-sizes", "instance")


@dataclass(frozen=True)
class Step:
    """One equation and why it holds."""

    latex: str
    why: str
    text: str = ""

    def to_json(self) -> dict[str, str]:
        d = {"latex": self.latex, "why": self.why}
        if self.text:
            d["text"] = self.text
        return d


@dataclass(frozen=True)
class Derivation(Displayable):
    """A proof (or refutation) as a sequence of steps.

    ``claim_latex``/``claim_text`` state what is proved; ``counterexample`` is a JSON-ready
    dict when the verdict is ``refuted`` (shapes, values, the first differing output).
    ``notes`` are extra sentences (for instance, why a case fell back to the instance
    scope).
    """

    title: str
    claim_latex: str
    claim_text: str
    verdict: str
    scope: str
    steps: tuple[Step, ...]
    counterexample: dict[str, Any] | None = None
    notes: tuple[str, ...] = field(default=())
    name: str = ""

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")
        if self.scope not in SCOPES:
            raise ValueError(f"scope must be one of {SCOPES}, got {self.scope!r}")
        if self.verdict == "refuted" and self.counterexample is None:
            raise ValueError("a refuted claim needs a counterexample")

    @property
    def proved(self) -> bool:
        return self.verdict == "proved"

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON: verdict, scope, steps, counterexample (plus title, claim)."""
        return {
            "name": self.name,
            "title": self.title,
            "claim": {"latex": self.claim_latex, "text": self.claim_text},
            "verdict": self.verdict,
            "scope": self.scope,
            "steps": [s.to_json() for s in self.steps],
            "counterexample": self.counterexample,
            "notes": list(self.notes),
        }

