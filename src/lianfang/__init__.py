"""Lianfang 廉防: the integrity-risk prevention and control platform."""

__version__ = "0.1.0"
