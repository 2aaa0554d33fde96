"""Write examples/plenipot2018/states.yaml: member states, their regional groups and FICTIONAL
stances on the coordination group's twelve issues, for `rota outreach`.

Deterministic: each stance is a regional leaning on the issue, nudged by a hash of
(state, issue), so running this again gives the same bytes.

    python examples/generate_states_plenipot2018.py
"""

from __future__ import annotations

import hashlib
from pathlib import Path

ISSUES = [
    "internet_policy",
    "cybersecurity",
    "counterfeit",
    "ott",
    "privacy",
    "iot",
    "ai",
    "doa",
    "gender",
    "digital_divide",
    "community_networks",
    "openness",
]
STANCES = ["oppose", "lean_oppose", "undecided", "lean_support", "support"]

# code, name, region, delegation size, open to civil society
STATES = [
    ("DEU", "Germany", "CEPT", 38, True),
    ("FRA", "France", "CEPT", 35, True),
    ("GBR", "United Kingdom", "CEPT", 30, True),
    ("SWE", "Sweden", "CEPT", 14, True),
    ("NLD", "Netherlands", "CEPT", 12, True),
    ("CHE", "Switzerland", "CEPT", 15, True),
    ("EST", "Estonia", "CEPT", 5, True),
    ("ITA", "Italy", "CEPT", 20, False),
    ("ESP", "Spain", "CEPT", 18, False),
    ("POL", "Poland", "CEPT", 16, False),
    ("NOR", "Norway", "CEPT", 4, True),
    ("FIN", "Finland", "CEPT", 5, True),
    ("TUR", "Turkey", "CEPT", 22, False),
    ("KEN", "Kenya", "ATU", 18, True),
    ("GHA", "Ghana", "ATU", 9, True),
    ("NGA", "Nigeria", "ATU", 40, True),
    ("ZAF", "South Africa", "ATU", 25, True),
    ("TUN", "Tunisia", "ATU", 10, True),
    ("SEN", "Senegal", "ATU", 4, True),
    ("RWA", "Rwanda", "ATU", 3, True),
    ("UGA", "Uganda", "ATU", 8, False),
    ("CMR", "Cameroon", "ATU", 12, False),
    ("ETH", "Ethiopia", "ATU", 6, False),
    ("IND", "India", "APT", 45, True),
    ("AUS", "Australia", "APT", 20, True),
    ("NZL", "New Zealand", "APT", 5, True),
    ("JPN", "Japan", "APT", 40, False),
    ("CHN", "China", "APT", 120, False),
    ("KOR", "Korea (Republic of)", "APT", 45, False),
    ("IDN", "Indonesia", "APT", 30, False),
    ("IRN", "Iran (Islamic Republic of)", "APT", 25, False),
    ("FJI", "Fiji", "APT", 3, True),
    ("PHL", "Philippines", "APT", 10, False),
    ("USA", "United States of America", "CITEL", 60, True),
    ("CAN", "Canada", "CITEL", 25, True),
    ("BRA", "Brazil", "CITEL", 40, True),
    ("MEX", "Mexico", "CITEL", 20, True),
    ("ARG", "Argentina", "CITEL", 15, True),
    ("CHL", "Chile", "CITEL", 5, True),
    ("COL", "Colombia", "CITEL", 8, False),
    ("CRI", "Costa Rica", "CITEL", 3, True),
    ("URY", "Uruguay", "CITEL", 4, True),
    ("RUS", "Russian Federation", "RCC", 70, False),
    ("KAZ", "Kazakhstan", "RCC", 10, False),
    ("BLR", "Belarus", "RCC", 8, False),
    ("ARM", "Armenia", "RCC", 4, True),
    ("KGZ", "Kyrgyzstan", "RCC", 4, False),
    ("ARE", "United Arab Emirates", "Arab Group", 90, False),
    ("SAU", "Saudi Arabia", "Arab Group", 50, False),
    ("EGY", "Egypt", "Arab Group", 30, False),
    ("MAR", "Morocco", "Arab Group", 10, False),
    ("JOR", "Jordan", "Arab Group", 5, True),
    ("LBN", "Lebanon", "Arab Group", 4, True),
    ("QAT", "Qatar", "Arab Group", 15, False),
]

