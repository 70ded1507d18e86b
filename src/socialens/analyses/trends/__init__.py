"""Trends: bursts of hashtags, terms and topics (Kleinberg's model and a rhythm-aware window score)."""
