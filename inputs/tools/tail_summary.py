#!/usr/bin/env python3
"""Summarise the supplier-spend "tail" that build_greater_manchester.py drops.

For the two councils with published supplier spend (Manchester City Council 2016/17, Trafford 2024/25) the
builder keeps only the top TOP_N_PER_CATEGORY suppliers per (organisation, category) with spend of at least
MIN_CONTRACT_SPEND. This script rebuilds the builder's `spend` dictionary with the builder's own functions and
constants, splits every (organisation, category) into the kept suppliers and the tail (every other supplier
with positive spend), and writes docs/evidence/spend_tail.csv (or the file given by --out):

  organisation,category,kept_spend_gbp,kept_suppliers,tail_spend_gbp,tail_suppliers,tail_sme_spend_gbp,
  tail_local_by_name_spend_gbp

That CSV, like the summary on stdout, is in **published cash** (each council's own year: Manchester 2016/17,
Trafford 2024/25), the figures the builder selects, flags and draws on. The data set writes the same money in
2016/17 prices (README "Reference dates and price base"): checks 2 and 4 below compare with it after multiplying
each supplier's cash by its council's factor from the builder's own deflator_factors() (spend_factors()), rounded
half up to the penny as the builder does.

The spend and kept logic live inside the builder's build(), so the minimum of it is mirrored here (see
docs/evidence/spend_tail.md for the exact lines). Four checks guard the mirror, all asserted:
  1. the mirrored `spend` dict and `kept` list equal the builder's own (captured from build()'s locals when it
     returns, by a profile hook; build() writes nothing);
  2. the kept spend per (organisation, category), each supplier's cash times its council's factor to 2016/17
     prices, equals, to the penny, the sum of that organisation's contracts in that category in
     inputs/greater-manchester/contracts.csv (the councils are not NHS trusts, so none of their contracts is
     relabelled nhs_agency);
  3. the SME flag computed here for each kept supplier equals its `sme` in suppliers.csv, and every kept
     supplier local by name is `local` there;
  4. the builder's inputs/greater-manchester/tail.csv holds these two councils' tails exactly (rows, supplier
     counts, and spend to the penny at 2016/17 prices, converted as in 2).

Money is summed in pence from each supplier's spend rounded half up to the penny (the builder's gbp2/rhu).
Standard library only; deterministic; writes no __pycache__.

Usage: python3 inputs/tools/tail_summary.py [--out PATH]   (default docs/evidence/spend_tail.csv)
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

sys.dont_write_bytecode = True  # importing the builder must leave no __pycache__ in the repository

TOOLS = Path(__file__).resolve().parent
BUILDER = TOOLS / "build_greater_manchester.py"
sys.path.insert(0, str(TOOLS))  # the builder imports gm_backoffice and gm_numbers from its own folder
_spec = importlib.util.spec_from_file_location("build_greater_manchester", BUILDER)
gm = importlib.util.module_from_spec(_spec)
sys.modules["build_greater_manchester"] = gm
_spec.loader.exec_module(gm)

OUT_CSV = Path(__file__).resolve().parents[2] / "docs" / "evidence" / "spend_tail.csv"
CONTRACTS = gm.OUT / "contracts.csv"
SUPPLIERS = gm.OUT / "suppliers.csv"
COUNCILS = [gm.MCC, gm.TRAFFORD]


def pence(v: float) -> int:
    """a supplier's spend in whole pence, as the builder writes it (gbp2: rhu to 0.01)"""
    return int(gm.rhu(v, "0.01") * 100)


TO_BASE = gm.spend_factors(gm.deflator_factors())  # each council's factor to 2016/17 prices, the builder's own


def pence_base(o: str, v: float) -> int:
    """a supplier's cash spend with council o in whole pence at 2016/17 prices, as the builder writes it"""
    return int(gm.rhu(v * TO_BASE[o], "0.01") * 100)


