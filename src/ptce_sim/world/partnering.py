"""Phase 3 of a month: partner search and project proposals (ODD §7.4).

Gathers the state the cooperation rule needs, calls its pure functions, and returns the
projects that start. Scores use last month's state for everyone (synchronous update);
only the final check of free time runs through the proposals one by one, in a random
order, so that nobody commits more time than it has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ptce_sim.base.domain import OrgKind, ProjectKind
from ptce_sim.rules import cooperation as coop
from ptce_sim.world.projects import NewProjects

if TYPE_CHECKING:
    from ptce_sim.world.model import TerritoryModel

_CUM_PROPENSITY = np.cumsum(coop.KIND_PROPENSITY, axis=1)
_CUM_PROPENSITY[:, -1] = 1.0


def propose(model: TerritoryModel, t: int) -> NewProjects | None:
    """Who searches, whom they consider, who agrees: the projects starting in month ``t``."""
    p = model.params.cooperation
    orgs = model.orgs
    rng = model.streams["search"]
    n = orgs.n

    animation = model.animation  # (n,) 0 outside a pole
    costs_nom = p.costs()
    free = orgs.time_budget - model.time_used
    open_to_work = ~(model.vacancy > 0).any(axis=1) & model.present.any(axis=1)
    available = open_to_work & (free >= costs_nom.min() * (1.0 - p.animation_time_saving))

    lam = coop.search_probability(animation, model.catalyst, p)
    searching = np.flatnonzero(available & (rng.random(n) < lam))
    s = len(searching)
    if s == 0:
        return None

    # Project kind from the searcher's propensities; cost after the cell's help.
    u_kind = rng.random(s)
    kind = (u_kind[:, None] > _CUM_PROPENSITY[orgs.kind[searching]]).sum(axis=1)
    nominal = costs_nom[kind]
    cost = nominal * (1.0 - p.animation_time_saving * animation[searching])
    has_time = free[searching] >= cost
    searching, kind, nominal, cost = (
        searching[has_time],
        kind[has_time],
        nominal[has_time],
        cost[has_time],
    )
    s = len(searching)
    if s == 0:
        return None

    # Candidates: acquaintances by distance, previous partners, pole co-members, top-up.
    weights = model.acquaintance[searching] + p.previous_partner_weight * (
        model.relations.history[searching] > 0
    )
    if model.pole_of is not None:
        same = (model.pole_of[searching][:, None] == model.pole_of[None, :]) & (
            model.pole_of[searching][:, None] >= 0
        )
        weights = weights + p.pole_weight * same
    eligible = available[None, :] & (free[None, :] >= cost[:, None])
    eligible[np.arange(s), searching] = False
    needs_rt = (kind == ProjectKind.RND) & (orgs.kind[searching] != OrgKind.RT)
    eligible &= ~needs_rt[:, None] | (orgs.kind == OrgKind.RT)[None, :]
    with np.errstate(divide="ignore"):
        logw = np.where(eligible, np.log(weights), -np.inf)
    m = min(p.candidates, n - 1)
    cand = coop.gumbel_top_k(logw, rng.gumbel(size=logw.shape), m)  # (s, m)
    valid = np.take_along_axis(eligible, cand, axis=1)

    # Scores on both sides.
    i = np.repeat(searching, m).reshape(s, m)
    k = np.repeat(kind, m).reshape(s, m)
    trust = model.relations.effective(i, cand, model.personal_weight)
    homophily = model.homophily[i, cand]
    fit_ij = coop.kind_fit(k, model.comp[i, cand], model.sim[i, cand])
    fit_ji = coop.kind_fit(k, model.comp[cand, i], model.sim[cand, i])
    rho = model.perceived_return
    r_ij = coop.expected_return(fit_ij, rho[i], nominal[:, None], cost[:, None], p.opportunity_cost)
    r_ji = coop.expected_return(
        fit_ji, rho[cand], nominal[:, None], cost[:, None], p.opportunity_cost
    )
    alpha = orgs.alpha
    s_ij = coop.score(trust, homophily, r_ij, alpha[i], p.trust_weight)
    s_ji = coop.score(trust, homophily, r_ji, alpha[cand], p.trust_weight)
    agree = valid & (s_ij >= p.threshold) & (s_ji >= p.threshold)

    # How many partners, and which: softmax on the score without replacement.
    wanted = np.minimum(rng.geometric(1.0 - p.extra_partner_prob, size=s), p.max_partners)
    keys = np.where(agree, p.choice_sharpness * s_ij, -np.inf)
    ranked = coop.gumbel_top_k(keys, rng.gumbel(size=keys.shape), m)
    ranked_ok = np.take_along_axis(agree, ranked, axis=1)
    chosen = np.take_along_axis(cand, ranked, axis=1)
    duration = rng.integers(p.duration_min, p.duration_max + 1, size=s)
    u_slot = rng.random((s, p.max_partners + 1))
    order = rng.permutation(s)
    return _commit(
        model,
        t,
        searching,
        kind,
        nominal,
        cost,
        wanted,
        chosen,
        ranked_ok,
        duration,
        u_slot,
        order,
        free,
    )


def _commit(
    model: TerritoryModel,
    t: int,
    searching: NDArray[np.int64],
    kind: NDArray[np.int64],
    nominal: NDArray[np.float64],
    cost: NDArray[np.float64],
    wanted: NDArray[np.int64],
    chosen: NDArray[np.int64],
    ranked_ok: NDArray[np.bool_],
    duration: NDArray[np.int64],
    u_slot: NDArray[np.float64],
    order: NDArray[np.int64],
    free: NDArray[np.float64],
) -> NewProjects | None:
    """Accept proposals in random order while everyone involved still has the time."""
    free_left = free.tolist()
    width = int(wanted.max()) + 1
    rows: list[tuple[int, list[int]]] = []
    for r in order.tolist():
        c = float(cost[r])
        initiator = int(searching[r])
        if free_left[initiator] < c:
            continue
        team = [initiator]
        for j, ok in zip(chosen[r].tolist(), ranked_ok[r].tolist(), strict=True):
            if len(team) > wanted[r]:
                break
            if ok and free_left[j] >= c and j not in team:
                team.append(j)
        if len(team) < 2:
            continue
        for j in team:
            free_left[j] -= c
        rows.append((r, team))
    if not rows:
        return None

    k = len(rows)
    idx = np.array([r for r, _ in rows])
    members = np.full((k, width), -1, dtype=np.int64)
    for row, (_, team) in enumerate(rows):
        members[row, : len(team)] = team
    is_member = members >= 0
    safe = np.where(is_member, members, 0)

    # Each participant assigns one of its persons in post (uniform among them).
    present = model.present[safe]  # (k, width, S)
    n_present = present.sum(axis=2)
    pick = np.minimum((u_slot[idx, :width] * n_present).astype(np.int64), n_present - 1)
    cum = np.cumsum(present, axis=2) - 1
    slots = np.argmax(present & (cum == pick[:, :, None]), axis=2)
    slots = np.where(is_member, slots, -1)
    gens = np.where(is_member, model.gen[safe, np.maximum(slots, 0)], 0)

    # Fit of each participant with the others, and the project's mean complementarity.
    pair = is_member[:, :, None] & is_member[:, None, :] & ~np.eye(width, dtype=bool)[None]
    kk = kind[idx][:, None, None]
    comp_ab = model.comp[safe[:, :, None], safe[:, None, :]]
    fit_ab = coop.kind_fit(kk, comp_ab, model.sim[safe[:, :, None], safe[:, None, :]])
    n_pairs = np.maximum(pair.sum(axis=2), 1)
    fit = np.where(is_member, (fit_ab * pair).sum(axis=2) / n_pairs, 0.0)
    comp = (comp_ab * pair).sum(axis=(1, 2)) / np.maximum(pair.sum(axis=(1, 2)), 1)
    return NewProjects(
        kind=kind[idx],
        members=members,
        slots=slots,
        gens=gens,
        start=t,
        duration=duration[idx],
        cost=cost[idx],
        nominal_cost=nominal[idx],
        fit=fit,
        comp=comp,
    )
