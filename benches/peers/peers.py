#!/usr/bin/env python3
"""Side-by-side benchmark: PuLP + bundled CBC, HiGHS (highspy) and `consolidate plan` on the same instances.

Run through benches/peers/run.sh, which provides the virtual environment. See benches/peers/README.md.

Every tool solves the same MILP (the one `consolidate import` writes for `plan`):
  min  sum_i f_i y_i + sum_ij c_ij x_ij
  s.t. sum_i x_ij = 1                 for every customer j   (assignment)
       sum_j d_j x_ij <= s_i y_i      for every facility i   (capacity)
       x_ij <= y_i                    for every pair         (link)
       y_i in {0,1};  x_ij in [0,1] (OR-Library, splittable) or {0,1} (Holmberg, single source)
where c_ij is the cost of serving ALL of customer j's demand from facility i (both file formats).

Each solve runs in its own child process, so that its peak resident memory (ru_maxrss from wait4) is its own.
"""

import argparse
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "bench"
DEFAULT_SPECS = [f"orlib:{SHARED / 'orlib_cap' / f'{n}.txt'}" for n in ("cap41", "cap71", "cap101", "cap131")] + [
    f"holmberg:{SHARED / 'sscflp_holmberg' / f'p{k}'}" for k in range(1, 6)
]
TOOLS = ("cbc", "highs", "ours")
REL_TOL = 1e-6


# ---------------------------------------------------------------------------------------------------------------
# Instances


class Instance:
    def __init__(self, spec, fmt, path, capacity, name):
        self.spec, self.format, self.path, self.capacity, self.name = spec, fmt, Path(path), capacity, name
        self.uses_word = False
        self._parse()

    def _parse(self):
        tokens = self.path.read_text().replace("\0", " ").split()
        pos = 0

        def take():
            nonlocal pos
            pos += 1
            return tokens[pos - 1]

        m, n = int(take()), int(take())
        self.m, self.n = m, n
        self.cap, self.fixed = [], []
        for _ in range(m):
            t = take()
            if t.lower() == "capacity":
                self.uses_word = True
                if self.capacity is None:
                    sys.exit(f"{self.path}: capacities are the word 'capacity'; give orlib:FILE:N or --capacity N")
                self.cap.append(float(self.capacity))
            else:
                self.cap.append(float(t))
            self.fixed.append(float(take()))
        if self.format == "orlib":
            self.demand, self.cost = [], []  # cost[j][i]
            for _ in range(n):
                self.demand.append(float(take()))
                self.cost.append([float(take()) for _ in range(m)])
        else:
            self.demand = [float(take()) for _ in range(n)]
            rows = [[float(take()) for _ in range(n)] for _ in range(m)]  # facility-major in the file
            self.cost = [[rows[i][j] for i in range(m)] for j in range(n)]
        if pos != len(tokens):
            sys.exit(f"{self.path}: expected {pos} numbers for a {m} x {n} {self.format} file, found {len(tokens)}")
        self.split = self.format == "orlib"

    @property
    def size(self):
        return f"{self.m}x{self.n}"

    def known_optimum(self):
        d = self.path.parent
        if self.format == "orlib" and (d / "capopt.txt").exists():
            stem = self.path.name.removesuffix(".txt")
            current = None
            for line in (d / "capopt.txt").read_text().splitlines():
                parts = line.split()
                if not parts:
                    continue
                if re.fullmatch(r"cap\w+", parts[0]):
                    current = parts[0]
                    parts = parts[1:]
                if current != stem or not parts:
                    continue
                try:
                    value = float(parts[0])
                except ValueError:
                    continue
                cap = re.search(r"\(capacity (\d+)\)", line)
                if cap is None and not self.uses_word:
                    return value
                if cap is not None and self.uses_word and int(cap.group(1)) == self.capacity:
                    return value
        if self.format == "holmberg":
            for f in d.glob("optima_p*-*.txt"):
                r = re.fullmatch(r"optima_p(\d+)-(\d+)\.txt", f.name)
                k = re.fullmatch(r"p(\d+)", self.path.name)
                if r and k and int(r.group(1)) <= int(k.group(1)) <= int(r.group(2)):
                    values = f.read_text().split()
                    return float(values[int(k.group(1)) - int(r.group(1))])
        return None


