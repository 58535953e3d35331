//! Document fingerprints: exact hash, MinHash, SimHash, sentence hashes.
