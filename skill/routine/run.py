"""Where the runner is: a run read from the stored state and the clock.

The coach's base: it holds the routines' catalog, the phrases and the compiled plans, and reads
a runner's state into a :class:`Here` (plan, progress, moment). It neither speaks nor moves the
run; :mod:`skill.routine.replies` builds on it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from skill.routine.catalog import Catalog, Exercise, Routine, find_exercise
from skill.routine.phrases import ENGLISH_PHRASES, Phrases
from skill.routine.plan import Plan, compile_plan
from skill.routine.position import Moment, moment, waiting_after
from skill.routine.state import Preferences, Progress, RunnerState, changed


class Here(NamedTuple):
    """The runner's run, plan and place, read from the state and the clock."""

    plan: Plan
    progress: Progress
    moment: Moment

    @property
    def exercise(self) -> Exercise:
        return self.plan.routine.exercises[self.moment.block.exercise]


class RunReader:
    """The catalog, the phrases and the plans, and a runner's run read from the state."""

    def __init__(self, catalog: Catalog, phrases: Phrases = ENGLISH_PHRASES) -> None:
        self.catalog = catalog
        self.p = phrases
        self._plans: dict[tuple[str, str], Plan] = {}

    def plan_for(self, routine: Routine, preferences: Preferences) -> Plan:
        # Keyed by id: hashing a whole routine on every turn would cost more than the turn.
        key = (routine.id, preferences.pace)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = compile_plan(routine, preferences.pace, self.p)
        return plan

    def current(self, state: RunnerState) -> tuple[Plan, Progress] | None:
        """The runner's plan and progress, moved onto the current plan if the routine changed."""
        progress = state.progress
        if progress is None or progress.routine not in self.catalog:
            return None
        plan = self.plan_for(self.catalog.get(progress.routine), state.preferences)
        if progress.plan == plan.fingerprint and progress.block <= plan.last:
            block = plan.blocks[progress.block]
            if progress.from_cue < len(block.cues):
                return plan, progress
        # Written against another version of the routine: the start of the nearest exercise.
        exercises = plan.routine.exercises
        ids = [exercise.id for exercise in exercises]
        if progress.exercise in ids:
            index = ids.index(progress.exercise)
        else:
            index = plan.blocks[min(progress.block, plan.last)].exercise
        intro = plan.intro_block(index)
        moved = replace(progress, plan=plan.fingerprint).waiting_at(intro, 0, exercises[index].id)
        return plan, moved

    def here(self, state: RunnerState, now: float) -> Here | None:
        current = self.current(state)
        if current is None:
            return None
        plan, progress = current
        return Here(plan, progress, moment(plan.blocks[progress.block], progress, now))

    def finished(self, here: Here) -> bool:
        """The run's last work has been served and may have played out."""
        last_work = here.plan.last - 1
        m = here.moment
        if m.block.index == here.plan.last:
            return True
        return m.block.index == last_work and m.status == "finished"

    def preferred(self, state: RunnerState) -> Routine:
        """The routine to offer: the one the runner finished last, else the default."""
        for entry in reversed(state.history):
            if entry.routine in self.catalog:
                return self.catalog.get(entry.routine)
        return self.catalog.default

    def settled(self, state: RunnerState, here: Here) -> RunnerState:
        if state.progress is here.progress:
            return state
        return changed(state, progress=here.progress)

    def waiting(self, plan: Plan, progress: Progress, block: int, cue: int) -> Progress:
        block = min(block, plan.last)
        exercise = plan.routine.exercises[plan.blocks[block].exercise].id
        return progress.waiting_at(block, cue, exercise)

    def interrupted(self, state: RunnerState, now: float) -> RunnerState:
        """The state after the runner interrupts: waiting where the set would go on."""
        here = self.here(state, now)
        if here is None:
            return state
        block, cue = waiting_after(here.plan, here.moment)
        return changed(state, progress=self.waiting(here.plan, here.progress, block, cue))

    def is_playing(self, state: RunnerState, now: float) -> bool:
        here = self.here(state, now)
        return here is not None and here.moment.status == "playing"

    def exercise_id(
        self, routine: Routine, exercise_id: str | None, spoken: str | None
    ) -> str | None:
        ids = [exercise.id for exercise in routine.exercises]
        if exercise_id not in ids and spoken:
            exercise_id = find_exercise(routine, spoken)
        return exercise_id if exercise_id in ids else None


__all__ = ["Here", "RunReader"]
