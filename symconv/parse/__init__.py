"""User text to trees: the grammars (``grammars/*.lark``), one loader and caret-error mapper
(:mod:`.grammar`), index formulas (:mod:`.formula`) and claims (:mod:`.claim`).  Nothing
here evaluates anything: it never calls ``eval`` or ``sympify``."""
