"""The one solver seam: a MILP in matrix form in, a :class:`SolveResult` out.

HiGHS (through ``highspy``) is the default; CBC (the binary bundled with PuLP, driven through
PuLP's 4.0-ready ``COIN_CMD``) is the fallback when highspy is missing or when asked.

Status words: ``optimal`` (proven within the gap asked for), ``time_limit_feasible`` (stopped
by the time limit with a plan: reported with its bound and gap, never called optimal; the plan
then depends on the machine's speed), ``node_limit_feasible`` (stopped by ``node_limit``, a
deterministic limit on branch-and-bound nodes, with a plan: the same plan and bound on any
machine, never called optimal), ``infeasible``, ``failed``. PuLP 3.3 reports ``Optimal`` in ``prob.status`` when a time
limit stops CBC; only ``prob.sol_status`` tells the two apart (DESIGN §6), so it is read here.
"""
from __future__ import annotations

import math
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .i18n import N_, _, translate

INTEGRALITY_TOL = 1e-9
STATUS_WORDS = {"optimal": N_("最优"), "time_limit_feasible": N_("时限内可行"),
                "node_limit_feasible": N_("节点上限内可行"), "infeasible": N_("不可行"),
                "failed": N_("求解失败"), "saa": N_("SAA 推荐方案")}  # status code -> the word a table shows


def status_word(status: str) -> str:
    """A solve's status (a code such as 'time_limit_feasible', kept for programs and JSON) as a table
    shows it, in the language in use; a code this module does not make passes unchanged."""
    return translate(STATUS_WORDS[status]) if status in STATUS_WORDS else status


@dataclass
class Problem:
    """A MILP: optimise ``c·v + obj_const`` over columns v with bounds, integrality and rows
    ``row_lo ≤ A v ≤ row_hi``. Build with :meth:`add_var` / :meth:`add_row`."""

    name: str = "kaoping"
    sense: str = "max"  # 'max' | 'min'
    obj_const: float = 0.0
    col_names: list = field(default_factory=list)
    lb: list = field(default_factory=list)
    ub: list = field(default_factory=list)
    integer: list = field(default_factory=list)
    cost: list = field(default_factory=list)
    rows_idx: list = field(default_factory=list)
    rows_val: list = field(default_factory=list)
    row_lo: list = field(default_factory=list)
    row_hi: list = field(default_factory=list)
    start: dict = field(default_factory=dict)  # column -> warm-start value

    @property
    def n_cols(self) -> int:
        return len(self.lb)

    @property
    def n_rows(self) -> int:
        return len(self.row_lo)

    @property
    def n_integer(self) -> int:
        return int(sum(self.integer))

    def add_var(self, name: str, lb: float = 0.0, ub: float = 1.0, integer: bool = True, cost: float = 0.0) -> int:
        self.col_names.append(name)
        self.lb.append(float(lb))
        self.ub.append(float(ub))
        self.integer.append(bool(integer))
        self.cost.append(float(cost))
        return len(self.lb) - 1

    def add_row(self, idx, val, lo: float = -math.inf, hi: float = math.inf) -> None:
        idx = np.asarray(idx, dtype=np.int64)
        val = np.asarray(val, dtype=float)
        keep = np.abs(val) > 1e-13  # float noise from differences of equal sums

        idx, val = idx[keep], val[keep]
        if len(idx) and len(np.unique(idx)) != len(idx):  # merge repeated columns
            u, inv = np.unique(idx, return_inverse=True)
            val = np.bincount(inv, weights=val, minlength=len(u))
            idx = u
        if not len(idx):
            if lo > 1e-9 or hi < -1e-9:
                # an empty row that cannot hold: keep it so the solver reports infeasibility
                idx, val = np.array([0], dtype=np.int64), np.array([0.0])
            else:
                return
        self.rows_idx.append(idx)
        self.rows_val.append(val)
        self.row_lo.append(float(lo))
        self.row_hi.append(float(hi))

    def value(self, v: np.ndarray) -> float:
        return float(np.dot(self.cost, v) + self.obj_const)

    def to_pulp(self, names: list[str] | None = None, constant: bool = True):
        """The same MILP as a PuLP problem (4.0-ready API): ``(LpProblem, columns)``.

        ``names``: LP-safe column names (default v0, v1, …); ``constant``: include ``obj_const``
        in the objective (CBC's log reports bounds without it, so the solve leaves it out)."""
        import pulp

        prob = pulp.LpProblem(self.name, pulp.LpMaximize if self.sense == "max" else pulp.LpMinimize)
        cols = []
        for k in range(self.n_cols):
            lb = self.lb[k] if math.isfinite(self.lb[k]) else None
            ub = self.ub[k] if math.isfinite(self.ub[k]) else None
            cols.append(prob.add_variable(names[k] if names else f"v{k}", lb, ub,
                                          pulp.LpInteger if self.integer[k] else pulp.LpContinuous))
        prob.setObjective(pulp.LpAffineExpression([(cols[k], c) for k, c in enumerate(self.cost) if c != 0.0])
                          + (float(self.obj_const) if constant else 0.0))
        for r, (idx, val) in enumerate(zip(self.rows_idx, self.rows_val)):
            e = pulp.LpAffineExpression([(cols[i], v) for i, v in zip(idx.tolist(), val.tolist())])
            lo, hi = self.row_lo[r], self.row_hi[r]
            if lo == hi:
                prob.addConstraint(e == lo, f"r{r}")
                continue
            if math.isfinite(lo):
                prob.addConstraint(e >= lo, f"r{r}_lo")
            if math.isfinite(hi):
                prob.addConstraint(e <= hi, f"r{r}_hi")
        return prob, cols