def parse_spec(spec, default_capacity):
    fmt, rest = "orlib", spec
    for prefix in ("orlib:", "holmberg:"):
        if spec.startswith(prefix):
            fmt, rest = prefix[:-1], spec[len(prefix):]
    capacity = None
    if fmt == "orlib":
        m = re.fullmatch(r"(.*):(\d+)", rest)
        if m and not Path(rest).exists():
            rest, capacity = m.group(1), int(m.group(2))
    if not Path(rest).is_file():
        sys.exit(f"instance file not found: {rest} (from '{spec}')")
    explicit = capacity is not None
    inst = Instance(spec, fmt, rest, capacity if explicit else default_capacity, "")
    if explicit and not inst.uses_word:
        sys.exit(f"'{spec}': the file gives every capacity as a number; leave out ':{capacity}'")
    if not inst.uses_word:
        inst.capacity = None
    name = Path(rest).name.removesuffix(".txt")
    inst.name = f"{name}@{inst.capacity}" if inst.uses_word else name
    return inst


# ---------------------------------------------------------------------------------------------------------------
# Workers (each runs in its own process: `peers.py --worker TOOL SPEC RESULT.json`)


def solve_cbc(inst, args):
    import pulp
    import resource

    t0 = time.perf_counter()
    prob = pulp.LpProblem(inst.name.replace("@", "_"), pulp.LpMinimize)
    cat = pulp.LpContinuous if inst.split else pulp.LpBinary
    y = [pulp.LpVariable(f"y{i}", cat=pulp.LpBinary) for i in range(inst.m)]
    x = [[pulp.LpVariable(f"x{j}_{i}", 0, 1, cat) for i in range(inst.m)] for j in range(inst.n)]
    prob += pulp.lpSum(inst.fixed[i] * y[i] for i in range(inst.m)) + pulp.lpSum(
        inst.cost[j][i] * x[j][i] for j in range(inst.n) for i in range(inst.m)
    )
    for j in range(inst.n):
        prob += pulp.lpSum(x[j]) == 1, f"assign{j}"
    for i in range(inst.m):
        prob += pulp.lpSum(inst.demand[j] * x[j][i] for j in range(inst.n)) - inst.cap[i] * y[i] <= 0, f"cap{i}"
        for j in range(inst.n):
            prob += x[j][i] - y[i] <= 0, f"link{j}_{i}"
    t1 = time.perf_counter()
    log = Path(tempfile.mkdtemp(prefix="peers-cbc-")) / "cbc.log"
    opts = dict(msg=False, timeLimit=args.time_limit, threads=args.threads, logPath=str(log))
    if args.gap is not None:
        opts["gapRel"] = args.gap
    bundled = pulp.PULP_CBC_CMD.pulp_cbc_path
    rss = log.parent / "cbc.rss"
    if GNU_TIME:
        # The bundled cbc binary, run under GNU time so that its own peak RSS is measured (see run_child).
        wrapper = log.parent / "cbc"
        wrapper.write_text(f'#!/bin/sh\nexec {GNU_TIME} -q -f %M -o "{rss}" "{bundled}" "$@"\n')
        wrapper.chmod(0o755)
        solver = pulp.COIN_CMD(path=str(wrapper), **opts)
    else:
        solver = pulp.COIN_CMD(path=bundled, **opts)
    prob.solve(solver)
    t2 = time.perf_counter()
    text = log.read_text(errors="replace")
    if GNU_TIME and rss.exists():
        solver_mib = int(rss.read_text().split()[-1]) / 1024
    else:  # floored at this worker's own peak when the kernel carries it across exec (see run_child)
        solver_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    shutil.rmtree(log.parent, ignore_errors=True)
    result = re.search(r"^Result - (.*)$", text, re.M)
    result = result.group(1).strip() if result else ""
    objective = pulp.value(prob.objective) if prob.sol_status in (1, 2) else None
    bound = re.search(r"^Lower bound:\s*(\S+)", text, re.M)
    if "Optimal solution found" in result:
        status = "optimal"
        # CBC prints no lower bound when it proves optimality: the bound is the objective within its gaps.
        bound = float(bound.group(1)) if bound else objective
    else:
        status = {2: "feasible", -1: "infeasible", -2: "unbounded"}.get(prob.sol_status, "no_solution")
        if "time" in result.lower() and status != "feasible":
            status = "time_limit"
        bound = float(bound.group(1)) if bound else None
    version = re.search(r"^Version:\s*(\S+)", text, re.M)
    return dict(
        status=status,
        native_status=f"{pulp.LpStatus[prob.status]}/{result}",
        objective=objective,
        bound=bound,
        build_s=t1 - t0,
        solve_s=t2 - t1,
        solver_mib=solver_mib,  # the cbc process alone; the PuLP model in this worker is worker_peak_mib
        version=f"CBC {version.group(1)}" if version else "CBC",
    )


