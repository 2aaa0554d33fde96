"""Generate the `plenipot2018` example workspace.

A realistic-looking workspace for the ITU Plenipotentiary Conference 2018 (PP-18, Dubai,
29 October - 16 November 2018): the structure (committees, resolutions, regional groups,
elections, the crunch of the last week) follows the real conference; the people, their
organisations and the exact timetable are invented.

Run from anywhere:

    python examples/generate_plenipot2018.py

It rewrites examples/plenipot2018/{conference,attendees,meetings}.yaml. The output depends
only on this file (fixed random seed, no set iteration, no clock), so running it again
gives byte-identical files. Needs only the standard library and PyYAML (used to check that
what was written parses back).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

SEED = 2018
OUT = Path(__file__).resolve().parent / "plenipot2018"
START, END = date(2018, 10, 29), date(2018, 11, 16)

# --------------------------------------------------------------------------------------
# Conference: issues and rules
# --------------------------------------------------------------------------------------

ISSUES = [
    ("internet_policy", "Internet-related public policy", 5),
    ("cybersecurity", "Cybersecurity", 5),
    ("counterfeit", "Counterfeit devices", 2),
    ("ott", "OTT services", 5),
    ("privacy", "Privacy and data protection", 4),
    ("iot", "IoT and smart cities", 2),
    ("ai", "Artificial intelligence", 2),
    ("doa", "Digital Object Architecture", 4),
    ("gender", "Gender mainstreaming", 3),
    ("digital_divide", "Bridging the digital divide", 3),
    ("community_networks", "Access and community networks", 3),
    ("openness", "Openness and transparency", 4),
]

RULES = [
    ("changeover_minutes", "15"),
    ("max_duty_hours", "11"),
    ("min_rest_hours", "7"),
    ("late_night_after", '"00:00"'),
    ("max_late_nights_in_a_row", "2"),
    ("default_min_expertise", "1"),
]

# --------------------------------------------------------------------------------------
# Attendees (fictional people and organisations)
# --------------------------------------------------------------------------------------


@dataclass
class Person:
    id: str
    name: str
    organisation: str
    delegation: str | None
    expertise: dict[str, int]
    leads: list[str] = field(default_factory=list)
    available_from: str | None = None
    available_until: str | None = None
    unavailable: list[tuple[str, str]] = field(default_factory=list)
    max_duty_hours: int | None = None
    email_local: str | None = None


PEOPLE = [
    Person(
        "amara-nwosu",
        "Amara Nwosu",
        "Lagos Digital Commons Initiative",
        "NGA",
        {"digital_divide": 3, "community_networks": 2, "gender": 2},
        ["digital_divide"],
    ),
    Person(
        "lucas-ferreira",
        "Lucas Ferreira",
        "Instituto Rede Aberta",
        "BRA",
        {"internet_policy": 3, "privacy": 2, "openness": 2},
        ["internet_policy"],
    ),
    Person(
        "ingrid-halvorsen",
        "Ingrid Halvorsen",
        "Nordic Open Net Forum",
        "SWE",
        {"openness": 3, "internet_policy": 2, "gender": 1},
        ["openness"],
    ),
    Person(
        "daniel-mwangi",
        "Daniel Mwangi",
        "Kilimanjaro ICT Policy Trust",
        "KEN",
        {"community_networks": 3, "digital_divide": 2, "cybersecurity": 1},
        ["community_networks"],
        unavailable=[("2018-11-08", "2018-11-08")],
    ),
    Person(
        "priya-raghavan",
        "Priya Raghavan",
        "Centre for Networked Futures",
        "IND",
        {"privacy": 3, "ai": 2, "iot": 1},
        ["privacy"],
        unavailable=[("2018-11-12 12:00", "2018-11-12 15:30")],
    ),
    Person(
        "tomas-ibarra",
        "Tomás Ibarra",
        "Fundación Conectar",
        "MEX",
        {"ott": 3, "internet_policy": 2, "privacy": 1},
        ["ott"],
        email_local="tomas.ibarra",
    ),
    Person(
        "sophie-lambert",
        "Sophie Lambert",
        "Observatoire des libertés numériques",
        "FRA",
        {"privacy": 2, "cybersecurity": 2, "openness": 1},
        available_until="2018-11-14 18:00",
    ),
    Person(
        "hannah-becker",
        "Hannah Becker",
        "Digitale Zivilgesellschaft e.V.",
        "DEU",
        {"cybersecurity": 3, "iot": 2, "doa": 1},
        ["cybersecurity"],
        unavailable=[("2018-11-03", "2018-11-04")],
    ),
    Person(
        "kwame-asante",
        "Kwame Asante",
        "Accra Tech Policy Hub",
        "GHA",
        {"counterfeit": 3, "doa": 2, "digital_divide": 1},
        available_from="2018-11-05",
    ),
    Person(
        "margaret-oneill",
        "Margaret O'Neill",
        "Open Identifiers Alliance",
        "GBR",
        {"doa": 3, "iot": 2, "internet_policy": 2},
        ["doa"],
        email_local="margaret.oneill",
    ),
    Person(
        "ethan-whitford",
        "Ethan Whitford",
        "Center for Open Networks and Trade",
        "USA",
        {"internet_policy": 3, "ott": 2, "cybersecurity": 2},
        available_until="2018-11-09",
    ),
    Person(
        "chloe-tremblay",
        "Chloé Tremblay",
        "Réseau citoyen du numérique",
        "CAN",
        {"gender": 3, "digital_divide": 2, "ai": 1},
        ["gender"],
        email_local="chloe.tremblay",
    ),
    Person(
        "jaan-tamm",
        "Jaan Tamm",
        "Baltic Cyber Policy Lab",
        "EST",
        {"cybersecurity": 3, "ai": 2, "privacy": 1},
        unavailable=[("2018-11-10 14:00", "2018-11-11 12:00")],
    ),
    Person(
        "valentina-sosa",
        "Valentina Sosa",
        "Derechos Digitales del Sur",
        "ARG",
        {"privacy": 2, "gender": 2, "openness": 2},
    ),
    Person(
        "thabo-mokoena",
        "Thabo Mokoena",
        "Ubuntu Connect Network",
        "ZAF",
        {"digital_divide": 3, "community_networks": 2, "iot": 1},
    ),
    Person(
        "mei-lin-tan",
        "Mei Lin Tan",
        "Asia-Pacific Digital Citizens",
        "AUS",
        {"ai": 3, "iot": 2, "privacy": 2},
        available_from="2018-10-31",
    ),
    Person(
        "aroha-ngata",
        "Aroha Ngata",
        "Te Kōtuku Digital Trust",
        "NZL",
        {"community_networks": 2, "digital_divide": 2, "openness": 1},
        available_from="2018-11-07 14:00",
        max_duty_hours=8,
    ),
    Person(
        "lukas-meier",
        "Lukas Meier",
        "Geneva Internet Governance Circle",
        "CHE",
        {"openness": 3, "internet_policy": 2, "doa": 2},
        available_from="2018-11-01",
    ),
    Person(
        "sanne-de-vries",
        "Sanne de Vries",
        "Stichting Open Netwerken",
        "NLD",
        {"iot": 3, "privacy": 2, "cybersecurity": 1},
        ["iot"],
    ),
    Person(
        "youssef-ben-salah",
        "Youssef Ben Salah",
        "Tunis Digital Rights Collective",
        "TUN",
        {"privacy": 2, "internet_policy": 2, "openness": 2},
    ),
    Person(
        "farida-haidari",
        "Farida Haidari",
        "Global Coalition for Open Knowledge",
        None,
        {"openness": 2, "gender": 2, "ai": 1},
        unavailable=[("2018-11-06 18:00", "2018-11-07 12:00")],
    ),
    Person(
        "mateo-vargas",
        "Mateo Vargas",
        "Latin American Consumer Voice",
        None,
        {"ott": 2, "counterfeit": 2, "privacy": 1},
        max_duty_hours=8,
    ),
    Person(
        "olena-kovalenko",
        "Olena Kovalenko",
        "Digital Futures Research Network",
        None,
        {"cybersecurity": 2, "ai": 2, "doa": 1},
        available_until="2018-11-15",
    ),
    Person(
        "kenji-morita",
        "Kenji Morita",
        "Open Internet Engineering Network",
        None,
        {"internet_policy": 2, "iot": 2, "doa": 2},
    ),
    Person(
        "rania-haddad",
        "Rania Haddad",
        "Mashreq Digital Rights Watch",
        None,
        {"privacy": 2, "gender": 2, "ott": 1},
        available_from="2018-11-02",
    ),
]

# --------------------------------------------------------------------------------------
# Topics: resolutions and proposals the group follows
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    key: str
    label: str  # how titles name it
    issues: tuple[str, ...]
    heat: int  # 1..5: how hard it is fought over
    body: str  # c5 | wgpl | c6
    first: date
    last: date
    technical: bool = False


def d(day: int, month: int = 11) -> date:
    return date(2018, month, day)


TOPICS = [
    Topic(
        "res102",
        "Res. 102 (Internet-related public policy)",
        ("internet_policy", "openness"),
        5,
        "c5",
        d(30, 10),
        d(16),
    ),
    Topic("res206", "Res. 206 (OTT)", ("ott", "internet_policy"), 5, "c5", d(30, 10), d(16)),
    Topic(
        "res130",
        "Res. 130 (Confidence and security in the use of ICTs)",
        ("cybersecurity", "privacy"),
        5,
        "c5",
        d(30, 10),
        d(15),
    ),
    Topic(
        "res174", "Res. 174 (Illicit use of ICTs)", ("cybersecurity",), 3, "c5", d(31, 10), d(13)
    ),
    Topic(
        "res101",
        "Res. 101 (Internet Protocol-based networks)",
        ("internet_policy",),
        3,
        "c5",
        d(31, 10),
        d(12),
        technical=True,
    ),
    Topic(
        "res133",
        "Res. 133 (Internationalized domain names)",
        ("internet_policy",),
        2,
        "c5",
        d(2),
        d(8),
        technical=True,
    ),
    Topic(
        "res180",
        "Res. 180 (Transition from IPv4 to IPv6)",
        ("internet_policy",),
        2,
        "c5",
        d(2),
        d(9),
        technical=True,
    ),
    Topic(
        "res188",
        "Res. 188 (Combating counterfeit ICT devices)",
        ("counterfeit", "doa"),
        4,
        "c5",
        d(31, 10),
        d(15),
        technical=True,
    ),
    Topic("res189", "Res. 189 (Mobile device theft)", ("counterfeit", "doa"), 3, "c5", d(2), d(12)),
    Topic("ai", "proposals on emerging technologies (AI)", ("ai", "privacy"), 3, "c5", d(5), d(15)),
    Topic(
        "res2",
        "Res. 2 (World Telecommunication/ICT Policy Forum)",
        ("internet_policy", "openness"),
        2,
        "c5",
        d(5),
        d(12),
    ),
    Topic(
        "res179",
        "Res. 179 (Child online protection)",
        ("privacy", "cybersecurity"),
        2,
        "wgpl",
        d(31, 10),
        d(9),
    ),
    Topic(
        "res196",
        "Res. 196 (Protecting ICT users and consumers)",
        ("privacy", "ott"),
        3,
        "wgpl",
        d(5),
        d(15),
    ),
    Topic(
        "res197",
        "Res. 197 (IoT and smart sustainable cities)",
        ("iot", "doa"),
        3,
        "wgpl",
        d(31, 10),
        d(15),
        technical=True,
    ),
    Topic("res70", "Res. 70 (Gender mainstreaming)", ("gender",), 3, "wgpl", d(31, 10), d(13)),
    Topic(
        "res139",
        "Res. 139 (Bridging the digital divide)",
        ("digital_divide", "community_networks"),
        4,
        "wgpl",
        d(31, 10),
        d(15),
    ),
    Topic(
        "res203",
        "Res. 203 (Connectivity to broadband networks)",
        ("digital_divide", "community_networks"),
        3,
        "wgpl",
        d(5),
        d(14),
    ),
    Topic(
        "res64",
        "Res. 64 (Non-discriminatory access to ICT facilities)",
        ("digital_divide", "internet_policy"),
        2,
        "wgpl",
        d(5),
        d(13),
    ),
    Topic(
        "res66",
        "Res. 66 and Decision 12 (ITU documents and free online access)",
        ("openness",),
        4,
        "c6",
        d(30, 10),
        d(15),
    ),
    Topic(
        "res167",
        "Res. 167 (Electronic meetings and remote participation)",
        ("openness",),
        2,
        "c6",
        d(2),
        d(13),
    ),
]
TOPIC = {t.key: t for t in TOPICS}

# Committee 6 agenda items the group does not follow (no issue).
C6_ROUTINE = [
    "Financial Plan 2020-2023",
    "Res. 48 (Human resources management)",
    "Res. 154 (Use of the six official languages)",
    "Res. 11 (ITU Telecom events)",
    "Reports of the Council and the Independent Management Advisory Committee",
]

# Regional groups and (a selection of) their real member states.
REGIONS = [
    (
        "cept",
        "CEPT coordination meeting",
        [
            "DEU",
            "FRA",
            "GBR",
            "SWE",
            "NLD",
            "CHE",
            "EST",
            "ITA",
            "ESP",
            "POL",
            "NOR",
            "FIN",
            "DNK",
            "AUT",
            "BEL",
            "IRL",
            "PRT",
            "CZE",
            "ROU",
            "GRC",
            "TUR",
            "RUS",
        ],
    ),
    (
        "citel",
        "CITEL (Americas) coordination meeting",
        [
            "USA",
            "CAN",
            "BRA",
            "MEX",
            "ARG",
            "CHL",
            "COL",
            "PER",
            "URY",
            "PRY",
            "CRI",
            "PAN",
            "DOM",
            "ECU",
            "GTM",
            "HND",
            "SLV",
            "JAM",
            "TTO",
            "BHS",
            "BOL",
        ],
    ),
    (
        "atu",
        "ATU (African Group) coordination meeting",
        [
            "KEN",
            "GHA",
            "NGA",
            "ZAF",
            "TUN",
            "EGY",
            "MAR",
            "DZA",
            "SEN",
            "CIV",
            "CMR",
            "UGA",
            "TZA",
            "RWA",
            "ETH",
            "ZWE",
            "ZMB",
            "SDN",
            "MLI",
            "BFA",
        ],
    ),
    (
        "apt",
        "APT coordination meeting",
        [
            "IND",
            "AUS",
            "NZL",
            "JPN",
            "CHN",
            "KOR",
            "IDN",
            "MYS",
            "THA",
            "PHL",
            "SGP",
            "VNM",
            "PAK",
            "BGD",
            "LKA",
            "IRN",
            "FJI",
            "PNG",
            "NPL",
        ],
    ),
    (
        "rcc",
        "RCC coordination meeting",
        ["RUS", "KAZ", "BLR", "ARM", "AZE", "KGZ", "UZB", "TJK", "MDA"],
    ),
    (
        "arab",
        "Arab Group coordination meeting",
        [
            "ARE",
            "SAU",
            "EGY",
            "TUN",
            "MAR",
            "DZA",
            "JOR",
            "LBN",
            "KWT",
            "QAT",
            "BHR",
            "OMN",
            "IRQ",
            "SDN",
            "LBY",
            "MRT",
            "DJI",
            "SOM",
            "COM",
            "PSE",
        ],
    ),
]

# Delegations that convene or join small informal groups.
ACTIVE_STATES = [
    "USA",
    "CAN",
    "GBR",
    "DEU",
    "FRA",
    "SWE",
    "NLD",
    "CHE",
    "BRA",
    "MEX",
    "ARG",
    "IND",
    "AUS",
    "JPN",
    "CHN",
    "KOR",
    "RUS",
    "SAU",
    "ARE",
    "EGY",
    "KEN",
    "NGA",
    "ZAF",
    "GHA",
    "TUN",
    "IRN",
]

# Delegations of the group's members, with short names, for bilaterals.
BILATERAL_STATES = [
    ("BRA", "Brazil"),
    ("KEN", "Kenya"),
    ("SWE", "Sweden"),
    ("IND", "India"),
    ("MEX", "Mexico"),
    ("CAN", "Canada"),
    ("GHA", "Ghana"),
    ("DEU", "Germany"),
    ("ARE", "the United Arab Emirates"),
    ("ZAF", "South Africa"),
    ("AUS", "Australia"),
]

SIDE_EVENTS = [
    (
        "Side event: Community networks and spectrum for the unconnected",
        ("community_networks", "digital_divide"),
    ),
    ("Side event: Women in ICT leadership", ("gender",)),
    ("Side event: AI policy and human rights", ("ai", "privacy")),
    ("Side event: Securing consumer IoT devices", ("iot", "cybersecurity")),
    ("Side event: Measuring the digital divide", ("digital_divide",)),
    ("Side event: Transparency and remote participation at ITU", ("openness",)),
    ("Side event: OTT services, regulation and consumer welfare", ("ott",)),
    ("Side event: Counterfeit devices and e-waste", ("counterfeit",)),
    ("Side event: Identifiers, the DOA and the Internet", ("doa", "internet_policy")),
    ("Side event: Cyber norms and the multistakeholder model", ("cybersecurity",)),
]

SMALL_ROOMS = [
    "Room A",
    "Room B",
    "Room C",
    "Room D1",
    "Room D2",
    "Room E",
    "Room F",
    "Room G",
    "Room H",
    "Room J",
    "Room K",
    "Room L",
    "Room M",
    "Room N",
    "Za'abeel 1",
    "Za'abeel 2",
    "Za'abeel 3",
    "Sheikh Saeed Hall 1",
    "Sheikh Saeed Hall 2",
    "Al Ghubaiba Room",
]
PLENARY_HALL = "Plenary Hall"
C5_ROOM = "Committee 5 Room"
C6_ROOM = "Committee 6 Room"
WGPL_ROOM = "Al Multaqa"
CS_ROOM = "Room P (civil society)"

# --------------------------------------------------------------------------------------
# The shape of each conference day
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayPlan:
    phase: str  # w1 | weekend1 | w2 | weekend2 | w3 | final
    adhoc: int
    informal: int
    side: int = 0
    bilateral: int = 0
    regions: tuple[str, ...] = ()


ALL_REGIONS = ("cept", "citel", "atu", "apt", "rcc", "arab")
PLANS: dict[date, DayPlan] = {
    d(29, 10): DayPlan("w1", 0, 0, side=2, regions=("cept", "citel", "atu", "apt")),
    d(30, 10): DayPlan("w1", 1, 2, side=2, regions=("cept", "citel", "atu", "arab")),
    d(31, 10): DayPlan("w1", 3, 3, side=2, bilateral=1, regions=("cept", "apt", "rcc", "atu")),
    d(1): DayPlan("w1", 2, 2, side=1, regions=ALL_REGIONS),
    d(2): DayPlan("w1", 4, 3, side=1, regions=("cept", "citel", "atu", "arab")),
    d(3): DayPlan("weekend1", 3, 1),
    d(4): DayPlan("weekend1", 0, 1),
    d(5): DayPlan("w2", 8, 6, side=2, bilateral=1, regions=ALL_REGIONS),
    d(6): DayPlan("w2", 10, 8, side=2, bilateral=1, regions=ALL_REGIONS),
    d(7): DayPlan("w2", 11, 9, side=2, bilateral=1, regions=ALL_REGIONS),
    d(8): DayPlan("w2", 12, 11, side=2, bilateral=1, regions=ALL_REGIONS),
    d(9): DayPlan("w2", 14, 12, side=1, bilateral=2, regions=ALL_REGIONS),
    d(10): DayPlan("weekend2", 6, 4),
    d(11): DayPlan("weekend2", 3, 2),
    d(12): DayPlan("w3", 30, 26, side=1, bilateral=2, regions=ALL_REGIONS),
    d(13): DayPlan("w3", 38, 32, side=1, bilateral=1, regions=ALL_REGIONS),
    d(14): DayPlan("w3", 46, 40, bilateral=2, regions=ALL_REGIONS),
    d(15): DayPlan("w3", 56, 48, bilateral=1, regions=ALL_REGIONS),
    d(16): DayPlan("final", 4, 9, regions=("cept", "citel", "atu", "apt", "arab")),
}


def hm(text: str) -> int:
    """Minutes after midnight of the conference day; '01:30+' means the next morning."""
    nxt = text.endswith("+")
    h, m = text.rstrip("+").split(":")
    return int(h) * 60 + int(m) + (24 * 60 if nxt else 0)


# Start times (with weights) and the latest end for ad hoc groups and informals.
_W1 = ["09:30", "10:00", "11:00", "13:00", "14:30", "15:00", "16:00", "16:30"]
_W2 = [*_W1, "09:00", "12:45", "17:00", "18:00", "18:30", "19:00", "19:30", "20:00", "20:30"]
_W3_LATE = ["21:00", "21:30", "22:00", "22:30", "23:00", "23:30", "00:00+", "00:30+", "01:00+"]
SLOTS: dict[str, tuple[list[tuple[int, int]], int]] = {
    "w1": ([(hm(t), 1) for t in _W1], hm("18:30")),
    "weekend1": ([(hm(t), 1) for t in ["10:00", "11:00", "14:00", "15:00"]], hm("18:00")),
    "w2": ([(hm(t), 2 if hm(t) >= hm("17:00") else 1) for t in _W2], hm("23:00")),
    "weekend2": (
        [(hm(t), 1) for t in ["09:30", "10:00", "11:00", "14:30", "15:00", "16:00", "18:00"]],
        hm("21:00"),
    ),
    "w3": (
        [(hm(t), 2) for t in _W2] + [(hm(t), 3 if hm(t) < hm("00:00+") else 2) for t in _W3_LATE],
        hm("03:00+"),
    ),
    "final": (
        [
            (hm(t), 1)
            for t in [
                "10:00",
                "12:45",
                "15:00",
                "18:00",
                "19:00",
                "21:00",
                "22:00",
                "23:00",
                "00:00+",
            ]
        ],
        hm("02:30+"),
    ),
}

# --------------------------------------------------------------------------------------
# Building meetings
# --------------------------------------------------------------------------------------

rng = random.Random(SEED)


@dataclass
class Meeting:
    id: str
    title: str
    kind: str
    day: date
    start: int  # minutes after midnight of `day`
    end: int
    room: str
    issues: tuple[str, ...] = ()
    access: str = "open"
    delegations: tuple[str, ...] = ()
    priority: int = 1
    seats: int = 1
    min_expertise: int | None = None
    status: str = "confirmed"
    topic: str | None = None  # for ad hoc groups and informals; not written out


meetings: list[Meeting] = []
used_ids: dict[str, int] = {}
bookings: dict[str, list[tuple[datetime, datetime]]] = {}
counters: dict[str, int] = {}


def moment(day: date, minutes: int) -> datetime:
    return datetime.combine(day, datetime.min.time()) + timedelta(minutes=minutes)


def room_free(room: str, day: date, start: int, end: int) -> bool:
    a, b = moment(day, start), moment(day, end)
    # Rooms need 15 minutes to turn over.
    return all(
        b + timedelta(minutes=15) <= s or e + timedelta(minutes=15) <= a
        for s, e in bookings.get(room, [])
    )


def book(room: str, day: date, start: int, end: int) -> None:
    bookings.setdefault(room, []).append((moment(day, start), moment(day, end)))


def unique_id(base: str) -> str:
    n = used_ids.get(base, 0) + 1
    used_ids[base] = n
    return base if n == 1 else f"{base}-{n}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def next_number(body: str) -> int:
    counters[body] = counters.get(body, 0) + 1
    return counters[body]


def add(
    day: date, slug: str, title: str, kind: str, start: int, end: int, room: str, **extra: Any
) -> Meeting:
    # The id is completed (numbered) once the meetings are in time order.
    meeting = Meeting(f"{day.isoformat()}-{slug}", title, kind, day, start, end, room, **extra)
    book(room, day, start, end)
    meetings.append(meeting)
    return meeting


def active(day: date, body: str | None = None) -> list[Topic]:
    return [t for t in TOPICS if t.first <= day <= t.last and (body is None or t.body == body)]


def weighted_topic(day: date, body: str | None = None, exclude: tuple[str, ...] = ()) -> Topic:
    pool = [t for t in active(day, body) if t.key not in exclude]
    # Hot topics dominate more and more as the conference goes on.
    boost = 1.0 + (day - START).days / 12
    weights = [t.heat**boost for t in pool]
    return rng.choices(pool, weights)[0]


def agenda(day: date, body: str, size: int) -> list[Topic]:
    chosen: list[Topic] = []
    while len(chosen) < size and len(chosen) < len(active(day, body)):
        chosen.append(weighted_topic(day, body, tuple(t.key for t in chosen)))
    return sorted(chosen, key=lambda t: TOPICS.index(t))


def issues_of(topics: list[Topic]) -> tuple[str, ...]:
    out: list[str] = []
    for t in topics:
        out += [i for i in t.issues if i not in out]
    return tuple(out)


def topic_labels(topics: list[Topic]) -> str:
    return "; ".join(t.label for t in topics)


def session(day: date, body: str, start: str, end: str, size: int = 2) -> None:
    """A meeting of Committee 5, Committee 6 or the Working Group of the Plenary."""
    if body == "c6":
        items = agenda(day, "c6", 1)
        routine = rng.sample(C6_ROUTINE, 2 if items else 3)
        labels = [t.label for t in items] + routine
        n = next_number("c6")
        issues = issues_of(items)
        add(
            day,
            f"c6-m{n:02d}",
            f"Committee 6 (Administration and management), {ordinal(n)} meeting: "
            + "; ".join(labels),
            "committee",
            hm(start),
            hm(end),
            C6_ROOM,
            issues=issues,
            priority=max([t.heat - 1 for t in items], default=1),
        )
        return
    items = agenda(day, body, size)
    heat = max(t.heat for t in items)
    n = next_number(body)
    if body == "c5":
        title = f"Committee 5 (Policy and legal matters), {ordinal(n)} meeting: "
        room, kind = C5_ROOM, "committee"
    else:
        title = f"Working Group of the Plenary (WG-PL), {ordinal(n)} meeting: "
        room, kind = WGPL_ROOM, "working_group"
    add(
        day,
        f"{body}-m{n:02d}",
        title + topic_labels(items),
        kind,
        hm(start),
        hm(end),
        room,
        issues=issues_of(items),
        priority=min(4, heat - 1 + (day >= d(12))),
        seats=2 if heat >= 5 else 1,
    )


def plenary(
    day: date,
    start: str,
    end: str,
    business: str,
    topics: list[Topic] | None = None,
    seats: int | None = None,
) -> None:
    n = next_number("plenary")
    topics = topics or []
    title = f"Plenary, {ordinal(n)} meeting: {business}"
    if topics:
        title += f" ({topic_labels(topics)})"
    heat = max((t.heat for t in topics), default=0)
    add(
        day,
        f"pl-m{n:02d}",
        title,
        "plenary",
        hm(start),
        hm(end),
        PLENARY_HALL,
        issues=issues_of(topics),
        priority=max(1, heat),
        seats=seats or (3 if heat >= 5 and day >= d(15) else 2 if heat >= 4 else 1),
    )


def texts_for_plenary(day: date, size: int) -> list[Topic]:
    """Resolutions whose committee work has ended lately, or hot ones still in play."""
    done = [t for t in TOPICS if day - timedelta(days=4) <= t.last < day]
    rng.shuffle(done)
    picked = done[:size]
    if len(picked) < size:
        hot = [t for t in active(day) if t.heat >= 4 and t not in picked]
        rng.shuffle(hot)
        picked += hot[: size - len(picked)]
    return sorted(picked, key=lambda t: TOPICS.index(t))


def coordination(day: date, start: str = "08:00", end: str = "08:45") -> None:
    add(
        day,
        "cs-coord",
        "Civil-society coordination meeting (daily)",
        "coordination",
        hm(start),
        hm(end),
        CS_ROOM,
        priority=2,
    )


def regional(day: date, keys: tuple[str, ...], plan: DayPlan) -> None:
    hot = [t for t in active(day) if t.heat >= 4]
    for i, (key, title, members) in enumerate(r for r in REGIONS if r[0] in keys):
        # Most groups meet before the morning sessions; some at lunchtime.
        start = "08:45" if i % 3 != 2 else "13:00"
        end = "09:30" if start == "08:45" else "14:15"
        topics = rng.sample(hot, min(len(hot), rng.choice([1, 2]))) if hot else []
        topics.sort(key=lambda t: TOPICS.index(t))
        room = free_room(day, hm(start), hm(end))
        if room is None:
            continue
        add(
            day,
            key,
            title,
            "coordination",
            hm(start),
            hm(end),
            room,
            issues=issues_of(topics),
            access="delegations",
            delegations=tuple(members),
            priority=3 if plan.phase == "w3" else 2,
        )


def free_room(day: date, start: int, end: int, rooms: list[str] | None = None) -> str | None:
    for room in rooms or SMALL_ROOMS:
        if room_free(room, day, start, end):
            return room
    return None


def pick_slot(phase: str, durations: list[int]) -> tuple[int, int]:
    slots, latest = SLOTS[phase]
    for _ in range(50):
        start = rng.choices([s for s, _ in slots], [w for _, w in slots])[0]
        length = rng.choice(durations)
        if start + length <= latest:
            return start, start + length
    return slots[0][0], slots[0][0] + durations[0]


def status_for(day: date, start: int) -> str:
    roll = rng.random()
    late = start >= hm("21:00")
    if roll < (0.04 if late else 0.015):
        return "cancelled"
    if roll < (0.12 if late else 0.05):
        return "tentative"
    return "confirmed"


def topic_busy(day: date, key: str, kind: str, start: int, end: int) -> bool:
    """Whether an ad hoc group (or an informal) on this topic already meets around then."""
    return any(
        m.topic == key
        and m.kind == kind
        and m.day == day
        and m.start < end + 15
        and start < m.end + 15
        for m in meetings
    )


def adhoc(day: date, plan: DayPlan) -> None:
    for _ in range(200):
        topic = weighted_topic(day)
        start, end = pick_slot(plan.phase, [60, 90, 120, 120, 150, 180])
        if topic_busy(day, topic.key, "ad_hoc", start, end):
            continue
        room = free_room(day, start, end, rng.sample(SMALL_ROOMS, len(SMALL_ROOMS)))
        if room is None:
            continue
        # Ad hoc groups and informals top out at 4: priority 5 is for plenary decisions.
        prio = {5: 4, 4: 3, 3: 3, 2: 2}[topic.heat] + (1 if day >= d(13) and topic.heat == 4 else 0)
        minexp = 2 if topic.technical and rng.random() < 0.5 else None
        add(
            day,
            f"adhoc-{topic.key}",
            f"Ad hoc group on {topic.label}",
            "ad_hoc",
            start,
            end,
            room,
            issues=topic.issues,
            access="member_states" if rng.random() < 0.3 else "open",
            priority=min(prio, 4),
            min_expertise=minexp,
            status=status_for(day, start),
            topic=topic.key,
        )
        return


INFORMAL_FORMS = [
    # (title prefix, access weights: open, member_states, delegations, closed)
    ("Informal consultation on", (2, 5, 2, 0)),
    ("Informal-informal on", (0, 5, 3, 1)),
    ("Friends of the Chair on", (0, 1, 5, 1)),
    ("Chair's small group on", (0, 0, 3, 2)),
]


def informal(day: date, plan: DayPlan) -> None:
    for _ in range(200):
        topic = weighted_topic(day)
        start, end = pick_slot(plan.phase, [45, 60, 60, 90, 90, 120])
        if topic_busy(day, topic.key, "informal", start, end):
            continue
        room = free_room(day, start, end, rng.sample(SMALL_ROOMS, len(SMALL_ROOMS)))
        if room is None:
            continue
        prefix, weights = rng.choices(INFORMAL_FORMS, [6, 3, 2, 1])[0]
        access = rng.choices(["open", "member_states", "delegations", "closed"], weights)[0]
        delegations: tuple[str, ...] = ()
        if access == "delegations":
            delegations = tuple(sorted(rng.sample(ACTIVE_STATES, rng.randint(3, 7))))
        prio = {5: 4, 4: 3, 3: 3, 2: 2}[topic.heat] - (1 if access == "closed" else 0)
        add(
            day,
            f"inf-{topic.key}",
            f"{prefix} {topic.label}",
            "informal",
            start,
            end,
            room,
            issues=topic.issues,
            access=access,
            delegations=delegations,
            priority=max(prio, 2),
            status=status_for(day, start),
            topic=topic.key,
        )
        return


def side_events(day: date, count: int) -> None:
    for title, issues in rng.sample(SIDE_EVENTS, count):
        start = rng.choice([hm("12:45"), hm("13:00"), hm("18:00")])
        end = start + 75
        room = free_room(day, start, end)
        if room is None:
            continue
        add(
            day,
            "side",
            title,
            "other",
            start,
            end,
            room,
            issues=issues,
            priority=rng.choice([1, 1, 2]),
        )


def bilaterals(day: date, count: int) -> None:
    for code, country in rng.sample(BILATERAL_STATES, count):
        topic = weighted_topic(day)
        start = rng.choice([hm("12:45"), hm("13:15"), hm("17:45"), hm("18:15")])
        end = start + 45
        room = free_room(day, start, end)
        if room is None:
            continue
        add(
            day,
            f"bilat-{code.lower()}",
            f"Bilateral: civil-society group with the delegation of {country} on {topic.label}",
            "bilateral",
            start,
            end,
            room,
            issues=topic.issues,
            priority=rng.choice([2, 3]),
        )


def fixed_program(day: date) -> None:
    """Plenaries, committees and the working group: the conference's formal timetable."""
    w = day.weekday()  # 0 = Monday
    if day == d(29, 10):
        add(
            day,
            "opening",
            "Opening ceremony",
            "plenary",
            hm("10:00"),
            hm("12:30"),
            PLENARY_HALL,
            priority=1,
        )
        plenary(day, "14:30", "18:00", "organization of work; policy statements")
        add(
            day,
            "com1",
            "Committee 1 (Steering Committee)",
            "committee",
            hm("18:15"),
            hm("19:00"),
            C6_ROOM,
            access="closed",
            priority=1,
        )
    elif day == d(30, 10):
        plenary(day, "09:30", "12:30", "policy statements")
        session(day, "c5", "14:30", "17:30")
        session(day, "c6", "14:30", "17:30")
    elif day == d(31, 10):
        session(day, "c5", "09:30", "12:30")
        session(day, "c6", "09:30", "12:30")
        session(day, "wgpl", "14:30", "17:30")
        session(day, "c5", "14:30", "17:30")
        add(
            day,
            "com2",
            "Committee 2 (Credentials)",
            "committee",
            hm("17:45"),
            hm("18:30"),
            C6_ROOM,
            access="closed",
            priority=1,
        )
    elif day == d(1):
        plenary(
            day,
            "09:30",
            "13:00",
            "election of the Secretary-General and the Deputy Secretary-General",
        )
        plenary(day, "14:30", "18:00", "election of the Directors of the three Bureaux")
        session(day, "wgpl", "18:15", "20:00", size=1)
    elif day == d(2):
        plenary(
            day,
            "09:30",
            "13:00",
            "election of Member States of the Council and of "
            "members of the Radio Regulations Board",
        )
        session(day, "c5", "14:30", "17:30")
        session(day, "c6", "14:30", "17:30")
        session(day, "wgpl", "14:30", "17:30")
    elif day == d(3):
        session(day, "wgpl", "10:00", "13:00", size=1)
    elif day in (d(5), d(6), d(7), d(8), d(9)):
        if day in (d(6), d(8), d(9)):
            plenary(day, "09:30", "12:30", "first and second readings", texts_for_plenary(day, 2))
            session(day, "c5", "14:30", "17:30")
            session(day, "wgpl", "14:30", "17:30")
        else:
            session(day, "c5", "09:30", "12:30")
            session(day, "wgpl", "09:30", "12:30")
            session(day, "c5", "14:30", "17:30")
            session(day, "c6", "14:30", "17:30")
        if w in (0, 2, 4):
            session(day, "c6", "09:30", "12:30")
        else:
            session(day, "wgpl", "18:00", "20:00", size=1)
        if day >= d(7):
            session(day, "c5", "19:00", "22:00")
        add(
            day,
            "com4",
            "Committee 4 (Editorial Committee)",
            "committee",
            hm("13:00"),
            hm("14:15"),
            C6_ROOM,
            priority=1,
        )
        if day == d(7):
            add(
                day,
                "com3",
                "Committee 3 (Budget Control)",
                "committee",
                hm("17:45"),
                hm("18:45"),
                C6_ROOM,
                priority=1,
            )
    elif day == d(10):
        session(day, "c5", "09:30", "12:30")
        session(day, "c5", "14:30", "17:30")
        session(day, "wgpl", "10:00", "13:00", size=1)
    elif day == d(11):
        session(day, "c5", "14:00", "17:00", size=1)
    elif d(12) <= day <= d(15):
        if day == d(12):
            plenary(day, "09:30", "12:30", "second reading of texts", texts_for_plenary(day, 3))
        elif day == d(13):
            plenary(day, "14:30", "18:00", "second reading of texts", texts_for_plenary(day, 3))
        elif day == d(14):
            plenary(day, "09:30", "12:30", "second reading of texts", texts_for_plenary(day, 3))
            plenary(day, "19:00", "22:00", "second reading of texts", texts_for_plenary(day, 2))
        else:
            plenary(day, "09:30", "12:30", "second reading of texts", texts_for_plenary(day, 3))
            plenary(day, "14:30", "18:00", "second reading of texts", texts_for_plenary(day, 2))
            plenary(
                day, "20:00", "00:30+", "outstanding issues", [TOPIC["res130"], TOPIC["res206"]]
            )
        if day == d(12):
            session(day, "c6", "09:30", "12:30")
            session(day, "c5", "14:30", "17:30")
            session(day, "wgpl", "14:30", "17:30")
            session(day, "c5", "19:30", "23:00")
        elif day == d(13):
            session(day, "c5", "09:30", "12:30")
            session(day, "wgpl", "09:30", "12:30")
            session(day, "c5", "19:30", "23:00")
            session(day, "c6", "19:00", "21:30")
            session(day, "wgpl", "19:00", "21:30", size=1)
        elif day == d(14):
            session(day, "c5", "14:30", "17:30")
            session(day, "wgpl", "14:30", "17:30")
            session(day, "c5", "22:30", "01:00+", size=1)
        add(
            day,
            "com4",
            "Committee 4 (Editorial Committee)",
            "committee",
            hm("13:00"),
            hm("14:15"),
            C6_ROOM,
            priority=1,
        )
    elif day == d(16):
        plenary(
            day, "09:30", "12:30", "second reading of texts", texts_for_plenary(day, 3), seats=2
        )
        plenary(
            day,
            "14:30",
            "18:30",
            "final texts",
            [TOPIC["res102"], TOPIC["res206"], TOPIC["res130"]],
        )
        plenary(
            day,
            "20:30",
            "01:30+",
            "final texts and closing statements",
            [TOPIC["res102"], TOPIC["res206"]],
        )
        add(
            day,
            "signing",
            "Signing of the Final Acts",
            "other",
            hm("01:45+"),
            hm("02:45+"),
            PLENARY_HALL,
            priority=1,
        )


