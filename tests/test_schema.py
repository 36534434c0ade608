"""The JSON Schema shipped in scenarios/schema.json: up to date, strict, and in step with the loader."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from models.schema import schema_text

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "scenarios" / "schema.json"


def test_schema_file_is_current():
    """Fails when models/schema.py changed and the exported schema was not regenerated."""
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), (
        "scenarios/schema.json is stale: run `make schema`")


def _objects(node):
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            yield node
        for v in node.values():
            yield from _objects(v)
    elif isinstance(node, list):
        for v in node:
            yield from _objects(v)


def test_every_object_forbids_extra_keys():
    """Each object with named properties (scenario, county, indicator, every rule kind, …) has
    additionalProperties false, so an editor flags a misspelt key as it is typed."""
    objs = list(_objects(json.loads(SCHEMA.read_text(encoding="utf-8"))))
    assert len(objs) >= 30  # 12 rule kinds alone, plus the scheme's parts
    assert [o.get("title") for o in objs if o.get("additionalProperties") is not False] == []


def _validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8-sig"))


GOOD = ["tests/data/tiny"] + sorted(str(p.parent.relative_to(ROOT)) for p in (ROOT / "scenarios").glob("*/scenario.yaml"))


def test_shipped_scenarios_found():
    assert {"scenarios/district", "scenarios/sanmen"} <= set(GOOD)


@pytest.mark.parametrize("folder", GOOD)
def test_schema_accepts_good_scenarios(folder):
    """Every shipped scenario (and the tiny fixture) passes the exported JSON Schema."""
    path = ROOT / folder / "scenario.yaml"
    assert [e.message for e in _validator().iter_errors(_load(path))] == []


@pytest.mark.parametrize("case, key", [
    ("misspelt_key", "elapsd"),
    ("rule_fields_of_another_kind", None),  # 'full' is no field of a binary rule: no rule kind matches
    ("negative_points", None),
    ("unknown_rule_kind", None),
])
def test_schema_rejects_what_the_loader_rejects(case, key):
    errors = list(_validator().iter_errors(_load(ROOT / "tests" / "broken" / case / "scenario.yaml")))
    assert errors
    if key:
        assert any(key in e.message for e in errors)
