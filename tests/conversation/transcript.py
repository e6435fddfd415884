"""What a runner heard, read back against the plan: which reps were started and finished.

Each response's session attributes carry the runner state the skill saved, so the block and cue
a response played from are known; the device's ``heard_text`` says how much of it was heard.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from device.echo import Turn, heard_until, spoken_text

from skill.routine.catalog import Catalog
from skill.routine.plan import Plan, compile_plan
from skill.routine.speech import body_ssml

CATALOG = Catalog.builtin()
PLANS: dict[tuple[str, str], Plan] = {}

Rep = tuple[int, str | None, int, int]  # exercise, side, set, rep (rep 0: a round)


def plan_of(routine: str, pace: str = "normal") -> Plan:
    key = (routine, pace)
    if key not in PLANS:
        PLANS[key] = compile_plan(CATALOG.get(routine), pace)
    return PLANS[key]


def progress_of(turn: Turn) -> dict[str, Any] | None:
    carried = turn.session_attributes.get("runner")
    if not isinstance(carried, dict) or not isinstance(carried.get("state"), str):
        return None
    progress = json.loads(carried["state"]).get("progress")
    return progress if isinstance(progress, dict) else None


def words(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Heard:
    """The reps a runner started (heard the opening of) and finished (heard the release of)."""

    started: list[Rep] = field(default_factory=list)
    finished: list[Rep] = field(default_factory=list)  # once per performance
    blocks_heard_to_end: list[tuple[int, int]] = field(default_factory=list)  # (turn, block)
    blocks_served: list[tuple[int, int, int]] = field(default_factory=list)  # (turn, block, cue)
    # Reps a barge-in left undecidable: a device at 1.25x with no reaction had heard their
    # release, one at 0.8x asking 4 s later had not; with two or more of them, the skill can
    # honour "never replayed" or "never dropped" for them, not both.
    ambiguous: set[Rep] = field(default_factory=set)
    _current: Rep | None = None
    _released: bool = False

    def open(self, rep: Rep) -> None:
        self._current, self._released = rep, False
        self.started.append(rep)

    def release(self, rep: Rep | None = None) -> None:
        """The release words of ``rep`` (default: the rep in progress) were heard."""
        if self._current is not None and not self._released and rep in (None, self._current):
            self.finished.append(self._current)
            self._released = True


def begins_release(text: str, said: str, release: str) -> bool:
    """Whether a response opens with ``release`` and the runner heard it - or began to: one
    who barges in on the release words themselves has been told to release, and stopped the
    coach saying the rest."""
    return text.startswith(release) and (said.startswith(release) or bool(said.strip()))


def rep_before(plan: Plan, block_index: int, from_cue: int) -> Rep | None:
    """The rep before the one a response starts at: the one its release words close."""
    block = plan.blocks[block_index]
    starts = [u.start for u in block.units]
    if from_cue in starts and starts.index(from_cue) > 0:
        unit = block.units[starts.index(from_cue) - 1]
    else:
        previous = plan.blocks[block_index - 1] if block_index > 0 else None
        if previous is None or not previous.units:
            return None
        unit = previous.units[-1]
        block = previous
    p = block.cues[unit.start].position
    return (p.exercise, p.side, p.set, p.rep)


def read(turns: list[Turn], routine: str, pace: str = "normal", run: str | None = None) -> Heard:
    """Replay the runner's ears over ``turns`` (those of one ``run``, if given)."""
    plan = plan_of(routine, pace)
    heard = Heard()
    releases = {u.release for b in plan.blocks for u in b.units if u.release}
    for number, turn in enumerate(turns):
        if turn.kind != "response":
            continue
        progress = progress_of(turn)
        text = words(turn.text)
        said = words(turn.heard_text)
        served_at = progress.get("served_at") if progress is not None else None
        # An answer between blocks carries a played-out block on as it was served (before the
        # answer): only a block served from this response's moment on plays in it.
        served = isinstance(served_at, int | float) and served_at >= turn.started_at - 0.001
        other_run = progress is not None and run is not None and progress.get("run") != run
        if not served or progress is None or progress.get("routine") != routine or other_run:
            if any(begins_release(text, said, r) for r in releases):
                # An answer that first closes a rep: the one before the place it leaves the
                # runner waiting at (a faster device may already be in that next rep, which
                # the release words cut short: it is done again from its start, as the answer
                # says), or else (a block played out, kept as served) the rep in progress.
                waiting = (
                    progress is not None
                    and progress.get("routine") == routine
                    and served_at is None
                )
                heard.release(
                    rep_before(plan, int(progress["block"]), int(progress["from_cue"]))
                    if waiting and progress is not None
                    else None
                )
            continue
        block_index, from_cue = int(progress["block"]), int(progress["from_cue"])
        block = plan.blocks[block_index]
        heard.blocks_served.append((number, block_index, from_cue))
        body = words(spoken_text(f"<speak>{body_ssml(block.cues[from_cue:])}</speak>"))
        if not text.endswith(body):
            raise AssertionError(f"response does not end with its block: {text!r}")
        lead = text[: len(text) - len(body)].strip()
        lead_heard = said[: len(lead)]
        if any(begins_release(text, lead_heard, r) for r in releases):
            heard.release(rep_before(plan, block_index, from_cue))  # closed out loud
        following = turns[number + 1] if number + 1 < len(turns) else None
        asked_next = following is not None and following.intent == "NextStepIntent"
        if turn.interrupted_at is not None and asked_next and block.units:
            # "Next" before the first rep's opening words were heard moves past that rep: the
            # runner asked for it.
            first = block.cues[from_cue].position
            opened, _ = released(plan, block_index, from_cue, text, lead, said)
            if block.cues[from_cue].resume_here and not opened:
                heard.ambiguous.add((first.exercise, first.side, first.set, first.rep))
        if turn.interrupted_at is not None:
            fast = words(heard_until(turn.ssml, turn.interrupted_at, 1.25))
            slow = words(heard_until(turn.ssml, max(0.0, turn.interrupted_at - 4.0), 0.8))
            opened, early = released(plan, block_index, from_cue, text, lead, slow)
            _, late = released(plan, block_index, from_cue, text, lead, fast)
            between = set(late) - set(early)
            # Undecidable: the window holds two releases, or a whole rep (from before its
            # opening words to after its release).
            if len(between) >= 2 or between - set(opened):
                heard.ambiguous |= between
        position = len(lead) + (1 if lead else 0)
        complete = True
        for index in range(from_cue, len(block.cues)):
            cue = block.cues[index]
            if cue.kind != "speech":
                continue
            cue_text = words(cue.text)
            start = text.find(cue_text, position)
            assert start >= 0, (cue_text, text)
            end = start + len(cue_text)
            position = end
            if end > len(said):
                complete = False
                break
            if cue.resume_here:
                p = cue.position
                heard.open((p.exercise, p.side, p.set, p.rep))
            if any(u.done - 1 == index for u in block.units):
                heard.release()
        if complete:
            heard.blocks_heard_to_end.append((number, block_index))
    return heard


def released(
    plan: Plan, block_index: int, from_cue: int, text: str, lead: str, said: str
) -> tuple[list[Rep], list[Rep]]:
    """The reps whose opening words, and those whose release words, are within ``said`` (a
    prefix of ``text``)."""
    block = plan.blocks[block_index]
    position = len(lead) + (1 if lead else 0)
    opened: list[Rep] = []
    reps = []
    for index in range(from_cue, len(block.cues)):
        cue = block.cues[index]
        if cue.kind != "speech":
            continue
        start = text.find(words(cue.text), position)
        position = start + len(words(cue.text))
        if position > len(said):
            break
        if cue.resume_here:
            p = cue.position
            opened.append((p.exercise, p.side, p.set, p.rep))
        for unit in block.units:
            if unit.done - 1 == index:
                p = block.cues[unit.start].position
                reps.append((p.exercise, p.side, p.set, p.rep))
    return opened, reps


def all_reps(plan: Plan, skipped: set[int]) -> list[Rep]:
    reps = []
    for block in plan.blocks:
        if block.exercise in skipped:
            continue
        for unit in block.units:
            p = block.cues[unit.start].position
            reps.append((p.exercise, p.side, p.set, p.rep))
    return reps
