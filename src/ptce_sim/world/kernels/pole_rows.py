"""Reading and editing the poles' table in compiled code: the living poles and their
members, a member leaving, a pole dying, the trust and homophily of a pole's members."""

from __future__ import annotations

import numpy as np
from numba import njit

from ptce_sim.rules.poles import DEAD
from ptce_sim.world.kernels.pair_trust import pair_trust
from ptce_sim.world.kernels.state import (
    CAUSE,
    DIED,
    F_FTE,
    LEADER_GEN,
    LEADER_ORG,
    LEADER_SLOT,
    N_POLES,
    POLE_SIZE,
    STATUS,
    VOLUNTEER,
)
from ptce_sim.world.kernels.sums import np_sum


@njit(cache=True)
def living_members(poles):
    """The living poles (ids, ascending) and their members concatenated, in pole order
    and joining order, with the offsets of each pole's members (pole ``a`` of ``alive``
    has ``flat[offsets[a]:offsets[a + 1]]``)."""
    n_poles = poles.cursor[N_POLES]
    ints = poles.ints
    alive = np.empty(n_poles, dtype=np.int64)
    na = 0
    nmem = 0
    for q in range(n_poles):
        if ints[q, STATUS] != DEAD:
            alive[na] = q
            na += 1
            nmem += ints[q, POLE_SIZE]
    flat = np.empty(nmem, dtype=np.int64)
    offsets = np.zeros(na + 1, dtype=np.int64)
    k = 0
    for a in range(na):
        q = alive[a]
        for r in range(ints[q, POLE_SIZE]):
            flat[k] = poles.members[q, r]
            k += 1
        offsets[a + 1] = k
    return alive[:na], flat, offsets


@njit(cache=True)
def remove_member(poles, q, org, pole_of):
    """``org`` leaves pole ``q`` (the other members keep their order); its membership
    books close; it stops leading or volunteering."""
    ints, members = poles.ints, poles.members
    k = ints[q, POLE_SIZE]
    at = -1
    for r in range(k):
        if members[q, r] == org:
            at = r
            break
    if at >= 0:
        for r in range(at, k - 1):
            members[q, r] = members[q, r + 1]
        members[q, k - 1] = -1
        ints[q, POLE_SIZE] = k - 1
    pole_of[org] = -1
    poles.dissatisfied[org] = 0
    poles.patience[org] = 0
    poles.unpaid[org] = 0
    if ints[q, LEADER_ORG] == org:
        ints[q, LEADER_ORG] = -1
        ints[q, LEADER_SLOT] = -1
        ints[q, LEADER_GEN] = -1
    if ints[q, VOLUNTEER] == org:
        ints[q, VOLUNTEER] = -1


@njit(cache=True)
def die(poles, q, cause, t, pole_of):
    """Pole ``q`` dies of ``cause`` (an index in ``rules.poles.CAUSES``) in month ``t``;
    its members leave it."""
    ints = poles.ints
    ints[q, STATUS] = DEAD
    ints[q, DIED] = t
    ints[q, CAUSE] = cause
    while ints[q, POLE_SIZE] > 0:
        remove_member(poles, q, poles.members[q, 0], pole_of)
    poles.floats[q, F_FTE] = 0.0
    ints[q, VOLUNTEER] = -1


@njit(cache=True)
def homophily_with(homophily, idx):
    """Each member's mean value homophily with its pole (itself included), in numpy's
    summation order: ``homophily[idx][:, idx].mean(axis=1)``."""
    k = len(idx)
    out = np.empty(k)
    row = np.empty(k)
    for r in range(k):
        a = idx[r]
        for c in range(k):
            row[c] = homophily[a, idx[c]]
        out[r] = np_sum(row, 0, k) / k
    return out


@njit(cache=True)
def mean_member_trust(idx, P, orgs, trust):
    """A pole's mean member trust: the mean effective trust over the ordered member pairs
    that have worked together (over all distinct pairs when none has), in numpy's
    summation order. Each pair's trust is carried by its persons in post: when the
    persons who worked together leave, the pair stays in the mean and its trust falls
    to what their successors and the organisations know of each other."""
    k = len(idx)
    buf = np.empty(k * k)
    nb = 0
    for r in range(k):
        a = idx[r]
        for c in range(k):
            b = idx[c]
            if trust.history[a, b] > 0:
                buf[nb] = pair_trust(a, b, P, orgs, trust)
                nb += 1
    if nb == 0:
        for r in range(k):
            a = idx[r]
            for c in range(k):
                if c != r:
                    buf[nb] = pair_trust(a, idx[c], P, orgs, trust)
                    nb += 1
    return np_sum(buf, 0, nb) / nb if nb else 0.0
