"""Position arithmetic: where a runner may be in a block, given the clock, and where moves lead.

Alexa's speaking rate is not known exactly (0.8 to 1.25 times the estimate) and a request
reaches the service some seconds after the moment it is about (0 s for a barge-in as the
simulator sends it, up to ~5 s after playback ended). Silences are exact, speech is not. So a
request is read as a window of cue positions: ``lo`` (the slowest device, the longest
reaction) and ``hi`` (the fastest device, no reaction). Moves are chosen so that nothing the
runner may already have heard to its end is replayed (``hi``), and a rep that may have been
cut short is closed out loud with its release words (``lo``), never dropped silently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal, NamedTuple

from skill.routine.plan import Block, Plan
from skill.routine.state import Progress

SLOWEST_RATE = 0.8
FASTEST_RATE = 1.25
REACTION_MIN = 0.0
REACTION_MAX = 4.0
REACTION_TYPICAL = 2.0
REACTION_SPOKEN = 1.0  # a runner's "Alexa, next" reaches the service about this long after
CLOSED_MARGIN_S = 0.01  # past the exact moment: no rounding puts a closed block back in play

Status = Literal["waiting", "playing", "finished"]


class Moment(NamedTuple):
    """The runner's place in a block: ``waiting`` at ``from_cue``, ``playing`` somewhere in
    [lo, hi] (fractional cue indices), or ``finished`` (the block's work may all be done)."""

    block: Block
    status: Status
    from_cue: int
    lo: float
    hi: float
    mid: float
    early: float = 0.0  # the slowest device, a request right after the runner spoke


@dataclass(frozen=True)
class Target:
    """Where to go on in the same block: the unit (rep or round) to serve next, whether the
    unit before it may have been cut short (its release words are said first), and for a walk
    the exact cue and the silence left of the cue in progress."""

    unit: int
    cut: bool
    cue: int
    silence: float = 0.0
    passes_unheard: bool = False  # a slow device may not have heard the opening of a rep passed


def moment(block: Block, progress: Progress, now: float) -> Moment:
    start = progress.from_cue
    if progress.served_at is None:
        return Moment(block, "waiting", start, start, start, start, start)
    elapsed = now - progress.served_at
    lead = progress.lead_s
    hi = block.played(start, elapsed - REACTION_MIN - lead / FASTEST_RATE, FASTEST_RATE)
    lo = block.played(start, elapsed - REACTION_MAX - lead / SLOWEST_RATE, SLOWEST_RATE)
    mid = block.played(start, elapsed - REACTION_TYPICAL - lead, 1.0)  # lo <= mid <= hi
    early = block.played(start, elapsed - REACTION_SPOKEN - lead / SLOWEST_RATE, SLOWEST_RATE)
    if block.kind != "work" or hi >= block.work_end:
        # An intro counts as heard once the runner speaks: "ready" never replays it.
        return Moment(block, "finished", start, lo, hi, mid, early)
    return Moment(block, "playing", start, lo, hi, mid, early)


def resume_target(m: Moment) -> Target:
    """Where the set goes on after an interruption: the rep in progress (from its start), or
    the next one if the rep in progress may already be over; a walk goes on where it was."""
    block = m.block
    k = max(0, block.unit_at(m.hi))
    unit = block.units[k]
    if is_timed(block) and m.hi < unit.end:
        if m.early < unit.start + 1:
            # A slow device may not have heard the round begin: it begins again, from its words.
            return _target(block, k, m.lo)
        cue = int(m.hi)
        fraction = m.hi - cue
        silence = 0.0
        if block.cues[cue].kind == "pause" and fraction > 0:
            silence = round((1 - fraction) * block.cues[cue].seconds, 3)
            cue += 1
        elif fraction > 0.5:  # a word mostly said is not said again
            cue += 1
        # Going on after the round's last words ("Stop, and rest."), which a slow device may
        # not have said yet: they are said first.
        cut = m.lo < unit.done
        if cue >= unit.end:
            return Target(
                k + 1,
                cut,
                block.units[k + 1].start if k + 1 < len(block.units) else block.work_end,
                silence,
            )
        return Target(k, cut and cue >= unit.done, cue, silence)
    resume = k + 1 if m.hi >= unit.done else k
    return _target(block, resume, m.lo)


def next_target(m: Moment) -> Target:
    """Mid-set "next" or "done": the rep in progress is over; on to the next one - but not
    past a rep whose opening words a slow device may not have played yet: a "next" said as
    a rep ended starts that rep. Unless the fastest device may have played that rep to its
    release: it is not done twice, the slow device hears which rep comes instead."""
    block = m.block
    k = max(0, block.unit_at(m.hi))
    if m.early <= m.from_cue == block.units[0].start:
        # Said as a set starts, the slowest device still in the lead-in's countdown: the
        # first rep, right away.
        return Target(0, False, m.from_cue)
    slowest = max(0, block.unit_at(m.early))
    unheard = slowest + 1 if m.early >= block.units[slowest].start + 1 else slowest
    # ...and always at least one rep on from where this response started: "next" said again
    # and again keeps moving.
    served = max(0, block.unit_at(m.from_cue))
    chosen = unit = max(min(k + 1, unheard), served + 1)
    while unit <= k and m.hi >= block.units[unit].done:
        unit += 1
    return replace(_target(block, unit, m.lo), passes_unheard=unit > chosen)


def back_target(m: Moment) -> Target:
    """Mid-set "go back": the rep before the one in progress (the first rep stays first)."""
    block = m.block
    k = max(0, block.unit_at(m.hi))
    if m.hi >= block.units[k].done:
        k += 1  # in the rest after a rep: the rep in progress is the coming one
    unit = max(0, k - 1)
    return Target(unit, False, block.units[unit].start)


def repeat_target(m: Moment) -> Target:
    """Mid-set "repeat": the rep in progress (or the one just finished, during its rest)."""
    k = max(0, m.block.unit_at(m.hi))
    return Target(k, False, m.block.units[k].start)


def _target(block: Block, unit: int, lo: float) -> Target:
    cut = unit > 0 and lo < block.units[unit - 1].done
    cue = block.units[unit].start if unit < len(block.units) else len(block.cues)
    return Target(unit, cut, cue)


def is_timed(block: Block) -> bool:
    return bool(block.units) and block.cues[block.units[0].start].position.rep == 0


def cut_release(block: Block, target: Target) -> str:
    """The release words of the unit before ``target`` when it may have been cut short (or of
    the target's own unit, when the target is in the rest after its work)."""
    if not target.cut:
        return ""
    if target.unit < len(block.units) and target.cue >= block.units[target.unit].done:
        return block.units[target.unit].release
    if target.unit == 0:
        return ""
    return block.units[target.unit - 1].release


def waiting_after(plan: Plan, m: Moment) -> tuple[int, int]:
    """Where the runner waits after an interruption (block, cue): the unit to resume, or the
    next block once this one's work may be over."""
    if m.status == "waiting":
        return m.block.index, m.from_cue
    if m.status == "finished":
        return min(m.block.index + 1, plan.last), 0
    target = resume_target(m)
    if target.cue >= m.block.work_end:
        return min(m.block.index + 1, plan.last), 0
    if is_timed(m.block):
        return m.block.index, m.block.units[target.unit].start
    return m.block.index, target.cue


def closed(block: Block, progress: Progress, now: float) -> Progress:
    """``progress`` (a block served, its work possibly still playing on a slow device) as if
    served early enough that, from ``now`` on, every device has played the block's last work:
    once its release words have been said out loud, nothing is left to close."""
    assert progress.served_at is not None
    starts = block.starts(SLOWEST_RATE)
    playing = starts[block.work_end] - starts[progress.from_cue]
    needed = REACTION_MAX + progress.lead_s / SLOWEST_RATE + playing + CLOSED_MARGIN_S
    served_at = math.floor((now - needed) * 1000) / 1000  # (stored to the millisecond)
    if served_at >= progress.served_at:
        return progress
    return replace(progress, served_at=served_at)


def seconds_left_in_round(m: Moment) -> float | None:
    """Seconds of walking left in the round in progress, or None outside a walk."""
    block = m.block
    if m.status != "playing" or not is_timed(block):
        return None
    k = max(0, block.unit_at(m.mid))
    unit = block.units[k]
    if m.mid >= unit.done:
        return None
    return block.time_between(m.mid, unit.done)


__all__ = [
    "Moment",
    "Target",
    "back_target",
    "closed",
    "moment",
    "next_target",
    "repeat_target",
    "resume_target",
    "waiting_after",
]
