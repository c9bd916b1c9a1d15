"""Domain vocabulary shared by rules and model: organisation kinds, project kinds, sectors.

Integer codes (not strings) because state lives in numpy arrays; the names are what
users see in outputs and docs. Source for the kinds and sectors: ``shared/domain/PTCE.md``.
"""

from __future__ import annotations

from enum import IntEnum


class OrgKind(IntEnum):
    """Kind of organisation (MODEL.md §2)."""

    ASSO = 0  # association
    COOP = 1  # cooperative: SCIC, SCOP, ESS company
    SIAE = 2  # insertion enterprise (structure d'insertion par l'activité économique)
    FIRM = 3  # conventional SME
    LA = 4  # local authority
    RT = 5  # research or training centre


class ProjectKind(IntEnum):
    """Kind of cooperation project (MODEL.md §4)."""

    COMMERCIAL = 0  # joint offer to customers: revenue for market members
    POOLING = 1  # mutualisation of skills, knowledge, places, material: savings
    STRATEGIC = 2  # shared strategy, joint representation, territorial diagnosis
    RND = 3  # research and innovation; needs a research/training member


SECTORS: tuple[str, ...] = (
    "eco_activities",
    "employment",
    "food_agriculture",
    "culture",
    "mobility",
    "construction_wood",
    "tourism",
    "services",
)

#: ESS kinds: the "hard core" of a pole; leaders (territorial entrepreneurs) come from them.
ESS_KINDS: tuple[OrgKind, ...] = (OrgKind.ASSO, OrgKind.COOP, OrgKind.SIAE)

#: Kinds that always sell goods or services (associations may, see TerritoryParams).
MARKET_KINDS: tuple[OrgKind, ...] = (OrgKind.COOP, OrgKind.SIAE, OrgKind.FIRM)

#: Maximum persons (boundary spanners) per organisation: the field says 1 to 3.
MAX_PERSONS = 3
