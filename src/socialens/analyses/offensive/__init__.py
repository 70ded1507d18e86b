"""Offensive language and hate speech scores."""