@dataclass(frozen=True)
class SolveResult:
    status: str  # optimal | time_limit_feasible | node_limit_feasible | infeasible | failed
    objective: float | None
    bound: float | None
    gap: float | None
    values: np.ndarray | None
    solver: str
    version: str
    seconds: float
    message: str = ""

    @property
    def has_plan(self) -> bool:
        return self.values is not None and self.status in ("optimal", "time_limit_feasible", "node_limit_feasible")

    @property
    def by_clock(self) -> bool:
        """Stopped by the time limit: the plan and bound depend on the machine's speed."""
        return self.status == "time_limit_feasible"


def _rounded(p: Problem, values: np.ndarray) -> np.ndarray:
    """Integer columns rounded (CBC writes binaries like −6.6e-06); the objective is then
    recomputed from these values, so it is the value of a truly integral point."""
    ints = np.asarray(p.integer, dtype=bool)
    out = values.astype(float).copy()
    out[ints] = np.round(out[ints])
    return out


def highs_available() -> bool:
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return True


def choose_solver(asked: str | None) -> str:
    """The solver to use: 'highs' by default, 'cbc' when asked or when highspy is missing."""
    if asked not in (None, "highs", "cbc"):
        raise ValueError(_("unknown solver '{solver}': use highs or cbc").format(solver=asked))
    if asked == "cbc" or not highs_available():
        return "cbc"
    return "highs"


def rel_gap(obj: float | None, bound: float | None) -> float | None:
    if obj is None or bound is None or not math.isfinite(bound):
        return None
    return abs(bound - obj) / max(abs(obj), 1e-10) if abs(bound - obj) > 1e-9 else 0.0


def solve(problem: Problem, solver: str | None = "highs", time_limit: float | None = 60.0, gap: float = 0.0,
          threads: int = 1, msg: bool = False, progress=None, node_limit: int | None = None,
          sub_mips: bool = True) -> SolveResult:
    """Solve ``problem``; see the module docstring for the status words. ``node_limit``: at most
    this many branch-and-bound nodes (deterministic: the same result on any machine, unlike the
    time limit). ``sub_mips=False``: HiGHS without its RINS and RENS heuristics (sub-MIPs that take
    most of the root's time; with a good warm start the search does without them).
    ``progress(incumbent, bound)`` is called about twice a second while HiGHS
    searches (values in the problem's own sense, None until known); CBC reports nothing while it
    runs."""
    name = choose_solver(solver)
    if name == "highs":
        return _solve_highs(problem, time_limit, gap, threads, msg, progress, node_limit, sub_mips)
    return _solve_cbc(problem, time_limit, gap, threads, msg, node_limit)


def cbc_version() -> str | None:
    """Version of the CBC binary bundled with PuLP (``cbc -quit`` prints it), or None."""
    import subprocess

    try:
        from pulp.apis.coin_api import pulp_cbc_path

        r = subprocess.run([pulp_cbc_path, "-quit"], capture_output=True, text=True, timeout=10)
        m = re.search(r"Version:\s*(\S+)", r.stdout)
        return m.group(1) if m else None
    except (ImportError, OSError, subprocess.SubprocessError):
        return None


# --------------------------------------------------------------------------- HiGHS


def _new_highs(highspy):
    """A Highs instance; its start-up banner (written once per process on stdout) is kept off
    stdout, which belongs to --json output."""
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            h = highspy.Highs()
        finally:
            os.close(null)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return h


def _watch(h, p: Problem, progress) -> None:
    """Report HiGHS's incumbent and bound to ``progress`` from its MIP callback, twice a second."""
    sign = -1.0 if p.sense == "max" else 1.0
    last = [0.0]

    def on_event(e):
        now = time.perf_counter()
        if now - last[0] < 0.5:
            return
        last[0] = now
        out = e.data_out
        inc, bd = sign * out.mip_primal_bound + p.obj_const, sign * out.mip_dual_bound + p.obj_const
        progress(inc if math.isfinite(inc) else None, bd if math.isfinite(bd) else None)

    h.cbMipInterrupt += on_event


