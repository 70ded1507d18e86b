"""Per-post emotion scores (NRC 8 emotions in English, DUTIR 7 classes in Chinese), weakly supervised."""
