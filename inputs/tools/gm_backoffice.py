"""The Greater Manchester back office (issue 17): who does which back-office function today, in FTE, what a
function costs and how it scales when pooled (functions.csv), today's shared services (shared_services.csv,
service_members.csv), and the teams of teams.csv with their placement.

Pure rules over rows the builder reads from inputs/sources/; standard library only, no random numbers. Every
constant here is cited or derived in inputs/greater-manchester/README.md, section "Back office".
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict

from gm_numbers import iround, largest_remainder

# ---------------------------------------------------------------- NHS bodies: NHS Digital HCHS workforce
WORKFORCE_MONTH = "2017-SEP"  # 30 September 2017, the first month of the published file
CENTRAL, HPE = "Central functions", "Hotel, property & estates"
MANAGERS, SENIOR_MANAGERS = "Managers", "Senior managers"
# Half of managers and senior managers count as back office: NHS "managers" are service managers (clinical
# divisions, not back office) or functional managers (finance, HR, IT...) reporting to senior managers.
MANAGER_SHARE = 0.5
# Most hotel, property & estates staff are porters, domestics, catering and works staff; a tenth is taken as
# desk-based estates and facilities management, half of it estates management (asset strategy, property,
# capital projects: poolable) and half site facilities management (helpdesks, site managers: site-bound).
HPE_OFFICE_SHARE = 0.10
HPE_OFFICE_SPLIT = [("estates", 0.5), ("facilities", 0.5)]
# ODS successor of 2016 partners missing from the September 2017 file: the three Manchester CCGs merged into
# NHS Manchester CCG (14L) on 2017-04-01; each predecessor takes an equal third (as the borough population is
# split between them elsewhere in the data set).
SUCCESSOR = {"00W": "14L", "01M": "14L", "01N": "14L"}
# The GM commissioning hub (14J) is not in the file (no staff are reported under 14J): 0.05 FTE per 1,000 GM
# residents, the data set's earlier hub rule (139 FTE).
HUB_FTE_PER_1000_GM = 0.05
# Split of a body's core back office (central functions + the manager share) by function, by kind of body.
# A CCG buys payroll and transactional finance (NHS SBS, host trusts) and its IM&T from GM Shared Services, so
# its own payroll is nil and its IT small; its commissioning programme office, governance and communications
# sit in transformation.
NHS_CORE_SPLIT = {
    "nhs_trust": [("finance", 0.18), ("payroll", 0.04), ("hr", 0.14), ("it", 0.28), ("procurement", 0.06),
                  ("bi", 0.10), ("transformation", 0.20)],
    "ccg": [("finance", 0.22), ("hr", 0.05), ("it", 0.05), ("procurement", 0.08), ("bi", 0.15),
            ("estates", 0.02), ("transformation", 0.43)],
}
NHS_CORE_SPLIT["commissioner"] = NHS_CORE_SPLIT["ccg"]

# ---------------------------------------------------------------- councils: a per-resident rule
# Manchester City Council: 6,452 FTE (all staff but schools) early in 2017 (budget proposals 2017-20), over
# Manchester's mid-2016 population (sum of its wards).
COUNCIL_CALIBRATION = ("Manchester", 6452)
# Back-office functions as shares of a council's non-school FTE (23% in all).
COUNCIL_SPLIT = [
    ("finance", 0.030), ("payroll", 0.006), ("hr", 0.018), ("it", 0.026), ("procurement", 0.010),
    ("bi", 0.010), ("estates", 0.015), ("transformation", 0.015), ("revenues_benefits", 0.042),
    ("legal_democratic", 0.018), ("customer_contact", 0.040),
]
# A function under this many FTE is kept with the body's other small functions in one `other` team.
MIN_FUNCTION_FTE = 5

# ---------------------------------------------------------------- today's shared services
# GM Shared Services (GMSS), hosted by NHS Oldham CCG (00Y) for the 12 GM CCGs. Oldham's own back office is
# the median CCG rate per resident of the other GM CCGs in the file; the rest of its central functions and
# managers are GMSS, split by the services it provided (IM&T to all CCGs; contracting and performance,
# finance, communications "to varying degrees").
GMSS_HOST = "00Y"
GMSS_SPLIT = [("it", 0.45), ("bi", 0.25), ("finance", 0.15), ("transformation", 0.15)]
GMSS_NAMES = {
    "it": "GM Shared Services: information management and technology",
    "bi": "GM Shared Services: contracting, performance and business intelligence",
    "finance": "GM Shared Services: financial services",
    "transformation": "GM Shared Services: communications and programme support",
}
# Manchester and Salford city councils' shared legal service (from April 2012), hosted by Manchester.
LEGAL_SERVICE = {"service": "mcr-salford-legal", "name": "Manchester and Salford shared legal service",
                 "function": "legal_democratic", "host": "E08000003", "members": ["E08000003", "E08000006"]}

# ---------------------------------------------------------------- functions.csv: cost and economies of scale
# Agenda for Change annual pay, England, 2015/16 (NHS Employers, Table 9(L)): (band minimum, band maximum);
# 2016/17 is 1% higher on every point (Pay and Conditions Circular (AforC) 1/2016).
AFC_2015_16 = {3: (16633, 19461), 4: (19027, 22236), 5: (21692, 28180), 6: (26041, 34876), 7: (31072, 40964)}
AFC_UPLIFT_2016_17 = 1.01
EMPLOYER_PENSION = 0.143  # NHS Pension Scheme employer rate before April 2019
EMPLOYER_NI, NI_SECONDARY_THRESHOLD = 0.138, 8112  # 2016/17: 13.8% above GBP 8,112 a year
NAO_OVERRUN = 1.4 / 0.9  # NAO 2012: five shared-service centres cost GBP 1.4bn against GBP 0.9bn planned
SETUP_YEARS = 0.5  # setting a hub up: half a year of a reference-size team's cost, before overrun
MIGRATION_YEARS = 0.10  # a body joining: a tenth of a year of a reference-size team's cost, before overrun
REDUNDANCY_MONTHS = 12  # AfC: a month's pay per year of service (capped at 24); 12 years' service assumed
CROSS_SECTOR_VAT = "0.2"
REFERENCE_BODIES = 10  # the README's "realistic hub": ten median bodies pooled
# (id, name, AfC bands of its staff, retained share, max hubs, sector rule, saving when all GM bodies pool,
#  dual-running months, poolable)
FUNCTION_SPEC = [
    ("finance", "Finance (accounting, management accounts, transactional finance)", (5, 6), 0.25, 3, "any",
     0.30, 2, True),
    ("payroll", "Payroll and pensions administration", (4, 5), 0.05, 2, "same_sector", 0.30, 2, True),
    ("hr", "Human resources (advice, recruitment, workforce information)", (5, 6), 0.30, 2, "any", 0.25, 1,
     True),
    ("it", "Information management and technology", (5, 6), 0.20, 3, "any", 0.25, 3, True),
    ("procurement", "Procurement and contract management", (5, 6), 0.20, 2, "any", 0.25, 1, True),
    ("bi", "Business intelligence and performance", (6, 7), 0.25, 2, "any", 0.20, 1, True),
    ("estates", "Estates management (asset strategy, property management, capital projects)", (6, 7), 0.30, 1,
     "any", 0.20, 1, True),
    ("facilities", "Site facilities management (site-bound)", (4, 5), 1.0, 0, "any", 0.0, 0, False),
    ("transformation", "Transformation, strategy, programme office and communications", (6, 7), 0.50, 2, "any",
     0.20, 1, True),
    ("revenues_benefits", "Revenues and benefits (council tax, business rates, housing benefit)", (4, 5), 0.10,
     2, "same_sector", 0.30, 2, True),
    ("legal_democratic", "Legal and democratic services", (6, 7), 0.40, 2, "any", 0.20, 1, True),
    ("customer_contact", "Customer contact centre", (3, 4), 0.20, 2, "any", 0.25, 1, True),
    ("other", "Small functions kept with the body", (5, 6), 1.0, 0, "any", 0.0, 0, False),
]
FUNCTION_HEADER = ["function", "name", "cost_per_fte_gbp", "scale_exponent", "reference_fte", "retained_share",
                   "max_hubs", "sector_rule", "setup_gbp", "migration_gbp_per_body", "redundancy_gbp_per_fte",
                   "dual_running_months", "cross_sector_vat", "poolable"]
FUNCTIONS = [s[0] for s in FUNCTION_SPEC]

MAX_TEAM = 80


# ---------------------------------------------------------------- helpers
def sector_of(kind: str) -> str:
    """`council` for councils; every NHS kind (trusts, CCGs, the commissioning hub) is `nhs`."""
    return "council" if kind == "council" else "nhs"


def staff_groups(workforce: list[dict]) -> dict[str, dict[str, float]]:
    """FTE by organisation code and staff group at WORKFORCE_MONTH."""
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in workforce:
        if r["month"] == WORKFORCE_MONTH:
            out[r["org_code"]][r["staff_group"]] += float(r["fte"])
    return out


def managers(g: dict[str, float]) -> float:
    return g.get(MANAGERS, 0.0) + g.get(SENIOR_MANAGERS, 0.0)


def split(total: int, shares: list[tuple[str, float]]) -> dict[str, int]:
    """Largest-remainder split of a whole number of FTE by shares that need not add up to 1."""
    s = sum(v for _, v in shares)
    return largest_remainder(total, [(k, v / s) for k, v in shares])


def hub_fte(p: float, p_ref: float, b: float) -> float:
    """FTE a hub needs to do the work of `p` pooled in-house FTE: p up to p_ref, p_ref^(1-b) p^b above."""
    return p if p <= p_ref else p_ref ** (1 - b) * p ** b


def pooled_for(h: float, p_ref: float, b: float) -> float:
    """The inverse of hub_fte: the in-house FTE a hub of `h` FTE does the work of."""
    return h if h <= p_ref else (h / p_ref ** (1 - b)) ** (1 / b)


# ---------------------------------------------------------------- in-house back office by body and function
def oldham_own(wf: dict, orgs: dict, borough_pop: dict) -> tuple[float, float]:
    """Oldham CCG's own central functions and managers: the median per-resident rate of the other GM CCGs in
    the workforce file (each over its borough's population) times Oldham's population."""
    cf_rate, mgr_rate = [], []
    codes = sorted({SUCCESSOR.get(o, o) for o, v in orgs.items() if v["kind"] == "ccg"} - {GMSS_HOST})
    for code in codes:
        borough = next(v["borough"] for o, v in orgs.items() if SUCCESSOR.get(o, o) == code)
        cf_rate.append(wf[code][CENTRAL] / borough_pop[borough])
        mgr_rate.append(managers(wf[code]) / borough_pop[borough])
    pop = borough_pop[orgs[GMSS_HOST]["borough"]]
    return statistics.median(cf_rate) * pop, statistics.median(mgr_rate) * pop


def nhs_groups(oid: str, o: dict, wf: dict, orgs: dict, borough_pop: dict, gm_pop: int, info: dict) -> dict:
    """An NHS body's in-house FTE by function: core (central functions + MANAGER_SHARE of managers) split by
    NHS_CORE_SPLIT, and the office share of hotel, property & estates split by HPE_OFFICE_SPLIT."""
    if o["kind"] == "commissioner":
        core, office = gm_pop * HUB_FTE_PER_1000_GM / 1000, 0.0
    else:
        code = SUCCESSOR.get(oid, oid)
        n = sum(1 for x in orgs if SUCCESSOR.get(x, x) == code)
        g = {k: v / n for k, v in wf[code].items()}
        if oid == GMSS_HOST:
            own_cf, own_mgr = oldham_own(wf, orgs, borough_pop)
            info["gmss"] = {"own_cf": own_cf, "own_managers": own_mgr,
                            "fte": g[CENTRAL] - own_cf + managers(g) - own_mgr}
            g = {CENTRAL: own_cf, MANAGERS: own_mgr}
        core = g.get(CENTRAL, 0.0) + MANAGER_SHARE * managers(g)
        office = HPE_OFFICE_SHARE * g.get(HPE, 0.0)
    out = dict(split(iround(core), NHS_CORE_SPLIT[o["kind"]]))
    for fn, v in split(iround(office), HPE_OFFICE_SPLIT).items():
        out[fn] = out.get(fn, 0) + v
    return out


def council_groups(pop: int, fte_per_resident: float) -> dict[str, int]:
    """A council's back office: its non-school FTE (per-resident rule) times the COUNCIL_SPLIT shares."""
    total = iround(pop * fte_per_resident * sum(v for _, v in COUNCIL_SPLIT))
    return split(total, COUNCIL_SPLIT)


def pool_small(per_fn: dict[str, int]) -> dict[str, int]:
    """Functions under MIN_FUNCTION_FTE join the body's `other` pool; zero-FTE functions are dropped."""
    out: dict[str, int] = {}
    for fn in FUNCTIONS:
        v = per_fn.get(fn, 0)
        if v >= MIN_FUNCTION_FTE:
            out[fn] = v
        elif v > 0:
            out["other"] = out.get("other", 0) + v
    return out


def in_house(orgs: dict, borough_pop: dict, gm_pop: int, workforce: list[dict], info: dict) -> dict:
    """In-house FTE by (organisation, function), before today's shared services are carved out."""
    wf = staff_groups(workforce)
    city, city_fte = COUNCIL_CALIBRATION
    council_rate = city_fte / borough_pop[city]
    info["council_fte_per_resident"] = council_rate
    out: dict[tuple[str, str], int] = {}
    for oid, o in sorted(orgs.items()):
        if o["kind"] == "council":
            per_fn = council_groups(borough_pop[o["borough"]], council_rate)
        else:
            per_fn = nhs_groups(oid, o, wf, orgs, borough_pop, gm_pop, info)
        for fn, v in pool_small(per_fn).items():
            out[(oid, fn)] = v
    return out


# ---------------------------------------------------------------- functions.csv
def pay(bands: tuple[int, int]) -> float:
    """Mean of the 2016/17 mid-points of the AfC bands a function's staff are on."""
    mids = [(lo + hi) / 2 * AFC_UPLIFT_2016_17 for lo, hi in (AFC_2015_16[b] for b in bands)]
    return sum(mids) / len(mids)


def cost_per_fte(salary: float) -> float:
    """Salary plus employer pension and employer National Insurance (2016/17)."""
    return salary * (1 + EMPLOYER_PENSION) + EMPLOYER_NI * (salary - NI_SECONDARY_THRESHOLD)


def scale_params(fn: str, retained: float, sector_rule: str, saving_all: float, fte: dict,
                 sectors: dict) -> dict:
    """reference_fte = the median body's poolable FTE ((1 - retained share) x in-house FTE) of the function, so
    the median body alone saves nothing; b such that pooling every GM body (every body of the larger sector
    for a same_sector function) saves `saving_all`."""
    pooled = {o: (1 - retained) * v for (o, f), v in fte.items() if f == fn}
    p_ref = max(1, iround(statistics.median(pooled.values())))
    by_sector: dict[str, float] = defaultdict(float)
    for o, v in pooled.items():
        by_sector[sectors[o]] += v
    p_all = max(by_sector.values()) if sector_rule == "same_sector" else sum(by_sector.values())
    b = round(1 - (-math.log(1 - saving_all)) / math.log(p_all / p_ref), 2)
    return {"p_ref": p_ref, "b": b, "p_all": p_all, "bodies": len(pooled)}


def function_table(fte: dict, sectors: dict) -> tuple[list[list[str]], dict]:
    """functions.csv rows and, per function, the figures the README derives them from."""
    rows, params = [FUNCTION_HEADER], {}
    for fn, name, bands, retained, max_hubs, rule, saving_all, dual, poolable in FUNCTION_SPEC:
        salary = pay(bands)
        cost = cost_per_fte(salary)
        p = {"salary": salary, "cost": cost, "p_ref": 1, "b": 1.0, "setup": 0, "migration": 0, "redundancy": 0}
        if poolable:
            p.update(scale_params(fn, retained, rule, saving_all, fte, sectors))
            p["setup"] = round(SETUP_YEARS * p["p_ref"] * cost * NAO_OVERRUN, -4)
            p["migration"] = round(MIGRATION_YEARS * p["p_ref"] * cost * NAO_OVERRUN, -3)
            p["redundancy"] = round(salary * REDUNDANCY_MONTHS / 12, -2)
        params[fn] = p
        rows.append([fn, name, str(iround(cost)), f"{p['b']:.2f}", str(p["p_ref"]), f"{retained:.2f}",
                     str(max_hubs), rule, str(int(p["setup"])), str(int(p["migration"])), str(int(p["redundancy"])),
                     str(dual), CROSS_SECTOR_VAT, str(poolable).lower()])
    return rows, params


# ---------------------------------------------------------------- today's shared services
def hundredths(total: float, shares: list[tuple[str, float]]) -> dict[str, float]:
    """`total` split by shares to the hundredth, the parts adding up to round(total, 2)."""
    parts = split(iround(total * 100), shares)
    return {k: v / 100 for k, v in parts.items()}


def gmss(orgs: dict, borough_pop: dict, params: dict, info: dict) -> tuple[list, list, list]:
    """GMSS: its FTE by function (host teams), and each CCG's pooled in-house FTE equivalent: the hub's FTE
    inverted through the scale curve, shared by the CCGs' populations."""
    ccgs = sorted(o for o, v in orgs.items() if v["kind"] == "ccg")
    n_in = defaultdict(int)
    for o in ccgs:
        n_in[orgs[o]["borough"]] += 1
    weights = [(o, borough_pop[orgs[o]["borough"]] / n_in[orgs[o]["borough"]]) for o in ccgs]
    host_groups, services, members = [], [], []
    for fn, h in split(iround(info["gmss"]["fte"]), GMSS_SPLIT).items():
        sid = f"gmss-{fn}"
        p = pooled_for(h, params[fn]["p_ref"], params[fn]["b"])
        info.setdefault("gmss_pooled", {})[fn] = (h, p)
        host_groups.append((fn, h, sid))
        services.append([sid, GMSS_NAMES[fn], fn, GMSS_HOST, f"{GMSS_HOST}-OFFICE"])
        members += [[sid, o, f"{v:.2f}"] for o, v in hundredths(p, weights).items()]
    return host_groups, services, members


def legal_service(fte: dict, params: dict, info: dict) -> tuple[list, list, list]:
    """Manchester-Salford legal: each member keeps its retained share of its legal and democratic FTE (the
    monitoring officer, democratic services) and pools the rest; the host's service team is hub_fte(pooled)."""
    s, fn = LEGAL_SERVICE, LEGAL_SERVICE["function"]
    retained = next(x[3] for x in FUNCTION_SPEC if x[0] == fn)
    members, pooled_total = [], 0
    for o in s["members"]:
        keep = iround(retained * fte[(o, fn)])
        pooled = fte[(o, fn)] - keep
        fte[(o, fn)] = keep
        pooled_total += pooled
        members.append([s["service"], o, f"{pooled:.2f}"])
    h = iround(hub_fte(pooled_total, params[fn]["p_ref"], params[fn]["b"]))
    info["legal_pooled"] = (h, pooled_total)
    service = [s["service"], s["name"], fn, s["host"], f"{s['host']}-CIVIC"]
    return [(fn, h, s["service"])], [service], members


def back_office(orgs: dict, borough_pop: dict, gm_pop: int, workforce: list[dict]) -> dict:
    """Everything issue 17 adds to the data set: groups (organisation -> [(function, FTE, service)]), the
    functions, shared_services and service_members rows, and the figures the README quotes."""
    info: dict = {}
    fte = in_house(orgs, borough_pop, gm_pop, workforce, info)
    sectors = {o: sector_of(v["kind"]) for o, v in orgs.items()}
    functions, params = function_table(fte, sectors)
    g_groups, g_services, g_members = gmss(orgs, borough_pop, params, info)
    l_groups, l_services, l_members = legal_service(fte, params, info)
    groups: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for (o, fn), v in sorted(fte.items(), key=lambda kv: (kv[0][0], FUNCTIONS.index(kv[0][1]))):
        groups[o].append((fn, v, ""))
    groups[GMSS_HOST] += g_groups
    groups[LEGAL_SERVICE["host"]] += l_groups
    services = [["service", "name", "function", "host", "site"]] + sorted(g_services + l_services)
    members = [["service", "organisation", "fte_pooled"]] + sorted(g_members + l_members)
    return {"groups": dict(groups), "functions": functions, "shared_services": services,
            "service_members": members, "params": params, "in_house": fte, "info": info}


# ---------------------------------------------------------------- teams
def cut_teams(oid: str, groups: list[tuple[str, int, str]], cap: int) -> list[dict]:
    """Each (function, service) group of h FTE becomes ceil(h / cap) teams of as-equal-as-possible size; ids
    `<org>-<function>-<n>` in house, `<org>-<service>-<n>` for a shared service's staff."""
    teams = []
    for fn, h, service in groups:
        k = math.ceil(h / cap)
        stem = f"{oid}-{service or fn}"
        for i in range(k):
            size = h // k + (1 if i < h % k else 0)
            teams.append({"id": f"{stem}-{i + 1}", "organisation": oid, "function": fn, "headcount": size,
                          "service": service})
    return teams


def place_teams(teams: list[dict], osites: list[dict]) -> bool:
    """Spreads a body's teams over its sites in proportion to their desks; False when some team finds no site
    with room. Each site's quota of the body's FTE is a largest-remainder share by desks. Teams, largest first
    (ties by id), go to a site with free desks for them: among sites whose quota left holds the team, the one
    with the least quota left (best fit, which keeps large quotas for large teams); if none, the one with the
    most quota left. Ties by site id. No site takes more people than desks."""
    total = sum(t["headcount"] for t in teams)
    all_desks = sum(s["desks"] for s in osites)
    order = sorted(osites, key=lambda s: s["id"])
    quota = largest_remainder(total, [(s["id"], s["desks"] / all_desks) for s in order])
    free = {s["id"]: s["desks"] for s in order}
    for t in sorted(teams, key=lambda t: (-t["headcount"], t["id"])):
        h = t["headcount"]
        fits = [sid for sid in quota if free[sid] >= h]
        if not fits:
            return False
        in_quota = [sid for sid in fits if quota[sid] >= h]
        if in_quota:
            site = min(in_quota, key=lambda sid: (quota[sid], sid))
        else:
            site = min(fits, key=lambda sid: (-quota[sid], sid))
        quota[site] -= h
        free[site] -= h
        t["site"] = site
    return True


def body_teams(oid: str, groups: list[tuple[str, int, str]], osites: list[dict]) -> list[dict]:
    """A body's teams, cut at cap = min(MAX_TEAM, desks of its largest site) and placed by place_teams; when
    some team finds no room (many small sites), the cap is lowered by a tenth (rounded down) until all fit."""
    cap = min(MAX_TEAM, max(s["desks"] for s in osites))
    while True:
        teams = cut_teams(oid, groups, cap)
        if place_teams(teams, osites):
            return teams
        assert cap > 1, oid
        cap = max(1, math.floor(cap * 0.9))