def _solve_highs(p: Problem, time_limit, gap, threads, msg, progress=None, node_limit=None, sub_mips=True) -> SolveResult:
    import highspy

    h = _new_highs(highspy)
    h.setOptionValue("output_flag", bool(msg))
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    if node_limit is not None:
        h.setOptionValue("mip_max_nodes", int(node_limit))
    if not sub_mips:
        h.setOptionValue("mip_heuristic_run_rins", False)
        h.setOptionValue("mip_heuristic_run_rens", False)
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", 0)
    # an exact tie under home_loses is told apart by a margin of 1e-6 points on rows whose
    # right-hand side can reach ~1e3: the default integrality tolerance (1e-6) would let a
    # binary sit at 1 − 1e-9·need and claim the draw; 1e-9 keeps the model exact
    h.setOptionValue("mip_feasibility_tolerance", INTEGRALITY_TOL)
    version = f"HiGHS {h.version()}" if hasattr(h, "version") else "HiGHS"
    inf = highspy.kHighsInf
    n = p.n_cols
    lb = np.array(p.lb)
    ub = np.array(p.ub)
    h.addVars(n, np.where(np.isfinite(lb), lb, -inf), np.where(np.isfinite(ub), ub, inf))
    sign = -1.0 if p.sense == "max" else 1.0  # HiGHS minimises
    h.changeColsCost(n, np.arange(n, dtype=np.int32), sign * np.array(p.cost))
    ints = np.flatnonzero(p.integer).astype(np.int32)
    if len(ints):
        h.changeColsIntegrality(len(ints), ints, np.full(len(ints), highspy.HighsVarType.kInteger))
    m = p.n_rows
    if m:
        lens = np.array([len(i) for i in p.rows_idx])
        starts = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int32)
        idx = np.concatenate(p.rows_idx).astype(np.int32)
        val = np.concatenate(p.rows_val)
        lo = np.array(p.row_lo)
        hi = np.array(p.row_hi)
        h.addRows(m, np.where(np.isfinite(lo), lo, -inf), np.where(np.isfinite(hi), hi, inf), len(idx), starts, idx, val)
    if p.start:
        cols = np.array(sorted(p.start), dtype=np.int32)
        vals = np.array([p.start[c] for c in cols], dtype=float)
        h.setSolution(len(cols), cols, vals)
    if progress is not None and len(ints):
        _watch(h, p, progress)
    t0 = time.perf_counter()
    h.run()
    secs = time.perf_counter() - t0
    ms = h.getModelStatus()
    info = h.getInfo()
    S = highspy.HighsModelStatus
    has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = _rounded(p, np.array(h.getSolution().col_value)) if has_sol else None
    obj = p.value(values) if has_sol else None
    bound = sign * info.mip_dual_bound + p.obj_const if len(ints) else obj
    if ms == S.kOptimal:
        status = "optimal"
        bound = obj if not len(ints) else bound
    elif ms == S.kInfeasible:
        return SolveResult("infeasible", None, None, None, None, "highs", version, secs, _("the constraints admit no plan"))
    elif has_sol and ms == S.kSolutionLimit and node_limit is not None:
        status = "node_limit_feasible"  # HiGHS reports its node limit as a solution limit
    elif has_sol and ms in (S.kTimeLimit, S.kIterationLimit, S.kSolutionLimit, S.kInterrupt):
        status = "time_limit_feasible"
    else:
        return SolveResult("failed", None, None, None, None, "highs", version, secs, h.modelStatusToString(ms))
    if bound is not None and not math.isfinite(bound):
        bound = None
    return SolveResult(status, obj, bound, rel_gap(obj, bound), values, "highs", version, secs, h.modelStatusToString(ms))


# --------------------------------------------------------------------------- CBC through PuLP


CBC_WORKDIR = "kaoping-cbc-"  # + pid + random: the private folder of one CBC solve (its .mps, .mst, .sol, log)


def _die_with_parent(parent: int):
    """For the CBC child (Linux): be killed when the parent process dies, even by SIGKILL."""
    def setup():
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)
    return setup


