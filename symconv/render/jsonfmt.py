"""JSON: the contract's objects, deterministic (insertion order kept, two-space indent) and
streamed for expansions."""

from __future__ import annotations

import json
from typing import Any

from .base import Printer
from .words import check_dict


def dump(obj: Any, stream: Any) -> None:
    """Deterministic JSON (insertion order kept, two-space indent, newline at the end)."""
    stream.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


class JsonPrinter(Printer):
    """The ``json`` format.  A document's blocks are each the JSON of what they show,
    tagged ``"block"`` (a checker result keeps its own ``"kind"``, the classification)."""

    format = "json"

    def _page_Expansion(self, exp: Any) -> None:
        exp.write_json(self.stream, self._settings["at"])

    def _page_Pooling(self, p: Any) -> None:
        p.write_json(self.stream, self._settings["at"])

    def _page_OperatorMatrix(self, m: Any) -> None:
        if self._settings["sparse"]:
            m.write_sparse_json(self.stream)  # streamed: any number of non-zeros
        else:
            dump(m.to_json(), self.stream)

    def _print_MatrixBlock(self, b: Any) -> dict[str, Any]:
        v = b.view
        return {"block": "matrix", "form": v.form, "transpose": v.transposed,
                "rows": [list(i) for i in v.rows], "cols": [list(i) for i in v.cols],
                "entries": [[v.cell_text(cell) for cell in row] for row in v.cells]}

    def _page_Derivation(self, d: Any) -> None:
        dump(d.to_json(), self.stream)

    def _page_CheckResult(self, data: Any) -> None:
        dump(check_dict(data), self.stream)

    def _page_Document(self, doc: Any) -> None:
        dump(document_json(doc), self.stream)

    def _print_Heading(self, b: Any) -> dict[str, Any]:
        return {"block": "heading", "text": b.text, "level": b.level}

    def _print_Paragraph(self, b: Any) -> dict[str, Any]:
        return {"block": "text", "text": b.text}

    def _print_Equations(self, b: Any) -> dict[str, Any]:
        return {"block": "equations", "latex": [left + " " + right for left, right in b.rows],
                "text": list(b.text)}

    def _print_ExpansionBlock(self, b: Any) -> dict[str, Any]:
        return {"block": "expansion", "title": b.title, "figures": list(b.figures),
                **b.expansion.to_json(b.at)}

    def _print_PoolingBlock(self, b: Any) -> dict[str, Any]:
        out = b.pooling.to_json(outputs=b.at is None)
        if b.at is not None:
            out["outputs"] = [b.pooling.output_json(b.pooling.check_index(b.at))]
        return {"block": "pooling", "title": b.title, **out}

    def _print_ComparisonBlock(self, b: Any) -> dict[str, Any]:
        return {"block": "comparison", "title": b.title,
                "variants": [{"label": label, **exp.to_json()} for label, exp in b.rows]}

    def _print_DerivationBlock(self, b: Any) -> dict[str, Any]:
        return {"block": "derivation", **b.derivation.to_json()}

    def _print_CheckBlock(self, b: Any) -> dict[str, Any]:
        return {"block": "check", "source": b.source, **b.result.to_json()}


def document_json(doc: Any) -> dict[str, Any]:
    """A document as JSON: each block as the JSON of what it shows."""
    p = JsonPrinter(None)  # type: ignore[arg-type]
    return {"name": doc.name, "title": doc.title, "subtitle": doc.subtitle,
            "blocks": [p._print(b) for b in doc.blocks]}
