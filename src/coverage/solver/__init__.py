"""The CP-SAT back end: variables, constraints (one method per rule), objective tiers.

It knows the staffing problem in numbers (`coverage.problem`) and nothing of files,
dates or the command line."""

from coverage.errors import SolveInterrupted
from coverage.solver.model import (
    Progress,
    Solution,
    SolveParams,
    StaffingModel,
    TierResult,
)
from coverage.solver.objective import TIERS, Tier

__all__ = [
    "TIERS",
    "Progress",
    "Solution",
    "SolveInterrupted",
    "SolveParams",
    "StaffingModel",
    "Tier",
    "TierResult",
]
