"""Classification: an index formula (:mod:`.check`) or a library function
(:mod:`.identification`) to the normal form of the index relation."""
