"""User text to trees with the grammars (``symconv/grammars/*.lark``, loaded by
:mod:`symconv.grammar`): index formulas (:mod:`.formula`) and claims (:mod:`.claim`).  Nothing
here evaluates anything: it never calls ``eval`` or ``sympify``."""
