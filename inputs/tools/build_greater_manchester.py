#!/usr/bin/env python3
"""Build the shipped Greater Manchester example data set for `consolidate`.

Reads only the public source files copied into inputs/sources/ and writes
inputs/greater-manchester/{organisations,sites,teams,zones,suppliers,contracts,offers,functions,
shared_services,service_members,units}.csv. The back-office rules (who does which function, in FTE; what a function
costs and how it scales; today's shared services; team placement) are in gm_backoffice.py.

Standard library only (Python 3.11). Deterministic: every derived figure comes either
from a pure rule or from one random.Random(20160401) consumed in a fixed order:
  1. site leases (lease_end, lease_break), leasehold sites in site-id order
  2. LEGACY_TEAM_DRAWS (281) draws, one per team of the data set before issue 17, discarded, so that the
     draws below are unchanged by the rebuilt teams
  3. supplier `local` flags, suppliers in supplier-id order (only when no place-name rule applies)
  4. contract start, end and a third draw (the former termination-fee factor, now discarded), real contracts in
     contract-id order
  5. offer capacity factor, (supplier, category) pairs in sorted order
The derived contracts of the 34 partners without published spend use a second generator,
random.Random(20160402), only (order in derive_contracts), the team `movable` flags a third,
random.Random(20160403), one draw per team in team-id order, and the `local` flags of tail suppliers a fourth,
random.Random(20160404).
Every money figure written is in 2016/17 prices (README "Reference dates and price base"): every selection and every
draw is made on the published (cash) figures exactly as before the price base, and only then is each amount
multiplied by index(2016-17) / index(its source's year) of the GDP deflator in inputs/sources/prices/gdp_deflator.csv
(deflator_factors), so the price base moves money only, never which rows exist or what they draw.
Every derivation rule is documented in inputs/greater-manchester/README.md.

Usage:
  python3 inputs/tools/build_greater_manchester.py          # build and self-check
  python3 inputs/tools/build_greater_manchester.py --check  # build into a temp folder, compare to committed files
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
import re
import sys
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

sys.dont_write_bytecode = True  # importing the rule modules below must leave no __pycache__ in the repository

import gm_backoffice as bo  # noqa: E402  (the back-office rules of issue 17)
from gm_numbers import iround, largest_remainder, rhu  # noqa: E402,F401  (build_england.py reaches them here)

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "inputs" / "sources"
OUT = ROOT / "inputs" / "greater-manchester"

SEED = 20160401
PRICE_BASE = dt.date(2016, 4, 1)  # reference date of the data set
LEASE_HORIZON = dt.date(2031, 3, 31)

# ---------------------------------------------------------------- one price base (README "Reference dates and
# price base"): every money figure written is in 2016/17 prices. Every rule that selects, counts, flags or draws
# (the real contracts' top-15 and GBP 1,000 cut, the SME limit, the derived contracts' counts, supplier weights,
# shares and dates, the site-bound draws, the tail's rows and flags) works on the published cash figures exactly as
# before the price base; each amount is then multiplied by index(2016-17) / index(its source's year) of HM
# Treasury's GDP deflator (prices/gdp_deflator.csv, March 2026 release, 2024-25 = 100), computed from that file by
# deflator_factors (never typed in). So the price base changes money columns only.
DEFLATOR = "prices/gdp_deflator.csv"
PRICE_YEAR = "2016-17"  # the data set's price base
ERIC_YEAR = "2019-20"  # NHS Digital ERIC 2019/20: site running costs, backlog (and so the medians per m2)
MCC_SPEND_YEAR = "2016-17"  # Manchester City Council spend over GBP 500, April 2016 - March 2017
TRAFFORD_SPEND_YEAR = "2024-25"  # Trafford Council supplier spend 2024/25
SURPLUS_LAND_YEAR = "2018-19"  # GM's surplus NHS land review, HSJ 9 November 2018
TENDER_YEAR = "2011-12"  # the European Commission's evaluation of the procurement directives, June 2011
SITE_MONEY = ["rent_gbp", "rates_gbp", "fm_gbp", "utilities_gbp", "maintenance_gbp", "backlog_gbp"]

# ---------------------------------------------------------------- constants (all documented in README)
M2_PER_DESK = 12.0
DESK_SHARE = {  # share of floor area that is back-office desk space, by source and kind
    ("nhs", "acute"): 0.04,
    ("nhs", "specialist"): 0.04,
    ("nhs", "mental_health"): 0.04,
    ("nhs", "community"): 0.04,
    ("nhs", "other"): 0.04,
    ("nhs", "ambulance"): 0.03,
    ("council", "civic"): 0.8,
    ("council", "office"): 1.0,
    ("council", "library"): 0.05,
    ("council", "leisure"): 0.02,
    ("council", "clinic"): 0.10,
    ("council", "depot"): 0.05,
    ("council", "other"): 0.10,
    ("ccg", "office"): 1.0,
}
CCG_OFFICE_HEADROOM = 1.25  # CCG/hub office desks = ceil(back-office FTE x 1.25)
# An NHS trust whose back office does not fit its sites at the DESK_SHARE rule gets a larger desk share on every
# site: the one that gives desks for this many times its back-office FTE (the CCG office headroom).
NHS_DESK_HEADROOM = CCG_OFFICE_HEADROOM
WORKFORCE = "workforce/nhs_hchs_fte_by_staff_group_2017-09_2018-06.csv"
MAX_TEAM = bo.MAX_TEAM
IMMOVABLE_SHARE = 0.05
SEED_TEAMS = 20160403  # third generator: the teams' `movable` flags only
SEED_TAIL = 20160404  # fourth generator: the `local` flags of tail suppliers with no contract (tail.csv only)
LEGACY_TEAM_DRAWS = 281  # draws of the first generator kept for the teams of the data set before issue 17
# Derived contracts of the commissioning hub (14J): it buys like a CCG whose population gives the hub's size
# under the headcount rule the data set used before issue 17 (0.05 and 0.25 heads per 1,000 residents).
HUB_HEADS_PER_1000_GM = 0.05
CCG_HEADS_PER_1000 = 0.25
# The headcount rule of the data set before issue 17, now used only by build_england.py (which reaches these
# names here): a trust's back office is its floor area / 400 m2, split by FUNCTION_SHARES.
NHS_M2_PER_HEAD = 400.0
FUNCTION_SHARES = [  # (function, share)
    ("finance", 0.22), ("hr", 0.12), ("payroll", 0.05), ("it", 0.20),
    ("procurement", 0.08), ("bi", 0.08), ("estates", 0.15), ("transformation", 0.10),
]
MIN_FUNCTION_HEADS = 10  # functions smaller than this are pooled into one `other` team
DISPOSAL_GBP_PER_M2 = 1000.0  # freehold only; PFI and leasehold sites get 0. An assumption, set in 2016/17 prices
# Release units (units.csv, issue 18): parts of an NHS site released while the rest is kept, from ERIC's
# floor_empty_pct, floor_under_used_pct and land_not_delivering_services_ha (README "units.csv").
# Land value: GM's review of its surplus NHS land (HSJ, 9 November 2018): 52 sites, about 30 ha, about GBP 38m
# assuming planning permission; one value per hectare over all of it.
SURPLUS_LAND_GBP = 38_000_000.0
SURPLUS_LAND_HA = 30.0
UNIT_SUFFIXES = ("EMPTY", "UNDERUSED", "LAND")  # a site's units in this order
UNIT_COLUMNS = ["id", "site", "name", "kind", "floor_area_m2", "desks", "cost_share", "backlog_share", "land_ha",
                "disposal_value_gbp"]
# Carter's measures (sites.csv survey columns, NHS sites only; README "Carter's measures (sites.csv survey
# columns)"). Lord Carter's review of acute hospitals (2016): non-clinical floor area at most 35% of the estate,
# empty plus under-used floor at most 2.5%. Empty and under-used floor are those of the release units (same
# computation, floor_pct_m2); the non-clinical floor area sums ERIC's space-by-use columns of the full England file,
# matched by site code (the GM tidy extract has no space-by-use columns).
ERIC_ENGLAND = "eric/ERIC_201920_SiteData_England.csv"
ERIC_SITE_CODE, ERIC_GIA = "Site Code", "Gross internal floor area (m²)"
CLINICAL_USES = [  # ERIC's clinical space
    "Private patient (m²)", "Pathology (m²)", "Clinical Sterile Services Dept. (CSSD) (m²)",
    "Clinical space - other (m²)",
]
NON_CLINICAL_USES = [
    # ERIC's non-clinical space
    "Medical records (m²)", "Human Resources (m²)", "Information Technology (m²)", "General Administration (m²)",
    "Restaurants (m²)", "Staff Accommodation (m²)", "Non-clinical space - other (m²)", "Retail sales area (m²)",
    # ERIC's ambulance-trust uses: call handling, vehicle and crew bases, support. No patient is treated in them (an
    # ambulance's care is given at the scene and in the vehicle), so all are non-clinical floor area.
    "111 Contact Centre (m²)", "999 Contact Centre (to include empty & fall back desks) (m²)",
    "PTS Contact Centre (m²)", "Hub (make ready station) (m²)", "Spoke (m²)",
    "Ambulance Station (excludes deployment points with no premises costs) (m²)", "Ambulance Station (PTS) (m²)",
    "Training (m²)", "Corporate (m²)", "Fleet Workshop (m²)", "HART (Hazardous Area Response Team) (m²)",
    "Masts (m²)", "Logistics Store (m²)", "Other (m²)",
]
# The space-by-use block of the England file: every "(m²)" column from the first use to the last, each classified
# above exactly once (checked when the file is read).
SPACE_BY_USE = (CLINICAL_USES[0], NON_CLINICAL_USES[-1])
SITE_COLUMNS = ["id", "organisation", "name", "kind", "public_facing", "borough", "tenure", "lease_end",
                "lease_break", "exit_penalty_gbp", "lat", "lon", "floor_area_m2", "desks", "rent_gbp", "rates_gbp",
                "fm_gbp", "utilities_gbp", "maintenance_gbp", "backlog_gbp", "disposal_value_gbp", "must_keep",
                "derived"]
SURVEY_COLUMNS = ["non_clinical_m2", "empty_m2", "under_used_m2"]  # appended after SITE_COLUMNS
CARTER_NON_CLINICAL_MAX = 0.35
CARTER_EMPTY_UNDER_USED_MAX = 0.025
PFI_EXIT_YEARS = 10  # PFI exit penalty = 10 x annual running cost
SME_SPEND_LIMIT = 1_000_000.0  # a flag rule: compared with the supplier's published cash over both councils
LOCAL_SHARE = 0.30
TOP_N_PER_CATEGORY = 15
MIN_CONTRACT_SPEND = 1000.0  # a cut on the published payments: compared with each council's published cash
# Termination for convenience (README "Termination for convenience"): an early end pays the supplier's mobilisation
# still unrecovered at the earliest early end, straight-line over the contract's term, at most the charges still to
# run; no loss of profit, no demobilisation (derived). The fee factor the flat rule drew (uniform in [0.5, 1.5]) is
# still drawn and discarded, so every later draw, and so every other value of the data set, is unchanged.
EARLIEST_EARLY_END = dt.date(2017, 4, 1)  # start of plan year 2: the first after the 9-month lead (to 2017-01-01)
DISCARDED_FEE_FACTOR = (0.5, 1.5)
TIER_MULTIPLES = [(0.0, "1.00"), (1.25, "0.97"), (2.0, "0.94")]
CAPACITY_FACTOR = (1.5, 3.0)
CONTRACT_START = (dt.date(2012, 4, 1), dt.date(2016, 3, 31))
CONTRACT_END = (dt.date(2016, 4, 1), dt.date(2021, 3, 31))

# ---- derived contracts of the 34 partners without published spend (README "Derived contracts")
SEED_DERIVED = 20160402  # second generator: everything the derived contracts need, nothing else
CATEGORIES = [
    "agency_staff", "building_maintenance", "construction_works", "energy_utilities", "facilities_management",
    "fleet_vehicles", "furniture_equipment", "hr_training_recruitment", "insurance", "it_services",
    "print_post_stationery", "professional_services", "social_care",
]
# NHS trusts' agency staff is relabelled `nhs_agency` once the offers are drawn (so no draw changes): since
# November 2015 every NHS agency shift is under NHS Improvement's hourly price caps, and since 1 April 2016 every
# staff group is bought through NHS Improvement-approved frameworks ("agency rules"), so a GM back-office award
# cannot address it. categories.csv puts it out of scope.
NHS_AGENCY = "nhs_agency"
# categories.csv: how each category is bought jointly, the price effect the evidence supports (a cap on any
# volume tier's discount), the buyer's cost of the competition or call-off behind each re-let, and the cost of
# mobilising a new supplier (GBP per contract). The data set's README ("Categories: routes and price effects")
# gives the sources and rules.
NAO_CCS = "NAO HC 786 (2017): CCS 2015-16"
AGGREGATION_EFFECT = "0.04"  # CCS 2015-16: GBP 521m saved on GBP 12.8bn through its deals (4.1%, incl. demand)
FRAMEWORK_EFFECT = "0.024"   # of which GBP 311m from purchases using CCS frameworks (2.4% of the GBP 12.8bn)
# The buyer's quarter of an average EU procedure's EUR 28,000 (EC evaluation, 2011): EUR 7,000, about GBP 6,000 in
# 2011 money; written in 2016/17 prices (TENDER_YEAR), whole pounds, where CATEGORY_TERMS holds TENDER_GBP.
TENDER_GBP_2011 = 6000.0
TENDER_GBP = "tender"  # placeholder in CATEGORY_TERMS, replaced by the converted figure when categories.csv is built
SERVICE_MOBILISATION, GOODS_MOBILISATION = "20000", "5000"  # derived: a service contract's mobilisation vs a catalogue
CATEGORY_TERMS = {
    # category: (name, route, price effect, tender GBP, mobilisation GBP, source)
    "agency_staff": ("Agency staff (councils and CCGs)", "framework", FRAMEWORK_EFFECT, TENDER_GBP,
                     GOODS_MOBILISATION, f"{NAO_CCS} frameworks"),
    "building_maintenance": ("Building maintenance", "aggregation", AGGREGATION_EFFECT, TENDER_GBP,
                             SERVICE_MOBILISATION, NAO_CCS),
    "construction_works": ("Construction works (project-priced)", "framework", FRAMEWORK_EFFECT, TENDER_GBP,
                           SERVICE_MOBILISATION, f"{NAO_CCS} frameworks"),
    "energy_utilities": ("Energy and utilities (commodity-priced)", "framework", FRAMEWORK_EFFECT, TENDER_GBP,
                         GOODS_MOBILISATION, f"{NAO_CCS} frameworks"),
    "facilities_management": ("Facilities management", "aggregation", AGGREGATION_EFFECT, TENDER_GBP,
                              SERVICE_MOBILISATION, NAO_CCS),
    "fleet_vehicles": ("Fleet and vehicles", "aggregation", AGGREGATION_EFFECT, TENDER_GBP, SERVICE_MOBILISATION,
                       NAO_CCS),
    "furniture_equipment": ("Furniture and equipment", "aggregation", AGGREGATION_EFFECT, TENDER_GBP,
                            GOODS_MOBILISATION, NAO_CCS),
    "hr_training_recruitment": ("HR, training and recruitment", "aggregation", AGGREGATION_EFFECT, TENDER_GBP,
                                GOODS_MOBILISATION, NAO_CCS),
    "insurance": ("Insurance", "aggregation", AGGREGATION_EFFECT, TENDER_GBP, GOODS_MOBILISATION, NAO_CCS),
    "it_services": ("IT services", "aggregation", AGGREGATION_EFFECT, TENDER_GBP, SERVICE_MOBILISATION, NAO_CCS),
    NHS_AGENCY: ("NHS agency staff (NHS Improvement agency rules)", "out_of_scope", "0", "0", "0",
                 "NHS Improvement agency rules: price caps from Nov 2015, approved frameworks from Apr 2016"),
    "print_post_stationery": ("Print, post and stationery", "aggregation", AGGREGATION_EFFECT, TENDER_GBP,
                              GOODS_MOBILISATION, NAO_CCS),
    "professional_services": ("Professional services", "framework", FRAMEWORK_EFFECT, TENDER_GBP,
                              GOODS_MOBILISATION, f"{NAO_CCS} frameworks"),
    "social_care": ("Adult social care", "out_of_scope", "0", "0", "0",
                    "Care Act 2014 s.5 market shaping; fees set by cost-of-care exercises; residents choose"),
}
# Office categories: what a body with one leased office and no estate, fleet or care budget buys.
OFFICE_CATEGORIES = [
    "agency_staff", "facilities_management", "furniture_equipment", "hr_training_recruitment", "insurance",
    "it_services", "print_post_stationery", "professional_services",
]
CATEGORIES_BY_KIND = {
    "council": CATEGORIES,  # councils buy what Manchester and Trafford buy
    # trusts run estates, fleets and back offices but commission no adult social care
    "nhs_trust": [c for c in CATEGORIES if c != "social_care"],
    # CCGs and the hub: back office only. (CCGs did fund continuing healthcare placements, jointly with
    # councils, but that is tens of GBP m per CCG of patient care, not back-office procurement: left out.)
    "ccg": OFFICE_CATEGORIES,
    "commissioner": OFFICE_CATEGORIES,
}
# NHS trusts, estate categories: GBP a year per GBP of the trust's own ERIC line (summed over its sites).
NHS_ESTATE_BASIS = {
    # electricity + gas are bought from energy suppliers as they are (water and oil are not in the extract)
    "energy_utilities": ("utilities_gbp", 1.0),
    # ERIC FM and maintenance lines include in-house estates staff: assume half is bought from contractors
    "facilities_management": ("fm_gbp", 0.5),
    "building_maintenance": ("maintenance_gbp", 0.5),
    # a tenth of the trust's backlog maintenance bill cleared each year by building contractors
    "construction_works": ("backlog_gbp", 0.10),
}
# NHS trusts, other categories: GBP a year per GBP of the trust's ERIC running cost (rent + rates + FM +
# utilities + maintenance over its sites), the one size figure published for every trust in the sources.
# Assumed orders of magnitude, so that a large acute trust (CMFT, running cost GBP 51m in ERIC's 2019/20 cash)
# spends about GBP 15m on agency staff and GBP 55-60m on the 12 categories in all. Applied to the cash running
# cost (the contract counts and draws), the amounts then put in 2016/17 prices by the ERIC factor.
NHS_RUNNING_RATIO = {
    "agency_staff": 0.30,             # NHS agency spend peaked in 2015/16: the largest non-pay line here
    "it_services": 0.15,              # EPR, infrastructure, licences, telecoms
    "professional_services": 0.10,    # legal, audit, consultancy
    "furniture_equipment": 0.03,      # office and ward furniture (not medical equipment)
    "hr_training_recruitment": 0.03,
    "print_post_stationery": 0.02,
    "fleet_vehicles": 0.01,           # pool cars, vans, patient transport hire
    "insurance": 0.005,               # small: clinical and property risks are pooled by NHS Resolution
}
# A trust with an `ambulance` site (RX7 North West Ambulance Service) runs a fleet: its fleet_vehicles
# spend is this many times its running cost instead (a fleet costs about as much as the stations).
NHS_AMBULANCE_FLEET_RATIO = 1.0
# CCGs: GBP a year per resident of the CCG's share of its borough (borough population split equally
# between the CCGs in it, as for headcounts). Small office budgets: about GBP 5.55 a resident in all,
# i.e. GBP 1.0-1.8m a CCG. Assumed figures, taken as 2016/17 prices (factor 1).
CCG_PER_HEAD = {
    "professional_services": 2.00,  # commissioning support, legal, audit
    "it_services": 1.50,
    "agency_staff": 1.00,
    "hr_training_recruitment": 0.30,
    "print_post_stationery": 0.30,
    "facilities_management": 0.30,  # cleaning, security, catering of one leased office
    "furniture_equipment": 0.10,
    "insurance": 0.05,
}
# The commissioning hub (14J) buys like a CCG whose population is that with the hub's headcount under the
# CCG headcount rule: GM population x HUB_HEADS_PER_1000_GM / CCG_HEADS_PER_1000 (= 556,428 residents).
# Contracts per (partner, category): 2, plus one for each of these thresholds the spend reaches (2-6). Compared
# with the spend on published cash figures (before the price base), so the price base moves no count.
CONTRACT_COUNT_THRESHOLDS = [250_000.0, 1_000_000.0, 4_000_000.0, 16_000_000.0]
MIN_CONTRACTS, MAX_CONTRACTS = 2, 6
# Split of a (partner, category) spend: shares proportional to u, u uniform in this range (seeded), so the
# largest contract is at most 4 times the smallest.
SHARE_RANGE = (1.0, 4.0)
# Site-bound derived contracts
SITE_BOUND_CATEGORIES = {"energy_utilities", "facilities_management", "building_maintenance"}
SITE_BOUND_KINDS = {"office", "depot", "civic", "library", "leisure", "clinic"}
SITE_BOUND_SHARE = 0.5

# R0A (Manchester University NHS FT, formed 2017-10-01) sites assigned to the 2016 trusts.
R0A_SPLIT = {
    "R0A01": "RW3",  # Island site, Oxford Road M13: CMFT
    "R0A07": "RM2",  # Wythenshawe Hospital M23: UHSM
    "R0A09": "RW3",  # Trafford General M41: CMFT (took over Trafford Healthcare RM4 in 2012)
    "R0A47": "RM2",  # Dermott Murphy Close, M20 (Withington/Didsbury, south Manchester): UHSM
    "R0A49": "RM2",  # Buccleuch Lodge, M20 (Withington, south Manchester): UHSM
    "R0AORS": "RW3",  # grouped other sites, reported at M13 9WL (Oxford Road): CMFT
}
# ERIC trust codes not among the 36 partners open on 2016-04-01
TRUST_REMAP = {
    "RTV": "RXV",  # Atherleigh Park, Leigh: North West Boroughs (non-GM trust); Wigan mental health
                   # services moved to Greater Manchester Mental Health (RXV) in 2021
}

KIND_FROM_SITE_TYPE = [  # (prefix of ERIC site_type, kind)
    ("1. General acute", "acute"),
    ("3. Mixed service", "acute"),
    ("2. Specialist hospital", "specialist"),
    ("4. Mental Health", "mental_health"),
    ("6. Mental Health", "mental_health"),
    ("7. Community hospital", "community"),
    ("8. Other inpatient", "community"),
    ("Ambulance services", "ambulance"),
    ("Other Reportable Site", "other"),
]

TRAFFORD_EXCLUDE_OTHERDETAIL = {"school", "academy", "land", "managed allotments", "parks", "memorial"}
TRAFFORD_KIND_RULES = [  # (substring of lower-case PropertyName, kind), first match wins
    ("former ", "other"),
    ("town hall", "civic"),
    ("waterside", "civic"),
    ("library", "library"),
    ("leisure", "leisure"),
    ("sports", "leisure"),
    ("healthy living", "clinic"),
    ("clinic", "clinic"),
    ("depot", "depot"),
    (" house", "office"),
    ("offices", "office"),
]
TRAFFORD_MAIN_CIVIC = "Trafford Town Hall"
# The kinds of Trafford's buildings that make up a council's office estate, copied for the derived councils.
COUNCIL_OFFICE_KINDS = {"civic", "office"}
# Only Trafford's buildings of at least this floor are copied: the town hall, Sale Waterside and Ascot House (26,465
# m2, 96.6% of its office floor). Flixton House and Altrincham Town Hall (936 m2 together) are left out as
# immaterial: each would add nine invented sites, and the GM estates model's proof about three times the time.
COUNCIL_OFFICE_MIN_M2 = 1000.0

PUBLIC_BODY_WORDS = [  # supplier keys containing any of these are public bodies: dropped
    "COUNCIL", "NHS", "HMRC", "GMCA", "COMBINED AUTHORI", "SUPERANN", "CCG", "POLICE",
    "FIRE AND RESCUE", "MBC", "GMWDA", "TRANSPORT FOR GREATER MANCHESTER", "TFGM", "HOSP",
    "DEPARTMENT FOR", "MINISTRY OF", "ENVIRONMENT AGENCY", "LEVY", "HM REVENUE", "CABINET OFFICE",
    "MENTAL HEALTH NH", "GREATER MANCHESTER MENTAL HEALTH", "SCHOOL", "ACAD", "ACADEMY", "UNIVERSITY",
    "COLLEGE", "HEALTHWATCH",
]
GM_PLACE_WORDS = [
    "MANCHESTER", "SALFORD", "TRAFFORD", "STOCKPORT", "BOLTON", "BURY", "OLDHAM", "ROCHDALE",
    "TAMESIDE", "WIGAN", "ALTRINCHAM", "STRETFORD", "URMSTON", "WYTHENSHAWE", "MANCUNIAN",
]

MCC_CATEGORY = {
    # facilities management
    "Security": "facilities_management",
    "Contract Cleaning External": "facilities_management",
    "Contract Cleaning Internal": "facilities_management",
    "Window Cleaning": "facilities_management",
    "Grounds Maintenance Costs": "facilities_management",
    "Cleaning Equipment and Materials": "facilities_management",
    "Cleaning Equipment": "facilities_management",
    "Consumable items eg Toilet rolls, soap etc": "facilities_management",
    "Toilet Requisites": "facilities_management",
    "Rodent and Pest Control": "facilities_management",
    "Removal and Storage of Furniture": "facilities_management",
    "Storage Costs": "facilities_management",
    "Catering": "facilities_management",
    "Catering Provisions": "facilities_management",
    "Cash Collection": "facilities_management",
    # building maintenance
    "External repairs and maintenance for buildings": "building_maintenance",
    "Internal Repairs and Maintenance for buildings": "building_maintenance",
    "Preventative Maintenance Work": "building_maintenance",
    "Responsive Repairs Work": "building_maintenance",
    "Building Materials for direct delivery": "building_maintenance",
    "Building Maintenance Third Party Payments": "building_maintenance",
    "Delapidations Costs": "building_maintenance",
    # construction works
    "Works and associated costs for Land and Buildings": "construction_works",
    "Building Works": "construction_works",
    "Construction Works": "construction_works",
    "Payments to Contractors": "construction_works",
    "Variation Orders": "construction_works",
    "Surplus property Demolition": "construction_works",
    # energy and utilities
    "Electricity": "energy_utilities",
    "Gas": "energy_utilities",
    "Water Service Charges - Metered": "energy_utilities",
    "Water Service Charges - Unmetered": "energy_utilities",
    "Heating Oil": "energy_utilities",
    "Heat Management": "energy_utilities",
    # IT and telecoms
    "I T Provision": "it_services",
    "ICT Support & Maintenance": "it_services",
    "Data Links": "it_services",
    "Licences Purchase": "it_services",
    "CD-ROMs, Software, etc": "it_services",
    "Computer Licenses": "it_services",
    "Telecoms Maintenance": "it_services",
    "Telecoms Equip": "it_services",
    "Mobilephone Charges": "it_services",
    "Landline Telephone Charges": "it_services",
    "Internet access": "it_services",
    "Tele Conferencing": "it_services",
    "Radio Charges": "it_services",
    # professional services
    "Professional fees": "professional_services",
    "Consultants Fees": "professional_services",
    "Consultants fees": "professional_services",
    "Legal Fees": "professional_services",
    "Research and Studies": "professional_services",
    "Professional Services Provision": "professional_services",
    "Surplus property Fees": "professional_services",
    "Testing Fees": "professional_services",
    "Signers/Interpreters Fees": "professional_services",
    # agency staff
    "Agency staff provision": "agency_staff",
    "Labour Charges": "agency_staff",
    # HR: training, recruitment, vetting, occupational health
    "Training and Development": "hr_training_recruitment",
    "Recruitment Expenses": "hr_training_recruitment",
    "CRB Fees": "hr_training_recruitment",
    "Occupational Health services": "hr_training_recruitment",
    "Training - Day Release Fees": "hr_training_recruitment",
    # print, post, stationery, advertising
    "Printing": "print_post_stationery",
    "Postage": "print_post_stationery",
    "Stationery": "print_post_stationery",
    "Paper & Envelopes": "print_post_stationery",
    "Photocopying": "print_post_stationery",
    "Courier Costs": "print_post_stationery",
    "Advertising": "print_post_stationery",
    "Publicity": "print_post_stationery",
    "General Office expenses": "print_post_stationery",
    # fleet
    "Vehicle Hire Costs": "fleet_vehicles",
    "Vehicle Fuel Costs": "fleet_vehicles",
    "Vehicle Repairs": "fleet_vehicles",
    "Vehicle Costs": "fleet_vehicles",
    "Vehicle Parts and Spares": "fleet_vehicles",
    "Vehicle contract hire and leases": "fleet_vehicles",
    "End of term vehicle lease payments": "fleet_vehicles",
    "Routine Vehicle Repairs and Maintenance - Internal": "fleet_vehicles",
    "Hire of Machinery": "fleet_vehicles",
    # insurance
    "Insurance": "insurance",
    "Miscellaneous Insurance Premium": "insurance",
    "All Risks Insurance Premium": "insurance",
    "Fidelity Guarantee Insurance Premium": "insurance",
    "Motor Vehicle & Plant Insurance Premium": "insurance",
    "Engineering Insurance Premium": "insurance",
    "Balance of Risks Insurance Premium": "insurance",
    "Professional Indemnity Insurance Premium": "insurance",
    "Other Insurance Premiums": "insurance",
    "Travel Insurance Premium": "insurance",
    "Computer Insurance Premium": "insurance",
    "Household Insurance Premium": "insurance",
    "Officials Indemnity Insurance Premium": "insurance",
    "Marine Insurance Premium": "insurance",
    # furniture and office equipment
    "Furniture": "furniture_equipment",
    "Fixtures and Fittings": "furniture_equipment",
    "Equipment Operating Lease": "furniture_equipment",
    # social care (commissioned care: a joint council/CCG commissioning category)
    "Home Care": "social_care",
    "Residential Care Homes Payments": "social_care",
    "Registered Nursing Homes Permanent Payments": "social_care",
    "Extra Care Sheltered Housing Payments": "social_care",
    "Supporting People Payments": "social_care",
    "Day Care Payments": "social_care",
    "Supported Accommodation": "social_care",
}

# Trafford Proclass codes -> category: exact codes first, then 2-digit family prefixes.
TRAFFORD_CODE = {
    "151612": None,  # "Traffic Planning": the GMCA transport levy, dropped
    "151800": "it_services", "151811": "it_services", "151812": "it_services",
    "181500": "facilities_management",
    "191000": "print_post_stationery", "191010": "print_post_stationery",
    "191100": "print_post_stationery", "191600": "print_post_stationery",
    "192000": "print_post_stationery",
    "191200": "facilities_management", "191300": "facilities_management",
    "191700": "facilities_management", "191900": "facilities_management",
    "192200": "facilities_management", "192210": "facilities_management",
    "192211": "facilities_management", "192212": "facilities_management",
    "192213": "facilities_management", "192300": "facilities_management",
    "191400": "building_maintenance",
    "191500": "professional_services", "191800": "professional_services",
    "192100": None,
    "201000": "professional_services", "201100": "professional_services",
    "201600": "professional_services",
    "201800": "insurance",
    "221000": "furniture_equipment", "221100": "facilities_management",
    "261100": "professional_services",
    "261200": "hr_training_recruitment", "261300": "hr_training_recruitment",
    "261500": "hr_training_recruitment",
    "261400": "agency_staff", "261413": "agency_staff", "261414": "agency_staff",
    "261415": "agency_staff",
    "361000": "fleet_vehicles", "361200": "fleet_vehicles", "361400": "fleet_vehicles",
    "391000": "construction_works", "391100": "construction_works",
    "391110": "construction_works", "391200": "construction_works",
    "391111": "building_maintenance", "391113": "building_maintenance",
}
TRAFFORD_FAMILY = {  # first two digits of the code
    "10": "building_maintenance",    # building materials
    "11": "facilities_management",   # catering
    "13": "facilities_management",   # cleaning
    "15": "professional_services",   # consultancy (IT consultancy and traffic planning excepted above)
    "21": "furniture_equipment",     # furniture
    "24": "facilities_management",   # horticultural / grounds
    "27": "it_services",             # ICT
    "28": "professional_services",   # legal services
    "30": "print_post_stationery",   # mail services
    "32": "social_care",             # social care services
    "34": "print_post_stationery",   # stationery
    "37": "energy_utilities",        # utilities
    "38": "fleet_vehicles",          # vehicles
}

MCC = "E08000003"
TRAFFORD = "E08000009"


# ---------------------------------------------------------------- helpers
def read_csv(rel: str) -> list[dict]:
    with open(SRC / rel, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def num(s: str) -> float:
    s = (s or "").strip().replace(",", "")
    if s == "" or s.lower() in ("na", "not applicable"):
        return 0.0
    return float(s)


def eric_money(r: dict) -> dict:
    """A tidy ERIC site row's floor area and yearly money by the sites.csv column it feeds (shared with
    build_england.py): facilities management includes grounds, hard and soft FM, their management and PFI
    contractor costs; utilities are electricity and gas; backlog sums the four risk bands."""
    return {
        "floor_area_m2": num(r["gia_m2"]),
        "rent_gbp": num(r["leases_rent_gbp"]),
        "rates_gbp": num(r["rates_gbp"]),
        "fm_gbp": sum(num(r[c]) for c in ("grounds_gardens_gbp", "other_hard_fm_gbp", "other_soft_fm_gbp",
                                           "fm_management_gbp", "pfi_spv_gbp")),
        "utilities_gbp": num(r["electricity_gbp"]) + num(r["gas_gbp"]),
        "maintenance_gbp": num(r["estates_property_maintenance_gbp"]),
        "backlog_gbp": sum(num(r[c]) for c in ("backlog_high_gbp", "backlog_significant_gbp",
                                                "backlog_moderate_gbp", "backlog_low_gbp")),
    }


def deflator_factors() -> dict[str, float]:
    """index(PRICE_YEAR) / index(year) for every financial year of prices/gdp_deflator.csv: multiply money of
    that year by it to express it in 2016/17 prices. Checks the file: one row per year, consecutive years,
    positive indices, one release."""
    rows = read_csv(DEFLATOR)
    idx = {r["financial_year"]: float(r["deflator_index"]) for r in rows}
    assert len(idx) == len(rows) and all(v > 0 for v in idx.values()), DEFLATOR
    years = sorted(idx)
    assert all(int(b[:4]) == int(a[:4]) + 1 and b[5:] == f"{(int(b[:4]) + 1) % 100:02d}"
               for a, b in zip(years, years[1:])), years
    assert len({r["source_release"] for r in rows}) == 1, DEFLATOR
    return {y: idx[PRICE_YEAR] / v for y, v in idx.items()}


def spend_factors(to_base: dict[str, float]) -> dict[str, float]:
    """The factor to 2016/17 prices of each council's published spend, by organisation id."""
    return {MCC: to_base[MCC_SPEND_YEAR], TRAFFORD: to_base[TRAFFORD_SPEND_YEAR]}


