"""``--json``: every command's output validates against docs/results.schema.json, in Chinese and in
English, and has the same keys in both languages (stable ASCII keys from kaoping/jsonkeys.py; only
objects keyed by names from the scenario, such as assessments, hold other keys)."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from cli_runs import ROOT, computing, run, setup

from kaoping.jsonkeys import key
from models.i18n import set_language

SCHEMA = json.loads((ROOT / "docs" / "results.schema.json").read_text(encoding="utf-8"))
NAMES = list(computing(Path("."), json=True))
SCHEMA_OF = {"optimize-single": "optimize", "validate-broken": "validate"}
VALIDATOR = jsonschema.validators.validator_for(SCHEMA)
VALIDATOR.check_schema(SCHEMA)


def validate(doc, name: str) -> None:
    """``doc`` against the schema of command ``name`` (the schema checked once, above)."""
    VALIDATOR({**SCHEMA, "$ref": f"#/$defs/{SCHEMA_OF.get(name, name)}"}).validate(doc)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """(language, command name) -> the parsed --json output (every command, both languages)."""
    got = {}
    for lang in ("zh", "en"):
        tmp = tmp_path_factory.mktemp(f"json-{lang}")
        setup(tmp)
        for name, argv in computing(tmp, json=True).items():
            r = run(["--lang", lang, *argv])
            assert r.code == (2 if name == "validate-broken" else 0), f"{lang} {name}: {r.err}"
            got[lang, name] = json.loads(r.out)
    return got


def paths(obj, at: str = "") -> set[str]:
    """Every key path of a JSON document (list items as [])."""
    if isinstance(obj, dict):
        return {p for k, v in obj.items() for p in {f"{at}.{k}"} | paths(v, f"{at}.{k}")}
    if isinstance(obj, list):
        return {p for v in obj for p in paths(v, f"{at}[]")}
    return set()


def empty_lists(obj, at: str = "") -> set[str]:
    """The paths of a JSON document's empty lists (as ``path[]``: what their items would hold is unseen)."""
    if isinstance(obj, dict):
        return {p for k, v in obj.items() for p in empty_lists(v, f"{at}.{k}")}
    if isinstance(obj, list):
        return {f"{at}[]"} if not obj else {p for v in obj for p in empty_lists(v, f"{at}[]")}
    return set()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", NAMES)
def test_json_validates_against_the_schema(outputs, name, lang):
    validate(outputs[lang, name], name)


@pytest.mark.parametrize("name", NAMES)
def test_json_keys_are_the_same_in_chinese_and_english(outputs, name):
    zh, en = paths(outputs["zh", name]), paths(outputs["en", name])
    # a list one run left empty (the SAA polish's moves, cut by the clock on a busy machine) hides its keys
    unseen = empty_lists(outputs["zh", name]) | empty_lists(outputs["en", name])
    zh, en = ({p for p in ps if not any(p.startswith(u) for u in unseen)} for ps in (zh, en))
    assert zh == en, f"only in Chinese: {sorted(zh - en)[:5]}; only in English: {sorted(en - zh)[:5]}"
    assert zh or name in ("validate",)  # validate prints [] for a sound scenario


def test_the_schema_refuses_a_label_as_key(outputs):
    """A table whose label has no key (a Chinese header) would fail the schema, not pass silently."""
    doc = json.loads(json.dumps(outputs["zh", "score"]))
    doc["history"][0]["年份"] = doc["history"][0].pop("year")
    with pytest.raises(jsonschema.ValidationError):
        validate(doc, "score")


def test_labels_map_to_keys_in_both_languages_templates_by_pattern():
    assert key("县市区") == "county" and key("P(名次≤3)") == "p_rank_le_3" and key("工作量 [万元]") == "effort"
    assert key("P(二等)", grades=["一等", "二等"]) == "p_grade_1"
    set_language("en")
    try:
        assert key("County") == "county" and key("P(rank ≤ 3)") == "p_rank_le_3"
    finally:
        set_language(None)
