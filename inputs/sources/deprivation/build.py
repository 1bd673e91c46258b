#!/usr/bin/env python3
"""Rebuild imd2019_gm_lsoa.csv and imd2019_gm_wards.csv (standard library only).

Usage, from this directory:

    python3 build.py SOURCE [SOURCE ...] [--lookup LSOA_TO_WARD.csv] [--geo-dir DIR] [--out-dir DIR]

SOURCE is an English Indices of Deprivation 2019 LSOA table, CSV or CSV.gz. Either
  * MHCLG "File 7" (all scores, ranks and deciles), which has everything on its own, or
  * MHCLG "File 1" (IMD rank and decile) together with a file carrying the IMD score:
    MHCLG "File 5" (scores), or mySociety's composite_uk_imd UK_IMD_E.csv, whose
    overall_local_score is File 5's "Index of Multiple Deprivation (IMD) Score" (rows with nation E).
Columns are recognised by name; values from several sources are merged by LSOA code. See README.md.

--lookup is the ONS LSOA (2011) to ward (2017) best-fit lookup (columns lsoa11cd, wd17cd). Without it
each LSOA goes to the ward whose centroid is nearest among the wards of the same local authority.

The geo files default to ../shared/data/geo/ beside the repository root. Outputs go to this directory.
"""
import argparse
import csv
import gzip
import io
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DEFAULT_GEO = REPO / ".." / "shared" / "data" / "geo"
N_ENGLAND = 32844

CODE_COLS = ("LSOA code (2011)", "lsoa")
SCORE_COLS = ("Index of Multiple Deprivation (IMD) Score", "overall_local_score")
RANK_COLS = ("Index of Multiple Deprivation (IMD) Rank",
             "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)")
DECILE_COLS = ("Index of Multiple Deprivation (IMD) Decile",
               "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)")


def open_text(path):
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return io.StringIO(raw.decode("utf-8-sig"))


def pick(header, names):
    for n in names:
        if n in header:
            return n
    return None


def num(text):
    return text.replace(",", "").strip()


def read_sources(paths):
    """lsoa code -> {"score": float, "rank": int, "decile": int} merged over the sources."""
    imd = {}
    for path in paths:
        reader = csv.DictReader(open_text(path))
        header = reader.fieldnames or []
        code = pick(header, CODE_COLS)
        cols = {"score": pick(header, SCORE_COLS), "rank": pick(header, RANK_COLS),
                "decile": pick(header, DECILE_COLS)}
        if code is None or not any(cols.values()):
            sys.exit(f"{path}: no LSOA code or IMD score/rank/decile column recognised")
        nation = "nation" in header  # mySociety UK file: keep English rows only
        for row in reader:
            if nation and row["nation"] != "E":
                continue
            rec = imd.setdefault(row[code].strip(), {})
            for key, col in cols.items():
                if col and row[col].strip():
                    val = float(num(row[col])) if key == "score" else int(num(row[col]))
                    if key in rec and rec[key] != val:
                        sys.exit(f"{path}: {row[code]} {key} {val} disagrees with {rec[key]}")
                    rec[key] = val
        print(f"read {path}: {', '.join(k for k, c in cols.items() if c)}", file=sys.stderr)
    return imd


def decile_floors(imd):
    """Lowest LSOA score in each national decile 1-9, from the full England table (else None)."""
    full = [r for r in imd.values() if "score" in r and "decile" in r]
    if len(full) < N_ENGLAND:
        return None
    floors = {}
    for r in full:
        d = r["decile"]
        floors[d] = min(floors.get(d, math.inf), r["score"])
    return [floors[d] for d in range(1, 10)]


def national_decile(score, floors):
    for d, floor in enumerate(floors, start=1):
        if score >= floor:
            return d
    return 10