def solve_highs(inst, args):
    import highspy
    import numpy as np

    t0 = time.perf_counter()
    m, n = inst.m, inst.n
    nx = m * n  # x_ij at column j*m + i, y_i at column nx + i
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", args.threads)
    h.setOptionValue("time_limit", float(args.time_limit))
    if args.gap is not None:
        h.setOptionValue("mip_rel_gap", float(args.gap))
    nc = nx + m
    inf = highspy.kHighsInf
    h.addVars(nc, np.zeros(nc), np.ones(nc))
    cost = np.concatenate([np.asarray(inst.cost, dtype=np.float64).reshape(nx), np.asarray(inst.fixed)])
    h.changeColsCost(nc, np.arange(nc, dtype=np.int32), cost)
    ints = np.arange(nx if inst.split else 0, nc, dtype=np.int32)
    h.changeColsIntegrality(len(ints), ints, np.full(len(ints), 1, dtype=np.uint8))  # 1 = kInteger
    jj, ii = np.divmod(np.arange(nx, dtype=np.int32), m)
    # assignment rows: row j has x_j0 .. x_j(m-1) (consecutive columns)
    h.addRows(n, np.ones(n), np.ones(n), nx, np.arange(0, nx, m, dtype=np.int32),
              np.arange(nx, dtype=np.int32), np.ones(nx))
    # capacity rows: row i has x_0i .. x_(n-1)i with coefficient d_j, and y_i with -s_i
    idx = np.concatenate([np.concatenate([np.arange(n, dtype=np.int32) * m + i, [nx + i]]) for i in range(m)])
    val = np.concatenate([np.concatenate([np.asarray(inst.demand), [-inst.cap[i]]]) for i in range(m)])
    h.addRows(m, np.full(m, -inf), np.zeros(m), len(idx), np.arange(0, m * (n + 1), n + 1, dtype=np.int32),
              idx.astype(np.int32), val.astype(np.float64))
    # link rows: x_ij - y_i <= 0
    lidx = np.empty(2 * nx, dtype=np.int32)
    lidx[0::2] = jj * m + ii
    lidx[1::2] = nx + ii
    lval = np.empty(2 * nx)
    lval[0::2], lval[1::2] = 1.0, -1.0
    h.addRows(nx, np.full(nx, -inf), np.zeros(nx), 2 * nx, np.arange(0, 2 * nx, 2, dtype=np.int32), lidx, lval)
    t1 = time.perf_counter()
    h.run()
    t2 = time.perf_counter()
    ms = h.getModelStatus()
    info = h.getInfo()
    has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
    objective = info.objective_function_value if has_sol else None
    bound = info.mip_dual_bound if abs(info.mip_dual_bound) < inf else None
    status = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kInfeasible: "infeasible",
        highspy.HighsModelStatus.kTimeLimit: "feasible" if has_sol else "time_limit",
    }.get(ms, "error")
    return dict(
        status=status,
        native_status=h.modelStatusToString(ms),
        objective=objective,
        bound=bound,
        build_s=t1 - t0,
        solve_s=t2 - t1,
        solver_mib=None,  # in-process: the worker's peak (Python + numpy + HiGHS) is measured by the parent
        version=f"HiGHS {h.version()}",
    )


def worker(tool, spec, capacity, out):
    inst = parse_spec(spec, capacity)
    import highspy  # noqa: F401  (imported here so that the baseline includes both libraries and numpy)
    import numpy  # noqa: F401
    import pulp  # noqa: F401

    baseline = _vm_hwm_mib()
    res = {"cbc": solve_cbc, "highs": solve_highs}[tool](inst, ARGS)
    res["python_baseline_mib"] = baseline
    Path(out).write_text(json.dumps(res))


def _vm_hwm_mib(pid="self"):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


# ---------------------------------------------------------------------------------------------------------------
# Parent: run the children and measure them


GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").is_file() else None


