"""Media as pure functions: decode, strip metadata, resize, hash (:mod:`images`, :mod:`hashing`),
probe, remux and cut videos into shots (:mod:`video`), and the store's library of clean copies."""
