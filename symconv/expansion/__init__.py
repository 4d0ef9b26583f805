"""From the relation to what people read: SymPy expressions, term lists, worked examples
(:mod:`.core`), and the format-free figure models every renderer draws (:mod:`.figures`)."""

from .core import Expansion, Row, Term, WorkedExample, entry_class, expand

__all__ = ["Expansion", "Row", "Term", "WorkedExample", "entry_class", "expand"]
