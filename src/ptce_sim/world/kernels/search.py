"""Phase 3 of a month, compiled: partner search and project proposals (ODD §7.4).

Draws its random numbers from the model's ``search`` stream (``kernels.streams``) and
runs the search; the equations are those of ``ptce_sim.rules.cooperation``, whose
pure-numpy functions are the reference the kernels are tested against (with
``rules.cooperation.cumulative_propensity`` for the project kind). Scores use last
month's state for everyone (synchronous update); only the final check of free time
runs through the proposals one by one, in a random order, so that nobody commits more
time than it has. Projects that start are written straight into the model's
:class:`~ptce_sim.world.projects.ProjectTable`.

Random draws from the ``search`` stream, two a month: who searches (one uniform per
organisation), then one row of uniforms per searcher, whose columns give, in order:
the project kind; a Gumbel key per organisation for the candidates
(``-log(-log(1 - u))``); the number of partners (geometric, by sequential search); a
Gumbel key per candidate for the softmax choice; the duration (uniform on
``[duration_min, duration_max]``); one uniform per participant for the person it
assigns; and a key whose rank gives the order in which proposals are accepted (a
uniformly random order). Every row is drawn, and used, whatever its searcher decides.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.base.domain import MAX_PERSONS, OrgKind, ProjectKind
from ptce_sim.world.kernels.projects import kind_fit

S = MAX_PERSONS
_RND = int(ProjectKind.RND)
_POOLING = int(ProjectKind.POOLING)
#: E = -log(1 - u) >= u, and the computed E >= u (1 - 2e-10) for u >= 1e-6 (rounding of
#: 1 - u and of the log): a key w / E is then at most w / (u * _BOUND), with room to spare.
_BOUND = 1.0 - 1e-9
_RT = int(OrgKind.RT)


@njit(cache=True)
def _searchers(
    budget, used, vacancy, present, animation, catalyst, u, par, free, available
):  # pragma: no cover - compiled
    """Free time, availability and who searches (``rules.cooperation.search_probability``).

    ``par`` = (lambda_0, lambda_A, lambda_E, least time a project can cost).
    """
    n = len(budget)
    out = np.empty(n, dtype=np.int64)
    s = 0
    for i in range(n):
        free[i] = budget[i] - used[i]
        vacant = False
        anyone = False
        for k in range(vacancy.shape[1]):
            if vacancy[i, k] > 0:
                vacant = True
            if present[i, k]:
                anyone = True
        available[i] = (not vacant) and anyone and free[i] >= par[3]
        lam = min(max(par[0] + par[1] * animation[i] + par[2] * catalyst[i], 0.0), 1.0)
        if available[i] and u[i] < lam:
            out[s] = i
            s += 1
    return out[:s]


@njit(cache=True)
def _kind_of(u, base, tilted):  # pragma: no cover - compiled
    """The project kind a uniform ``u`` picks from a searcher's propensities ``base``
    (its kind's row of ``KIND_PROPENSITY``) with pooling weighted by ``1 + tilted``
    (``tilted`` = tilt x A): the arithmetic of :func:`cumulative_propensity` for one row,
    in numpy's order (normalise, then a running sum; the last entry is exactly 1)."""
    nk = len(base)
    pooling = base[_POOLING] * (1.0 + tilted)
    total = 0.0
    for c in range(nk):
        total += pooling if c == _POOLING else base[c]
    k = 0
    cum = 0.0
    for c in range(nk):
        w = pooling if c == _POOLING else base[c]
        cum = 1.0 if c == nk - 1 else cum + w / total
        if u > cum:
            k += 1
    return k


@njit(cache=True)
def _geometric(u, p):  # pragma: no cover - compiled
    """Geometric draw (trials to the first success) from a uniform, by sequential search."""
    x = 1
    total = prod = p
    q = 1.0 - p
    while u > total:
        prod *= q
        total += prod
        x += 1
    return x


@njit(cache=True)
def _gumbel(u):  # pragma: no cover - compiled
    """Gumbel draw from a uniform: ``-log(-log(1 - u))`` (``+inf`` when u == 0)."""
    return -np.log(-np.log(1.0 - u))


@njit(cache=True)
def _wanted(draws, n, p_geo, max_partners, m):  # pragma: no cover - compiled
    """Largest number of partners wanted this month."""
    most = 0
    for r in range(draws.shape[0]):
        most = max(most, min(_geometric(draws[r, 1 + n], p_geo), max_partners))
    return most


@njit(cache=True)
def _offer(x, j, m, out, best):  # pragma: no cover - compiled
    """Offer key ``x`` of index ``j`` to the buffer of the ``m`` largest keys so far
    (``out`` indices, ``best`` keys, best first, -1 for empty places): one step of
    :func:`_top`. A key enters a full buffer only if strictly larger than its last."""
    if out[m - 1] >= 0 and not x > best[m - 1]:
        return
    pos = m - 1
    while pos > 0 and (out[pos - 1] < 0 or x > best[pos - 1]):
        out[pos] = out[pos - 1]
        best[pos] = best[pos - 1]
        pos -= 1
    out[pos] = j
    best[pos] = x


@njit(cache=True)
def _top(keys, m, out, best):  # pragma: no cover - compiled
    """Indices of the ``m`` largest keys, best first (Gumbel-top-k, as ``gumbel_top_k``).

    One pass with a small sorted buffer; ``out`` is filled even when fewer than ``m``
    keys are finite (the caller checks eligibility). ``best`` is scratch of length m.
    """
    for c in range(m):
        out[c] = -1
        best[c] = -np.inf
    for j in range(len(keys)):
        _offer(keys[j], j, m, out, best)


@njit(cache=True)
def _partner(
    t,
    searchers,
    draws,
    free,
    available,
    org_kind,
    base_prop,
    tilt,
    costs,
    saving,
    animation,
    p_geo,
    dur,
    fpar,
    ipar,
    acquaintance,
    history,
    pole_of,
    alpha,
    homophily,
    comp,
    sim,
    tau0,
    best_dev,
    theta,
    rho,
    present,
    gen,
    size,
    pt_kind,
    pt_members,
    pt_slots,
    pt_gens,
    pt_start,
    pt_end,
    pt_cost,
    pt_nominal,
    pt_fit,
    pt_comp,
    pt_active,
    time_used,
    started,
    pair_stats,
):  # pragma: no cover - compiled
    """Kinds, candidates, scores on both sides, partner choice, acceptance in random order.

    ``draws`` (s, 1 + n + 1 + m + 1 + max_partners + 1 + 1): the uniforms of each
    searcher (module docstring). ``fpar`` = (w_prev, w_pole, omega, rho_0, gamma, theta,
    beta); ``ipar`` = (m, max_partners); ``dur`` = (duration_min, duration_max + 1).
    Returns the number of projects added at row ``size`` of the project table.
    """
    w_prev, w_pole, omega, rho0, gamma, thr, beta = (
        fpar[0],
        fpar[1],
        fpar[2],
        fpar[3],
        fpar[4],
        fpar[5],
        fpar[6],
    )
    m, max_partners = ipar[0], ipar[1]
    n = len(free)
    c_geo = 1 + n  # columns of the draws
    c_choice = c_geo + 1
    c_dur = c_choice + m
    c_slot = c_dur + 1
    c_order = c_slot + max_partners + 1
    # Project kind from the searcher's propensities; cost after the cell's help.
    s0 = len(searchers)
    rows = np.empty(s0, dtype=np.int64)
    kind = np.empty(s0, dtype=np.int64)
    nominal = np.empty(s0)
    cost = np.empty(s0)
    s = 0
    for r0 in range(s0):
        i = searchers[r0]
        k = _kind_of(draws[r0, 0], base_prop[org_kind[i]], tilt * animation[i])
        cst = costs[k] * (1.0 - saving * animation[i])
        if free[i] >= cst:
            rows[s], kind[s], nominal[s], cost[s] = r0, k, costs[k], cst
            s += 1
    searching = np.empty(s, dtype=np.int64)
    for r in range(s):
        searching[r] = searchers[rows[r]]

    eligible = np.empty(n, dtype=np.bool_)
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
    for r in range(s):
        i = searching[r]
        u_row = draws[rows[r]]
        order_keys[r] = u_row[c_order]
        k = kind[r]
        c_r = cost[r]
        needs_rt = k == _RND and org_kind[i] != _RT
        # Candidates: acquaintances by distance, previous partners, pole co-members; the
        # m largest keys, as _top(keys) (a key that cannot enter is not computed).
        for c in range(m):
            cand[c] = -1
            scratch[c] = -np.inf
        for j in range(n):
            ok = available[j] and free[j] >= c_r and j != i
            if needs_rt and org_kind[j] != _RT:
                ok = False
            eligible[j] = ok
            x = -np.inf
            if ok:
                w = acquaintance[i, j]
                if history[i, j] > 0:
                    w += w_prev
                if pole_of[i] >= 0 and pole_of[i] == pole_of[j]:
                    w += w_pole
                u = u_row[1 + j]
                if cand[m - 1] >= 0 and u >= 1e-6 and w / (u * _BOUND) <= scratch[m - 1]:
                    continue  # its key is below the m-th best: skipped by _top too
                # log(w) + Gumbel(u) = log(w / E) with E = -log(1 - u): same order, one log.
                x = w / -np.log(1.0 - u)
            _offer(x, j, m, cand, scratch)
        # Scores on both sides (rules.cooperation.score / expected_return); a side that
        # is not computed cannot change the outcome (not eligible, or refused first).
        for c in range(m):
            j = cand[c]
            s_ij[c] = 0.0
            agree[c] = False
            if not eligible[j]:
                continue
            trust = omega * (tau0[i, j] + best_dev[i, j]) + (1.0 - omega) * theta[i, j]
            tg = trust**gamma
            h = homophily[i, j]
            b = kind_fit(k, comp[i, j], sim[i, j]) * rho[i] * nominal[r]
            den = b + c_r * rho0
            r_ij = b / den if den > 0 else 0.0
            sc_ij = tg * (alpha[i] * h + (1.0 - alpha[i]) * r_ij) ** (1.0 - gamma)
            s_ij[c] = sc_ij
            if not sc_ij >= thr:
                continue
            b = kind_fit(k, comp[j, i], sim[j, i]) * rho[j] * nominal[r]
            den = b + c_r * rho0
            r_ji = b / den if den > 0 else 0.0
            sc_ji = tg * (alpha[j] * h + (1.0 - alpha[j]) * r_ji) ** (1.0 - gamma)
            agree[c] = sc_ji >= thr
        # How many partners, and which: softmax on the score without replacement.
        wanted[r] = min(_geometric(u_row[c_geo], p_geo), max_partners)
        for c in range(m):
            keys_m[c] = (beta * s_ij[c] if agree[c] else -np.inf) + _gumbel(u_row[c_choice + c])
        _top(keys_m, m, ranked, scratch)
        for c in range(m):
            chosen[r, c] = cand[ranked[c]]
            chosen_ok[r, c] = agree[ranked[c]]

    # Accept in random order while everyone involved still has the time.
    free_left = free.copy()
    width = pt_members.shape[1]
    team = np.empty(width, dtype=np.int64)
    row = size
    span = dur[1] - dur[0]
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
        # The new project.
        k = kind[r]
        pt_kind[row] = k
        pt_start[row] = t
        u_row = draws[rows[r]]
        pt_end[row] = t + dur[0] + min(int(u_row[c_dur] * span), span - 1)
        pt_cost[row] = c_r
        pt_nominal[row] = nominal[r]
        pt_active[row] = True
        comp_sum = 0.0
        for a in range(width):
            if a >= nt:
                pt_members[row, a] = -1
                pt_slots[row, a] = -1
                pt_gens[row, a] = 0
                pt_fit[row, a] = 0.0
                continue
            x = team[a]
            pt_members[row, a] = x
            # Each participant assigns one of its persons in post (uniform among them).
            n_present = 0
            for q in range(S):
                if present[x, q]:
                    n_present += 1
            pick = min(int(u_row[c_slot + a] * n_present), n_present - 1)
            slot = 0
            seen = -1
            for q in range(S):
                if present[x, q]:
                    seen += 1
                    if seen == pick:
                        slot = q
                        break
            pt_slots[row, a] = slot
            pt_gens[row, a] = gen[x, slot]
            # Fit with the other participants, and the project's mean complementarity.
            fsum = 0.0
            for b2 in range(nt):
                if b2 != a:
                    y = team[b2]
                    fsum += kind_fit(k, comp[x, y], sim[x, y])
                    comp_sum += comp[x, y]
            pt_fit[row, a] = fsum / (nt - 1)
        pt_comp[row] = comp_sum / (nt * (nt - 1))
        # Book the time and the counts.
        for a in range(nt):
            time_used[team[a]] += c_r
        started[k] += 1
        for a in range(1, nt):
            pair_stats[0] += homophily[i, team[a]]
            pair_stats[1] += 1.0
        row += 1
    return row - size


@njit(cache=True)
def propose(
    streams,
    t,
    budget,
    time_used,
    vacancy,
    present,
    animation,
    catalyst,
    search_par,
    search_draws,
    slot_draws,
    org_kind,
    base_prop,
    tilt,
    costs,
    saving,
    p_geo,
    dur,
    fpar,
    ipar,
    acquaintance,
    history,
    pole_of,
    alpha,
    homophily,
    comp,
    sim,
    tau0,
    best_dev,
    theta,
    rho,
    gen,
    size,
    pt_kind,
    pt_members,
    pt_slots,
    pt_gens,
    pt_start,
    pt_end,
    pt_cost,
    pt_nominal,
    pt_fit,
    pt_comp,
    pt_active,
    started,
    pair_stats,
):  # pragma: no cover - compiled
    """Who searches, whom they consider, who agrees: the projects agreed start in month
    ``t``, written from row ``size`` of the project table (room for one per
    organisation), their time and counts booked. Two draws from the ``search`` stream
    (module docstring): one uniform per organisation, then, if anyone searches, one
    row per searcher. Returns the number of projects started."""
    rng = streams.search
    n = len(budget)
    free = np.empty(n)
    available = np.empty(n, dtype=np.bool_)
    searching = _searchers(
        budget, time_used, vacancy, present, animation, catalyst, rng.random(n), search_par,
        free, available,
    )  # fmt: skip
    s = len(searching)
    if s == 0:
        return 0
    draws = rng.random((s, search_draws))
    width = pt_members.shape[1]
    if slot_draws > width and _wanted(draws, n, p_geo, ipar[1], ipar[0]) + 1 > width:
        # max_partners raised by a policy beyond the table's width (fixed at the start)
        raise ValueError("project wider than the table: set max_partners in the scenario")
    return _partner(
        t,
        searching,
        draws,
        free,
        available,
        org_kind,
        base_prop,
        tilt,
        costs,
        saving,
        animation,
        p_geo,
        dur,
        fpar,
        ipar,
        acquaintance,
        history,
        pole_of,
        alpha,
        homophily,
        comp,
        sim,
        tau0,
        best_dev,
        theta,
        rho,
        present,
        gen,
        size,
        pt_kind,
        pt_members,
        pt_slots,
        pt_gens,
        pt_start,
        pt_end,
        pt_cost,
        pt_nominal,
        pt_fit,
        pt_comp,
        pt_active,
        time_used,
        started,
        pair_stats,
    )
