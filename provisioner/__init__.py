"""lab: stands up, verifies and tears down the sandboxes of an AI-infrastructure curriculum."""

__version__ = "0.1.0"
TOOL = "lab"