def gbp(p: int) -> str:
    return f"{Decimal(p) / 100:.2f}"


def rebuild_spend() -> dict[tuple[str, str, str], float]:
    """Mirror of build_greater_manchester.build(), block "procurement: spend -> (org, category, supplier key)".
    Only the bookkeeping (first_name, dropped, matched_truncated) is left out; rows are read and added in
    the same order so every float sum is bit-identical."""
    spend: dict[tuple[str, str, str], float] = defaultdict(float)
    mcc_rows = gm.read_csv("spend/mcc_spend_2016-17_by_supplier_expensetype.csv")
    mcc_keys = set()
    for r in mcc_rows:
        key = gm.supplier_key(r["supplier_name"])
        if key:
            mcc_keys.add(key)
        cat = gm.MCC_CATEGORY.get(r["expenses_type"])
        if cat is None or gm.is_public_body(key):
            continue
        spend[(gm.MCC, cat, key)] += gm.num(r["total_net_gbp"])
    traf_rows = gm.read_csv("spend/trafford_supplier_spend_2024-25_by_supplier_proclass.csv")
    for r in traf_rows:
        raw = r["beneficiary_name"]
        code = r["proclass_code"]
        if raw.strip().lower() == "redacted" or code == "NA":
            continue
        cat = gm.TRAFFORD_CODE[code] if code in gm.TRAFFORD_CODE else gm.TRAFFORD_FAMILY.get(code[:2])
        if cat is None:
            continue
        key = gm.supplier_key(raw)
        if len(raw) >= 35 and key not in mcc_keys:  # names are truncated at 35 characters in the Trafford file
            stem = " ".join(key.split()[:-1])
            cands = sorted(k for k in mcc_keys if stem and (k + " ").startswith(stem + " "))
            if len(cands) == 1:
                key = cands[0]
        if gm.is_public_body(key):
            continue
        spend[(gm.TRAFFORD, cat, key)] += gm.num(r["total_gbp"])
    return spend


def keep(spend: dict) -> list[tuple[str, str, str, float]]:
    """Mirror of build(): "keep top N suppliers per (organisation, category) with spend >= MIN_CONTRACT_SPEND"."""
    by_oc: dict[tuple[str, str], list[tuple[float, str]]] = defaultdict(list)
    for (o, c, k), v in spend.items():
        if v >= gm.MIN_CONTRACT_SPEND:
            by_oc[(o, c)].append((v, k))
    kept = []
    for (o, c), lst in sorted(by_oc.items()):
        lst.sort(key=lambda t: (-t[0], t[1]))
        for v, k in lst[:gm.TOP_N_PER_CATEGORY]:
            kept.append((o, c, k, v))
    kept.sort(key=lambda t: (t[0], t[1], t[2]))
    return kept


def builder_locals() -> dict:
    """Runs the builder's own build() (it returns the files, it writes nothing) and captures its local `spend`
    and `kept` as it returns."""
    got: dict = {}

    def hook(frame, event, arg):
        if event == "return" and frame.f_code is gm.build.__code__:
            got["spend"] = dict(frame.f_locals["spend"])
            got["kept"] = list(frame.f_locals["kept"])
            got["borough_pop"] = dict(frame.f_locals["borough_pop"])
            got["orgs"] = frame.f_locals["orgs"]

    old = sys.getprofile()
    sys.setprofile(hook)
    try:
        gm.build()
    finally:
        sys.setprofile(old)
    return got


def is_sme(k: str, sup_total: dict[str, float]) -> bool:
    """build(): sme = (words[-1] == "LTD") and sup_total[k] < SME_SPEND_LIMIT"""
    words = k.split()
    return bool(words) and words[-1] == "LTD" and sup_total[k] < gm.SME_SPEND_LIMIT


