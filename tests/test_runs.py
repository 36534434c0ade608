"""Run folders: atomic, never overwritten; manifest hashes; reproduce says MATCH (一致) or names the first difference.

Hand-checked numbers (tests/data/tiny, home county A): exports 4.5 against basic 4 / full 5 earns
6 + (4.5 − 4)/(5 − 4)·(10 − 6) = 8 points; energy 0.82 against basic 0.8 (lower is better) is
0.02 short, minus 1 point per 0.01 → −2. A's total is 6. With exports edited to 4.7 the points
become 6 + 0.7·4 = 8.8 and the total 6.8; C (70) and B (19) keep ranks 1 and 2, so the first
number that differs is A's total on row 3 of the county table.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pulp
import pytest

from kaoping import manifest as mf
from kaoping.cli import main
from kaoping.runs import RunFolder, capture
from models.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny"


@pytest.fixture
def tiny(tmp_path) -> Path:
    d = tmp_path / "tiny"
    shutil.copytree(TINY, d)
    return d


def partials(parent: Path) -> list[Path]:
    return [p for p in parent.iterdir() if ".partial-" in p.name]


def test_fresh_run_folder_contents_and_hashes(tiny, tmp_path, capsys):
    out = tmp_path / "run1"
    assert main(["score", str(tiny), "--out", str(out)]) == 0
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert names == {"manifest.json", "results.json", "results.xlsx", "report.html", "main-counties.csv",
                     "main-home.csv", "figures/main-home.png", "scenario/scenario.yaml", "scenario/forecasts.csv"}
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = man["scenarios"][0]["files_sha256"]
    assert files[str(tiny / "scenario.yaml")] == hashlib.sha256((tiny / "scenario.yaml").read_bytes()).hexdigest()
    assert files[str(tiny / "forecasts.csv")] == hashlib.sha256((tiny / "forecasts.csv").read_bytes()).hexdigest()
    assert man["argv"] == ["score", str(tiny), "--out", str(out)]
    # tiny has no simulation section: the schema's defaults are recorded
    assert (man["seed"], man["draws"], man["chunk"]) == (20_120_901, 10_000, None)  # chunk: from the memory budget
    assert man["versions"]["pulp"] == pulp.__version__ and man["versions"]["python"].count(".") == 2
    import importlib.metadata
    assert man["versions"]["HiGHS"] == importlib.metadata.version("highspy") and man["versions"]["CBC"].startswith("2.")
    assert man["resolved_scenarios"][0]["spec"]["scenario"]["home"] == "A"
    assert [f["mean"] for f in man["resolved_scenarios"][0]["forecasts"]] == [4.5, 0.82, 5.2, 0.75]
    recorded = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert man["results_sha256"] == mf.results_hash(recorded)
    counties = recorded["tables"]["main-counties"]
    assert counties["rows"] == [["C", 70.0, 1, "一等", False, True], ["B", 19.0, 2, "二等", False, True],
                                ["A", 6.0, 3, "三等", True, True]]
    capsys.readouterr()
    assert main(["reproduce", str(out)]) == 0
    assert capsys.readouterr().out.strip() == "一致"


def test_reproduce_names_changed_file_and_first_difference(tiny, tmp_path, capsys):
    """The run re-runs from its own scenario copy (MATCH, the edited original named as a note);
    ``--scenario`` re-runs on the scenario as it is now and finds the first difference."""
    out = tmp_path / "run"
    assert main(["score", str(tiny), "--out", str(out)]) == 0
    f = tiny / "forecasts.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("A,exports,normal,4.5,0.2", "A,exports,normal,4.7,0.2"), encoding="utf-8")
    capsys.readouterr()
    assert main(["reproduce", str(out)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith(f"运行之后情景文件有改动：{f}（") and lines[-1] == "一致"
    assert main(["reproduce", str(out), "--scenario", str(tiny)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith(f"运行之后情景文件有改动：{f}（")
    assert lines[-1] == "不一致：第一处不同在 tables.main-counties[row 3].总分 [分]：记录为 6.0，现在为 6.8"
    assert main(["reproduce", str(out), "--json", "--scenario", str(tiny)]) == 1
    v = json.loads(capsys.readouterr().out)
    assert v["first_difference"] == {"path": "tables.main-counties[row 3].总分 [分]", "recorded": 6.0, "now": 6.8}
    assert v["changed_files"] == [str(f)]


def test_refuses_to_overwrite(tiny, tmp_path, capsys, english):
    out = tmp_path / "exists"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["score", str(tiny), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["score", str(tiny), "--out", str(empty)]) == 2  # even an empty folder is not replaced
    assert list(empty.iterdir()) == []
    assert partials(tmp_path) == []


def test_save_names_folders_by_scenario_and_utc_stamp_never_reusing_one(tiny, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["score", str(tiny), "--save"]) == 0
    assert main(["score", str(tiny), "--save"]) == 0
    runs = sorted(p.name for p in (tmp_path / "runs").iterdir())
    assert len(runs) == 2
    import re
    assert all(re.fullmatch(r"tiny-\d{8}T\d{6}Z(-\d+)?", r) for r in runs)
    a, b = (json.loads((tmp_path / "runs" / r / "manifest.json").read_text())["results_sha256"] for r in runs)
    assert a == b


def _args(out, **kw):
    return argparse.Namespace(out=str(out) if out else None, save=False, _argv=["test"], **kw)


def test_error_inside_a_run_leaves_nothing(tmp_path):
    scn = load_scenario(TINY)
    out = tmp_path / "r"
    with pytest.raises(ZeroDivisionError):
        with RunFolder.open(_args(out), scn, command="t") as run:
            run.text("a", "partial text")
            assert run.tmp.is_dir() and (run.tmp / "a.txt").is_file()
            1 / 0
    assert not out.exists() and partials(tmp_path) == []


def test_results_problem_and_recorded_settings(tmp_path):
    """A 2-variable MILP: max 3x + 2y, x + y ≤ 4, x + 3y ≤ 6, integers ≥ 0 → x = 4, y = 0, objective 12."""
    scn = load_scenario(TINY)
    prob = pulp.LpProblem("t", pulp.LpMaximize)
    x = prob.add_variable("x", 0, cat="Integer")
    y = prob.add_variable("y", 0, cat="Integer")
    prob += 3 * x + 2 * y
    prob += x + y <= 4
    prob += x + 3 * y <= 6
    # CBC as a subprocess: pulp.HiGHS in this process would leave HiGHS's global thread pool at its
    # default size, and the optimizer's later highspy solves (threads=1) then fail with "Not Set".
    from pulp.apis.coin_api import pulp_cbc_path
    prob.solve(pulp.COIN_CMD(path=pulp_cbc_path, msg=False))
    out = tmp_path / "r"
    with RunFolder.open(_args(out, seed=7, draws=500), scn, command="t", chunk=100) as run:
        with run.timer("solve"):
            run.problem(prob)
        run.results({"objective": pulp.value(prob.objective), "x": x.value(), "y": y.value()})
        run.meta(solver={"name": "CBC", "status": pulp.LpStatus[prob.status]})
    man = json.loads((out / "manifest.json").read_text())
    assert (man["seed"], man["draws"], man["chunk"]) == (7, 500, 100)
    assert man["meta"]["solver"] == {"name": "CBC", "status": "Optimal"}
    assert "solve" in man["timings_s"] and man["problem_files"] == ["problem.lp", "problem.mps"]
    lp = (out / "problem.lp").read_text()
    assert "3 x + 2 y" in lp and "x + 3 y <= 6" in lp
    assert json.loads((out / "results.json").read_text())["results"] == {"objective": 12.0, "x": 4.0, "y": 0.0}


def test_capture_without_out_writes_nothing_and_figures_are_not_drawn(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scn = load_scenario(TINY)
    drawn = []
    with capture() as got:
        with RunFolder.open(_args(None), scn, command="t") as run:
            run.results({"p": [0.25, 0.75]})
            run.figure("f", lambda: drawn.append(1))
            assert run.path is None and not run.writing
    assert drawn == [] and list(tmp_path.iterdir()) == []
    assert got == [{"command": "t", "seed": 20_120_901, "draws": 10_000, "chunk": None, "results": {"p": [0.25, 0.75]},
                    "tables": {}}]


def test_results_hash_rounds_to_12_significant_digits():
    a = {"p": 0.1 + 0.2, "n": 3, "nan": float("nan")}
    assert mf.results_hash(a) == mf.results_hash({"p": 0.3, "n": 3, "nan": float("nan")})  # 0.30000000000000004
    assert mf.results_hash(a) != mf.results_hash({"p": 0.3 + 1e-9, "n": 3, "nan": float("nan")})
    assert mf.first_difference({"a": [1.0, 2.0]}, {"a": [1.0, 2.5]}) == ("a", [1.0, 2.0], [1.0, 2.5])
    assert mf.first_difference({"a": {"x": 1, "y": 2}}, {"a": {"x": 1, "y": 3}}) == ("a.y", 2, 3)


SLOW_RUN = """
import sys, time
import kaoping.excel as ex
orig = ex.write_results_workbook
def slow(*a, **k):
    orig(*a, **k)
    print("WRITING", flush=True)
    time.sleep(120)
