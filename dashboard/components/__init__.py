"""Reusable page parts; each component owns the widget keys it draws."""