def build() -> list[Meeting]:
    for day, plan in sorted(PLANS.items()):
        if day != d(4):
            coordination(
                day,
                "08:00" if plan.phase not in ("weekend1", "weekend2") else "09:00",
                "08:45" if plan.phase not in ("weekend1", "weekend2") else "09:45",
            )
        fixed_program(day)
        regional(day, plan.regions, plan)
        side_events(day, plan.side)
        bilaterals(day, plan.bilateral)
        for _ in range(plan.adhoc):
            adhoc(day, plan)
        for _ in range(plan.informal):
            informal(day, plan)
    ordered = sorted(meetings, key=lambda m: (m.day, m.start, m.id))
    for m in ordered:
        m.id = unique_id(m.id)
    return ordered


# --------------------------------------------------------------------------------------
# Writing YAML (by hand, for stable and readable output)
# --------------------------------------------------------------------------------------


def q(text: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def flow_list(items: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(items) + "]"


def stamp(day: date, minutes: int) -> str:
    return q(moment(day, minutes).strftime("%Y-%m-%d %H:%M"))


def conference_yaml() -> str:
    lines = [
        "# ITU Plenipotentiary Conference 2018 (PP-18), Dubai World Trade Centre.",
        "# Example workspace for rota: the conference structure, the issues and the",
        "# resolutions are real; the coordination group's people and the exact timetable",
        "# are invented. Generated by examples/generate_plenipot2018.py: edit that, not this.",
        "name: ITU Plenipotentiary Conference 2018 (PP-18)",
        "timezone: Asia/Dubai",
        f"start: {START.isoformat()}",
        f"end: {END.isoformat()}",
        'day_start: "08:00"',
        'day_end: "03:00"',
        "issues:",
    ]
    lines += [f"  - {{id: {i}, name: {q(name)}, weight: {w}}}" for i, name, w in ISSUES]
    lines.append("rules:")
    lines += [f"  {key}: {value}" for key, value in RULES]
    return "\n".join(lines) + "\n"


# Delegations where a person has a working relationship beyond their own (for `rota
# outreach`: they can broker a bilateral with that delegation).
CONTACTS: dict[str, list[str]] = {
    "daniel-mwangi": ["RWA", "UGA"],
    "priya-raghavan": ["FJI"],
    "sophie-lambert": ["SEN"],
    "youssef-ben-salah": ["EGY", "JOR"],
    "farida-haidari": ["JOR", "LBN"],
    "mateo-vargas": ["CHL", "CRI", "URY"],
    "olena-kovalenko": ["ARM"],
    "kenji-morita": ["JPN"],
}


def attendees_yaml() -> str:
    lines = [
        "# The civil-society coordination group at PP-18 (example workspace for rota).",
        "# Every person, organisation, e-mail address and phone number here is FICTIONAL;",
        "# the delegations are states that included civil society in 2018 (null: on no",
        "# delegation, so no access to member-states-only meetings).",
        "# Generated by examples/generate_plenipot2018.py: edit that, not this.",
        "attendees:",
    ]
    for n, p in enumerate(PEOPLE):
        lines += [
            f"  - id: {p.id}",
            f"    name: {q(p.name)}",
            f"    organisation: {q(p.organisation)}",
            f"    delegation: {p.delegation or 'null'}",
        ]
        if p.id in CONTACTS:
            lines.append(f"    contacts: {flow_list(CONTACTS[p.id])}")
        lines += [
            "    expertise: {" + ", ".join(f"{k}: {v}" for k, v in p.expertise.items()) + "}",
        ]
        if p.leads:
            lines.append(f"    leads: {flow_list(p.leads)}")
        if p.available_from:
            lines.append(f"    available_from: {q(p.available_from)}")
        if p.available_until:
            lines.append(f"    available_until: {q(p.available_until)}")
        if p.unavailable:
            lines.append("    unavailable:")
            lines += [f"      - {{start: {q(s)}, end: {q(e)}}}" for s, e in p.unavailable]
        if p.max_duty_hours:
            lines.append(f"    max_duty_hours: {p.max_duty_hours}")
        local = p.email_local or p.id.replace("-", ".", 1)
        lines += [
            f"    email: {local}@example.org",
            f"    phone: {q(f'+00 555 {101 + n:04d}')}",
        ]
    return "\n".join(lines) + "\n"


def meetings_yaml(items: list[Meeting]) -> str:
    lines = [
        "# Meetings of the ITU Plenipotentiary Conference 2018 (PP-18), Dubai, 29 October -",
        "# 16 November 2018 (example workspace for rota). Real structure - plenary, Committee 5",
        "# (policy and legal), Committee 6 (administration and management), the Working Group",
        "# of the Plenary, ad hoc groups and informals on real resolutions, regional",
        "# coordination (with real member states), elections in week 1 - but an invented",
        "# timetable. Times are local (Asia/Dubai); a meeting starting after midnight belongs",
        "# to the previous conference day (days run 08:00-03:00). Defaults: seats 1, status",
        "# confirmed. Generated by examples/generate_plenipot2018.py: edit that, not this.",
        "meetings:",
    ]
    current: date | None = None
    for m in items:
        if m.day != current:
            current = m.day
            lines += ["", f"  # {m.day:%A %d %B %Y}"]
        lines += [
            f"  - id: {m.id}",
            f"    title: {q(m.title)}",
            f"    kind: {m.kind}",
            f"    start: {stamp(m.day, m.start)}",
            f"    end: {stamp(m.day, m.end)}",
            f"    room: {q(m.room)}",
            f"    issues: {flow_list(m.issues)}",
            f"    access: {m.access}",
        ]
        if m.delegations:
            lines.append(f"    delegations: {flow_list(m.delegations)}")
        lines.append(f"    priority: {m.priority}")
        if m.seats != 1:
            lines.append(f"    seats: {m.seats}")
        if m.min_expertise:
            lines.append(f"    min_expertise: {m.min_expertise}")
        if m.status != "confirmed":
            lines.append(f"    status: {m.status}")
    return "\n".join(lines) + "\n"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    files = {
        "conference.yaml": conference_yaml(),
        "attendees.yaml": attendees_yaml(),
        "meetings.yaml": meetings_yaml(build()),
    }
    for name, text in files.items():
        yaml.safe_load(text)  # what we write must at least be YAML
        (OUT / name).write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
