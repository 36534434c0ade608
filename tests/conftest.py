"""Fixtures shared by the tests."""
from __future__ import annotations

import pytest

from models.i18n import set_language


@pytest.fixture(autouse=True)
def _chinese_by_default(monkeypatch):
    """Every test starts in the default language (Chinese), whatever the environment says."""
    monkeypatch.delenv("KAOPING_LANG", raising=False)
    set_language(None)
    yield
    set_language(None)


@pytest.fixture
def english(monkeypatch):
    """Run a test in English (messages and labels), as `--lang en` or KAOPING_LANG=en would; the
    processes it starts inherit KAOPING_LANG=en."""
    monkeypatch.setenv("KAOPING_LANG", "en")
    set_language("en")
    yield
    set_language(None)
