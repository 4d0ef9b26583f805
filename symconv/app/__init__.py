"""Applications built on the library: derivation files (:mod:`.derive`) and the demo."""
