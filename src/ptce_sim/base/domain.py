"""Domain vocabulary shared by rules and model: organisation kinds, project kinds, sectors.

Integer codes (not strings) because state lives in numpy arrays; the names are what
users see in outputs and docs. Source for the kinds and sectors: ``docs/field.md``.
"""

from __future__ import annotations

from enum import IntEnum


class OrgKind(IntEnum):
    """Kind of organisation (ODD §2; docs/field.md)."""

    ASSO = 0  # association
    COOP = 1  # cooperative: SCIC, SCOP, ESS company
    SIAE = 2  # insertion enterprise (structure d'insertion par l'activité économique)
    FIRM = 3  # conventional SME
    LA = 4  # local authority
    RT = 5  # research or training centre


class ProjectKind(IntEnum):
    """Kind of cooperation project (ODD §7.4; docs/field.md: three forms of cooperation)."""

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


class EventKind(IntEnum):
    """What happened, in the event record of a run (``world/events.py``)."""

    DEPARTURE = 0  # a person left its organisation (value: its ties lost)
    ARRIVAL = 1  # a newcomer took a vacant post
    PROJECT_STARTED = 2  # other: project id; code: project kind; value: participants
    PROJECT_COMPLETED = 3  # other: project id; code: project kind; value: 1 success, 0 failure
    POLE_FORMED = 4  # org: founder; value: members
    POLE_FORMALISED = 5  # org: leader's organisation; code: governance; value: members
    POLE_VEGETATING = 6
    POLE_DIED = 7  # code: cause (rules.poles.CAUSES); value: members
    POLE_JOINED = 8  # org joined the pole
    POLE_LEFT = 9  # org left the pole; code: 0 dissatisfied, 1 excluded for unpaid dues
    LEADER_LOST = 10  # the pole's leader left (org, person)
    LEADER_FOUND = 11  # a successor leads the pole (org, person)
    GRANT_WON = 12  # a call grant; value: k€ a month; code: months
    GRANT_ENDED = 13
    CELL_HIRED = 14  # value: the cell's FTE after
    CELL_CUT = 15  # value: the cell's FTE after
    SUBSIDY_STARTED = 16  # the local authority subsidises the cell; value: k€ a year
    SUBSIDY_STOPPED = 17
    INTERVENTION = 18  # an intervention from outside the model (web view, notebook)
    POLE_REANIMATED = 19  # a vegetating pole's cell hired again; value: the cell's FTE


#: Integer columns of an event record (a ``value`` float goes with each).
EVENT_FIELDS: tuple[str, ...] = ("month", "kind", "org", "person", "pole", "other", "code")
