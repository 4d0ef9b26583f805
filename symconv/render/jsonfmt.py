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


class _JsonBlocks:
    """Each block as the JSON of what it shows (see :func:`symconv.document.visit`), tagged
    ``"block"``: the heading, text, expansion, comparison, derivation or check it is (a
    checker result keeps its own ``"kind"``, the classification)."""

    def __init__(self) -> None:
        self.blocks: list[dict[str, Any]] = []

    def heading(self, text: str, level: int) -> None:
        self.blocks.append({"block": "heading", "text": text, "level": level})

    def paragraph(self, text: str) -> None:
        self.blocks.append({"block": "text", "text": text})

    def expansion(self, exp: Any, at: Any, figures: Any, title: str) -> None:
        self.blocks.append({"block": "expansion", "title": title, "figures": list(figures),
                            **exp.to_json(at)})

    def comparison(self, block: Any) -> None:
        self.blocks.append({"block": "comparison", "title": block.title,
                            "variants": [{"label": label, **exp.to_json()}
                                         for label, exp in block.rows]})

    def derivation(self, d: Any) -> None:
        self.blocks.append({"block": "derivation", **d.to_json()})

    def check(self, result: Any, source: str) -> None:
        self.blocks.append({"block": "check", "source": source, **result.to_json()})


def document_json(doc: Any) -> dict[str, Any]:
    """A document as JSON: each block as the JSON of what it shows."""
    from ..document.blocks import visit

    out = _JsonBlocks()
    visit(doc.blocks, out)
    return {"name": doc.name, "title": doc.title, "subtitle": doc.subtitle,
            "blocks": out.blocks}


def render_document(doc: Any, stream: IO[str], **_: Any) -> None:
    dump(document_json(doc), stream)


def render_derivation(derivation: Any, stream: IO[str], **_: Any) -> None:
    """The contract's JSON for ``symconv prove``: verdict, scope, steps, counterexample."""
    dump(derivation.to_json(), stream)


def render_check(data: Any, stream: IO[str], **_: Any) -> None:
    """The contract's JSON for ``symconv check`` and ``symconv identify``."""
    from .facts import check_dict

    dump(check_dict(data), stream)
