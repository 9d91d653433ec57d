"""model-api: the curriculum's model-serving service (FastAPI, scikit-learn, PostgreSQL, Prometheus)."""

__version__ = "1.0.0"
