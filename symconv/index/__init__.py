"""The index layer: signals, the affine index relation, and the table of operations.

Everything symconv shows is a reading of one relation per axis, ``u*i = s*m + sigma*d*k +
c`` (:mod:`.relation`), built from a request by :mod:`.ops`, whose ``OPERATIONS`` table is the
one list of operations every other layer reads.  Nothing here imports SymPy.
"""
