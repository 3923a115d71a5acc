"""Day Job: one workday of a machine learning engineer, as a text game."""

__version__ = "0.1.0"
