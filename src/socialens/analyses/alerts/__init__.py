"""Alerts: streaming detectors (negative surge, volume spike, term burst, new topic) and where alerts go."""