ex.write_results_workbook = slow
from kaoping.cli import main
sys.exit(main(["score", sys.argv[1], "--out", sys.argv[2]]))
"""


def _start_slow_run(tiny, out):
    proc = subprocess.Popen([sys.executable, "-c", SLOW_RUN, str(tiny), str(out)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if line.strip() != "WRITING":
        _, err = proc.communicate(timeout=60)
        pytest.fail(f"the slow run did not start writing: {err}")
    return proc


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_killed_run_leaves_no_folder(tiny, tmp_path, sig):
    """Defined behaviour: SIGTERM/SIGINT delete the partial folder; the final name never appears."""
    out = tmp_path / "killed"
    proc = _start_slow_run(tiny, out)
    [part] = partials(tmp_path)  # it has started writing: tables and results.xlsx are in the partial folder
    assert {"main-counties.csv", "main-home.csv", "results.xlsx"} <= {p.name for p in part.iterdir()}
    assert not out.exists()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert "已中断" in err and "Traceback" not in err
    assert not out.exists() and partials(tmp_path) == []


def test_sigkill_leaves_only_a_hidden_partial_that_the_next_run_removes(tiny, tmp_path):
    out = tmp_path / "killed"
    proc = _start_slow_run(tiny, out)
    proc.kill()
    proc.communicate(timeout=60)
    assert not out.exists()
    [part] = partials(tmp_path)
    assert part.name.startswith(f".killed.partial-{proc.pid}-") and not (part / "manifest.json").exists()
    assert main(["score", str(tiny), "--out", str(out)]) == 0
    assert (out / "manifest.json").is_file() and partials(tmp_path) == []


def test_reproduce_rejects_a_folder_that_is_not_a_run(tmp_path, capsys, english):
    assert main(["reproduce", str(tmp_path)]) == 2
    assert "not a run folder" in capsys.readouterr().err


def test_tables_csv_open_in_excel_and_keep_chinese(tiny, tmp_path):
    out = tmp_path / "r"
    assert main(["score", str(tiny), "--out", str(out)]) == 0
    raw = (out / "main-home.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert raw.decode("utf-8-sig").splitlines()[0].startswith("指标,单位,方向,板块,牵头单位,预测值,基本任务,满分,分值 [分],得分 [分]")



@pytest.fixture(scope="module")
def template_dir(tmp_path_factory) -> Path:
    """The Excel template imported: three counties, four indicators, effort curves (so optimize has levers)."""
    out = tmp_path_factory.mktemp("tpl") / "scn"
    assert main(["import-excel", str(ROOT / "scenarios" / "template.xlsx"), "-o", str(out)]) == 0
    return out


COMMANDS = {
    "score": ([], {"main"}),
    "simulate": (["--draws", "3000", "--seed", "5"], {"发展目标考核-rank-probs", "发展目标考核-grade-probs"}),
    "optimize": (["--draws", "60"], {"plan"}),
    "frontier": (["--budgets", "0,12", "--draws", "40"], {"frontier"}),
    "compare": (["--draws", "1000"], {"summary", "difference"}),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_computing_command_writes_a_run_that_reproduces(command, template_dir, tmp_path, capsys):
    extra, tables = COMMANDS[command]
    out = tmp_path / command
    assert main([command, str(template_dir), *extra, "--out", str(out)]) == 0
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert man["command"] == command and man["argv"][-2:] == ["--out", str(out)]
    recorded = json.loads((out / "results.json").read_text(encoding="utf-8"))
    if command == "score":
        tables = {"发展目标考核-counties", "发展目标考核-home"}
        # 示例县 at its forecasts: 8.4 + 8 + 6.8 + 9.5 = 32.7 (see test_excel)
        rows = {r[0]: r for r in recorded["tables"]["发展目标考核-counties"]["rows"]}
        assert rows["示例县"][1] == pytest.approx(32.7, abs=1e-9)
    assert tables <= set(recorded["tables"])
    if command == "simulate":
        assert (man["seed"], man["draws"]) == (5, 3000)
    if command == "optimize":
        assert man["meta"]["solver"]["solver_version"].startswith("HiGHS") and "seconds" not in recorded["results"]
        assert (out / "reasons.txt").read_text(encoding="utf-8").startswith("总预算 12")
    assert man["results_sha256"] == mf.results_hash(recorded)
    capsys.readouterr()
    assert main(["reproduce", str(out)]) == 0
    assert capsys.readouterr().out.strip() == "一致"


def test_json_output_stays_alone_on_stdout_when_writing_a_run(tiny, tmp_path, capsys, english):
    out = tmp_path / "r"
    assert main(["score", str(tiny), "--json", "--out", str(out)]) == 0
    cap = capsys.readouterr()
    doc = json.loads(cap.out)  # nothing but the JSON document on stdout
    assert doc["home"] == "A" and f"run folder: {out}" in cap.err


def test_solver_seam_problem_is_written_as_lp_and_mps(tmp_path):
    """The matrix-form Problem of optimizer.solver: max 3x + 2y, x + y ≤ 4, x + 3y ≤ 6, 0 ≤ x ≤ 4."""
    import math

    from optimizer.solver import Problem

    p = Problem(sense="max")
    x = p.add_var("x[出口]", 0, 4, True, 3.0)
    y = p.add_var("y", 0, math.inf, True, 2.0)
    p.add_row([x, y], [1, 1], hi=4)
    p.add_row([x, y], [1, 3], hi=6)
    out = tmp_path / "r"
    with RunFolder.open(_args(out), load_scenario(TINY), command="t") as run:
        run.problem(p)
    lp = (out / "problem.lp").read_text()
    assert "Maximize\nOBJ: 3 x + 2 y\n" in lp and "r0_hi: x + y <= 4" in lp and "r1_hi: x + 3 y <= 6" in lp
    assert "0 <= x <= 4" in lp and "Generals\nx\ny" in lp
    assert (out / "problem_columns.csv").read_text(encoding="utf-8-sig").splitlines() == ["LP name,column", "x,x[出口]", "y,y"]
    mps = (out / "problem.mps").read_text()
    assert "ROWS" in mps and "r1_hi" in mps


def test_reproduce_notices_an_edited_results_file(tiny, tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["score", str(tiny), "--out", str(out)]) == 0
    res = out / "results.json"
    res.write_text(res.read_text(encoding="utf-8").replace("19.0", "19.5", 1), encoding="utf-8")  # B's total
    capsys.readouterr()
    assert main(["reproduce", str(out)]) == 2  # a run folder that is not what the run wrote is bad input
    err = capsys.readouterr().err
    assert f"{res}：运行后被改动过（其 SHA-256 与 manifest.json 中的不同）" in err
    assert "请从运行文件夹的副本恢复这些文件，或重新运行该命令" in err  # restore these files…


def test_a_copied_run_folder_reproduces_after_the_scenario_folder_is_gone(tiny, tmp_path, capsys):
    """The run folder keeps scenario/ (the files as read): copied elsewhere, its scenario deleted, it MATCHes."""
    out = tmp_path / "run"
    assert main(["score", str(tiny), "--out", str(out)]) == 0
    assert (out / "scenario" / "forecasts.csv").read_bytes() == (tiny / "forecasts.csv").read_bytes()
    moved = tmp_path / "elsewhere" / "run"
    shutil.copytree(out, moved)
    shutil.rmtree(out)
    shutil.rmtree(tiny)
    capsys.readouterr()
    assert main(["reproduce", str(moved)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == "一致"
    assert [ln for ln in lines if ln.startswith("运行之后情景文件有改动：")] == [
        f"运行之后情景文件有改动：{tiny / n}（SHA-256 {mf.file_sha256(moved / 'scenario' / n)[:12]}… → 缺失）"
        for n in ("forecasts.csv", "scenario.yaml")]


def test_reproduce_names_package_versions_that_differ(tiny, tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    assert main(["score", str(tiny), "--out", str(out)]) == 0
    recorded = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["versions"]
    monkeypatch.setattr(mf, "versions", lambda: {**recorded, "numpy": "0.0.1"})
    capsys.readouterr()
    assert main(["reproduce", str(out)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [f"软件包版本与运行时不同：numpy {recorded['numpy']} → 0.0.1", "一致"]


def test_reproduce_writes_nothing_outside_its_temporary_folder(tiny, tmp_path, capsys, monkeypatch):
    """The recorded command wrote figures with --figures and the run with --out: the re-run writes neither."""
    monkeypatch.chdir(tmp_path)
    out, figs = tmp_path / "run", tmp_path / "figs"
    assert main(["simulate", str(tiny), "--draws", "500", "--seed", "3", "--figures", str(figs), "--out", str(out)]) == 0
    shutil.rmtree(figs)
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    capsys.readouterr()
    assert main(["reproduce", str(out)]) == 0
    assert capsys.readouterr().out.strip() == "一致"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before


def test_runs_saved_at_once_each_keep_their_results(tiny, tmp_path, monkeypatch):
    """Four --save runs opened before any finishes (as four processes in one second would) pick the same
    name; each finishing run claims the next free one: four folders, four results, none lost."""
    monkeypatch.chdir(tmp_path)
    scn = load_scenario(tiny)
    args = argparse.Namespace(out=None, save=True, _argv=["test"])
    with contextlib.ExitStack() as stack:
        runs = [stack.enter_context(RunFolder.open(args, scn, command="t")) for _ in range(4)]
        assert len({r.path for r in runs}) == 1
        for k, r in enumerate(runs):
            r.results({"k": k})
    names = sorted(p.name for p in (tmp_path / "runs").iterdir())
    base = names[0]
    assert names == [base] + [f"{base}-{k}" for k in (2, 3, 4)] and sorted(r.path.name for r in runs) == names
    got = sorted(json.loads((tmp_path / "runs" / n / "results.json").read_text())["results"]["k"] for n in names)
    assert got == [0, 1, 2, 3]


def test_an_edited_manifest_cannot_make_reproduce_write_anywhere(tiny, tmp_path, capsys):
    """A manifest edited (and even re-sealed) to re-run import-excel --force over a scenario folder is
    refused before anything runs; the scenario folder is untouched."""
    out = tmp_path / "run"
    assert main(["score", str(tiny), "--out", str(out)]) == 0
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    man.update(command="import-excel", argv=["import-excel", str(ROOT / "scenarios" / "template.xlsx"), "-o", str(tiny), "--force"])
    (out / "manifest.json").write_text(json.dumps(mf.seal(man), ensure_ascii=False), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tiny.iterdir()}
    capsys.readouterr()
    assert main(["reproduce", str(out)]) == 2
    assert "'import-excel' 不是 reproduce 会重跑的命令" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in tiny.iterdir()} == before
