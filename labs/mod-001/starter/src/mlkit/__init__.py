"""mlkit: small, dependency-free helpers for ML experiments."""

__version__ = "0.1.0"
