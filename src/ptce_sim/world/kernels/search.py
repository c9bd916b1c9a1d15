"""Phase 3 compiled: partner search and project proposals (``rules/search.py``).

Scores use last month's state for everyone (synchronous update); only the final check
of free time runs through the proposals one by one, in a random order, so that nobody
commits more time than it has. Projects that start are written straight into the
project table.

Random draws from the ``search`` stream, two a month: who searches (one uniform per
organisation), then one row of uniforms per searcher, whose columns give, in order: the
project kind; one per candidate drawn; the number of partners; a choice key per
candidate; the duration; one per participant for the person it assigns; and a key
whose rank gives the order in which proposals are accepted (a uniformly random order).
Every row is drawn, and used, whatever its searcher decides.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS, EventKind, OrgKind, ProjectKind
from ptce_sim.rules.search import (
    agrees,
    candidate_weight,
    choice_key,
    expected_return,
    pair_fit,
    partners_wanted,
    person_weight,
    project_cost,
    project_duration,
    project_kind,
    score,
    search_probability,
)
from ptce_sim.world.kernels.events import emit
from ptce_sim.world.kernels.pair_trust import pair_trust
from ptce_sim.world.kernels.sampling import top
from ptce_sim.world.kernels.state import SIZE

S = MAX_PERSONS
_RND = int(ProjectKind.RND)
_RT = int(OrgKind.RT)
_STARTED = int(EventKind.PROJECT_STARTED)


@njit(cache=True)
def searchers(u, P, D, persons, orgs, free, available):
    """Free time, availability (no vacancy, someone in post, time for the cheapest
    project) and who searches (``search_probability``)."""
    n = len(free)
    out = np.empty(n, dtype=np.int64)
    s = 0
    for i in range(n):
        free[i] = orgs.time_budget[i] - orgs.time_used[i]
        vacant = False
        anyone = False
        for k in range(S):
            if persons.vacancy[i, k] > 0:
                vacant = True
            if persons.present[i, k]:
                anyone = True
        available[i] = (not vacant) and anyone and free[i] >= D.least_cost
        lam = search_probability(orgs.animation[i], orgs.catalyst[i], P.cooperation)
        if available[i] and u[i] < lam:
            out[s] = i
            s += 1
    return out[:s]


@njit(cache=True, inline="always")
def candidates(i, u_row, cost, needs_rt, P, orgs, trust, free, available, weights, cand):
    """The ``m`` candidates of searcher ``i``: drawn one after the other without
    replacement, each with probability proportional to its ``candidate_weight``
    (acquaintance, previous partners, pole co-members) among the eligible organisations
    (the time for the project, no vacancy, a research centre for R&D), from the uniforms
    ``u_row[1:1 + m]``; -1 where fewer are eligible."""
    m = len(cand)
    n = len(free)
    total = 0.0
    for j in range(n):
        w = 0.0
        ok = available[j] and free[j] >= cost and j != i
        if ok and not (needs_rt and orgs.kind[j] != _RT):
            same_pole = orgs.pole_of[i] >= 0 and orgs.pole_of[i] == orgs.pole_of[j]
            w = candidate_weight(
                orgs.acquaintance[i, j], trust.tied[i, j] > 0, same_pole, P.cooperation
            )
        weights[j] = w
        total += w
    for c in range(m):
        cand[c] = -1
    for c in range(m):
        target = u_row[1 + c] * total
        cum = 0.0
        pick = -1
        for j in range(n):
            if weights[j] > 0.0:
                pick = j
                cum += weights[j]
                if target < cum:
                    break
        if pick < 0:
            break
        cand[c] = pick
        total -= weights[pick]
        weights[pick] = 0.0


@njit(cache=True, inline="always")
def assigned_person(o, u, P, persons):
    """The person in post organisation ``o`` assigns to a project, from a uniform draw:
    weights ``person_weight`` (a territorial entrepreneur counts more)."""
    total = 0.0
    for q in range(S):
        if persons.present[o, q]:
            total += person_weight(persons.is_leader[o, q], P.cooperation)
    target = u * total
    cum = 0.0
    slot = -1
    for q in range(S):
        if persons.present[o, q]:
            slot = q
            cum += person_weight(persons.is_leader[o, q], P.cooperation)
            if target < cum:
                break
    return slot


@njit(cache=True, inline="always")
def team_of(
    row, nt, team, kind_r, cost_r, nominal_r, u_row, c_dur, c_slot, t, P, persons, orgs, projects
):
    """Write the project agreed by team ``team[:nt]`` at table row ``row``: its kind,
    dates, costs, the person each participant assigns and the fits."""
    cp = P.cooperation
    width = projects.members.shape[1]
    projects.kind[row] = kind_r
    projects.start[row] = t
    projects.end[row] = t + project_duration(u_row[c_dur], cp.duration_min, cp.duration_max)
    projects.cost[row] = cost_r
    projects.nominal[row] = nominal_r
    projects.active[row] = True
    comp_sum = 0.0
    for a in range(width):
        if a >= nt:
            projects.members[row, a] = -1
            projects.slots[row, a] = -1
            projects.gens[row, a] = 0
            projects.fit[row, a] = 0.0
            continue
        x = team[a]
        projects.members[row, a] = x
        # Each participant assigns one of its persons in post (person_weight).
        slot = assigned_person(x, u_row[c_slot + a], P, persons)
        projects.slots[row, a] = slot
        projects.gens[row, a] = persons.gen[x, slot]
        # Fit with the other participants, and the project's mean complementarity.
        fsum = 0.0
        for b in range(nt):
            if b != a:
                y = team[b]
                same = orgs.sector[x] == orgs.sector[y]
                fsum += pair_fit(kind_r, orgs.comp[x, y], orgs.sim[x, y], same, P.cooperation)
                comp_sum += orgs.comp[x, y]
        projects.fit[row, a] = fsum / (nt - 1)
    projects.comp[row] = comp_sum / (nt * (nt - 1))


@njit(cache=True)
def partner(t, searching_all, draws, free, available, P, D, persons, orgs, trust, projects, tally):
    """Kinds, candidates, scores on both sides, partner choice, acceptance in random
    order. Returns the number of projects added at the table's first free row."""
    cp = P.cooperation
    m = D.candidates
    n = len(free)
    c_geo = 1 + m  # columns of the draws: kind, m candidates, partners, ...
    c_choice = c_geo + 1
    c_dur = c_choice + m
    c_slot = c_dur + 1
    c_order = c_slot + cp.max_partners + 1
    # Project kind from the searcher's propensities; cost after the cell's help.
    s0 = len(searching_all)
    rows = np.empty(s0, dtype=np.int64)
    kind = np.empty(s0, dtype=np.int64)
    nominal = np.empty(s0)
    cost = np.empty(s0)
    s = 0
    for r0 in range(s0):
        i = searching_all[r0]
        k = project_kind(
            draws[r0, 0], D.kind_propensity[orgs.kind[i]], cp.pooling_tilt, orgs.animation[i]
        )
        cst = project_cost(D.kind_costs[k], cp.animation_time_saving, orgs.animation[i])
        if free[i] >= cst:
            rows[s], kind[s], nominal[s], cost[s] = r0, k, D.kind_costs[k], cst
            s += 1
    weights = np.empty(n)
    keys_m = np.empty(m)
    scratch = np.empty(m)
    cand = np.empty(m, dtype=np.int64)
    ranked = np.empty(m, dtype=np.int64)
    agree = np.empty(m, dtype=np.bool_)
    s_ij = np.empty(m)
    chosen = np.empty((s, m), dtype=np.int64)
    chosen_ok = np.empty((s, m), dtype=np.bool_)
    wanted = np.empty(s, dtype=np.int64)
    order_keys = np.empty(s)
    searching = np.empty(s, dtype=np.int64)
    for r in range(s):
        i = searching_all[rows[r]]
        searching[r] = i
        u_row = draws[rows[r]]
        order_keys[r] = u_row[c_order]
        k = kind[r]
        needs_rt = k == _RND and orgs.kind[i] != _RT
        candidates(i, u_row, cost[r], needs_rt, P, orgs, trust, free, available, weights, cand)
        # Scores on both sides; a side that is not computed cannot change the outcome
        # (not eligible, or refused first).
        for c in range(m):
            j = cand[c]
            s_ij[c] = 0.0
            agree[c] = False
            if j < 0:
                continue
            tr = pair_trust(i, j, P, orgs, trust)
            same_sector = orgs.sector[i] == orgs.sector[j]
            h = orgs.homophily[i, j]
            r_ij = expected_return(
                pair_fit(k, orgs.comp[i, j], orgs.sim[i, j], same_sector, cp),
                orgs.perceived[i],
                nominal[r],
                cost[r],
                cp.opportunity_cost,
            )
            s_ij[c] = score(tr, h, r_ij, orgs.alpha[i], cp.trust_weight)
            if not agrees(s_ij[c], cp.threshold):
                continue
            r_ji = expected_return(
                pair_fit(k, orgs.comp[j, i], orgs.sim[j, i], same_sector, cp),
                orgs.perceived[j],
                nominal[r],
                cost[r],
                cp.opportunity_cost,
            )
            agree[c] = agrees(score(tr, h, r_ji, orgs.alpha[j], cp.trust_weight), cp.threshold)
        # How many partners, and which: softmax on the score without replacement.
        wanted[r] = partners_wanted(u_row[c_geo], cp)
        for c in range(m):
            keys_m[c] = choice_key(s_ij[c], agree[c], cp.choice_sharpness, u_row[c_choice + c])
        top(keys_m, m, ranked, scratch)
        for c in range(m):
            chosen[r, c] = cand[ranked[c]]
            chosen_ok[r, c] = agree[ranked[c]]

    # Accept in random order while everyone involved still has the time.
    free_left = free.copy()
    width = projects.members.shape[1]
    team = np.empty(width, dtype=np.int64)
    first = projects.cursor[SIZE]
    row = first
    for r in np.argsort(order_keys):
        c_r = cost[r]
        i = searching[r]
        if free_left[i] < c_r:
            continue
        team[0] = i
        nt = 1
        for c in range(m):
            if nt > wanted[r]:
                break
            j = chosen[r, c]
            if chosen_ok[r, c] and free_left[j] >= c_r:
                dup = False
                for x in range(nt):
                    if team[x] == j:
                        dup = True
                if not dup:
                    team[nt] = j
                    nt += 1
        if nt < 2:
            continue
        for x in range(nt):
            free_left[team[x]] -= c_r
        k = kind[r]
        u_row = draws[rows[r]]
        team_of(
            row, nt, team, k, c_r, nominal[r], u_row, c_dur, c_slot, t, P, persons, orgs, projects
        )
        # Book the time and the counts.
        for a in range(nt):
            orgs.time_used[team[a]] += c_r
        tally.started[k] += 1
        for a in range(1, nt):
            tally.pair_stats[0] += orgs.homophily[i, team[a]]
            tally.pair_stats[1] += 1.0
        emit(tally, t, _STARTED, i, -1, orgs.pole_of[i], row, k, float(nt))
        row += 1
    return row - first


@njit(cache=True)
def search(streams, t, P, D, persons, orgs, trust, projects, tally):
    """Who searches, whom they consider, who agrees: the projects agreed start in month
    ``t``, written from the table's first free row (room for one per organisation),
    their time and counts booked. Returns the number of projects started."""
    rng = streams.search
    n = len(orgs.kind)
    free = np.empty(n)
    available = np.empty(n, dtype=np.bool_)
    searching = searchers(rng.random(n), P, D, persons, orgs, free, available)
    s = len(searching)
    if s == 0:
        return 0
    draws = rng.random(s * D.search_draws).reshape((s, D.search_draws))  # flat: see turnover
    width = projects.members.shape[1]
    if D.slot_draws > width:
        most = 0  # max_partners raised by a policy beyond the table's width
        for r in range(s):
            most = max(most, partners_wanted(draws[r, 1 + D.candidates], P.cooperation))
        if most + 1 > width:
            raise ValueError("project wider than the table: set max_partners in the scenario")
    n_new = partner(
        t, searching, draws, free, available, P, D, persons, orgs, trust, projects, tally
    )
    projects.cursor[SIZE] += n_new
    return n_new
