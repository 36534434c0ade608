"""Print the JSON Schema of scenario.yaml (``python -m models.export_schema > scenarios/schema.json``)."""
from __future__ import annotations

import json

from .schema import ScenarioFile


def schema_text() -> str:
    schema = ScenarioFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "kaoping scenario.yaml"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
