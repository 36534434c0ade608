"""The shipped scenarios travel with the package: a wheel built from the checkout holds them, and
``kaoping`` run from any folder finds them by name."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kaoping.shipped import SHIPPED, resolve, shipped_names

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_names_are_the_scenario_folders():
    assert {"sanmen", "district"} <= set(shipped_names())
    assert SHIPPED.resolve() == (ROOT / "scenarios").resolve()


def test_a_name_resolves_to_the_shipped_folder_unless_a_folder_of_that_name_is_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve("sanmen") == SHIPPED / "sanmen"
    (tmp_path / "sanmen").mkdir()
    assert resolve("sanmen") == Path("sanmen")  # the user's own folder wins
    assert resolve("nowhere") == Path("nowhere")  # left for the loader to report


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    (whl,) = out.glob("kaoping-*.whl")
    return whl


def test_the_wheel_holds_every_shipped_scenario_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in shipped_names():
        for f in (SHIPPED / name).iterdir():
            if f.is_file():
                assert f"kaoping/scenarios/{name}/{f.name}" in names
    assert "kaoping/scenarios/schema.json" in names


def test_kaoping_from_an_unpacked_wheel_scores_a_shipped_scenario_from_any_folder(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import kaoping; from kaoping.cli import main; "
            "assert kaoping.__file__.startswith(sys.argv[1]), kaoping.__file__; sys.exit(main(sys.argv[2:]))")
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    r = subprocess.run([sys.executable, "-c", code, str(site), "score", "sanmen", "--json"], cwd=elsewhere,
                       capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout)
    assert out["scenario"] == "sanmen"
