#!/usr/bin/env python3
"""Build the England estates example data set for `consolidate`.

Reads only two public source files copied into inputs/sources/:
  eric/ERIC_201920_SiteData_England.csv      every NHS trust site in England, ERIC 2019/20 (NHS Digital)
  ods/nhsuk_hospitals_2018-09_England.csv    the NHS website hospital list with postcodes and coordinates
and writes inputs/england/{organisations,sites,teams,zones,unlocated_sites}.csv (estates only: no procurement).

Standard library only (Python 3.11). The figures that are not published (desks, back-office teams, lease dates,
exit penalties, disposal values) follow the rules of the Greater Manchester (GM) example, imported from
build_greater_manchester.py so the two data sets cannot drift apart. Deterministic: every derived value comes from
a pure rule or from one random.Random(20200401) consumed in this fixed order:
  1. site leases (lease_end, lease_break), leasehold sites in site-id order
  2. team `movable` flags, teams in team-id order
Every rule is documented in inputs/england/README.md.

Usage:
  python3 inputs/tools/build_england.py          # build and self-check
  python3 inputs/tools/build_england.py --check  # build into a temp folder, compare to the committed files
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.dont_write_bytecode = True  # importing the GM script must leave no __pycache__ in the repository
sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_greater_manchester as gm  # noqa: E402  (the shared rules and helpers)

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "inputs" / "sources"
OUT = ROOT / "inputs" / "england"
ERIC_FILE = "eric/ERIC_201920_SiteData_England.csv"
HOSPITALS_FILE = "ods/nhsuk_hospitals_2018-09_England.csv"

SEED = 20200401
REFERENCE_DATE = dt.date(2020, 4, 1)  # the day after the ERIC 2019/20 year ends: trusts and sites as then
LEASE_HORIZON = dt.date(2035, 3, 31)  # leases end within 15 years, as GM's (2016-04-01 .. 2031-03-31)

# Published figure used only to give the zones a notional population (not in the sources): ONS mid-2016
# population estimate for England.
ENGLAND_POPULATION = 55_268_100

# ERIC "Commissioning Region" -> the `borough` column (England has no local authority column in these sources).
REGION = {
    "EAST OF ENGLAND COMMISSIONING REGION": "East of England",
    "LONDON COMMISSIONING REGION": "London",
    "MIDLANDS COMMISSIONING REGION": "Midlands",
    "NORTH EAST AND YORKSHIRE COMMISSIONING REGION": "North East and Yorkshire",
    "NORTH WEST COMMISSIONING REGION": "North West",
    "SOUTH EAST COMMISSIONING REGION": "South East",
    "SOUTH WEST COMMISSIONING REGION": "South West",
}

# Kinds: GM's table (gm.KIND_FROM_SITE_TYPE) plus the one ERIC site type GM does not have.
KIND_FROM_SITE_TYPE = gm.KIND_FROM_SITE_TYPE + [("5. Learning Disabilities", "mental_health")]

# Tenure: GM's rule plus the two ERIC tenures GM does not have (see README).
TENURE_RULES = [  # (prefix of ERIC tenure, tenure), first match wins
    ("1. Freehold", "freehold"),
    ("2. Whole site - Private Finance Initiative", "pfi"),
    ("3. Part site - Private Finance Initiative", "pfi"),
    ("4. SLA/lease from NHS", "leasehold"),
    ("5. SLA/lease from public sector", "leasehold"),
    ("6. Local Investment Finance Trust", "pfi"),          # LIFT: a PPP like PFI (England only)
    ("7. Leased from NHS Property Services", "leasehold"),  # England only
    ("8. Leased from commercial organisation - lease greater than 99", "freehold"),  # long lease = owned (GM)
    ("9. Leased from commercial organisation - lease less than 99", "leasehold"),
]

# ERIC columns (the header repeats "PFI Contractor (SPV) costs (£)" and "PFI Management (Trust) costs (£)" in
# every service block, so columns are found by the FIRST header that matches: the estates and facilities block).
COL = {
    "trust_code": "Trust Code", "trust_name": "Trust Name", "region": "Commissioning Region",
    "trust_type": "Trust Type", "site_code": "Site Code", "site_name": "Site Name", "site_type": "Site Type",
    "tenure": "Tenure", "postcode": "Post Code",
    "gia_m2": "Gross internal floor area (m²)",
    "leases_rent_gbp": "Leases and rent (£)", "rates_gbp": "Rates (£)",
    "estates_property_maintenance_gbp": "Estates and property maintenance (£)",
    "grounds_gardens_gbp": "Grounds and gardens maintenance (£)",
    "other_hard_fm_gbp": "Other Hard FM (Estates) costs (£)",
    "other_soft_fm_gbp": "Other Soft FM (Hotel Services) costs (£)",
    "fm_management_gbp": "Management (Hard and Soft FM) costs (£)",
    "pfi_spv_gbp": "PFI Contractor (SPV) costs (£)",
    "backlog_high_gbp": "Cost to eradicate high risk backlog (£)",
    "backlog_significant_gbp": "Cost to eradicate significant risk backlog (£)",
    "backlog_moderate_gbp": "Cost to eradicate moderate risk backlog (£)",
    "backlog_low_gbp": "Cost to eradicate low risk backlog (£)",
    "electricity_gbp": "Electricity costs (£)", "gas_gbp": "Gas costs (£)",
}

# ERIC site codes corrected to the ODS code: "RWF\u00a03" (with a no-break space) is Maidstone General Hospital,
# ODS RWF03 in the NHS hospital list.
SITE_CODE_FIX = {"RWF\u00a03": "RWF03"}

SITE_HEADER = ["id", "organisation", "name", "kind", "public_facing", "borough", "tenure", "lease_end",
               "lease_break", "exit_penalty_gbp", "lat", "lon", "floor_area_m2", "desks", "rent_gbp",
               "rates_gbp", "fm_gbp", "utilities_gbp", "maintenance_gbp", "backlog_gbp",
               "disposal_value_gbp", "must_keep"]


# ---------------------------------------------------------------- helpers
def read_eric() -> list[dict]:
    with open(SRC / ERIC_FILE, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    ix = {k: header.index(v) for k, v in COL.items()}  # list.index: the first matching column
    assert all(len(r) == len(header) for r in rows), "ragged ERIC rows"
    return [{k: r[i] for k, i in ix.items()} for r in rows[1:]]


def read_hospitals() -> list[dict]:
    with open(SRC / HOSPITALS_FILE, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def norm_postcode(p: str) -> str:
    """Upper case, all whitespace removed: 'S44  5BL' and 's44 5bl' both give 'S445BL'."""
    return re.sub(r"\s+", "", p).upper()


def clean_name(s: str) -> str:
    return " ".join(s.split())


# ---------------------------------------------------------------- build
def build() -> tuple[dict[str, list[list[str]]], dict]:
    rng = random.Random(SEED)
    files: dict[str, list[list[str]]] = {}
    info: dict = {}
    eric = read_eric()

    # ---- hospital list by normalised postcode (rows with coordinates only)
    by_pc: dict[str, list[dict]] = defaultdict(list)
    for h in read_hospitals():
        if h["Latitude"].strip() and h["Longitude"].strip() and h["Postcode"].strip():
            by_pc[norm_postcode(h["Postcode"])].append(h)

    def locate(site_code: str, postcode: str) -> tuple[float | None, float | None, str]:
        """(lat, lon, why not located). Several hospitals at one postcode: the one whose ODS code is the ERIC
        site code, else the lowest ODS code."""
        if not postcode.strip():
            return None, None, "no postcode in ERIC"
        cands = by_pc.get(norm_postcode(postcode), [])
        if not cands:
            return None, None, "postcode not in the NHS hospital list"
        same = [h for h in cands if h["OrganisationCode"] == site_code]
        h = same[0] if same else min(cands, key=lambda h: h["OrganisationCode"])
        return float(h["Latitude"]), float(h["Longitude"]), ""

    # ---- organisations: every trust in the ERIC file
    trusts: dict[str, dict] = {}
    for r in eric:
        t = trusts.setdefault(r["trust_code"], {"id": r["trust_code"], "name": clean_name(r["trust_name"]),
                                                "type": r["trust_type"], "borough": REGION[r["region"]]})
        assert t["name"] == clean_name(r["trust_name"]) and t["type"] == r["trust_type"], r["site_code"]
    files["organisations.csv"] = [["id", "name", "kind", "borough"]] + [
        [t["id"], t["name"], "nhs_trust", t["borough"]] for t in sorted(trusts.values(), key=lambda t: t["id"])]
    info["trust_types"] = Counter(t["type"] for t in trusts.values())

    # ---- sites: every ERIC row
    sites: list[dict] = []
    unlocated = [["id", "organisation", "name", "kind", "postcode", "reason"]]
    for r in eric:
        kind = next(k for p, k in KIND_FROM_SITE_TYPE if r["site_type"].startswith(p))
        t = r["tenure"]
        if t == "":
            tenure = "freehold"  # the grouped "other reportable sites": no tenure published (GM rule)
        else:
            tenure = next(v for p, v in TENURE_RULES if t.startswith(p))
        code = SITE_CODE_FIX.get(r["site_code"], r["site_code"])
        lat, lon, why = locate(code, r["postcode"])
        s = {
            "id": code, "organisation": r["trust_code"], "name": clean_name(r["site_name"]),
            "kind": kind, "source": "nhs", "public_facing": kind not in ("ambulance", "other"),
            "borough": REGION[r["region"]], "tenure": tenure, "lat": lat, "lon": lon,
            "postcode": " ".join(r["postcode"].split()),
            **gm.eric_money(r),
            # GM rule: hospitals are kept. England only: a public-facing site without coordinates is kept too,
            # because the access rule cannot see it (releasing it would look free to every zone).
            "must_keep": kind in ("acute", "specialist") or (kind not in ("ambulance", "other") and lat is None),
        }
        assert s["floor_area_m2"] > 0, s["id"]
        sites.append(s)
        if lat is None:
            unlocated.append([s["id"], s["organisation"], s["name"], kind, s["postcode"], why])
    sites.sort(key=lambda s: s["id"])
    assert len({s["id"] for s in sites}) == len(sites), "duplicate site ids"
    unlocated = [unlocated[0]] + sorted(unlocated[1:], key=lambda r: r[0])
    files["unlocated_sites.csv"] = unlocated

    # ---- desks, disposal, leases, penalties (GM rules and constants)
    for s in sites:
        share = gm.DESK_SHARE[(s["source"], s["kind"])]
        s["desks"] = int(math.floor(s["floor_area_m2"] * share / gm.M2_PER_DESK + 1e-9))
        s["running"] = sum(s[c] for c in ("rent_gbp", "rates_gbp", "fm_gbp", "utilities_gbp", "maintenance_gbp"))
        s["disposal_value_gbp"] = gm.DISPOSAL_GBP_PER_M2 * s["floor_area_m2"] if s["tenure"] == "freehold" else 0.0
        s["lease_end"] = s["lease_break"] = None
        s["exit_penalty_gbp"] = 0.0
        if s["tenure"] == "pfi":
            s["exit_penalty_gbp"] = gm.PFI_EXIT_YEARS * s["running"]
    for s in sites:  # seed use 1: leases, in site-id order
        if s["tenure"] != "leasehold":
            continue
        end = REFERENCE_DATE + dt.timedelta(days=rng.randint(365, (LEASE_HORIZON - REFERENCE_DATE).days))
        frac = rng.uniform(0.25, 0.75)
        brk = REFERENCE_DATE + dt.timedelta(days=int((end - REFERENCE_DATE).days * frac))
        s["lease_end"], s["lease_break"] = end, brk
        # No premium on top: the model charges the rent from the day a lease is left to its break itself
        # (costing::exit_penalties), so a later release pays less, and dilapidations per m2 from the model file.

    site_rows = [SITE_HEADER]
    for s in sites:
        site_rows.append([
            s["id"], s["organisation"], s["name"], s["kind"], str(s["public_facing"]).lower(), s["borough"],
            s["tenure"], s["lease_end"].isoformat() if s["lease_end"] else "",
            s["lease_break"].isoformat() if s["lease_break"] else "", gm.gbp0(s["exit_penalty_gbp"]),
            gm.coord(s["lat"]), gm.coord(s["lon"]), gm.area(s["floor_area_m2"]), str(s["desks"]),
            gm.gbp0(s["rent_gbp"]), gm.gbp0(s["rates_gbp"]), gm.gbp0(s["fm_gbp"]), gm.gbp0(s["utilities_gbp"]),
            gm.gbp0(s["maintenance_gbp"]), gm.gbp0(s["backlog_gbp"]), gm.gbp0(s["disposal_value_gbp"]),
            str(s["must_keep"]).lower()])
    files["sites.csv"] = site_rows

    # ---- teams: GM's NHS-trust rule (headcount = trust GIA / 400 m2), functions, team sizes and placement
    gia: dict[str, float] = defaultdict(float)
    for s in sites:
        gia[s["organisation"]] += s["floor_area_m2"]
    heads = {oid: gm.iround(gia[oid] / gm.NHS_M2_PER_HEAD) for oid in sorted(trusts)}
    info["heads"] = heads
    org_sites: dict[str, list[dict]] = defaultdict(list)
    for s in sites:
        if s["desks"] > 0:
            org_sites[s["organisation"]].append(s)
    teams = []
    trimmed: list[tuple[str, int, int]] = []  # (team, derived headcount, headcount kept)
    trimmed_heads: dict[str, int] = defaultdict(int)
    for oid in sorted(heads):
        osites = sorted(org_sites[oid], key=lambda s: (-s["desks"], s["id"]))
        assert osites, oid
        cap = min(gm.MAX_TEAM, osites[0]["desks"])
        org_teams = gm.function_teams(oid, heads[oid], cap)
        # placement (GM rule): largest teams first, each to the first site (largest desks first) with room left.
        # England only: a team that finds no site with room is cut to the most free desks left at any of the
        # trust's sites, and dropped when none is left, so no site holds more people than desks today.
        remaining = {s["id"]: s["desks"] for s in osites}
        placed = []
        for t in sorted(org_teams, key=lambda t: (-t["headcount"], t["id"])):
            site = next((s["id"] for s in osites if remaining[s["id"]] >= t["headcount"]), None)
            if site is None:
                best = max(osites, key=lambda s: (remaining[s["id"]], s["id"]))
                cut = t["headcount"] - remaining[best["id"]]
                trimmed.append((t["id"], t["headcount"], max(0, remaining[best["id"]])))
                trimmed_heads[oid] += min(cut, t["headcount"])
                if remaining[best["id"]] <= 0:
                    continue
                t["headcount"] = remaining[best["id"]]
                site = best["id"]
            remaining[site] -= t["headcount"]
            t["site"] = site
            placed.append(t)
        teams.extend(placed)
    teams.sort(key=lambda t: t["id"])
    for t in teams:  # seed use 2
        t["movable"] = not (rng.random() < gm.IMMOVABLE_SHARE)
    info["trimmed"] = trimmed
    info["trimmed_heads"] = dict(trimmed_heads)
    files["teams.csv"] = [["id", "organisation", "function", "headcount", "site", "movable"]] + [
        [t["id"], t["organisation"], t["function"], str(t["headcount"]), t["site"], str(t["movable"]).lower()]
        for t in teams]

    # ---- zones: one per distinct location of the located public-facing sites
    at: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for s in sites:
        if s["public_facing"] and s["lat"] is not None:
            at[(gm.coord(s["lat"]), gm.coord(s["lon"]))].append(s)
    zone_list = []
    for (lat, lon), ss in at.items():
        first = min(ss, key=lambda s: s["id"])
        zone_list.append({"id": f"Z-{first['id']}", "name": first["name"], "borough": first["borough"],
                          "lat": lat, "lon": lon, "gia": sum(s["floor_area_m2"] for s in ss)})
    zone_list.sort(key=lambda z: z["id"])
    total_gia = sum(z["gia"] for z in zone_list)
    pop = gm.largest_remainder(ENGLAND_POPULATION, [(z["id"], z["gia"] / total_gia) for z in zone_list])
    files["zones.csv"] = [["id", "name", "borough", "lat", "lon", "population"]] + [
        [z["id"], z["name"], z["borough"], z["lat"], z["lon"], str(pop[z["id"]])] for z in zone_list]

    info["sites"] = sites
    return files, info


# ---------------------------------------------------------------- self-check
FILES = ["organisations.csv", "sites.csv", "teams.csv", "zones.csv", "unlocated_sites.csv"]


def write_files(files: dict[str, list[list[str]]], folder: Path) -> None:
    gm.write_files(files, folder, copies={})


def check(folder: Path) -> None:
    data = {}
    for name in FILES:
        raw = (folder / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw, name
        with open(folder / name, encoding="utf-8", newline="") as fh:
            data[name] = list(csv.DictReader(fh))
    gm.check_formats(data)
    orgs = {r["id"] for r in data["organisations.csv"]}
    sites = {r["id"]: r for r in data["sites.csv"]}
    assert len(orgs) == 224 and len(sites) == 1261, (len(orgs), len(sites))
    for r in data["sites.csv"]:
        assert r["organisation"] in orgs and r["name"] and float(r["floor_area_m2"]) > 0
        if r["tenure"] == "leasehold":
            end = dt.date.fromisoformat(r["lease_end"])
            assert REFERENCE_DATE < end <= LEASE_HORIZON
            assert dt.date.fromisoformat(r["lease_break"]) <= end
        else:
            assert r["lease_end"] == "" and r["lease_break"] == ""
    assert {r["organisation"] for r in data["sites.csv"]} == orgs  # every trust has a site
    unloc = {r["id"] for r in data["unlocated_sites.csv"]}
    assert unloc == {i for i, s in sites.items() if s["lat"] == ""}  # the list is exactly the sites without lat/lon
    max_desks = max(int(s["desks"]) for s in sites.values())
    occupied: dict[str, int] = defaultdict(int)
    for r in data["teams.csv"]:
        assert r["organisation"] in orgs and r["site"] in sites
        assert sites[r["site"]]["organisation"] == r["organisation"]
        assert 0 < int(r["headcount"]) <= max_desks
        occupied[r["site"]] += int(r["headcount"])
    assert {r["organisation"] for r in data["teams.csv"]} == orgs  # every trust has a back office
    total_heads = sum(int(r["headcount"]) for r in data["teams.csv"])
    total_desks = sum(int(s["desks"]) for s in sites.values())
    assert total_heads <= total_desks
    assert sum(int(r["population"]) for r in data["zones.csv"]) == ENGLAND_POPULATION
    pf = [s for s in sites.values() if s["public_facing"] == "true" and s["lat"]]
    assert {(s["lat"], s["lon"]) for s in pf} == {(z["lat"], z["lon"]) for z in data["zones.csv"]}

    # summary
    overfull = sorted(s for s, h in occupied.items() if h > int(sites[s]["desks"]))
    print("rows:", ", ".join(f"{n} {len(rows)}" for n, rows in data.items()))
    fa = sum(float(s["floor_area_m2"]) for s in sites.values())
    run = sum(sum(float(s[c]) for c in ("rent_gbp", "rates_gbp", "fm_gbp", "utilities_gbp", "maintenance_gbp"))
              for s in sites.values())
    print(f"total floor area {fa:,.0f} m2; total annual running cost GBP {run:,.0f}")
    print(f"total headcount {total_heads}; teams {len(data['teams.csv'])}; total desks {total_desks}; "
          f"ratio {total_desks / total_heads:.2f}; team sizes "
          f"{min(int(r['headcount']) for r in data['teams.csv'])}-{max(int(r['headcount']) for r in data['teams.csv'])}; "
          f"not movable {sum(r['movable'] == 'false' for r in data['teams.csv'])}")
    print(f"sites over desk capacity today: {len(overfull)}", overfull[:20])
    located = len(sites) - len(unloc)
    print(f"located sites {located}; unlocated {len(unloc)}; public-facing located {len(pf)}; zones "
          f"{len(data['zones.csv'])}")
    print("unlocated by reason:", dict(Counter(r["reason"] for r in data["unlocated_sites.csv"])))
    print("unlocated by kind:", dict(sorted(Counter(r["kind"] for r in data["unlocated_sites.csv"]).items())))
    teams_unloc = sum(1 for r in data["teams.csv"] if r["site"] in unloc)
    print(f"teams at unlocated sites: {teams_unloc}")
    kinds = Counter(s["kind"] for s in sites.values())
    ten = Counter(s["tenure"] for s in sites.values())
    print("site kinds:", dict(sorted(kinds.items())), "tenures:", dict(sorted(ten.items())))
    print("located by kind:", dict(sorted(Counter(s["kind"] for s in sites.values() if s["lat"]).items())))
    shared = Counter((s["lat"], s["lon"]) for s in sites.values() if s["lat"])
    print(f"sites sharing coordinates with another site: {sum(n for n in shared.values() if n > 1)} "
          f"(in {sum(1 for n in shared.values() if n > 1)} locations)")
    worst = (0.0, "")
    for z in data["zones.csv"]:
        others = [gm.haversine_km(float(z["lat"]), float(z["lon"]), float(s["lat"]), float(s["lon"])) for s in pf
                  if (s["lat"], s["lon"]) != (z["lat"], z["lon"])]
        d = min(others)
        if d > worst[0]:
            worst = (d, z["id"] + " " + z["name"])
    print(f"zones: furthest next-nearest other public-facing location {worst[0]:.1f} km ({worst[1]})")
    for km in (5, 10, 15, 20):
        n = 0
        for z in data["zones.csv"]:
            if any(gm.haversine_km(float(z["lat"]), float(z["lon"]), float(s["lat"]), float(s["lon"])) <= km
                   for s in pf if (s["lat"], s["lon"]) != (z["lat"], z["lon"])):
                n += 1
        print(f"  zones with another public-facing location within {km} km: {n}")
    pops = sorted(int(r["population"]) for r in data["zones.csv"])
    print(f"zone population min {pops[0]}, median {pops[len(pops) // 2]}, max {pops[-1]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="build into a temporary folder and exit 1 if any file differs from the committed files")
    ap.add_argument("--verbose", action="store_true", help="print derivation details")
    args = ap.parse_args()
    files, info = build()
    if args.check:
        return gm.check_rebuild(files, list(files), OUT, write_files, check)
    write_files(files, OUT)
    check(OUT)
    if args.verbose:
        print("trust types:", dict(sorted(info["trust_types"].items())))
        t = info["trimmed"]
        print(f"teams cut for lack of desks: {len(t)} ({sum(1 for x in t if x[2] == 0)} dropped), people cut "
              f"{sum(info['trimmed_heads'].values())}, by trust {dict(sorted(info['trimmed_heads'].items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
