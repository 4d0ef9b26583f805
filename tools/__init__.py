"""Maintainer tools (not shipped in the wheel): generated docs pages, the conventions atlas,
the gallery pictures, output snapshots.  Run from the repository root:
``python -m tools.docgen``."""