def gbp0(x: float) -> str:
    """money, whole pounds"""
    v = rhu(x)
    return "0" if v == 0 else str(v)


def gbp2(x: float) -> str:
    """money, pence"""
    return str(rhu(x, "0.01"))


def area(x: float) -> str:
    v = rhu(x, "0.01")
    s = format(v, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def coord(x) -> str:
    return "" if x is None else str(rhu(x, "0.000001"))


def rand_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def termination_fee(mobilisation: float, start: dt.date, end: dt.date, spend: float) -> float:
    """GBP to end a contract for convenience at EARLIEST_EARLY_END (README "Termination for convenience"): the part of
    its category's mobilisation the supplier has not yet recovered, recovery straight-line over start..end, never more
    than the charges (annual spend) still to run; 0 for a contract that ends by then (it cannot be ended early)."""
    left = max(0, (end - EARLIEST_EARLY_END).days)
    return min(mobilisation * left / (end - start).days, spend * left / 365)


def mobilisation_of(category: str) -> float:
    """categories.csv's mobilisation_gbp of a category (CATEGORY_TERMS)"""
    return float(CATEGORY_TERMS[category][4])


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def supplier_key(name: str) -> str:
    s = name.upper().replace("&", " AND ").replace("+", " AND ")
    s = s.replace("'", "")
    s = re.sub(r"[^A-Z0-9]+", " ", s)
    words = s.split()
    rep = {"LIMITED": "LTD", "COMPANY": "CO", "PUBLIC LIMITED COMPANY": "PLC"}
    words = [rep.get(w, w) for w in words]
    s = " ".join(words)
    s = s.replace("PUBLIC LTD CO", "PLC")
    return s


def key_to_id(key: str) -> str:
    return key.replace(" ", "-")[:64].rstrip("-")


def is_public_body(key: str) -> bool:
    padded = f" {key} "
    for w in PUBLIC_BODY_WORDS:
        if f" {w}" in padded:
            return True
    return False


# ---------------------------------------------------------------- build
def function_teams(oid: str, heads: int, cap: int) -> list[dict]:
    """A partner's back-office headcount split by function (largest remainder over FUNCTION_SHARES; functions
    under MIN_FUNCTION_HEADS pooled as "other"), each function cut into equal teams of at most `cap` people.
    The rule before issue 17, now used only by build_england.py."""
    per_fn = largest_remainder(heads, FUNCTION_SHARES)
    groups: list[tuple[str, int]] = []
    pooled = 0
    for fn, _ in FUNCTION_SHARES:
        if per_fn[fn] >= MIN_FUNCTION_HEADS:
            groups.append((fn, per_fn[fn]))
        else:
            pooled += per_fn[fn]
    if pooled:
        groups.append(("other", pooled))
    org_teams = []
    for fn, h in groups:
        k = math.ceil(h / cap)
        for i in range(k):
            size = h // k + (1 if i < h % k else 0)
            org_teams.append({"id": f"{oid}-{fn}-{i + 1}", "organisation": oid, "function": fn,
                              "headcount": size})
    return org_teams


def build_teams(groups: dict[str, list[tuple[str, int, str]]], sites: list[dict]) -> list[dict]:
    """Every body's groups cut into teams and placed over its sites in proportion to their desks
    (gm_backoffice.body_teams); sorted by team id."""
    org_sites: dict[str, list[dict]] = defaultdict(list)
    for s in sites:
        if s["desks"] > 0:
            org_sites[s["organisation"]].append(s)
    teams = []
    for oid in sorted(groups):
        osites = org_sites[oid]
        assert osites, oid
        teams.extend(bo.body_teams(oid, groups[oid], osites))
    return sorted(teams, key=lambda t: t["id"])


def nhs_desk_share(sites: list[dict], heads: dict[str, int]) -> dict[str, float]:
    """The desk share of floor area that gives an NHS trust NHS_DESK_HEADROOM desks per back-office FTE over
    its sites; a site's share is the larger of this and its kind's DESK_SHARE."""
    gia: dict[str, float] = defaultdict(float)
    for s in sites:
        if s["source"] == "nhs":
            gia[s["organisation"]] += s["floor_area_m2"]
    return {o: NHS_DESK_HEADROOM * heads[o] * M2_PER_DESK / a for o, a in gia.items()}


def build() -> tuple[dict[str, list[list[str]]], dict]:
    rng = random.Random(SEED)
    files: dict[str, list[list[str]]] = {}
    info: dict = {}
    # one price base: the factor of each source's year (README "Reference dates and price base")
    to_base = deflator_factors()
    info["to_base"] = to_base
    spend_to_base = spend_factors(to_base)

    # ---- zones (wards)
    wards = read_csv("geo/gm_wards_2017_centroids_pop2016.csv")
    wards.sort(key=lambda w: w["ward_code"])
    borough_pop: dict[str, int] = defaultdict(int)
    # The national IMD 2019 decile each ward's population-weighted score falls in (derived from MHCLG's LSOA
    # figures by inputs/sources/deprivation/build.py; see its README).
    decile = {r["ward_code"]: r["national_decile"] for r in read_csv("deprivation/imd2019_gm_wards.csv")}
    zones = [["id", "name", "borough", "lat", "lon", "population", "imd_decile"]]
    for w in wards:
        pop = int(w["pop_mid2016"])
        borough_pop[w["la_name"]] += pop
        zones.append([w["ward_code"], w["ward_name"], w["la_name"],
                      coord(float(w["lat"])), coord(float(w["lon"])), str(pop), decile[w["ward_code"]]])
    files["zones.csv"] = zones
    gm_pop = sum(borough_pop.values())

    # ---- organisations
    orgs_src = [o for o in read_csv("ods/gm_partner_organisations.csv") if o["open_on_2016-04-01"] == "Y"]
    orgs: dict[str, dict] = {}
    for o in orgs_src:
        code = o["org_code"]
        if o["org_kind"].startswith("NHS trust"):
            kind = "nhs_trust"
        elif code == "14J":
            kind = "commissioner"
        elif o["org_kind"].startswith("CCG"):
            kind = "ccg"
        elif o["org_kind"].startswith("Local authority"):
            kind = "council"
        else:
            kind = "other"
        orgs[code] = {
            "id": code, "name": (o["name_2016"] or o["name"]).strip(), "kind": kind,
            "borough": o["la_name"],
            "lat": float(o["lat"]) if o["lat"] else None,
            "lon": float(o["lon"]) if o["lon"] else None,
        }
    files["organisations.csv"] = [["id", "name", "kind", "borough", "sector"]] + [
        [o["id"], o["name"], o["kind"], o["borough"], bo.sector_of(o["kind"])]
        for o in sorted(orgs.values(), key=lambda o: o["id"])]
    council_by_borough = {o["borough"]: o["id"] for o in orgs.values() if o["kind"] == "council"}

    # ---- NHS sites (ERIC 2019/20)
    eric = read_csv("eric/eric_201920_sites_gm_tidy.csv")
    sites: list[dict] = []
    for r in eric:
        tc = r["trust_code"]
        org = R0A_SPLIT[r["site_code"]] if tc == "R0A" else TRUST_REMAP.get(tc, tc)
        assert org in orgs, (r["site_code"], org)
        kind = next(k for p, k in KIND_FROM_SITE_TYPE if r["site_type"].startswith(p))
        t = r["tenure"]
        if t.startswith("1. Freehold"):
            tenure = "freehold"
        elif "PFI" in t:
            tenure = "pfi"
        elif t.startswith("8. Leased from commercial organisation - lease greater than 99"):
            tenure = "freehold"  # long leasehold (>99 years): treated as owned, see README
        elif "lease" in t.lower() or "SLA" in t:
            tenure = "leasehold"
        elif t == "":
            tenure = "freehold"  # grouped "other reportable sites": no tenure published
        else:
            raise ValueError(t)
        lat = float(r["lat"]) if r["lat"] else None
        lon = float(r["lon"]) if r["lon"] else None
        sites.append({
            "id": r["site_code"], "organisation": org, "name": r["site_name"].strip(), "kind": kind,
            "source": "nhs", "public_facing": kind not in ("ambulance", "other"),
            "borough": r["la_name"], "tenure": tenure, "lat": lat, "lon": lon,
            **eric_money(r),
            "must_keep": kind in ("acute", "specialist"), "derived": False,
        })

    # ---- ERIC cost per m2 medians (GM non-acute sites, positive values only)
    lines = ["rent_gbp", "rates_gbp", "fm_gbp", "utilities_gbp", "maintenance_gbp", "backlog_gbp"]
    median_per_m2 = {}
    for ln in lines:
        vals = sorted(s[ln] / s["floor_area_m2"] for s in sites
                      if s["kind"] not in ("acute", "specialist") and s["floor_area_m2"] > 0 and s[ln] > 0)
        n = len(vals)
        median_per_m2[ln] = vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2
        info.setdefault("median_n", {})[ln] = n
    info["median_per_m2"] = median_per_m2

    def derived_costs(s: dict) -> None:
        for ln in lines:
            if ln == "rent_gbp" and s["tenure"] != "leasehold":
                s[ln] = 0.0
            else:
                s[ln] = median_per_m2[ln] * s["floor_area_m2"]

    # ---- Trafford council buildings
    traf = read_csv("council_estate/trafford_council_land_and_building_assets_2023.csv")
    traf_sites = []
    for r in traf:
        if not r["BuildingSize"].strip() or r["HoldingType"] != "Buildings":
            continue
        if r["TenureDetail"].strip().lower() not in ("owner occupied", "leasehold in"):
            continue
        if r["OtherDetail"].strip().lower() in TRAFFORD_EXCLUDE_OTHERDETAIL:
            continue
        name = " ".join(r["PropertyName"].split()).rstrip(",").strip()
        if "store" in name.lower():
            continue
        low = " " + name.lower()
        kind = next((k for p, k in TRAFFORD_KIND_RULES if p in low), "other")
        tenure = "leasehold" if (r["TenureType"] == "Leasehold" or
                                 r["TenureDetail"].strip().lower() == "leasehold in") else "freehold"
        lat = lon = None
        if r["GeoX"].strip() and r["GeoY"].strip():
            x, y = float(r["GeoX"]), float(r["GeoY"])
            if 49.8 <= x <= 60.9 and -8.7 <= y <= 1.8:  # columns swapped in the source
                x, y = y, x
            lat, lon = y, x
        s = {
            "id": r["AssetCode"].split("/")[0], "organisation": TRAFFORD, "name": name, "kind": kind,
            "source": "council", "public_facing": kind not in ("office", "depot"),
            "borough": "Trafford", "tenure": tenure, "lat": lat, "lon": lon,
            "floor_area_m2": num(r["BuildingSize"]), "must_keep": name == TRAFFORD_MAIN_CIVIC,
            "derived": False,
        }
        derived_costs(s)
        traf_sites.append(s)
    sites.extend(traf_sites)

    # ---- derived office estates for the other nine councils (issue 18): each gets a copy of Trafford's office
    # estate (its civic and office buildings in the register of at least COUNCIL_OFFICE_MIN_M2: the town hall, Sale
    # Waterside, Ascot House), every building's floor scaled by the borough's population over Trafford's, the
    # same kind and tenure. Only the copy of Trafford Town Hall is kept whatever the plan (the council's seat, at
    # the borough centroid, id <code>-CIVIC); the others stand at the centroids of the borough's most populous
    # wards, largest building in the most populous ward (inside the borough by construction).
    las = {r["la_name"]: r for r in read_csv("geo/gm_local_authorities_2016.csv")}
    traf_offices = sorted((s for s in traf_sites if s["kind"] in COUNCIL_OFFICE_KINDS
                           and s["floor_area_m2"] >= COUNCIL_OFFICE_MIN_M2),
                          key=lambda s: (s["name"] != TRAFFORD_MAIN_CIVIC, -s["floor_area_m2"], s["id"]))
    wards_by_pop: dict[str, list[dict]] = defaultdict(list)
    for w in sorted(wards, key=lambda w: (-int(w["pop_mid2016"]), w["ward_code"])):
        wards_by_pop[w["la_name"]].append(w)
    for borough in sorted(council_by_borough):
        if borough == "Trafford":
            continue
        la = las[borough]
        scale = borough_pop[borough] / borough_pop["Trafford"]
        for k, t in enumerate(traf_offices):
            main = k == 0
            ward = None if main else wards_by_pop[borough][k - 1]
            s = {
                "id": f"{la['la_code']}-CIVIC" if main else f"{la['la_code']}-OFFICE{k}",
                "organisation": council_by_borough[borough],
                "name": (f"{borough} civic offices (derived)" if main else
                         f"{borough} {ward['ward_name']} offices (derived, as {t['name'].split(' (')[0].split(' -')[0]})"),
                "kind": t["kind"], "source": "council", "public_facing": t["public_facing"],
                "borough": borough, "tenure": t["tenure"],
                "lat": float(la["lat"]) if main else float(ward["lat"]),
                "lon": float(la["lon"]) if main else float(ward["lon"]),
                "floor_area_m2": float(iround(t["floor_area_m2"] * scale)),
                "must_keep": main, "derived": True,
            }
            derived_costs(s)
            sites.append(s)

    # ---- back office per organisation (gm_backoffice.py): FTE by function, today's shared services
    ccgs_in_borough: dict[str, int] = defaultdict(int)
    for o in orgs.values():
        if o["kind"] == "ccg":
            ccgs_in_borough[o["borough"]] += 1
    back = bo.back_office(orgs, borough_pop, gm_pop, read_csv(WORKFORCE))
    for name in ("functions", "shared_services", "service_members"):
        files[f"{name}.csv"] = back[name]
    heads = {oid: sum(h for _, h, _ in groups) for oid, groups in back["groups"].items()}
    info["heads"] = heads
    info["back_office"] = back

    # ---- CCG and hub offices
    for oid, o in sorted(orgs.items()):
        if o["kind"] not in ("ccg", "commissioner"):
            continue
        desks = math.ceil(heads[oid] * CCG_OFFICE_HEADROOM)
        s = {
            "id": f"{oid}-OFFICE", "organisation": oid, "name": f"{o['name'].title().replace('Nhs', 'NHS').replace('Ccg', 'CCG')} office (derived)",
            "kind": "office", "source": "ccg", "public_facing": False, "borough": o["borough"],
            "tenure": "leasehold", "lat": o["lat"], "lon": o["lon"],
            "floor_area_m2": desks * M2_PER_DESK, "must_keep": False,
            "derived": True,
        }
        derived_costs(s)
        sites.append(s)

    sites.sort(key=lambda s: s["id"])
    ids = [s["id"] for s in sites]
    assert len(ids) == len(set(ids)), "duplicate site ids"

    # ---- price base of the sites' money: every line above is ERIC 2019/20 cash (the NHS sites' own figures, the
    # other sites' from the ERIC medians per m2); each is kept as `cash` (the derived NHS contracts are counted and
    # drawn on it, as before the price base) and then put in 2016/17 prices by the ERIC year's factor
    for s in sites:
        s["cash"] = {ln: s[ln] for ln in SITE_MONEY}
        for ln in SITE_MONEY:
            s[ln] = s[ln] * to_base[ERIC_YEAR]

    # ---- desks, disposal, leases, penalties
    trust_share = nhs_desk_share(sites, heads)
    for s in sites:
        share = max(DESK_SHARE[(s["source"], s["kind"])], trust_share.get(s["organisation"], 0.0))
        s["desks"] = int(math.floor(s["floor_area_m2"] * share / M2_PER_DESK + 1e-9))
        s["running"] = sum(s[c] for c in ("rent_gbp", "rates_gbp", "fm_gbp", "utilities_gbp", "maintenance_gbp"))
        s["disposal_value_gbp"] = DISPOSAL_GBP_PER_M2 * s["floor_area_m2"] if s["tenure"] == "freehold" else 0.0
        s["lease_end"] = s["lease_break"] = None
        s["exit_penalty_gbp"] = 0.0
        if s["tenure"] == "pfi":
            s["exit_penalty_gbp"] = PFI_EXIT_YEARS * s["running"]
    for s in sites:  # seed use 1: leases, in site-id order
        if s["tenure"] != "leasehold":
            continue
        end = PRICE_BASE + dt.timedelta(days=rng.randint(365, (LEASE_HORIZON - PRICE_BASE).days))
        frac = rng.uniform(0.25, 0.75)
        brk = PRICE_BASE + dt.timedelta(days=int((end - PRICE_BASE).days * frac))
        s["lease_end"], s["lease_break"] = end, brk
        # No premium on top: the model charges the rent from the day a lease is left to its break itself
        # (costing::exit_penalties), so a later release pays less, and dilapidations per m2 from the model file.

    # ---- release units (units.csv): empty and under-used floor and unused land of the NHS (ERIC) sites; a land
    # unit's value is part of its site's disposal value, so it is added to the site's
    land_gbp_per_ha = SURPLUS_LAND_GBP * to_base[SURPLUS_LAND_YEAR] / SURPLUS_LAND_HA
    info["land_gbp_per_ha"] = land_gbp_per_ha
    unit_rows, land_value = release_units(sites, {r["site_code"]: r for r in eric}, land_gbp_per_ha)
    for s in sites:
        s["disposal_value_gbp"] += land_value.get(s["id"], 0)
    files["units.csv"] = [UNIT_COLUMNS] + unit_rows

    # Carter's measures: the survey columns of the NHS sites, blank for every other site
    survey, info["survey"] = carter_measures(sites, {r["site_code"]: r for r in eric}, read_space_by_use())
    site_rows = [SITE_COLUMNS + SURVEY_COLUMNS]
    for s in sites:
        site_rows.append([
            s["id"], s["organisation"], s["name"], s["kind"], str(s["public_facing"]).lower(), s["borough"],
            s["tenure"], s["lease_end"].isoformat() if s["lease_end"] else "",
            s["lease_break"].isoformat() if s["lease_break"] else "", gbp0(s["exit_penalty_gbp"]),
            coord(s["lat"]), coord(s["lon"]), area(s["floor_area_m2"]), str(s["desks"]),
            gbp0(s["rent_gbp"]), gbp0(s["rates_gbp"]), gbp0(s["fm_gbp"]), gbp0(s["utilities_gbp"]),
            gbp0(s["maintenance_gbp"]), gbp0(s["backlog_gbp"]), gbp0(s["disposal_value_gbp"]),
            str(s["must_keep"]).lower(), str(s["derived"]).lower(),
            *survey.get(s["id"], [""] * len(SURVEY_COLUMNS))])
    files["sites.csv"] = site_rows

    # ---- teams: cut each body's (function, service) groups into teams, placed in proportion to desks
    teams = build_teams(back["groups"], sites)
    for _ in range(LEGACY_TEAM_DRAWS):  # seed use 2: kept so that the draws after it are unchanged
        rng.random()
    team_rng = random.Random(SEED_TEAMS)
    for t in teams:  # third generator, teams in team-id order
        t["movable"] = not (team_rng.random() < IMMOVABLE_SHARE)
    files["teams.csv"] = [["id", "organisation", "function", "headcount", "site", "movable", "service"]] + [
        [t["id"], t["organisation"], t["function"], str(t["headcount"]), t["site"], str(t["movable"]).lower(),
         t["service"]] for t in teams]

    # ---- procurement: spend -> (org, category, supplier key)
    spend: dict[tuple[str, str, str], float] = defaultdict(float)
    first_name: dict[str, str] = {}
    dropped = defaultdict(float)
    mcc_rows = read_csv("spend/mcc_spend_2016-17_by_supplier_expensetype.csv")
    mcc_keys = set()
    for r in mcc_rows:
        key = supplier_key(r["supplier_name"])
        if key:
            mcc_keys.add(key)
        cat = MCC_CATEGORY.get(r["expenses_type"])
        if cat is None:
            dropped[("mcc", "category not mapped")] += num(r["total_net_gbp"])
            continue
        if is_public_body(key):
            dropped[("mcc", "public body")] += num(r["total_net_gbp"])
            continue
        first_name.setdefault(key, " ".join(r["supplier_name"].split()))
        spend[(MCC, cat, key)] += num(r["total_net_gbp"])
    traf_rows = read_csv("spend/trafford_supplier_spend_2024-25_by_supplier_proclass.csv")
    matched_truncated = {}
    for r in traf_rows:
        raw = r["beneficiary_name"]
        code = r["proclass_code"]
        if raw.strip().lower() == "redacted" or code == "NA":
            dropped[("trafford", "redacted or no Proclass code")] += num(r["total_gbp"])
            continue
        cat = TRAFFORD_CODE[code] if code in TRAFFORD_CODE else TRAFFORD_FAMILY.get(code[:2])
        if cat is None:
            dropped[("trafford", "category not mapped")] += num(r["total_gbp"])
            continue
        key = supplier_key(raw)
        if len(raw) >= 35 and key not in mcc_keys:  # names are truncated at 35 characters in the Trafford file
            stem = " ".join(key.split()[:-1])
            cands = sorted(k for k in mcc_keys if stem and (k + " ").startswith(stem + " "))
            if len(cands) == 1:
                matched_truncated[raw] = cands[0]
                key = cands[0]
        if is_public_body(key):
            dropped[("trafford", "public body")] += num(r["total_gbp"])
            continue
        first_name.setdefault(key, " ".join(raw.split()))
        spend[(TRAFFORD, cat, key)] += num(r["total_gbp"])
    info["dropped"] = dict(dropped)
    info["matched_truncated"] = matched_truncated

    # keep top N suppliers per (organisation, category) with spend >= MIN_CONTRACT_SPEND. `spend` and `kept` are the
    # published cash of each council's year: the selection, the SME flags, the derived contracts' per-resident
    # counts and supplier weights and the tail's rows are decided on it, as before the price base; only the money
    # written is put in 2016/17 prices (spend_to_base). (tail_summary.py mirrors `spend` and `kept`, in cash.)
    by_oc: dict[tuple[str, str], list[tuple[float, str]]] = defaultdict(list)
    for (o, c, k), v in spend.items():
        if v >= MIN_CONTRACT_SPEND:
            by_oc[(o, c)].append((v, k))
    kept = []
    for (o, c), lst in sorted(by_oc.items()):
        lst.sort(key=lambda t: (-t[0], t[1]))
        for v, k in lst[:TOP_N_PER_CATEGORY]:
            kept.append((o, c, k, v))
    kept.sort(key=lambda t: (t[0], t[1], t[2]))
    kept_base = [(o, c, k, v * spend_to_base[o]) for o, c, k, v in kept]

    # suppliers
    sup_keys = sorted({k for _, _, k, _ in kept})
    sup_id = {k: key_to_id(k) for k in sup_keys}
    assert len(set(sup_id.values())) == len(sup_id)
    sup_total: dict[str, float] = defaultdict(float)
    for (o, c, k), v in spend.items():
        if k in sup_id:
            sup_total[k] += v
    supplier_rows = [["id", "name", "sme", "local"]]
    local_rule = {}
    flags: dict[str, tuple[bool, bool]] = {}
    for k in sup_keys:  # seed use 3
        words = k.split()
        sme = (words[-1] == "LTD") and sup_total[k] < SME_SPEND_LIMIT
        if any(w in words for w in GM_PLACE_WORDS):
            local, local_rule[k] = True, "name"
        else:
            local, local_rule[k] = rng.random() < LOCAL_SHARE, "seed"
        flags[k] = (sme, local)
        supplier_rows.append([sup_id[k], first_name[k], str(sme).lower(), str(local).lower()])
    files["suppliers.csv"] = supplier_rows

    # contracts
    contract_rows = [["id", "organisation", "category", "supplier", "annual_spend_gbp", "start", "end",
                      "termination_fee_gbp", "site"]]
    seq: dict[str, int] = defaultdict(int)
    volume: dict[tuple[str, str], float] = defaultdict(float)  # 2016/17 prices: the offers' volumes
    cash_volume: dict[tuple[str, str], float] = defaultdict(float)  # published cash: the derived draws' weights
    for (o, c, k, v), (_, _, _, v_base) in zip(kept, kept_base):  # seed use 4 (kept is in contract-id order)
        seq[o] += 1
        cid = f"{o}-C{seq[o]:04d}"
        start = rand_date(rng, *CONTRACT_START)
        end = rand_date(rng, *CONTRACT_END)
        rng.uniform(*DISCARDED_FEE_FACTOR)  # the former fee factor: drawn, not used
        fee = termination_fee(mobilisation_of(c), start, end, float(rhu(v_base, "0.01")))
        contract_rows.append([cid, o, c, sup_id[k], gbp2(v_base), start.isoformat(), end.isoformat(), gbp2(fee),
                              ""])
        volume[(sup_id[k], c)] += float(rhu(v_base, "0.01"))
        cash_volume[(sup_id[k], c)] += float(rhu(v, "0.01"))
    real_pairs = set(volume)

    # derived contracts of the partners without published spend (second generator, see README): counted and drawn
    # on the cash figures, amounts in 2016/17 prices
    derived_rows, derived_info = derive_contracts(orgs, sites, borough_pop, gm_pop, ccgs_in_borough, kept,
                                                  kept_base, sup_id, cash_volume)
    assert not {r[0] for r in derived_rows} & {r[0] for r in contract_rows[1:]}, "contract id clash"
    for r in derived_rows:  # derived contracts are in contract-id order
        volume[(r[3], r[2])] += float(r[4])
    assert set(volume) == real_pairs, "a derived contract made a new (supplier, category) pair"
    contract_rows = [contract_rows[0]] + sorted(contract_rows[1:] + derived_rows, key=lambda r: r[0])
    info["derived"] = derived_info
    files["contracts.csv"] = contract_rows

    files["tail.csv"] = tail_rows(spend, spend_to_base, kept, flags, orgs, borough_pop)

    # offers
    offer_rows = [["supplier", "category", "min_volume_gbp", "price_index", "capacity_gbp"]]
    for (sid, c) in sorted(volume):  # seed use 5
        vol = volume[(sid, c)]
        capacity = vol * rng.uniform(*CAPACITY_FACTOR)
        for mult, idx in TIER_MULTIPLES:
            mv = vol * mult
            if mult > 0 and mv > capacity:
                continue
            offer_rows.append([sid, c, gbp2(mv), idx, gbp2(capacity)])
    files["offers.csv"] = offer_rows
    # NHS trusts' agency staff becomes nhs_agency (out of scope), after every draw; its fee is that of its new
    # category, whose mobilisation is 0 (never re-let), so 0
    kind_of = {oid: o["kind"] for oid, o in orgs.items()}
    for r in contract_rows[1:]:
        if r[2] == "agency_staff" and kind_of[r[1]] == "nhs_trust":
            r[2] = NHS_AGENCY
            r[7] = gbp2(termination_fee(mobilisation_of(NHS_AGENCY), dt.date.fromisoformat(r[5]),
                                        dt.date.fromisoformat(r[6]), float(r[4])))
    tender = gbp0(TENDER_GBP_2011 * to_base[TENDER_YEAR])  # the 2011 figure in 2016/17 prices, whole pounds
    files["categories.csv"] = [["category", "name", "route", "price_effect", "tender_cost_gbp", "mobilisation_gbp",
                                "source"]] + [[c, name, route, effect, tender if t == TENDER_GBP else t, *rest]
                                              for c, (name, route, effect, t, *rest) in sorted(CATEGORY_TERMS.items())]

    info["sites"] = sites
    info["teams"] = teams
    info["local_rule"] = local_rule
    return files, info


def share6(x: float) -> str:
    """a share, to 6 dp, trailing zeros dropped ("0" for nothing)"""
    s = format(rhu(x, "0.000001"), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def floor_pct_m2(site_area: float, pct: str) -> str:
    """The floor area a percentage of a site's floor area makes, to 0.01 m2 (`area`): the one computation of the
    release units' floor areas and of sites.csv's empty_m2 and under_used_m2, which therefore agree exactly."""
    return area(site_area * num(pct) / 100)


def read_space_by_use() -> dict[str, dict]:
    """The full England ERIC 2019/20 site file's space by use, by site code: {"gia": gross internal floor area,
    "clinical", "non_clinical": sums of the CLINICAL_USES and NON_CLINICAL_USES columns (m2; thousands separators
    removed, "Not Applicable" and empty cells 0), "reported": whether any use column holds a number}. Checks that
    every "(m2)" column of the space-by-use block (SPACE_BY_USE) is classified exactly once and that the named
    columns and the site codes are unique."""
    with open(SRC / ERIC_ENGLAND, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    assert all(len(r) == len(header) for r in rows), "ragged ERIC rows"
    uses = CLINICAL_USES + NON_CLINICAL_USES
    for col in [ERIC_SITE_CODE, ERIC_GIA, *uses]:
        assert header.count(col) == 1, col
    lo, hi = header.index(SPACE_BY_USE[0]), header.index(SPACE_BY_USE[1])
    block = [h for h in header[lo:hi + 1] if h.endswith("(m²)")]
    assert sorted(block) == sorted(uses) and len(set(uses)) == len(uses), sorted(set(block) ^ set(uses))
    ix = {h: header.index(h) for h in [ERIC_SITE_CODE, ERIC_GIA, *uses]}
    out: dict[str, dict] = {}
    for r in rows[1:]:
        code = r[ix[ERIC_SITE_CODE]].strip()
        assert code and code not in out, code
        out[code] = {
            "gia": num(r[ix[ERIC_GIA]]),
            "clinical": sum(num(r[ix[h]]) for h in CLINICAL_USES),
            "non_clinical": sum(num(r[ix[h]]) for h in NON_CLINICAL_USES),
            "reported": any(r[ix[h]].strip().lower() not in ("", "na", "not applicable") for h in uses),
        }
    return out


def carter_measures(sites: list[dict], eric: dict[str, dict],
                    space: dict[str, dict]) -> tuple[dict[str, list[str]], dict]:
    """sites.csv's survey columns (SURVEY_COLUMNS) of every NHS site, by site id, and a summary (README "Carter's
    measures (sites.csv survey columns)"). non_clinical_m2: the sum of the site's NON_CLINICAL_USES in the England
    file (matched by site code, whose gross internal floor area must be the tidy file's gia_m2), at most the site's
    floor area (clamped; the summary counts the clamped sites), blank when none of its use columns holds a number;
    empty_m2, under_used_m2: gia_m2 x floor_empty_pct / 100 and gia_m2 x floor_under_used_pct / 100, as the release
    units compute them (floor_pct_m2). All to 0.01 m2."""
    out: dict[str, list[str]] = {}
    summary: dict = {"blank": [], "clamped": [], "use_gap": {}}
    for s in sorted(sites, key=lambda s: s["id"]):
        if s["source"] != "nhs":
            continue
        r, u = eric[s["id"]], space[s["id"]]
        site_area = float(area(s["floor_area_m2"]))
        assert u["gia"] == site_area == num(r["gia_m2"]), s["id"]
        non_clinical = ""
        if u["reported"]:
            if u["non_clinical"] > site_area:
                summary["clamped"].append(s["id"])
            non_clinical = area(min(u["non_clinical"], site_area))
            summary["use_gap"][s["id"]] = site_area - u["clinical"] - u["non_clinical"]  # floor area not by use
        else:
            summary["blank"].append(s["id"])
        out[s["id"]] = [non_clinical, floor_pct_m2(site_area, r["floor_empty_pct"]),
                        floor_pct_m2(site_area, r["floor_under_used_pct"])]
    return out, summary


def release_units(sites: list[dict], eric: dict[str, dict],
                  land_gbp_per_ha: float) -> tuple[list[list[str]], dict[str, int]]:
    """units.csv rows (README "units.csv"), by site id then EMPTY, UNDERUSED, LAND, and each land unit's value
    by site id. Every NHS site (its id is its ERIC site_code) gets: a floor unit of its empty floor (gia_m2 x
    floor_empty_pct / 100) and one of its under-used floor (gia_m2 x floor_under_used_pct / 100), each when
    positive, whose cost_share is its share of the site's floor area times the site's FM, utilities and
    maintenance (a PFI site: utilities only) over its whole running cost (the unit saves no rent or rates); and a
    land unit of its land_not_delivering_services_ha when positive, worth land_ha x land_gbp_per_ha
    (SURPLUS_LAND_GBP / SURPLUS_LAND_HA in 2016/17 prices), with cost_share 0. No unit avoids backlog (backlog_share
    0): a kept building's backlog is the building's as a whole (roofs, plant, services run through it). Areas are
    taken as sites.csv writes them (to 0.01 m2); the cost share,
    a ratio of one site's lines, from the site's ERIC 2019/20 cash in whole pounds (`cash`): the price base
    multiplies every line of a site by the same factor, so it leaves the share as it was (rounding each converted
    line to whole pounds first could move its sixth decimal)."""
    rows: list[list[str]] = []
    land_value: dict[str, int] = {}
    for s in sorted(sites, key=lambda s: s["id"]):
        if s["source"] != "nhs":
            continue
        r = eric[s["id"]]
        site_area = float(area(s["floor_area_m2"]))
        assert site_area == num(r["gia_m2"]), s["id"]  # sites.csv's floor area is ERIC's gia_m2
        money = {c: int(gbp0(s["cash"][c]))
                 for c in ("rent_gbp", "rates_gbp", "fm_gbp", "utilities_gbp", "maintenance_gbp")}
        running = sum(money.values())
        # A PFI site's FM and maintenance are in the unitary charge, paid whether or not the space is used: only
        # its energy stops with the space.
        stops = money["utilities_gbp"] if s["tenure"] == "pfi" else (
            money["fm_gbp"] + money["utilities_gbp"] + money["maintenance_gbp"])
        for suffix, col, what in (("EMPTY", "floor_empty_pct", "empty floor"),
                                  ("UNDERUSED", "floor_under_used_pct", "under-used floor")):
            a = floor_pct_m2(site_area, r[col])
            if float(a) <= 0:
                continue
            share = float(a) / site_area * stops / running if running > 0 else 0.0
            rows.append([f"{s['id']}-{suffix}", s["id"], f"{s['name']} {what} (ERIC 2019/20)", "floor", a, "0",
                         share6(share), "0", "", "0"])
        ha = num(r["land_not_delivering_services_ha"])
        if ha > 0:
            value = iround(ha * land_gbp_per_ha)
            land_value[s["id"]] = value
            rows.append([f"{s['id']}-LAND", s["id"], f"{s['name']} land not delivering services (ERIC 2019/20)",
                         "land", "", "0", "0", "0", area(ha), str(value)])
    return rows, land_value


def derive_contracts(orgs: dict, sites: list[dict], borough_pop: dict, gm_pop: int, ccgs_in_borough: dict,
                     kept: list, kept_base: list, sup_id: dict, real_volume: dict) -> tuple[list[list[str]], dict]:
    """Contracts of the partners without published spend, from random.Random(SEED_DERIVED).

    Price base: every decision is made on the cash figures, as before the price base: a (partner, category)'s
    spend S on the real councils' published cash (`kept`) and the trusts' ERIC 2019/20 cash (each site's `cash`)
    sets whether it buys and how many contracts it has; the pools are weighted by the real contracts' cash
    (`real_volume`); the draws below are the same numbers in the same order. The amounts are then the same
    split (the drawn shares u) of S at 2016/17 prices: the per-resident rates from `kept_base`, the trusts' lines
    from the sites' converted money, the CCG rates as they are (assumed at the price base).

    Draw order, per derived partner in organisation-id order, per bought category in name order:
      a. n x random(): the suppliers, one weighted draw each without replacement;
      b. n x uniform(SHARE_RANGE): the spend shares, drawn suppliers in supplier-id order;
      c. per contract, drawn suppliers in supplier-id order: start (randint), end (randint), the former fee factor
         (uniform, discarded); then, only for a site-bound category of a partner with eligible sites: random() for
         whether it is site-bound and, if it is, random() for the site.
    """
    rng = random.Random(SEED_DERIVED)
    real_orgs = {o for o, _, _, _ in kept}

    def per_head_of(kept_list: list) -> dict[str, float]:
        """real per-head spend of each category, averaged over the two councils with published spend"""
        real_spend: dict[tuple[str, str], float] = defaultdict(float)
        for o, c, _, v in kept_list:
            real_spend[(o, c)] += float(rhu(v, "0.01"))
        return {c: sum(real_spend[(o, c)] / borough_pop[orgs[o]["borough"]] for o in sorted(real_orgs))
                / len(real_orgs) for c in CATEGORIES}

    per_head = per_head_of(kept)  # published cash: counts
    per_head_base = per_head_of(kept_base)  # 2016/17 prices: amounts
    # supplier pool of each category: suppliers with a real contract in it, weighted by their real spend
    pool: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for (sid, c), v in sorted(real_volume.items()):
        pool[c].append((sid, v))
    assert set(pool) == set(CATEGORIES), sorted(pool)
    # trust size figures from the trust's sites (whole pounds): in ERIC's 2019/20 cash (counts) and in 2016/17
    # prices, as in sites.csv (amounts)
    eric: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    eric_base: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    has_ambulance: set[str] = set()
    bound_sites: dict[str, list[dict]] = defaultdict(list)
    for s in sorted(sites, key=lambda s: s["id"]):
        for e, money in ((eric[s["organisation"]], s["cash"]), (eric_base[s["organisation"]], s)):
            for ln in ("rent_gbp", "rates_gbp", "fm_gbp", "utilities_gbp", "maintenance_gbp", "backlog_gbp"):
                e[ln] += float(rhu(money[ln]))
            e["running"] = sum(e[ln] for ln in ("rent_gbp", "rates_gbp", "fm_gbp", "utilities_gbp",
                                                "maintenance_gbp"))
        if s["kind"] == "ambulance":
            has_ambulance.add(s["organisation"])
        if s["kind"] in SITE_BOUND_KINDS and s["floor_area_m2"] > 0:
            bound_sites[s["organisation"]].append(s)
    hub_pop = gm_pop * HUB_HEADS_PER_1000_GM / CCG_HEADS_PER_1000

    def category_spend(o: dict, c: str, base: bool) -> float:
        """S of partner o in category c: on the cash figures, or (base) in 2016/17 prices"""
        if o["kind"] == "council":
            return (per_head_base if base else per_head)[c] * borough_pop[o["borough"]]
        if o["kind"] == "nhs_trust":
            e = (eric_base if base else eric)[o["id"]]
            if c in NHS_ESTATE_BASIS:
                line, ratio = NHS_ESTATE_BASIS[c]
                return e[line] * ratio
            if c == "fleet_vehicles" and o["id"] in has_ambulance:
                return e["running"] * NHS_AMBULANCE_FLEET_RATIO
            return e["running"] * NHS_RUNNING_RATIO[c]
        if o["kind"] == "ccg":
            return CCG_PER_HEAD[c] * borough_pop[o["borough"]] / ccgs_in_borough[o["borough"]]
        if o["kind"] == "commissioner":
            return CCG_PER_HEAD[c] * hub_pop
        raise ValueError(o["kind"])

    rows: list[list[str]] = []
    plan: dict[tuple[str, str], float] = {}
    plan_cash: dict[tuple[str, str], float] = {}
    for oid in sorted(orgs):
        o = orgs[oid]
        if oid in real_orgs:
            continue
        seq = 0
        for c in sorted(CATEGORIES_BY_KIND[o["kind"]]):
            total_p = int(rhu(category_spend(o, c, base=False) * 100))  # pence, cash: whether, how many
            if total_p <= 0:
                continue
            base_p = int(rhu(category_spend(o, c, base=True) * 100))  # pence, 2016/17 prices: the amounts
            assert base_p > 0, (oid, c)
            plan_cash[(oid, c)] = total_p / 100
            plan[(oid, c)] = base_p / 100
            n = MIN_CONTRACTS + sum(total_p / 100 >= t for t in CONTRACT_COUNT_THRESHOLDS)
            n = min(n, MAX_CONTRACTS, len(pool[c]))
            left = list(pool[c])
            drawn = []
            for _ in range(n):  # a. weighted draws without replacement, cumulative in supplier-id order
                x = rng.random() * sum(w for _, w in left)
                acc = 0.0
                pick = len(left) - 1
                for i, (_, w) in enumerate(left):
                    acc += w
                    if x < acc:
                        pick = i
                        break
                drawn.append(left.pop(pick)[0])
            drawn.sort()
            u = [rng.uniform(*SHARE_RANGE) for _ in drawn]  # b. shares
            amounts = [int(rhu(base_p * ui / sum(u))) for ui in u[:-1]]
            amounts.append(base_p - sum(amounts))
            assert min(amounts) > 0, (oid, c, amounts)
            for sid, a_p in zip(drawn, amounts):  # c. dates, fee, site
                seq += 1
                start = rand_date(rng, *CONTRACT_START)
                end = rand_date(rng, *CONTRACT_END)
                spend = a_p / 100
                rng.uniform(*DISCARDED_FEE_FACTOR)  # the former fee factor: drawn, not used
                fee = termination_fee(mobilisation_of(c), start, end, spend)
                site = ""
                cands = bound_sites.get(oid, [])
                if c in SITE_BOUND_CATEGORIES and cands:
                    if rng.random() < SITE_BOUND_SHARE:
                        x = rng.random() * sum(s["floor_area_m2"] for s in cands)
                        acc = 0.0
                        site = cands[-1]["id"]
                        for s in cands:
                            acc += s["floor_area_m2"]
                            if x < acc:
                                site = s["id"]
                                break
                rows.append([f"{oid}-C{seq:04d}", oid, c, sid, gbp2(spend), start.isoformat(), end.isoformat(),
                             gbp2(fee), site])
    # every derived (partner, category) spend is exactly the sum of its contracts
    got: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        got[(r[1], r[2])] += int(Decimal(r[4]) * 100)
    assert {k: v / 100 for k, v in got.items()} == plan
    return rows, {"per_head": per_head_base, "per_head_cash": per_head, "plan": plan, "plan_cash": plan_cash,
                  "hub_pop": hub_pop}


def tail_rows(spend: dict, to_base: dict, kept: list, flags: dict, orgs: dict,
              borough_pop: dict) -> list[list[str]]:
    """tail.csv: each council's spend per category outside its kept contracts.

    Manchester and Trafford: every supplier with positive spend in (organisation, category) that is not kept
    there (ranked below TOP_N_PER_CATEGORY, or under MIN_CONTRACT_SPEND). A supplier's SME and local flags are
    those of suppliers.csv when it holds a kept contract elsewhere; otherwise the same rules (SME: last word LTD
    and spend over all organisations and categories under SME_SPEND_LIMIT; local: a GM place word in the name,
    else one random() < LOCAL_SHARE from random.Random(SEED_TAIL), drawn in supplier-key order). The other
    councils: per category, the two councils' mean tail spend and tail supplier count per resident times the
    borough population, and their pooled local-SME fraction of the tail. NHS bodies have no published supplier
    spend, so no tail. `spend` is published cash: the rows, supplier counts, SME test and local draws are decided on
    it, as before the price base; each supplier's amount is then put in 2016/17 prices by its council's factor
    (`to_base`, by organisation) and rounded to the penny before it is summed."""
    kept_keys = {(o, c, k) for o, c, k, _ in kept}
    real_orgs = sorted({o for o, _, _, _ in kept})
    sup_total: dict[str, float] = defaultdict(float)
    for (_, _, k), v in spend.items():
        sup_total[k] += v
    tail_keys = sorted({k for (o, c, k), v in spend.items() if (o, c, k) not in kept_keys and v > 0})
    rng = random.Random(SEED_TAIL)
    local_sme: dict[str, bool] = {}
    for k in tail_keys:
        if k in flags:
            sme, local = flags[k]
        else:
            words = k.split()
            sme = words[-1] == "LTD" and sup_total[k] < SME_SPEND_LIMIT
            local = any(w in words for w in GM_PLACE_WORDS) or rng.random() < LOCAL_SHARE
        local_sme[k] = sme and local
    pence: dict[tuple[str, str], int] = defaultdict(int)
    local_p: dict[tuple[str, str], int] = defaultdict(int)
    count: dict[tuple[str, str], int] = defaultdict(int)
    for (o, c, k), v in sorted(spend.items()):
        if (o, c, k) in kept_keys or v <= 0:
            continue
        p = int(rhu(v * to_base[o], "0.01") * 100)
        pence[(o, c)] += p
        count[(o, c)] += 1
        if local_sme[k]:
            local_p[(o, c)] += p
    rows = [["organisation", "category", "annual_spend_gbp", "suppliers", "local_sme_spend_gbp", "source"]]
    pop = {o: borough_pop[orgs[o]["borough"]] for o in real_orgs}
    for oid in sorted(o for o in orgs if orgs[o]["kind"] == "council"):
        for c in sorted(CATEGORIES_BY_KIND["council"]):
            if oid in real_orgs:
                spend_p, local, n = pence[(oid, c)], local_p[(oid, c)], count[(oid, c)]
                source = "published spend below the top suppliers"
            else:
                per_head = sum(pence[(o, c)] / pop[o] for o in real_orgs) / len(real_orgs)
                spend_p = int(rhu(per_head * borough_pop[orgs[oid]["borough"]]))
                all_p = sum(pence[(o, c)] for o in real_orgs)
                local = int(rhu(spend_p * sum(local_p[(o, c)] for o in real_orgs) / all_p)) if all_p else 0
                n_head = sum(count[(o, c)] / pop[o] for o in real_orgs) / len(real_orgs)
                n = max(1, int(rhu(n_head * borough_pop[orgs[oid]["borough"]]))) if spend_p else 0
                source = "derived: per resident from Manchester and Trafford"
            if spend_p > 0:
                rows.append([oid, c, gbp2(spend_p / 100), str(n), gbp2(local / 100), source])
    return rows


# Files copied byte for byte into the data set: the borough outlines drawn under the map of report.html.
COPIES = {"boroughs.geojson": SRC / "geo" / "gm_local_authorities_2016_generalised.geojson"}


def write_files(files: dict[str, list[list[str]]], folder: Path, copies: dict[str, Path] = COPIES) -> None:
    """Writes the CSV files (UTF-8, \\n line ends) and the byte-for-byte `copies` (shared with build_england.py)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        with open(folder / name, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            w.writerows(rows)
    for name, src in copies.items():
        (folder / name).write_bytes(src.read_bytes())


# ---------------------------------------------------------------- self-check
ID_RE = re.compile(r"^[A-Za-z0-9\-_./: ]{1,64}$")
ENUMS = {
    ("organisations.csv", "kind"): {"nhs_trust", "ccg", "council", "commissioner", "other"},
    ("sites.csv", "kind"): {"acute", "specialist", "community", "mental_health", "ambulance", "office", "depot",
                            "civic", "library", "leisure", "clinic", "other"},
    ("sites.csv", "tenure"): {"freehold", "leasehold", "pfi"},
    ("teams.csv", "function"): set(bo.FUNCTIONS),
}
ENUMS[("functions.csv", "function")] = set(bo.FUNCTIONS)
ENUMS[("functions.csv", "sector_rule")] = {"any", "same_sector"}
ENUMS[("shared_services.csv", "function")] = set(bo.FUNCTIONS)
BOOLS = {("sites.csv", "public_facing"), ("sites.csv", "must_keep"), ("sites.csv", "derived"), ("teams.csv", "movable"),
         ("suppliers.csv", "sme"), ("suppliers.csv", "local"), ("functions.csv", "poolable")}
NUMS = {"sites.csv": ["exit_penalty_gbp", "lat", "lon", "floor_area_m2", "rent_gbp", "rates_gbp", "fm_gbp",
                      "utilities_gbp", "maintenance_gbp", "backlog_gbp", "disposal_value_gbp"],
        "zones.csv": ["lat", "lon"], "contracts.csv": ["annual_spend_gbp", "termination_fee_gbp"],
        "offers.csv": ["min_volume_gbp", "price_index", "capacity_gbp"],
        "functions.csv": ["cost_per_fte_gbp", "scale_exponent", "reference_fte", "retained_share", "setup_gbp",
                          "migration_gbp_per_body", "redundancy_gbp_per_fte", "cross_sector_vat"],
        "service_members.csv": ["fte_pooled"]}
INTS = {"sites.csv": ["desks"], "teams.csv": ["headcount"], "zones.csv": ["population", "imd_decile"],
        "functions.csv": ["max_hubs", "dual_running_months"]}
ENUMS[("categories.csv", "route")] = {"aggregation", "framework", "out_of_scope"}
NUMS["categories.csv"] = ["price_effect", "tender_cost_gbp", "mobilisation_gbp"]
ENUMS[("units.csv", "kind")] = {"floor", "land"}
NUMS["units.csv"] = ["floor_area_m2", "cost_share", "backlog_share", "land_ha", "disposal_value_gbp"]
INTS["units.csv"] = ["desks"]
GM_FILES = ["organisations.csv", "sites.csv", "teams.csv", "zones.csv", "suppliers.csv", "contracts.csv",
            "offers.csv", "functions.csv", "shared_services.csv", "service_members.csv", "categories.csv",
            "units.csv"]
NUM_RE = re.compile(r"^-?\d+(\.\d+)?$")


def check_formats(data: dict[str, list[dict]]) -> None:
    """Per-file format checks of a built data set (shared with build_england.py): unique well-formed ids, allowed
    words, yes/no values, number formats, no stray spaces, coordinates in pairs and inside Great Britain."""
    for name, rows in data.items():
        if "id" in rows[0]:
            ids = [r["id"] for r in rows]
            assert len(ids) == len(set(ids)), f"duplicate ids in {name}"
            assert all(ID_RE.match(i) and i == i.strip() for i in ids), name
        for (f, col), allowed in ENUMS.items():
            if f == name:
                assert all(r[col] in allowed for r in rows), (name, col)
        for (f, col) in BOOLS:
            if f == name:
                assert all(r[col] in ("true", "false") for r in rows), (name, col)
        # Optional columns a data set may leave out (build_england.py's zones carry no imd_decile).
        for col in (c for c in NUMS.get(name, []) if c in rows[0]):
            assert all(r[col] == "" or NUM_RE.match(r[col]) for r in rows), (name, col)
        for col in (c for c in INTS.get(name, []) if c in rows[0]):
            assert all(re.match(r"^\d+$", r[col]) for r in rows), (name, col)
        for r in rows:
            for v in r.values():
                assert v == v.strip(), (name, r)
            if "lat" in r:
                assert (r["lat"] == "") == (r["lon"] == ""), (name, r)
                if r["lat"]:
                    assert 49.8 <= float(r["lat"]) <= 60.9 and -8.7 <= float(r["lon"]) <= 1.8, (name, r)


def check_back_office(data: dict[str, list[dict]], sites: dict[str, dict]) -> None:
    """functions.csv covers every team's function with an exponent in (0, 1] and shares in [0, 1]; every shared
    service is hosted by a partner at one of its sites, in a poolable function, has its staff as the host's
    teams of that function and members of a sector its function allows; organisations carry their sector."""
    kinds = {r["id"]: r["kind"] for r in data["organisations.csv"]}
    sector = {r["id"]: r["sector"] for r in data["organisations.csv"]}
    assert all(sector[o] == bo.sector_of(k) for o, k in kinds.items())
    fns = {r["function"]: r for r in data["functions.csv"]}
    for r in fns.values():
        assert 0 < float(r["scale_exponent"]) <= 1 and 0 <= float(r["retained_share"]) <= 1, r
        assert float(r["reference_fte"]) > 0 and 0 <= float(r["cross_sector_vat"]) <= 1, r
    assert {r["function"] for r in data["teams.csv"]} <= set(fns)
    services = {r["service"]: r for r in data["shared_services.csv"]}
    for sid, r in services.items():
        assert r["host"] in kinds and sites[r["site"]]["organisation"] == r["host"], r
        assert fns[r["function"]]["poolable"] == "true", r
    for r in data["teams.csv"]:
        if r["service"]:
            svc = services[r["service"]]
            assert r["organisation"] == svc["host"] and r["function"] == svc["function"], r
    staffed = {r["service"] for r in data["teams.csv"] if r["service"]}
    assert staffed == set(services), (staffed, set(services))
    for r in data["service_members.csv"]:
        svc = services[r["service"]]
        assert r["organisation"] in kinds and float(r["fte_pooled"]) > 0, r
        if fns[svc["function"]]["sector_rule"] == "same_sector":
            assert sector[r["organisation"]] == sector[svc["host"]], r
    assert {r["service"] for r in data["service_members.csv"]} == set(services)


def check_price_base(sites: dict[str, dict], categories: list[dict]) -> None:
    """Every NHS site's money is its ERIC 2019/20 figure times index(2016-17) / index(2019-20) of the GDP deflator,
    in whole pounds; every in-scope category's tender cost is GBP 6,000 of 2011/12 in 2016/17 prices (README
    "Reference dates and price base")."""
    to_base = deflator_factors()
    factor = to_base[ERIC_YEAR]
    assert 0.9 < factor < 1, factor  # 2019/20 prices are higher than 2016/17's
    for r in read_csv("eric/eric_201920_sites_gm_tidy.csv"):
        money = eric_money(r)
        site = sites[r["site_code"]]
        for col in SITE_MONEY:
            assert site[col] == gbp0(money[col] * factor), (r["site_code"], col, site[col], money[col])
    tender = gbp0(TENDER_GBP_2011 * to_base[TENDER_YEAR])
    for r in categories:
        assert r["tender_cost_gbp"] == (tender if r["route"] != "out_of_scope" else "0"), r


def check_units(units: list[dict], header: list[str], sites: dict[str, dict]) -> None:
    """units.csv: the columns in order; ids `<site>-EMPTY|UNDERUSED|LAND`, sorted by site then that order; every
    unit's site exists; a floor unit has floor area and no land, a land unit land and no floor area; no desks;
    cost shares in [0, 1]; and a site's units together hold at most its floor area, a cost share of 1 and its
    disposal value."""
    assert header == UNIT_COLUMNS, header
    keys = []
    total: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for u in units:
        assert u["site"] in sites, u
        suffix = u["id"][len(u["site"]) + 1:]
        assert u["id"] == f"{u['site']}-{suffix}" and suffix in UNIT_SUFFIXES, u
        keys.append((u["site"], UNIT_SUFFIXES.index(suffix)))
        assert u["kind"] == ("land" if suffix == "LAND" else "floor") and u["name"] and u["desks"] == "0", u
        if u["kind"] == "floor":
            assert float(u["floor_area_m2"]) > 0 and u["land_ha"] == "" and float(u["disposal_value_gbp"]) == 0, u
        else:
            assert float(u["land_ha"]) > 0 and u["floor_area_m2"] == "" and float(u["cost_share"]) == 0, u
        assert 0 <= float(u["cost_share"]) <= 1, u
        assert float(u["backlog_share"]) == 0, u
        t = total[u["site"]]
        t[0] += float(u["floor_area_m2"] or 0)
        t[1] += float(u["cost_share"])
        t[2] += float(u["disposal_value_gbp"] or 0)
    assert keys == sorted(keys), "units.csv not in site, EMPTY, UNDERUSED, LAND order"
    for sid, (fa, share, value) in total.items():
        s = sites[sid]
        assert fa <= float(s["floor_area_m2"]) + 1e-6 and share <= 1 + 1e-12, (sid, fa, share)
        assert value <= float(s["disposal_value_gbp"]), (sid, value)


def check_survey(rows: list[dict], header: list[str], kinds: dict[str, str], units: list[dict]) -> None:
    """sites.csv's survey columns (Carter's measures): the last three columns, after must_keep and derived; blank on every site
    of a body that is not an NHS trust; on an NHS trust's site empty_m2 and under_used_m2 given, non_clinical_m2
    given or blank, each a plain number >= 0 to at most 0.01 m2; empty + under-used <= floor area and non-clinical
    <= floor area (exactly, in decimals); empty_m2 and under_used_m2 are exactly the floor areas of the site's
    EMPTY and UNDERUSED release units (0 when it has none). Prints the GM totals against Carter's targets."""
    assert header == SITE_COLUMNS + SURVEY_COLUMNS, header
    unit_area = {u["id"]: Decimal(u["floor_area_m2"]) for u in units if u["kind"] == "floor"}
    area_re = re.compile(r"^\d+(\.\d{1,2})?$")
    gia = nc_gia = nc = empty = under = Decimal(0)
    blank = []
    for r in rows:
        if kinds[r["organisation"]] != "nhs_trust":
            assert all(r[c] == "" for c in SURVEY_COLUMNS), r["id"]
            continue
        assert r["empty_m2"] and r["under_used_m2"], r["id"]
        assert all(r[c] == "" or area_re.match(r[c]) for c in SURVEY_COLUMNS), r["id"]
        fa, e, u = Decimal(r["floor_area_m2"]), Decimal(r["empty_m2"]), Decimal(r["under_used_m2"])
        assert e + u <= fa, (r["id"], e, u, fa)
        assert e == unit_area.get(f"{r['id']}-EMPTY", 0) and u == unit_area.get(f"{r['id']}-UNDERUSED", 0), r["id"]
        gia, empty, under = gia + fa, empty + e, under + u
        if r["non_clinical_m2"]:
            assert Decimal(r["non_clinical_m2"]) <= fa, r["id"]
            nc, nc_gia = nc + Decimal(r["non_clinical_m2"]), nc_gia + fa
        else:
            blank.append(r["id"])
    print(f"Carter's measures, NHS sites: gia {gia:,} m2; non-clinical {nc:,} m2 = {nc / nc_gia:.2%} of the "
          f"{nc_gia:,} m2 of the sites that have it (target <= {CARTER_NON_CLINICAL_MAX:.0%}; blank: "
          f"{blank or 'none'}); empty {empty:,} m2 ({empty / gia:.2%}), under-used {under:,} m2 ({under / gia:.2%}), "
          f"together {(empty + under) / gia:.2%} (target <= {CARTER_EMPTY_UNDER_USED_MAX:.1%})")


def check(folder: Path) -> None:
    data = {}
    for name in GM_FILES:
        raw = (folder / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw, name
        with open(folder / name, encoding="utf-8", newline="") as fh:
            data[name] = list(csv.DictReader(fh))
    check_formats(data)
    orgs = {r["id"] for r in data["organisations.csv"]}
    sites = {r["id"]: r for r in data["sites.csv"]}
    sups = {r["id"] for r in data["suppliers.csv"]}
    for r in data["sites.csv"]:
        assert r["organisation"] in orgs and r["name"] and float(r["floor_area_m2"]) >= 0
        if r["tenure"] == "leasehold":
            end = dt.date.fromisoformat(r["lease_end"])
            if r["lease_break"]:
                assert dt.date.fromisoformat(r["lease_break"]) <= end
        else:
            assert r["lease_end"] == "" and r["lease_break"] == ""
    max_desks = max(int(s["desks"]) for s in sites.values())
    occupied: dict[str, int] = defaultdict(int)
    for r in data["teams.csv"]:
        assert r["organisation"] in orgs and (r["site"] == "" or r["site"] in sites)
        assert int(r["headcount"]) > 0 and int(r["headcount"]) <= max_desks
        if r["site"]:
            occupied[r["site"]] += int(r["headcount"])
    total_heads = sum(int(r["headcount"]) for r in data["teams.csv"])
    total_desks = sum(int(s["desks"]) for s in sites.values())
    assert total_heads <= total_desks
    assert 150 <= len(data["teams.csv"]) <= 400, len(data["teams.csv"])
    overfull = sorted(s for s, h in occupied.items() if h > int(sites[s]["desks"]))
    assert not overfull, overfull
    check_back_office(data, sites)
    check_price_base(sites, data["categories.csv"])
    with open(folder / "units.csv", encoding="utf-8", newline="") as fh:
        check_units(data["units.csv"], next(csv.reader(fh)), sites)
    with open(folder / "sites.csv", encoding="utf-8", newline="") as fh:
        check_survey(data["sites.csv"], next(csv.reader(fh)), {r["id"]: r["kind"] for r in data["organisations.csv"]},
                     data["units.csv"])
    assert sum(int(r["population"]) for r in data["zones.csv"]) == 2782141
    for r in data["contracts.csv"]:
        assert r["organisation"] in orgs and r["supplier"] in sups and (r["site"] == "" or r["site"] in sites)
        assert dt.date.fromisoformat(r["start"]) <= dt.date.fromisoformat(r["end"])
        assert float(r["annual_spend_gbp"]) > 0 and float(r["termination_fee_gbp"]) >= 0
    routes = {r["category"]: r["route"] for r in data["categories.csv"]}
    assert {r["category"] for r in data["contracts.csv"]} <= set(routes)
    # termination for convenience: every fee is the rule again, from the files as written, to the penny
    mobilisation = {r["category"]: float(r["mobilisation_gbp"]) for r in data["categories.csv"]}
    for r in data["contracts.csv"]:
        fee = termination_fee(mobilisation[r["category"]], dt.date.fromisoformat(r["start"]),
                              dt.date.fromisoformat(r["end"]), float(r["annual_spend_gbp"]))
        assert r["termination_fee_gbp"] == gbp2(fee), (r["id"], r["termination_fee_gbp"], fee)
    assert all(0 <= float(r["price_effect"]) < 1 for r in data["categories.csv"])
    # offers exist for every pair of an in-scope category (nhs_agency has the offers of agency staff)
    contract_pairs = {(r["supplier"], "agency_staff" if r["category"] == NHS_AGENCY else r["category"])
                      for r in data["contracts.csv"]}
    offer_pairs = set()
    for r in data["offers.csv"]:
        assert r["supplier"] in sups and 0 < float(r["price_index"]) <= 2
        assert float(r["min_volume_gbp"]) <= float(r["capacity_gbp"])
        offer_pairs.add((r["supplier"], r["category"]))
    assert offer_pairs == contract_pairs
    assert {r["supplier"] for r in data["contracts.csv"]} == sups

    # procurement: derived contracts and their offers
    org_kind = {r["id"]: r["kind"] for r in data["organisations.csv"]}
    contracts = data["contracts.csv"]
    assert 1200 <= len(contracts) <= 2000, len(contracts)
    real_orgs = {MCC, TRAFFORD}
    cats_of: dict[str, set[str]] = defaultdict(set)
    per_oc: dict[tuple[str, str], list[str]] = defaultdict(list)
    vol: dict[tuple[str, str], float] = defaultdict(float)
    for r in contracts:
        o = r["organisation"]
        assert re.fullmatch(re.escape(o) + r"-C\d{4}", r["id"]), r["id"]
        assert dt.date.fromisoformat(r["start"]) < PRICE_BASE <= dt.date.fromisoformat(r["end"]), r["id"]
        assert r["category"] in CATEGORIES or (r["category"] == NHS_AGENCY and org_kind[o] == "nhs_trust"), r
        assert not (r["category"] == "agency_staff" and org_kind[o] == "nhs_trust"), r
        if r["site"]:  # site-bound: own site, of an eligible kind, in an estate category, derived only
            s = sites[r["site"]]
            assert s["organisation"] == o and s["kind"] in SITE_BOUND_KINDS, r
            assert r["category"] in SITE_BOUND_CATEGORIES and o not in real_orgs, r
        bought = "agency_staff" if r["category"] == NHS_AGENCY else r["category"]
        cats_of[o].add(bought)
        per_oc[(o, bought)].append(r["supplier"])
        vol[(r["supplier"], bought)] += float(r["annual_spend_gbp"])
    assert set(cats_of) == orgs, sorted(orgs - set(cats_of))  # every partner buys
    for o, cats in cats_of.items():
        assert cats == set(CATEGORIES_BY_KIND[org_kind[o]]), (o, sorted(cats))
    real_pairs = {(r["supplier"], r["category"]) for r in contracts if r["organisation"] in real_orgs}  # no trust
    for (o, c), ss in per_oc.items():
        assert len(ss) == len(set(ss)), (o, c)  # one contract per (partner, category, supplier)
        if o not in real_orgs:
            assert MIN_CONTRACTS <= len(ss) <= MAX_CONTRACTS, (o, c, len(ss))
            assert all((s, c) in real_pairs for s in ss), (o, c)  # suppliers from the real pool only
    sups_per_cat: dict[str, set[str]] = defaultdict(set)
    for s, c in vol:
        sups_per_cat[c].add(s)
    assert max(len(v) for v in sups_per_cat.values()) <= 30
    tiers: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in data["offers.csv"]:
        tiers[(r["supplier"], r["category"])].append(r)
    for pair, ts in tiers.items():
        caps = {t["capacity_gbp"] for t in ts}
        assert len(caps) == 1 and any(float(t["min_volume_gbp"]) == 0 for t in ts), pair
        assert float(ts[0]["capacity_gbp"]) > vol[pair], pair  # today's contracts fit the capacity
        assert 2 <= len(ts) <= 3, pair

    # summary
    print("rows:", ", ".join(f"{n} {len(rows)}" for n, rows in data.items()))
    fa = sum(float(s["floor_area_m2"]) for s in sites.values())
    run = sum(sum(float(s[c]) for c in ("rent_gbp", "rates_gbp", "fm_gbp", "utilities_gbp", "maintenance_gbp"))
              for s in sites.values())
    print(f"total floor area {fa:,.0f} m2; total annual running cost GBP {run:,.0f}")
    print(f"total headcount {total_heads}; total desks {total_desks}; ratio {total_desks / total_heads:.2f}")
    print("sites over desk capacity today:", overfull or "none")
    pf = [s for s in sites.values() if s["public_facing"] == "true" and s["lat"]]
    worst = (0.0, "", "")
    for z in data["zones.csv"]:
        d, sid = min((haversine_km(float(z["lat"]), float(z["lon"]), float(s["lat"]), float(s["lon"])), s["id"])
                     for s in pf)
        if d > worst[0]:
            worst = (d, z["id"] + " " + z["name"], sid)
    print(f"access: largest ward-to-nearest-public-facing-site distance {worst[0]:.2f} km ({worst[1]} -> {worst[2]})")
    kinds = defaultdict(int)
    ten = defaultdict(int)
    for s in sites.values():
        kinds[s["kind"]] += 1
        ten[s["tenure"]] += 1
    print("site kinds:", dict(sorted(kinds.items())), "tenures:", dict(sorted(ten.items())))
    spend_total = sum(float(r["annual_spend_gbp"]) for r in data["contracts.csv"])
    print(f"contract spend GBP {spend_total:,.2f}; suppliers in both councils:",
          len({r["supplier"] for r in data["contracts.csv"] if r["organisation"] == MCC} &
              {r["supplier"] for r in data["contracts.csv"] if r["organisation"] == TRAFFORD}))
    by_kind: dict[str, list] = defaultdict(lambda: [0, 0.0, 0])
    partners_of: dict[str, set[str]] = defaultdict(set)
    for r in contracts:
        k = org_kind[r["organisation"]] + (" (real)" if r["organisation"] in real_orgs else "")
        by_kind[k][0] += 1
        by_kind[k][1] += float(r["annual_spend_gbp"])
        by_kind[k][2] += 1 if r["site"] else 0
        partners_of[r["supplier"]].add(r["organisation"])
    for k, (n, v, b) in sorted(by_kind.items()):
        print(f"contracts {k}: {n} (site-bound {b}), GBP {v:,.2f}")
    n_sup = sorted(len(v) for v in sups_per_cat.values())
    print(f"suppliers per category: min {n_sup[0]}, max {n_sup[-1]}")
    dist = defaultdict(int)
    for v in partners_of.values():
        dist[len(v)] += 1
    print("partners per supplier (partners: suppliers):", dict(sorted(dist.items())))
    units = data["units.csv"]
    for kind in ("EMPTY", "UNDERUSED"):
        us = [u for u in units if u["id"].endswith("-" + kind)]
        print(f"release units {kind.lower()} floor: {len(us)}, {sum(float(u['floor_area_m2']) for u in us):,.2f} m2")
    land = [u for u in units if u["kind"] == "land"]
    print(f"release units land: {len(land)}, {sum(float(u['land_ha']) for u in land):.2f} ha, "
          f"GBP {sum(int(u['disposal_value_gbp']) for u in land):,}")


def check_rebuild(files: dict, names: list[str], out: Path, write, check_folder) -> int:
    """`--check` (shared with build_england.py): builds into a temporary folder, runs `check_folder` on it, and
    compares every file in `names` with the committed one in `out`; 1 and the differing names when any differs."""
    with tempfile.TemporaryDirectory() as tmp:
        write(files, Path(tmp))
        differ = []
        for name in sorted(names):
            new = (Path(tmp) / name).read_bytes()
            old_path = out / name
            if not old_path.exists() or old_path.read_bytes() != new:
                differ.append(name)
        check_folder(Path(tmp))
    for name in differ:
        print(f"DIFFERS: {out / name}")
    if differ:
        return 1
    print("check: all files identical to the committed data set")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="build into a temporary folder and exit 1 if any file differs from the committed files")
    ap.add_argument("--verbose", action="store_true", help="print derivation details")
    args = ap.parse_args()
    files, info = build()
    if args.check:
        return check_rebuild(files, [*files, *COPIES], OUT, write_files, check)
    write_files(files, OUT)
    check(OUT)
    if args.verbose:
        print("median cost per m2:", {k: round(v, 2) for k, v in info["median_per_m2"].items()},
              info["median_n"])
        print("heads:", info["heads"])
        print("dropped:", {k: round(v) for k, v in sorted(info["dropped"].items())})
        print("truncated Trafford names matched:", info["matched_truncated"])
        sv = info["survey"]
        print("survey: non_clinical_m2 blank (no use reported):", sv["blank"] or "none", "clamped to floor area:",
              sv["clamped"] or "none")
        print("survey: floor area not classified by use (gia - clinical - non-clinical), m2:",
              {k: round(v) for k, v in sv["use_gap"].items() if v})
    return 0


if __name__ == "__main__":
    sys.exit(main())
