"""docs/rules/: one page per rule kind (and per part of the format a rule leans on), checked
against the pydantic models so it cannot go stale: every field (nested ones as ``below.mode``,
list items as ``bands[].points``) has a row with its default, no row names a field that does
not exist; every worked example (a ``yaml example`` block) is scored by models.scoring and must
give the points the page says, to 1e-9; every rule page quotes a real scheme."""
from __future__ import annotations

import re
import typing
from pathlib import Path

import numpy as np
import pytest
import yaml
from pydantic import BaseModel

from models import schema
from models.scenario import build_scenario
from models.scorecard import central_values
from models.scoring import compile_scenario, score_all

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules"
RULES = {m.model_fields["kind"].annotation.__args__[0]: m for m in typing.get_args(typing.get_args(schema.Rule)[0])}
OTHER = {"steps": [schema.Steps], "scored": [schema.Scored], "conditions": [schema.Veto],
         "grades": [schema.Grades], "tables": [schema.TargetRow, schema.SurveyRow]}
LEAF_PAGES = {schema.Steps: "steps"}  # documented on their own page: a row names them, no nested rows
SKIP = {"kind", "source", "assumed"}


def _models_in(annotation) -> list[type[BaseModel]]:
    out = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    for a in typing.get_args(annotation):
        out += _models_in(a)
    return out


def _is_list(annotation) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    return any(_is_list(a) for a in typing.get_args(annotation) if not isinstance(a, (str, int, float)))


def expected_rows(model: type[BaseModel], prefix: str = "") -> dict[str, object]:
    """Field path → its field info, nested models walked (a list of models as ``name[].field``)."""
    rows = {}
    for name, f in model.model_fields.items():
        if name in SKIP:
            continue
        path = prefix + name
        rows[path] = f
        for sub in _models_in(f.annotation):
            if sub in LEAF_PAGES:
                continue
            rows.update(expected_rows(sub, path + ("[]." if _is_list(f.annotation) else ".")))
    return rows


def page_rows(text: str) -> dict[str, str]:
    """``| `name` | default | …`` rows of the page's ``## Parameters`` section."""
    out = {}
    section = text.split("## Parameters", 1)[-1].split("\n## ", 1)[0]
    for line in section.splitlines():
        m = re.match(r"^\|\s*`([^`]+)`\s*\|\s*([^|]*?)\s*\|", line)
        if m:
            out[m.group(1)] = m.group(2).strip().strip("`")
    return out


def default_ok(field, cell: str) -> bool:
    if field.is_required():
        return cell == "required"
    d = field.get_default(call_default_factory=True)
    if isinstance(d, BaseModel):
        return cell == "see below"
    if d is None:
        return cell == "—"
    if isinstance(d, bool):
        return cell == str(d).lower()
    if isinstance(d, (int, float)):
        try:
            return float(cell) == float(d)
        except ValueError:
            return False
    if isinstance(d, (list, dict)) and not d:
        return cell == ("[]" if isinstance(d, list) else "{}")
    return cell == str(d)


PAGES = sorted(RULES) + sorted(OTHER)


def test_every_rule_kind_has_a_page():
    assert sorted(p.stem for p in DOCS.glob("*.md") if p.stem != "README") == sorted(PAGES)
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    assert all(f"({p}.md)" in index for p in PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_parameters_match_the_models(page):
    text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    want = {}
    for m in ([RULES[page]] if page in RULES else OTHER[page]):
        want.update(expected_rows(m))
    got = page_rows(text)
    assert sorted(set(want) - set(got)) == [], "fields without a row"
    assert sorted(set(got) - set(want)) == [], "rows naming no field"
    wrong = {k: got[k] for k, f in want.items() if not default_ok(f, got[k])}
    assert wrong == {}, "defaults that differ from the model"


def _examples(text: str) -> list[dict]:
    return [yaml.safe_load(b) for b in re.findall(r"```yaml example\n(.*?)```", text, flags=re.S)]


def score_example(ex: dict) -> list:
    """Points of every row of an example: a row of ``values`` is one value for three counties (the
    home's points compared) or a list, one per county (every county's compared)."""
    ind = {"name": "x", "block": "b"} | ex["indicator"]
    counties = ex.get("counties", ["甲", "乙", "丙"])
    data = {"scenario": {"name": "doc", "year": 2024, "elapsed": 0.5, "home": counties[0]},
            "counties": [{"name": c, "peer_class": "k"} for c in counties],
            "assessments": [{"name": "a", "blocks": [{"name": "b"}], "indicators": [ind],
                             "grades": {"by": "rank", "levels": [{"grade": "一等", "max_rank": 1}, {"grade": "二等"}]}}]}
    out = []
    for row in ex.get("values", [None]):
        vals = row if isinstance(row, list) else [row] * len(counties)
        f = None if row is None else "county,indicator,dist,mean\n" + "".join(
            f"{c},{ind['name']},fixed,{v}\n" for c, v in zip(counties, vals))
        scn = build_scenario(data, f, None, targets_text=ex.get("targets"), surveys_text=ex.get("surveys"))
        cs = compile_scenario(scn)
        res = score_all(central_values(scn, cs), cs)[0]
        p = (res.points + res.over)[:, 0]
        out.append(p.tolist() if isinstance(row, list) or row is None else float(p[0]))
    return out


@pytest.mark.parametrize("page", PAGES)
def test_worked_examples_score_as_the_page_says(page):
    text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    exs = _examples(text)
    if page in RULES or page == "scored":
        assert exs, "a rule page needs a worked example (```yaml example)"
    for ex in exs:
        got = score_example(ex)
        np.testing.assert_allclose(np.array(got, dtype=float), np.array(ex["points"], dtype=float), atol=1e-9)


@pytest.mark.parametrize("page", sorted(RULES))
def test_rule_pages_quote_a_real_scheme(page):
    text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    assert "## From a real scheme" in text
    quote = text.split("## From a real scheme", 1)[1]
    assert re.search(r"^> .*[\u4e00-\u9fff]", quote, flags=re.M), "quote the sentence (> …)"
