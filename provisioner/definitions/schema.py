"""The JSON Schema of lab definitions, generated from the model and committed for editors."""

from __future__ import annotations

import json

from provisioner.core import paths
from provisioner.definitions.model import Lab


def schema_text() -> str:
    schema = Lab.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://example.invalid/lab/lab.schema.json"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write_schema(check_only: bool = False) -> bool:
    """Returns True when the committed file differs (and, unless check_only, rewrites it)."""
    text = schema_text()
    current = paths.SCHEMA_FILE.read_text() if paths.SCHEMA_FILE.exists() else ""
    if current == text:
        return False
    if not check_only:
        paths.SCHEMA_FILE.parent.mkdir(parents=True, exist_ok=True)
        paths.SCHEMA_FILE.write_text(text)
    return True