def dist2(a, b):
    """Squared equirectangular distance (fine for ranking within one borough)."""
    lat = math.radians((a[0] + b[0]) / 2)
    return ((a[0] - b[0]) ** 2) + ((a[1] - b[1]) * math.cos(lat)) ** 2


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sources", nargs="+")
    ap.add_argument("--lookup")
    ap.add_argument("--geo-dir", default=str(DEFAULT_GEO))
    ap.add_argument("--out-dir", default=str(HERE))
    args = ap.parse_args()
    geo = Path(args.geo_dir)
    out = Path(args.out_dir)

    imd = read_sources(args.sources)
    floors = decile_floors(imd)
    if floors is None:
        print("national_decile left out: the sources do not give score and decile for all of England",
              file=sys.stderr)

    lsoas = list(csv.DictReader(open(geo / "gm_lsoa2011_centroids_pop2016.csv", encoding="utf-8")))
    wards = list(csv.DictReader(open(geo / "gm_wards_2017_centroids_pop2016.csv", encoding="utf-8")))

    # File 1: GM LSOAs present in the source with score, rank and decile.
    rows, missing = [], []
    for l in lsoas:
        r = imd.get(l["lsoa_code"], {})
        if all(k in r for k in ("score", "rank", "decile")):
            rows.append([l["lsoa_code"], l["lsoa_name"], l["la_name"], f"{r['score']:.3f}", r["rank"], r["decile"]])
        else:
            missing.append(l["lsoa_code"])
    with open(out / "imd2019_gm_lsoa.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["lsoa_code", "lsoa_name", "la_name", "imd_score", "imd_rank", "imd_decile"])
        w.writerows(rows)
    print(f"GM LSOAs matched: {len(rows)} of {len(lsoas)}; missing: {missing or 'none'}", file=sys.stderr)

    # LSOA -> ward.
    if args.lookup:
        look = {r["lsoa11cd"]: r["wd17cd"] for r in csv.DictReader(open_text(args.lookup))}
        ward_of = {l["lsoa_code"]: look.get(l["lsoa_code"]) for l in lsoas}
        rule = "lookup"
    else:
        by_la = {}
        for wd in wards:
            by_la.setdefault(wd["la_name"], []).append(wd)
        ward_of = {}
        for l in lsoas:
            p = (float(l["lat"]), float(l["lon"]))
            best = min(by_la[l["la_name"]], key=lambda wd: dist2(p, (float(wd["lat"]), float(wd["lon"]))))
            ward_of[l["lsoa_code"]] = best["ward_code"]
        rule = "nearest ward centroid in the same local authority"
    unassigned = [c for c, wd in ward_of.items() if wd is None]
    print(f"LSOA -> ward by {rule}; unassigned: {unassigned or 'none'}", file=sys.stderr)

    # File 2: population-weighted ward figures (weights: LSOA mid-2016 population).
    acc = {wd["ward_code"]: [0, 0.0, 0.0, 0.0] for wd in wards}  # lsoas, pop, pop*score, pop in deciles 1-2
    for l in lsoas:
        r, wd = imd.get(l["lsoa_code"]), ward_of.get(l["lsoa_code"])
        if wd is None or not r or "score" not in r or "decile" not in r:
            continue
        pop = float(l["pop_mid2016"])
        a = acc[wd]
        a[0] += 1
        a[1] += pop
        a[2] += pop * r["score"]
        a[3] += pop if r["decile"] <= 2 else 0.0
    header = ["ward_code", "ward_name", "la_name", "lsoas", "pop_mid2016", "imd_score", "most_deprived_share"]
    if floors:
        header.append("national_decile")
    empty = []
    with open(out / "imd2019_gm_wards.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for wd in wards:
            n, pop, ps, dep = acc[wd["ward_code"]]
            if n == 0:
                empty.append(wd["ward_code"])
                w.writerow([wd["ward_code"], wd["ward_name"], wd["la_name"], 0, wd["pop_mid2016"], "", ""]
                           + ([""] if floors else []))
                continue
            score = ps / pop
            row = [wd["ward_code"], wd["ward_name"], wd["la_name"], n, wd["pop_mid2016"],
                   f"{score:.3f}", f"{dep / pop:.4f}"]
            if floors:
                row.append(national_decile(round(score, 3), floors))
            w.writerow(row)
    print(f"wards: {len(wards)}; without any LSOA: {empty or 'none'}", file=sys.stderr)
    if floors:
        print("national decile floors (lowest LSOA score in deciles 1-9): "
              + ", ".join(f"{x:.3f}" for x in floors), file=sys.stderr)


if __name__ == "__main__":
    main()
