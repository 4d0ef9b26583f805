"""Proofs: the derivation model, the options of a theorem, the polynomial arrays and helpers of
the instance scope, the all-sizes engine, the named theorems (one module each, registered in
``theorems.THEOREMS``) and user claims, which import the theorems and never the reverse."""
