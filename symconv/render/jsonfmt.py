"""JSON: the contract's objects, streamed."""

from __future__ import annotations

import json
from typing import IO, Any, Sequence


def render_expansion(expansion: Any, stream: IO[str], at: Sequence[int] | None = None,
                     **_: Any) -> None:
    expansion.write_json(stream, at)


def dump(obj: Any, stream: IO[str]) -> None:
    """Deterministic JSON (insertion order kept, two-space indent, newline at the end)."""
    stream.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")
