"""The three layers (ARCHITECTURE.md): models → optimizer → kaoping, each importing only the ones
below it, with no import cycle anywhere, and the outside libraries in their own rooms.

Imports are read with ``ast`` from every module's source (imports inside functions included),
so the check needs nothing to run."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("models", "optimizer", "kaoping")  # bottom to top
#: outside libraries that belong to one room only: library -> modules (or layers) allowed to import it
CONFINED = {
    "pulp": ("optimizer.solver",),
    "highspy": ("optimizer.solver",),
    "matplotlib": ("kaoping",),
    "openpyxl": ("kaoping",),
    "tqdm": ("kaoping",),
    "argparse": ("kaoping",),
    "dask": ("kaoping.distributed",),
    "distributed": ("kaoping.distributed",),
}


def module_sources(root: Path = ROOT) -> dict[str, str]:
    """Dotted module name -> source, for every module of the three layers."""
    out = {}
    for layer in LAYERS:
        for path in sorted((root / layer).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path.read_text(encoding="utf-8")
    return out


def _is_package(name: str, sources: dict[str, str]) -> bool:
    return any(m.startswith(name + ".") for m in sources)


def imports(sources: dict[str, str]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(edges between the layers' modules, outside top-level packages) per module."""
    edges: dict[str, set[str]] = {m: set() for m in sources}
    outside: dict[str, set[str]] = {m: set() for m in sources}
    for mod, src in sources.items():
        pkg = mod if _is_package(mod, sources) else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = pkg.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in sources else stem for a in node.names]
            else:
                continue
            for t in targets:
                hit = next((m for m in (t, t.rpartition(".")[0], t.split(".")[0]) if m in sources), None)
                if hit is not None and t.split(".")[0] in LAYERS:
                    if hit != mod:
                        edges[mod].add(hit)
                elif t.split(".")[0] not in LAYERS:
                    outside[mod].add(t.split(".")[0])
    return edges, outside


def layer_of(mod: str) -> int:
    return LAYERS.index(mod.split(".")[0])


def upward(edges: dict[str, set[str]]) -> list[str]:
    """Imports that go up a layer, as 'a -> b'."""
    return sorted(f"{a} -> {b}" for a, bs in edges.items() for b in bs if layer_of(b) > layer_of(a))


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def confined(outside: dict[str, set[str]]) -> list[str]:
    """Outside libraries imported outside their room, as 'module imports library'."""
    bad = []
    for mod, libs in outside.items():
        for lib in libs & set(CONFINED):
            if not any(mod == room or mod.startswith(room + ".") for room in CONFINED[lib]):
                bad.append(f"{mod} imports {lib}")
    return sorted(bad)


# --------------------------------------------------------------------------- the project


def test_every_layer_imports_only_the_layers_below():
    edges, _ = imports(module_sources())
    assert upward(edges) == []


def test_no_import_cycle_anywhere():
    edges, _ = imports(module_sources())
    assert cycles(edges) == []


def test_outside_libraries_stay_in_their_rooms():
    """PuLP and highspy behind the solver seam; terminal, plots and Excel in the application."""
    _, outside = imports(module_sources())
    assert confined(outside) == []


def test_python_m_kaoping_is_the_entry_point():
    assert (ROOT / "kaoping" / "__main__.py").is_file()
    assert not (ROOT / "optimizer" / "__main__.py").exists()


# --------------------------------------------------------------------------- the checks themselves can fail


@pytest.fixture
def project() -> dict[str, str]:
    return module_sources()


def test_a_models_module_importing_the_application_is_caught(project):
    """The note's demonstration: models/scoring.py importing kaoping.runs is an upward import."""
    src = dict(project)
    src["models.scoring"] += "\nfrom kaoping.runs import RunFolder\n"
    edges, _ = imports(src)
    assert upward(edges) == ["models.scoring -> kaoping.runs"]


def test_a_relative_upward_import_is_caught(project):
    src = dict(project)
    src["optimizer.plan"] += "\n\ndef f():\n    from ..kaoping import report\n"
    edges, _ = imports(src)
    assert "optimizer.plan -> kaoping.report" in upward(edges)


def test_a_cycle_is_caught(project):
    src = dict(project)
    src["models.rules"] += "\nfrom .scoring import score_all\n"  # scoring imports rules
    edges, _ = imports(src)
    assert ["models.rules", "models.scoring"] in cycles(edges)


def test_a_solver_import_outside_the_seam_is_caught(project):
    src = dict(project)
    src["optimizer.plan"] += "\nimport pulp\n"
    _, outside = imports(src)
    assert confined(outside) == ["optimizer.plan imports pulp"]