def local_by_name(k: str) -> bool:
    """build(): the GM_PLACE_WORDS rule only (no random draw)"""
    words = k.split()
    return any(w in words for w in gm.GM_PLACE_WORDS)


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT_CSV, help=f"where to write the CSV (default {OUT_CSV})")
    out_csv = ap.parse_args().out.resolve()
    spend = rebuild_spend()
    kept = keep(spend)

    # check 1: the mirror equals the builder's own spend and kept
    b = builder_locals()
    assert dict(spend) == b["spend"], "mirrored spend differs from build()'s"
    assert kept == b["kept"], "mirrored kept list differs from build()'s"

    kept_keys = {(o, c, k) for o, c, k, _ in kept}
    # build(): sup_total sums a supplier's spend over every (organisation, category) of the spend dict; the
    # same total for every key, kept or not
    sup_total: dict[str, float] = defaultdict(float)
    for (o, c, k), v in spend.items():
        sup_total[k] += v

    # check 2: kept spend per (organisation, category) at 2016/17 prices = contracts.csv, to the penny
    kept_p: dict[tuple[str, str], int] = defaultdict(int)  # published cash
    kept_base: dict[tuple[str, str], int] = defaultdict(int)  # 2016/17 prices
    kept_n: dict[tuple[str, str], int] = defaultdict(int)
    for o, c, k, v in kept:
        kept_p[(o, c)] += pence(v)
        kept_base[(o, c)] += pence_base(o, v)
        kept_n[(o, c)] += 1
    shipped_p: dict[tuple[str, str], int] = defaultdict(int)
    shipped_n: dict[tuple[str, str], int] = defaultdict(int)
    for r in read(CONTRACTS):
        if r["organisation"] in COUNCILS:
            assert r["category"] != gm.NHS_AGENCY
            p = Decimal(r["annual_spend_gbp"]) * 100
            assert p == p.to_integral_value(), r
            shipped_p[(r["organisation"], r["category"])] += int(p)
            shipped_n[(r["organisation"], r["category"])] += 1
    assert dict(kept_base) == dict(shipped_p), "kept spend at 2016/17 prices differs from contracts.csv"
    assert dict(kept_n) == dict(shipped_n), "kept supplier count differs from contracts.csv"

    # check 3: SME and local-by-name of the kept suppliers agree with suppliers.csv
    sup_rows = {r["id"]: r for r in read(SUPPLIERS)}
    for k in {k for _, _, k, _ in kept}:
        r = sup_rows[gm.key_to_id(k)]
        assert (r["sme"] == "true") == is_sme(k, sup_total), (k, r)
        if local_by_name(k):
            assert r["local"] == "true", (k, r)

    # the tail: every other supplier with positive spend
    tail_p: dict[tuple[str, str], int] = defaultdict(int)  # published cash
    tail_base: dict[tuple[str, str], int] = defaultdict(int)  # 2016/17 prices
    tail_n: dict[tuple[str, str], int] = defaultdict(int)
    tail_sme: dict[tuple[str, str], int] = defaultdict(int)
    tail_local: dict[tuple[str, str], int] = defaultdict(int)
    nonpos: dict[str, list] = defaultdict(lambda: [0, 0])
    for (o, c, k), v in spend.items():
        if (o, c, k) in kept_keys:
            continue
        if v <= 0:
            nonpos[o][0] += 1
            nonpos[o][1] += pence(v)
            continue
        p = pence(v)
        tail_p[(o, c)] += p
        tail_base[(o, c)] += pence_base(o, v)
        tail_n[(o, c)] += 1
        if is_sme(k, sup_total):
            tail_sme[(o, c)] += p
        if local_by_name(k):
            tail_local[(o, c)] += p

    cells = sorted(set(kept_p) | set(tail_p))
    rows = [["organisation", "category", "kept_spend_gbp", "kept_suppliers", "tail_spend_gbp", "tail_suppliers",
             "tail_sme_spend_gbp", "tail_local_by_name_spend_gbp"]]
    for o, c in cells:
        rows.append([o, c, gbp(kept_p[(o, c)]), str(kept_n[(o, c)]), gbp(tail_p[(o, c)]), str(tail_n[(o, c)]),
                     gbp(tail_sme[(o, c)]), gbp(tail_local[(o, c)])])
    with open(out_csv, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    # (4) the builder's tail.csv holds these two councils' tails exactly: spend to the penny at 2016/17 prices,
    # supplier counts.
    shipped_tail = {(r["organisation"], r["category"]): r for r in read(gm.OUT / "tail.csv")
                    if r["organisation"] in COUNCILS}
    assert set(shipped_tail) == {oc for oc, p in tail_p.items() if p > 0}, "tail.csv rows differ"
    for oc, r in shipped_tail.items():
        assert int(Decimal(r["annual_spend_gbp"]) * 100) == tail_base[oc], (oc, r)
        assert int(r["suppliers"]) == tail_n[oc], (oc, r)

    # summary on stdout (the figures of docs/evidence/spend_tail.md)
    print(f"checks passed: spend and kept equal build()'s; kept at 2016/17 prices = contracts.csv to the penny "
          f"({sum(kept_n.values())} contracts); SME/local flags agree with suppliers.csv; the tail at 2016/17 "
          f"prices = tail.csv")
    shown = out_csv.relative_to(gm.ROOT) if out_csv.is_relative_to(gm.ROOT) else out_csv
    print(f"wrote {shown} ({len(rows) - 1} rows, published cash)")
    for o in COUNCILS:
        kb = sum(v for (oo, _), v in kept_base.items() if oo == o)
        tb = sum(v for (oo, _), v in tail_base.items() if oo == o)
        print(f"{o} at 2016/17 prices (x {TO_BASE[o]:.6f}): kept {gbp(kb)}  tail {gbp(tb)}")
    print("published cash (the figures of docs/evidence/spend_tail.md):")
    pop = {o: b["borough_pop"][b["orgs"][o]["borough"]] for o in COUNCILS}
    for o in COUNCILS:
        kp = sum(v for (oo, _), v in kept_p.items() if oo == o)
        tp = sum(v for (oo, _), v in tail_p.items() if oo == o)
        sp = sum(v for (oo, _), v in tail_sme.items() if oo == o)
        lp = sum(v for (oo, _), v in tail_local.items() if oo == o)
        print(f"{o} pop {pop[o]}: kept {gbp(kp)} ({sum(v for (oo, _), v in kept_n.items() if oo == o)} suppliers)"
              f"  tail {gbp(tp)} ({sum(v for (oo, _), v in tail_n.items() if oo == o)} suppliers)"
              f"  tail/kept {tp / kp:.3f}  tail SME {sp / tp:.1%}  tail local-by-name {lp / tp:.1%}"
              f"  non-positive entries left out: {nonpos[o][0]} ({gbp(nonpos[o][1])})")
    print("category | " + " | ".join(f"{o} kept / tail (n) / ratio" for o in COUNCILS)
          + " | mean ratio | ratio of per-head sums")
    for c in sorted({c for _, c in cells}):
        parts, ratios = [], []
        for o in COUNCILS:
            k, t = kept_p[(o, c)], tail_p[(o, c)]
            r = t / k if k else None
            if r is not None:
                ratios.append(r)
            parts.append(f"{gbp(k)} / {gbp(t)} ({kept_n[(o, c)]}+{tail_n[(o, c)]}) / "
                         + ("n/a" if r is None else f"{r:.3f}"))
        kph = sum(kept_p[(o, c)] / pop[o] for o in COUNCILS)
        tph = sum(tail_p[(o, c)] / pop[o] for o in COUNCILS)
        mean = f"{sum(ratios) / len(ratios):.3f}" if ratios else "n/a"
        print(f"{c} | " + " | ".join(parts) + f" | {mean} | " + (f"{tph / kph:.3f}" if kph else "n/a"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