def run_child(cmd, timeout, stdout=subprocess.DEVNULL, env=None):
    """Runs cmd; returns (wall seconds, peak RSS MiB, exit code, stderr).

    The peak is GNU time's %M (ru_maxrss of a child forked by the small `time` process). Not this process's own
    wait4 rusage: Linux carries the parent's high-water mark across vfork+exec into the child's ru_maxrss, so a
    child of this (40 MiB) Python would never report less than 40 MiB. Without /usr/bin/time, VmHWM is polled
    from /proc every millisecond (a lower bound: growth after the last poll is missed)."""
    rss_file = None
    if GNU_TIME:
        fd, rss_file = tempfile.mkstemp(prefix="peers-rss-")
        os.close(fd)
        cmd = [GNU_TIME, "-q", "-f", "%M", "-o", rss_file, *cmd]
    start = time.perf_counter()
    # Its own session, so that a run past the hard deadline is ended with everything it started (cbc too).
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                         start_new_session=True, env=env)
    deadline = start + timeout
    hwm = 0.0
    killed = False
    while True:
        pid, status = os.waitpid(p.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(p.pid, 9)
            pid, status = os.waitpid(p.pid, 0)
            killed = True
            break
        if not GNU_TIME:
            hwm = max(hwm, _vm_hwm_mib(p.pid) or 0.0)
        time.sleep(0.001)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    peak = hwm or None
    if rss_file:
        text = Path(rss_file).read_text().split()
        os.unlink(rss_file)
        # GNU time writes "Command exited with non-zero status N" before %M when the command fails.
        peak = int(text[-1]) / 1024 if text and text[-1].isdigit() else None
    if killed:
        err = f"killed after {wall:.0f} s (hard deadline: twice the time limit + 120 s)\n" + err
    return wall, peak, ("killed" if killed else p.returncode), err


def run_peer(tool, inst, tmp):
    out = Path(tmp) / f"{tool}.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "--worker", tool, inst.spec, "--result", str(out),
           "--time-limit", str(ARGS.time_limit), "--threads", str(ARGS.threads)]
    if ARGS.capacity is not None:
        cmd += ["--capacity", str(ARGS.capacity)]
    if ARGS.gap is not None:
        cmd += ["--gap", str(ARGS.gap)]
    # The worker's temporary files (PuLP's MPS and solution files, the CBC log) go into `tmp`, removed at the end
    # even when a worker is killed.
    env = dict(os.environ, TMPDIR=str(tmp), TMP=str(tmp), TEMP=str(tmp))
    wall, peak, rc, err = run_child(cmd, ARGS.time_limit * 2 + 120, env=env)
    if rc != 0 or not out.exists():
        sys.stderr.write(f"{tool} on {inst.name} failed (exit {rc}):\n{err[-2000:]}\n")
        return dict(status="killed" if rc == "killed" else "error", objective=None, bound=None,
                    seconds=wall if rc == "killed" else None, peak_mib=None, process_s=wall)
    res = json.loads(out.read_text())
    res["seconds"] = res["build_s"] + res["solve_s"]
    res["process_s"] = wall
    res["worker_mib"] = peak
    res["peak_mib"] = res["solver_mib"] if res.get("solver_mib") else peak
    return res