# Regional leaning per issue: -2 (oppose) .. 2 (support), before each state's nudge.
LEANING = {
    "CEPT": 1.4,
    "CITEL": 1.0,
    "APT": 0.0,
    "ATU": 0.4,
    "RCC": -1.4,
    "Arab Group": -1.0,
}
# Issues where the regional groups disagree less (development issues find support).
CONSENSUS = {"digital_divide": 1.0, "community_networks": 0.8, "gender": 0.6, "counterfeit": 0.2}

TIES = [
    ("KEN", "GHA", 0.9, "co_sponsor"),
    ("KEN", "ZAF", 0.7, "co_sponsor"),
    ("BRA", "MEX", 0.8, "co_sponsor"),
    ("SWE", "EST", 0.8, "co_sponsor"),
    ("DEU", "FRA", 0.9, "co_sponsor"),
    ("USA", "CAN", 0.9, "bilateral"),
    ("IND", "BRA", 0.6, "bilateral"),
    ("IND", "ZAF", 0.6, "bilateral"),
    ("GBR", "IND", 0.5, "bilateral"),
    ("GBR", "KEN", 0.6, "bilateral"),
    ("GBR", "NGA", 0.6, "bilateral"),
    ("FRA", "SEN", 0.7, "bilateral"),
    ("FRA", "TUN", 0.6, "bilateral"),
    ("FRA", "MAR", 0.6, "bilateral"),
    ("AUS", "NZL", 0.9, "co_sponsor"),
    ("AUS", "FJI", 0.6, "bilateral"),
    ("AUS", "JPN", 0.6, "bilateral"),
    ("USA", "JPN", 0.7, "bilateral"),
    ("USA", "KOR", 0.7, "bilateral"),
    ("USA", "MEX", 0.6, "bilateral"),
    ("CAN", "KEN", 0.4, "bilateral"),
    ("NLD", "GHA", 0.5, "bilateral"),
    ("CHE", "TUN", 0.5, "bilateral"),
    ("RUS", "CHN", 0.8, "co_sponsor"),
    ("RUS", "IRN", 0.6, "bilateral"),
    ("CHN", "EGY", 0.5, "bilateral"),
    ("SAU", "ARE", 0.9, "co_sponsor"),
    ("ARE", "IND", 0.4, "bilateral"),
    ("EGY", "TUN", 0.5, "bilateral"),
    ("ARG", "CHL", 0.7, "co_sponsor"),
    ("URY", "ARG", 0.6, "bilateral"),
    ("DEU", "TUR", 0.4, "bilateral"),
    ("KAZ", "TUR", 0.5, "bilateral"),
    ("ARM", "FRA", 0.4, "bilateral"),
    ("JOR", "GBR", 0.4, "bilateral"),
    ("LBN", "FRA", 0.5, "bilateral"),
    ("IDN", "PHL", 0.5, "bilateral"),
    ("NGA", "GHA", 0.7, "co_sponsor"),
]


def stance(code: str, region: str, issue: str) -> str:
    nudge = hashlib.sha256(f"{code}/{issue}".encode()).digest()[0] / 255 * 2.4 - 1.2
    value = LEANING[region] + CONSENSUS.get(issue, 0.0) + nudge
    return STANCES[max(0, min(4, round(value) + 2))]


def render() -> str:
    lines = [
        "# Member states at PP-18 for `rota outreach` (example workspace).",
        "# Regions and delegation codes are real; delegation sizes, openness to civil society,",
        "# ties and every stance are FICTIONAL. Stances are relative to the coordination",
        "# group's position: oppose, lean_oppose, undecided, lean_support, support.",
        "# Generated by examples/generate_states_plenipot2018.py: edit that, not this.",
        "",
        "# States of one regional group are tied with this weight unless a tie below says",
        "# otherwise.",
        "regional_tie_weight: 0.5",
        "",
        "states:",
    ]
    for code, name, region, size, open_ in STATES:
        stances = ", ".join(f"{issue}: {stance(code, region, issue)}" for issue in ISSUES)
        lines += [
            f"  - code: {code}",
            f'    name: "{name}"',
            f"    region: {region}" if " " not in region else f'    region: "{region}"',
            f"    delegation_size: {size}",
            f"    open_to_civil_society: {'true' if open_ else 'false'}",
            f"    stances: {{{stances}}}",
        ]
    lines += ["", "ties:"]
    for a, b, weight, kind in TIES:
        lines.append(f"  - {{a: {a}, b: {b}, weight: {weight}, kind: {kind}}}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    target = Path(__file__).parent / "plenipot2018" / "states.yaml"
    target.write_text(render(), encoding="utf-8")
    print(target)
