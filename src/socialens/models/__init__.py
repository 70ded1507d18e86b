"""Neural networks, one architecture per file, plus what they need to read text (vocabularies).

Modules here may import torch at the top: only the ML paths import them, never the CLI start-up.
"""
