"""JSON: the contract's objects, streamed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import IO, Any


def render_expansion(expansion: Any, stream: IO[str], at: Sequence[int] | None = None,
                     **_: Any) -> None:
    expansion.write_json(stream, at)


def dump(obj: Any, stream: IO[str]) -> None:
    """Deterministic JSON (insertion order kept, two-space indent, newline at the end)."""
    stream.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def document_json(doc: Any) -> dict[str, Any]:
    """A document as JSON: each block as the JSON of what it shows."""
    from ..document import (
        CheckBlock,
        ComparisonBlock,
        DerivationBlock,
        ExpansionBlock,
        Heading,
        Paragraph,
    )

    blocks: list[dict[str, Any]] = []
    for b in doc.blocks:
        if isinstance(b, Heading):
            blocks.append({"kind": "heading", "text": b.text, "level": b.level})
        elif isinstance(b, Paragraph):
            blocks.append({"kind": "text", "text": b.text})
        elif isinstance(b, ExpansionBlock):
            blocks.append({"kind": "expansion", "title": b.title, "figures": list(b.figures),
                           **b.expansion.to_json(b.at)})
        elif isinstance(b, ComparisonBlock):
            blocks.append({"kind": "comparison", "title": b.title,
                           "variants": [{"label": label, **exp.to_json()}
                                        for label, exp in b.rows]})
        elif isinstance(b, DerivationBlock):
            blocks.append({"kind": "derivation", **b.derivation.to_json()})
        elif isinstance(b, CheckBlock):
            blocks.append({"kind": "check", "source": b.source, **b.result.to_json()})
    return {"name": doc.name, "title": doc.title, "subtitle": doc.subtitle, "blocks": blocks}


def render_document(doc: Any, stream: IO[str], **_: Any) -> None:
    dump(document_json(doc), stream)


def render_derivation(derivation: Any, stream: IO[str], **_: Any) -> None:
    """The contract's JSON for ``symconv prove``: verdict, scope, steps, counterexample."""
    dump(derivation.to_json(), stream)


def render_check(data: Any, stream: IO[str], **_: Any) -> None:
    """The contract's JSON for ``symconv check`` and ``symconv identify``."""
    dump(data if isinstance(data, dict) else data.to_json(), stream)
