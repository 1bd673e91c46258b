"""Solves the MPS files `consolidate plan --write-model DIR` wrote with HiGHS (highspy) and CBC (the binary PuLP
bundles) and checks each optimum against the objective our plan reported (DIR/objectives.csv).

Usage: benches/peers/run.sh --mps DIR [--time-limit S] [--tools highs,cbc]
Exit 1 when any optimum differs from ours by more than 1e-6 relative (or a solver does not prove one).
"""

import argparse
import csv
import os
import re
import subprocess
import sys
import time


def highs(path, limit):
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", float(limit))
    h.readModel(path)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    return status == "Optimal", h.getInfo().objective_function_value


def cbc(path, limit):
    import pulp

    binary = pulp.PULP_CBC_CMD().path
    # CBC ignores the MPS OBJSENSE section: the sense is passed on the command line.
    with open(path) as f:
        head = f.read(200)
    sense = ["-max"] if "OBJSENSE\n    MAX" in head else []
    cmd = [binary, path, *sense, "-sec", str(limit), "-ratio", "0", "-solve", "-quit"]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    optimal = "Result - Optimal solution found" in out
    m = re.search(r"Objective value:\s*(-?[0-9.eE+-]+)", out)
    return optimal, float(m.group(1)) if m else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mps", required=True, help="the folder plan --write-model wrote")
    ap.add_argument("--time-limit", type=float, default=600)
    ap.add_argument("--tools", default="highs,cbc")
    a = ap.parse_args()
    tools = {"highs": highs, "cbc": cbc}
    chosen = [t for t in a.tools.split(",") if t]
    rows = list(csv.DictReader(open(os.path.join(a.mps, "objectives.csv"), encoding="utf-8-sig")))
    print("| file | ours | ours s | " + " | ".join(f"{t} | {t} s" for t in chosen) + " |")
    print("|---|---:|---:|" + "---:|---:|" * len(chosen))
    bad = 0
    for r in rows:
        ours = float(r["objective"]) if r["objective"] else float("nan")
        # Our status beside a plan not proven optimal; our seconds as the plan reported them (all passes of a
        # category solved again), blank from a folder written before objectives.csv had the column.
        mark = "" if r["status"] == "optimal" else f" ({r['status']})"
        cells = [r["file"], f"{ours:,.2f}{mark}", r.get("seconds") or ""]
        for t in chosen:
            start = time.time()
            optimal, value = tools[t](os.path.join(a.mps, r["file"]), a.time_limit)
            seconds = time.time() - start
            same = optimal and abs(value - ours) <= 1e-6 * max(1.0, abs(ours))
            bad += not same
            cells += [f"{value:,.2f}" + ("" if same else " (differs)" if optimal else " (not proven)"), f"{seconds:.1f}"]
        print("| " + " | ".join(cells) + " |")
    print(f"\n{len(rows)} files, {bad} results differing from ours or not proven")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
