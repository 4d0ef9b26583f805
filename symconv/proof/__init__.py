"""Proofs: the derivation model, the polynomial arrays of the instance scope, the all-sizes
engine, the named theorems (one module each, registered in ``theorems.THEOREMS``) and user
claims, which import the theorems and never the reverse."""
