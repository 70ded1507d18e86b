"""Metrics and evaluation reports shared by every model and baseline."""

from __future__ import annotations

from socialens.evaluate.metrics import classification_report, confusion_matrix, expected_calibration_error

__all__ = ["classification_report", "confusion_matrix", "expected_calibration_error"]
