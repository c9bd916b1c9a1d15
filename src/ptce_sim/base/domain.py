"""Domain vocabulary shared by rules and model: organisation kinds, project kinds, sectors.

Integer codes (not strings) because state lives in numpy arrays; the names are what
users see in outputs and docs. Source for the kinds and sectors: ``docs/field.md``.
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


#: Which project kinds count as a cooperation with *commercial* content and which with
#: *strategic* content, for the field survey's "cooperations are commercial (86%) and/or
#: strategic (85%)" (not exclusive). Commercial: money changes hands between members or
#: with customers — joint offers, pooled services that members pay for, R&D that aims at a
#: product or a company (the brief's composting R&D company). Strategic: the members bind
#: their future together — pooling a function, a shared strategy, joint R&D. A pure
#: commercial deal (one-off subcontracting, a joint offer) is not strategic; a shared
#: diagnosis or joint representation is not commercial. See docs/calibration.md.
COMMERCIAL_CONTENT: frozenset[ProjectKind] = frozenset(
    {ProjectKind.COMMERCIAL, ProjectKind.POOLING, ProjectKind.RND}
)
STRATEGIC_CONTENT: frozenset[ProjectKind] = frozenset(
    {ProjectKind.POOLING, ProjectKind.STRATEGIC, ProjectKind.RND}
)


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
