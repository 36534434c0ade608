"""The catalogues: every string of ``_()`` and ``N_()`` in a layer's code has its other-language
translation in that layer's catalogue, with the same placeholders, and the compiled ``.mo`` files
are those of the ``.po`` files (``make i18n`` rebuilds both)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from models.i18n import LANGUAGES, language, set_language, source_language

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("models", "optimizer", "kaoping")
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:[:!][^{}]*)?\}(?!\})")


def msgids(layer: str) -> dict[str, str]:
    """msgid -> 'file:line' of its first use, for every literal first argument of _() and N_()."""
    out: dict[str, str] = {}
    for path in sorted((ROOT / layer).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
                    and node.args):
                arg = node.args[0]
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), (
                    f"{where}: {node.func.id}() needs a literal string (format it after translating)")
                out.setdefault(arg.value, where)
    return out


def catalogue(layer: str, lang: str):
    path = ROOT / layer / "locale" / lang / "LC_MESSAGES" / f"{layer}.po"
    assert path.is_file(), f"{path} is missing: run `make i18n`"
    with path.open("rb") as f:
        return read_po(f, locale=lang)


@pytest.mark.parametrize("layer", LAYERS)
def test_every_string_has_its_translation(layer):
    ids = msgids(layer)
    cats = {lang: catalogue(layer, lang) for lang in LANGUAGES}
    missing, wrong = [], []
    for msgid, where in ids.items():
        if not re.search(r"[A-Za-z\u3400-\u9fff]", PLACEHOLDER.sub("", msgid)):
            continue  # nothing to translate ('{a} / {b}')
        target = "en" if source_language(msgid) == "zh" else "zh"
        m = cats[target].get(msgid)
        if m is None or not m.string:
            missing.append(f"{where} [{target}] {msgid!r}")
        elif set(PLACEHOLDER.findall(m.string)) != set(PLACEHOLDER.findall(msgid)):
            wrong.append(f"{where} [{target}] {msgid!r} -> {m.string!r}")
    assert not missing, f"{len(missing)} untranslated (write them in the .po and run `make i18n`):\n" + "\n".join(missing[:40])
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogues_are_current(layer, lang):
    """The .mo holds exactly the .po's translations (headers aside: they name the Babel version)."""
    mo = ROOT / layer / "locale" / lang / "LC_MESSAGES" / f"{layer}.mo"
    assert mo.is_file(), f"{mo} is missing: run `make i18n`"
    with mo.open("rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id and m.string}
    written = {m.id: m.string for m in catalogue(layer, lang) if m.id and m.string and not m.fuzzy}
    assert compiled == written, f"{mo} is stale: run `make i18n`"


def test_language_follows_the_environment_and_set_language(monkeypatch):
    monkeypatch.delenv("KAOPING_LANG", raising=False)
    assert language() == "zh"
    monkeypatch.setenv("KAOPING_LANG", "en_US.UTF-8")
    assert language() == "en"
    monkeypatch.setenv("KAOPING_LANG", "fr")
    assert language() == "zh"  # an unknown language falls back to Chinese
    set_language("en")
    try:
        monkeypatch.setenv("KAOPING_LANG", "zh")
        assert language() == "en"
    finally:
        set_language(None)
    with pytest.raises(ValueError):
        set_language("de")


@pytest.mark.parametrize("layer", LAYERS)
def test_no_function_hides_the_translator(layer):
    """A function that assigns ``_`` (``a, _ = …``, ``for _, x in …``) makes ``_`` local to it, so its
    ``_("…")`` calls fail (UnboundLocalError, or "'str' object is not callable" once ``_`` holds a
    string): no function of a layer may do both."""
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
              ast.GeneratorExp)

    def own(scope):  # the nodes of a scope, without those of the scopes nested in it
        stack = list(ast.iter_child_nodes(scope))
        while stack:
            n = stack.pop()
            yield n
            if not isinstance(n, scopes + (ast.ClassDef,)):
                stack.extend(ast.iter_child_nodes(n))

    bad = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(fn, scopes):
                hides = any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store) for n in own(fn))
                calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_"
                            for n in ast.walk(fn))
                if hides and calls:
                    bad.append(f"{path.relative_to(ROOT)}:{fn.lineno}")
    assert not bad, bad