def _remove_stale_workdirs() -> None:
    """Remove the CBC folders of processes that are gone (killed by SIGKILL or a power cut)."""
    import shutil

    for d in Path(tempfile.gettempdir()).glob(f"{CBC_WORKDIR}*"):
        m = re.fullmatch(re.escape(CBC_WORKDIR) + r"(\d+)-.*", d.name)
        if m and d.is_dir() and not pid_alive(int(m.group(1))):
            shutil.rmtree(d, ignore_errors=True)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id is running (a folder named after it is still in use)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run_child(args: list[str], log: str) -> int:
    """Run CBC; on any interruption (Ctrl-C, SIGTERM turned into an exception, an error) kill it and
    wait for it, so that no solver is left running to its time limit."""
    import subprocess
    import sys

    with open(log, "w", encoding="utf-8") as out:
        kw = {"preexec_fn": _die_with_parent(os.getpid())} if sys.platform.startswith("linux") else {}
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kw)
        try:
            return proc.wait()
        except BaseException:
            proc.kill()
            proc.wait()
            raise


def _solve_cbc(p: Problem, time_limit, gap, threads, msg, node_limit=None) -> SolveResult:
    """CBC on the MPS file PuLP writes, run as a child this process owns: killed with it, its files in
    a private folder removed on every exit (and, after a SIGKILL, by the next CBC solve)."""
    import shutil

    import pulp
    from pulp.apis.coin_api import pulp_cbc_path

    prob, cols = p.to_pulp(constant=False)
    for k, v in p.start.items():
        cols[k].setInitialValue(v)
    # CBC 2.10.3's integer preprocessing returned wrong "optimal" plans on small models of
    # this kind (tests/test_milp.py found one: 0.624 claimed optimal against 0.8); it stays off.
    cmd = pulp.COIN_CMD(path=pulp_cbc_path, msg=False, timeLimit=time_limit, gapRel=gap, threads=threads,
                        warmStart=bool(p.start), options=["preprocess off", f"integerT {INTEGRALITY_TOL}"])
    _remove_stale_workdirs()
    work = tempfile.mkdtemp(prefix=f"{CBC_WORKDIR}{os.getpid()}-")
    try:
        mps, mst, sol, log = (os.path.join(work, f"problem.{x}") for x in ("mps", "mst", "sol", "log"))
        was_none, dummy = prob.fixObjective()
        vs, vnames, cnames, _rows = prob.writeMPS(mps, rename=1)
        args = [pulp_cbc_path, mps] + (["-max"] if prob.sense == pulp.LpMaximize else [])
        if p.start:
            cmd.writesol(mst, prob, vs, vnames, cnames)
            args += ["-mips", mst]
        if time_limit is not None:
            args += ["-sec", str(time_limit)]
        if node_limit is not None:
            args += ["-maxNodes", str(int(node_limit))]
        for option in cmd.options + cmd.getOptions():
            args += ("-" + option).split()
        args += ["-solve", "-printingOptions", "all", "-solution", sol]
        t0 = time.perf_counter()
        code = _run_child(args, log)
        secs = time.perf_counter() - t0
        with open(log, encoding="utf-8", errors="replace") as f:
            text = f.read()
        if code != 0 or not os.path.exists(sol):
            return SolveResult("failed", None, None, None, None, "cbc", "CBC", secs,
                               _("CBC exited with code {code}").format(code=code))
        status, values, _duals, _slacks, _reduced, sol_status = cmd.readsol_MPS(sol, prob, vs, vnames, cnames)
        prob.assignVarsVals(values)
        prob.assignStatus(status, sol_status)
        prob.restoreObjective(was_none, dummy)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ver = re.search(r"Version:\s*(\S+)", text)
    version = f"CBC {ver.group(1)}" if ver else "CBC"
    if prob.status == pulp.LpStatusInfeasible or "infeasible" in text.lower().split("result -")[-1][:80]:
        return SolveResult("infeasible", None, None, None, None, "cbc", version, secs, _("the constraints admit no plan"))
    if prob.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        return SolveResult("failed", None, None, None, None, "cbc", version, secs, pulp.LpStatus.get(prob.status, "?"))
    values = _rounded(p, np.array([c.varValue if c.varValue is not None else 0.0 for c in cols]))
    objective = p.value(values)
    if prob.sol_status == pulp.LpSolutionOptimal:
        return SolveResult("optimal", objective, objective, 0.0, values, "cbc", version, secs, "optimal")
    # stopped early: CBC's log carries the bound in the problem's own sense, without the constant
    bound = None
    m = re.search(r"(Upper|Lower) bound:\s*([-+0-9.eE]+)", text)
    if m and ((m.group(1) == "Upper") == (p.sense == "max")):
        bound = float(m.group(2)) + p.obj_const
    result = text.split("Result -")[-1][:80].lower()
    if node_limit is not None and "node" in result:
        return SolveResult("node_limit_feasible", objective, bound, rel_gap(objective, bound), values, "cbc", version,
                           secs, "stopped on the node limit")
    return SolveResult("time_limit_feasible", objective, bound, rel_gap(objective, bound), values, "cbc", version, secs,
                       "stopped on the time limit")