def run_ours(inst, tmp):
    data, out = Path(tmp) / "data", Path(tmp) / "out"
    shutil.rmtree(data, ignore_errors=True)
    kind = "orlib-cap" if inst.format == "orlib" else "holmberg"
    cmd = [ARGS.bin, "import", kind, str(inst.path), "--out", str(data)]
    if inst.uses_word:
        cmd += ["--capacity", str(inst.capacity)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(f"import of {inst.path} failed:\n{r.stderr}\n")
        return dict(status="error", objective=None, bound=None, seconds=None, peak_mib=None)
    cmd = [ARGS.bin, "plan", str(data), "--out", str(out), "--quiet", "--solver", ARGS.solver,
           "--time-limit", str(ARGS.time_limit)]
    if ARGS.gap is not None:
        cmd += ["--gap", str(ARGS.gap)]
    shutil.rmtree(out, ignore_errors=True)
    wall, peak, rc, err = run_child(cmd, ARGS.time_limit * 2 + 120)
    summary = out / "summary.json"
    if not summary.exists():
        sys.stderr.write(f"ours on {inst.name} wrote no summary (exit {rc}):\n{err[-2000:]}\n")
        return dict(status="killed" if rc == "killed" else "error", objective=None, bound=None, seconds=wall, peak_mib=peak)
    s = json.loads(summary.read_text())
    return dict(status=s.get("status"), native_status=s.get("status"), objective=s.get("objective"),
                bound=s.get("best_bound"), seconds=wall, solve_s=s.get("solve_seconds"), peak_mib=peak,
                exit_code=rc)


def close(a, b):
    return a is not None and b is not None and abs(a - b) <= REL_TOL * max(1.0, abs(b))


def verdict(res, known, others):
    """'yes'/'NO' when the tool claims optimal; '-' when it does not. Without a known optimum the reference is
    the best objective any of the three found."""
    if res.get("status") != "optimal":
        return "-"
    if known is None:
        found = [o["objective"] for o in [res, *others] if o.get("objective") is not None]
        known = min(found)
    return "yes" if close(res["objective"], known) else "NO"


def machine_info():
    cpu, physical = "unknown", set()
    text = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    for block in text.split("\n\n"):
        fields = dict(
            (k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in block.splitlines()) if _
        )
        cpu = fields.get("model name", cpu)
        if "core id" in fields:
            physical.add((fields.get("physical id"), fields["core id"]))
    mem = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
    ram = f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB" if mem else "?"
    cores = f"{os.cpu_count()} logical" + (f" / {len(physical)} physical" if physical else "")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"CPU: {cpu}; cores: {cores}; RAM: {ram}; kernel {os.uname().release}; load average at start: {load}"


def fmt(v, spec):
    if v is None:
        return "-"
    return format(v, spec)


def main():
    specs = ARGS.specs or DEFAULT_SPECS
    instances = [parse_spec(s, ARGS.capacity) for s in specs]
    import importlib.metadata

    import pulp

    ours_version = subprocess.run([ARGS.bin, "--version"], capture_output=True, text=True).stdout.strip()
    print(machine_info())
    print(f"Python {sys.version.split()[0]}; PuLP {pulp.__version__} (bundled CBC); highspy {importlib.metadata.version('highspy')}; "
          f"{ours_version} --solver {ARGS.solver}")
    print(f"time limit {ARGS.time_limit:g} s, threads {ARGS.threads}, gap "
          f"{'each tool default' if ARGS.gap is None else ARGS.gap}, runs {ARGS.runs} (median seconds, max MiB)")
    sys.stdout.flush()

    rows = []
    baseline = None
    cbc_version = None
    with tempfile.TemporaryDirectory(prefix="peers-") as tmp:
        for inst in instances:
            known = inst.known_optimum()
            per = {}
            for tool in TOOLS:
                if tool not in ARGS.tools:
                    per[tool] = dict(status="skipped", objective=None, bound=None, seconds=None, peak_mib=None)
                    continue
                runs = [run_ours(inst, tmp) if tool == "ours" else run_peer(tool, inst, tmp)
                        for _ in range(ARGS.runs)]
                res = dict(runs[-1])
                secs = [r["seconds"] for r in runs if r.get("seconds") is not None]
                res["seconds"] = statistics.median(secs) if secs else None
                mibs = [r["peak_mib"] for r in runs if r.get("peak_mib") is not None]
                res["peak_mib"] = max(mibs) if mibs else None
                per[tool] = res
                baseline = baseline or res.get("python_baseline_mib")
                if tool == "cbc" and res.get("version"):
                    cbc_version = res["version"]
            for tool in TOOLS:
                per[tool]["ok"] = verdict(per[tool], known, [per[t] for t in TOOLS if t != tool])
            rows.append((inst, known, per))
            sys.stderr.write(f"  done {inst.name}\n")
            sys.stderr.flush()

    def ratio(a, b):
        return a / b if a is not None and b else None

    header = ["instance", "size", "known opt"]
    for t in TOOLS:
        header += [f"{t} status", f"{t} objective", f"{t} bound", f"{t} s", f"{t} MiB"]
    header += ["ours/cbc", "ours/highs", "optimal true? cbc/highs/ours"]
    table = []
    csv_rows = []
    for inst, known, per in rows:
        line = [inst.name, inst.size, fmt(known, ".3f")]
        rec = dict(instance=inst.name, file=str(inst.path), format=inst.format, capacity=inst.capacity or "",
                   facilities=inst.m, customers=inst.n, known_optimum=known)
        for t in TOOLS:
            r = per[t]
            line += [r.get("status") or "-", fmt(r.get("objective"), ".3f"), fmt(r.get("bound"), ".3f"),
                     fmt(r.get("seconds"), ".3f"), fmt(r.get("peak_mib"), ".1f")]
            rec.update({f"{t}_status": r.get("status"), f"{t}_native_status": r.get("native_status"),
                        f"{t}_objective": r.get("objective"), f"{t}_bound": r.get("bound"),
                        f"{t}_seconds": r.get("seconds"), f"{t}_solve_seconds": r.get("solve_s"),
                        f"{t}_process_seconds": r.get("process_s"), f"{t}_peak_mib": r.get("peak_mib"),
                        f"{t}_worker_peak_mib": r.get("worker_mib"), f"{t}_optimal_true": per[t]["ok"]})
        rc, rh = ratio(per["ours"]["seconds"], per["cbc"]["seconds"]), ratio(per["ours"]["seconds"], per["highs"]["seconds"])
        line += [fmt(rc, ".3f"), fmt(rh, ".3f"), "/".join(per[t]["ok"] for t in TOOLS)]
        rec.update(ratio_ours_cbc=rc, ratio_ours_highs=rh)
        table.append(line)
        csv_rows.append(rec)

    right = {i for i, h in enumerate(header) if h.endswith(("objective", "bound", " s", "MiB", "opt")) or "/" in h
             and "true" not in h}
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(header)]

    def render(cells):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    print(f"{cbc_version or 'CBC'}; Python worker baseline after imports: {fmt(baseline, '.1f')} MiB")
    print(render(header))
    print("  ".join("-" * w for w in widths))
    for line in table:
        print(render(line))
    if ARGS.markdown:
        print()
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|")
        for line in table:
            print("| " + " | ".join(line) + " |")
    csv_path = Path(ARGS.csv)
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    with csv_path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(csv_rows[0].keys()) if csv_rows else ["instance"])
        w.writeheader()
        w.writerows(csv_rows)
    print(f"wrote {csv_path}")


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Solve the same facility-location instances with PuLP+CBC, HiGHS and consolidate; one table.",
        epilog="SPEC is orlib:FILE[:CAPACITY], holmberg:FILE, or a bare FILE (read as orlib). With no SPEC, the "
               "nine shared instances (cap41, cap71, cap101, cap131, p1-p5) are run.")
    p.add_argument("specs", nargs="*", metavar="SPEC")
    p.add_argument("--capacity", type=int, help="capacity for OR-Library files whose capacities are the word "
                   "'capacity' (capa/capb/capc) and whose SPEC gives none")
    p.add_argument("--time-limit", type=float, default=600.0, help="seconds per solve, every tool (default 600)")
    p.add_argument("--threads", type=int, default=1, help="CBC and HiGHS threads (default 1)")
    p.add_argument("--gap", type=float, help="relative gap for all three (default: each tool's own default)")
    p.add_argument("--runs", type=int, default=1, help="runs per tool and instance; median seconds (default 1)")
    p.add_argument("--tools", type=lambda v: v.split(","), default=list(TOOLS),
                   help="comma-separated subset of cbc,highs,ours to run (default all three)")
    p.add_argument("--solver", default="microlp", help="consolidate's --solver (default microlp)")
    p.add_argument("--bin", default=os.environ.get("CONSOLIDATE_BIN", str(ROOT / "target/release/consolidate")),
                   help="the consolidate binary (default target/release/consolidate or $CONSOLIDATE_BIN)")
    p.add_argument("--csv", default=str(ROOT / "target/peers.csv"), help="CSV output (default target/peers.csv)")
    p.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    p.add_argument("--worker", choices=["cbc", "highs"], help=argparse.SUPPRESS)
    p.add_argument("--result", help=argparse.SUPPRESS)
    return p.parse_args(argv)


if __name__ == "__main__":
    ARGS = parse_args(sys.argv[1:])
    if ARGS.worker:
        worker(ARGS.worker, ARGS.specs[0], ARGS.capacity, ARGS.result)
    else:
        if not Path(ARGS.bin).is_file():
            sys.exit(f"no consolidate binary at {ARGS.bin}: run `cargo build --release` or pass --bin")
        main()
