"""Privacy: pseudonyms at the edge, the leak scan, erasure and k-anonymous export.

``from socialens.privacy import Pseudonymizer, load_or_create_key, ...`` is the stable surface;
the parts live in ``pseudonyms`` (keys, HMAC pseudonyms, text and URLs), ``urls`` (identifiers
inside links), ``rejects`` (set-aside records made safe), ``scan`` (where identifiers survive),
``erasure`` (forgetting an account) and ``kanon`` (k-anonymous export).
"""

from __future__ import annotations

from socialens.privacy.pseudonyms import (
    KEY_ENV,
    KEY_FILE_ENV,
    Pseudonymizer,
    config_dir,
    default_key_file,
    key_fingerprint,
    load_or_create_key,
    normalise_public,
    pseudonymizer_from_config,
    public_fingerprint,
)

__all__ = [
    "KEY_ENV",
    "KEY_FILE_ENV",
    "Pseudonymizer",
    "config_dir",
    "default_key_file",
    "key_fingerprint",
    "load_or_create_key",
    "normalise_public",
    "pseudonymizer_from_config",
    "public_fingerprint",
]
