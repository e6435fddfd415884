"""The session engine: given a runner's state, a command and "now", it answers and moves.

Pure Python: no Alexa, web or storage imports. Every method returns a :class:`Reply` holding the
SSML to speak, the reprompt (or none when the session ends on purpose) and the new state.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Literal

from skill.routine.catalog import Catalog, Exercise, Routine, find_exercise
from skill.routine.cues import speech_seconds
from skill.routine.plan import (
    PACE_ORDER,
    PACES,
    Block,
    Plan,
    compile_plan,
    duration_words,
    number_word,
    side_name,
)
from skill.routine.speech import cues_ssml, document, text_ssml
from skill.routine.state import HistoryEntry, Preferences, Progress, RunnerState

Question = Literal["resume", "start"]


@dataclass(frozen=True)
class Reply:
    speech: str  # SSML
    reprompt: str | None  # SSML; None when the session ends
    state: RunnerState
    asked: Question | None = None  # the yes/no question the speech ends with, if any
    completed: HistoryEntry | None = None

    @property
    def ends_session(self) -> bool:
        return self.reprompt is None


@dataclass(frozen=True)
class Spot:
    """Where the runner is right now, derived from their progress and the clock."""

    plan: Plan
    block: Block
    cue: int
    status: Literal["waiting", "playing", "finished"]

    @property
    def estimated(self) -> bool:
        return self.status == "playing"

    @property
    def exercise(self) -> Exercise:
        return self.plan.routine.exercises[self.block.exercise]


class Coach:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._plans: dict[tuple[str, str], Plan] = {}

    # -- reading the state ------------------------------------------------------------------
    def plan_for(self, routine: Routine, preferences: Preferences) -> Plan:
        # Keyed by id: hashing a whole routine on every turn would cost more than the turn.
        key = (routine.id, preferences.pace)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = compile_plan(routine, preferences.pace)
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

    def spot(self, plan: Plan, progress: Progress, now: float) -> Spot:
        block = plan.blocks[progress.block]
        if progress.served_at is None:
            return Spot(plan, block, progress.from_cue, "waiting")
        elapsed = now - progress.served_at - progress.lead_s
        if elapsed < block.seconds(progress.from_cue):
            cue = block.cue_at(max(0.0, elapsed), progress.from_cue)
            return Spot(plan, block, cue, "playing")
        return Spot(plan, block, len(block.cues) - 1, "finished")

    def resume_target(self, spot: Spot) -> tuple[int, int]:
        """Where "continue" picks up: the rep in progress, or the next block once one is over."""
        if spot.status == "waiting":
            return spot.block.index, spot.cue
        if spot.status == "finished" or spot.block.cues[spot.cue].position.phase == "transition":
            return spot.block.index + 1, 0
        if spot.block.kind != "work":
            return spot.block.index, 0
        return spot.block.index, spot.block.resume_point_before(spot.cue)

    def interrupted(self, state: RunnerState, now: float) -> RunnerState:
        """The state after the runner interrupts a playing block: waiting at the rep in progress."""
        current = self.current(state)
        if current is None:
            return state
        plan, progress = current
        spot = self.spot(plan, progress, now)
        if spot.status != "playing":
            return replace(state, progress=progress)
        block, cue = self.resume_target(spot)
        if block > plan.last - 1:  # only the finish is left: keep it one "next" away
            block, cue = plan.last - 1, len(plan.blocks[plan.last - 1].cues) - 1
        exercise = plan.routine.exercises[plan.blocks[block].exercise].id
        return replace(state, progress=progress.waiting_at(block, cue, exercise))

    # -- moving -----------------------------------------------------------------------------
    def start(self, state: RunnerState, routine_id: str | None, now: float) -> Reply:
        routine = self.catalog.get(routine_id) if routine_id else self.catalog.default
        current = self.current(state)
        if current is not None and current[1].routine == routine.id:
            plan, progress = current
            target = self.resume_target(self.spot(plan, progress, now))
            if target != (0, 0):
                where = self.describe_target(plan, *target)
                lead = f"Welcome back. Picking up at {where}. To begin again, say start over."
                return self.serve(replace(state, progress=progress), plan, *target, now, lead)
        return self.begin(state, routine, now)

    def begin(self, state: RunnerState, routine: Routine, now: float, lead: str = "") -> Reply:
        plan = self.plan_for(routine, state.preferences)
        progress = Progress(
            routine=routine.id,
            block=0,
            from_cue=0,
            served_at=None,
            lead_s=0.0,
            run=f"{routine.id}-{int(now * 1000)}",
            started_at=now,
            plan=plan.fingerprint,
            exercise=routine.exercises[0].id,
        )
        return self.serve(replace(state, progress=progress, welcomed=True), plan, 0, 0, now, lead)

    def next(self, state: RunnerState, now: float, asked: Question | None = None) -> Reply:
        current = self.current(state)
        if current is None:
            if asked == "start":  # "ready" to "Shall we start the foot routine?"
                return self.start(state, None, now)
            return self.nothing_started(state)
        plan, progress = current
        spot = self.spot(plan, progress, now)
        state = replace(state, progress=progress)
        if spot.status == "waiting":
            return self.serve(state, plan, spot.block.index, spot.cue, now)
        return self.serve(state, plan, spot.block.index + 1, 0, now)

    def resume(self, state: RunnerState, now: float, asked: Question | None = None) -> Reply:
        current = self.current(state)
        if current is None:
            if asked == "start":
                return self.start(state, None, now)
            return self.nothing_started(state)
        plan, progress = current
        target = self.resume_target(self.spot(plan, progress, now))
        lead = ""
        if target[1] > 0:
            lead = f"Picking up at {self.describe_target(plan, *target)}."
        return self.serve(replace(state, progress=progress), plan, *target, now, lead)

    def previous(self, state: RunnerState, now: float) -> Reply:
        current = self.current(state)
        if current is None:
            return self.nothing_started(state)
        plan, progress = current
        block = self.spot(plan, progress, now).block.index
        if block == 0:
            return self.serve(
                replace(state, progress=progress), plan, 0, 0, now, "We're at the very start."
            )
        return self.serve(replace(state, progress=progress), plan, block - 1, 0, now)

    def repeat(self, state: RunnerState, now: float) -> Reply:
        current = self.current(state)
        if current is None:
            return self.nothing_started(state)
        plan, progress = current
        return self.serve(
            replace(state, progress=progress), plan, progress.block, progress.from_cue, now
        )

    def skip_exercise(self, state: RunnerState, now: float) -> Reply:
        current = self.current(state)
        if current is None:
            return self.nothing_started(state)
        plan, progress = current
        exercise = self.spot(plan, progress, now).block.exercise
        state = replace(state, progress=progress)
        if exercise + 1 < len(plan.routine.exercises):
            skipped = plan.routine.exercises[exercise].name
            return self.serve(
                state, plan, plan.intro_block(exercise + 1), 0, now, f"Skipping the {skipped}."
            )
        return self.serve(state, plan, plan.last, 0, now, "Skipping the last exercise.")

    def start_over(self, state: RunnerState, now: float) -> Reply:
        current = self.current(state)
        routine = self.catalog.get(current[1].routine) if current else self.catalog.default
        return self.begin(state, routine, now, "Starting over from the top.")

    def go_to(
        self, state: RunnerState, exercise_id: str | None, now: float, spoken: str | None = None
    ) -> Reply:
        """Go to an exercise by id, or failing that by the words the runner said."""
        current = self.current(state)
        routine = self.catalog.get(current[1].routine) if current else self.catalog.default
        ids = [exercise.id for exercise in routine.exercises]
        if exercise_id not in ids and spoken:
            exercise_id = find_exercise(routine, spoken)
        if exercise_id not in ids:
            names = join_words([exercise.name for exercise in routine.exercises])
            question = "Which exercise would you like?"
            return self.ask(
                state, f"The {routine.name} has these exercises: {names}. {question}", question
            )
        if current is None:
            started = self.begin(state, routine, now)
            state, progress = started.state, started.state.progress
            plan = self.plan_for(routine, state.preferences)
        else:
            plan, progress = current
        assert progress is not None
        target = plan.intro_block(ids.index(exercise_id))
        return self.serve(replace(state, progress=progress), plan, target, 0, now)

    def change_pace(self, state: RunnerState, faster: bool, now: float) -> Reply:
        order = PACE_ORDER.index(state.preferences.pace)
        wanted = order + (1 if faster else -1)
        word = "faster" if faster else "slower"
        if not 0 <= wanted < len(PACE_ORDER):
            limit = "fastest" if faster else "slowest"
            return self.answer(
                self.interrupted(state, now), f"This is already my {limit} pace.", now
            )
        playing = self.is_playing(state, now)
        state = replace(
            self.interrupted(state, now), preferences=Preferences(pace=PACE_ORDER[wanted])
        )
        lead = f"Okay, {word}: I'll speak {'faster' if faster else 'more slowly'} and " + (
            f"{'shorten' if faster else 'lengthen'} the rests."
        )
        current = self.current(state)
        if playing and current is not None:
            plan, progress = current
            return self.serve(
                replace(state, progress=progress),
                plan,
                progress.block,
                progress.from_cue,
                now,
                lead,
            )
        return self.answer(state, lead, now)

    def pause(self, state: RunnerState, now: float) -> Reply:
        state = self.interrupted(state, now)
        current = self.current(state)
        if current is None:
            return self.nothing_started(state)
        plan, progress = current
        where = self.describe_target(plan, progress.block, progress.from_cue)
        return self.goodbye(
            state, f"Paused at {where}. When you're ready, say: Alexa, ask foot coach to continue."
        )

    def stop(self, state: RunnerState, now: float) -> Reply:
        state = self.interrupted(state, now)
        current = self.current(state)
        if current is None:
            return self.goodbye(state, "Goodbye, and happy running!")
        plan, progress = current
        spot = self.spot(plan, progress, now)
        target = self.resume_target(spot)
        where = self.describe_target(plan, *target)
        return self.goodbye(state, f"Okay. I've saved your place: {where}. See you next time.")

    # -- answering --------------------------------------------------------------------------
    def launch(self, state: RunnerState, now: float) -> Reply:
        current = self.current(state)
        if current is not None:
            plan, progress = current
            target = self.resume_target(self.spot(plan, progress, now))
            if target[0] < plan.last:
                where = self.describe_target(plan, *target)
                question = "Shall I pick up there?"
                return self.ask(
                    replace(state, progress=progress),
                    f"Welcome back. You stopped at {where}. {question}",
                    question + " Or say start over.",
                    "resume",
                )
        question = f"Shall we start the {self.catalog.default.name}?"
        if not state.welcomed:
            intro = (
                "Welcome to Foot Coach. I'll talk you through foot strengthening exercises for "
                f"runners. {self.catalog.default.safety}"
            )
            return self.ask(
                replace(state, welcomed=True),
                f"{intro} {question}",
                f"{question} Or say start the quick routine.",
                "start",
            )
        done = sum(state.completed().values())
        greeting = "Welcome back." + (
            f" You've finished {plural(done, 'routine')} so far." if done else ""
        )
        return self.ask(
            state, f"{greeting} {question}", f"{question} Or say start the quick routine.", "start"
        )

    def yes(self, state: RunnerState, asked: Question | None, now: float) -> Reply:
        if asked == "start" or (asked is None and state.progress is None):
            return self.start(state, None, now)
        if asked == "resume":
            return self.resume(state, now)
        return self.next(state, now)

    def no(self, state: RunnerState, asked: Question | None, now: float) -> Reply:
        if asked == "start" or state.progress is None:
            return self.goodbye(state, "Okay, maybe later. Goodbye!")
        question = "What would you like to do?"
        return self.ask(
            self.interrupted(state, now),
            "Okay. You can say start over to begin again, start the quick routine, "
            f"or stop to finish for now. {question}",
            question,
        )

    def reps_left(self, state: RunnerState, now: float) -> Reply:
        current = self.current(state)
        if current is None:
            return self.nothing_started(state)
        plan, progress = current
        spot = self.spot(plan, progress, now)
        return self.answer(self.interrupted(state, now), self.reps_left_sentence(spot), now)

    def where_am_i(self, state: RunnerState, now: float) -> Reply:
        current = self.current(state)
        if current is None:
            return self.nothing_started(state)
        plan, progress = current
        spot = self.spot(plan, progress, now)
        exercise = spot.exercise
        count = len(plan.routine.exercises)
        about = f"This is the {exercise.name}, exercise {spot.block.exercise + 1} of {count}. "
        return self.answer(
            self.interrupted(state, now),
            about + exercise.purpose + " " + self.reps_left_sentence(spot),
            now,
        )

    def time_left(self, state: RunnerState, now: float) -> Reply:
        current = self.current(state)
        if current is None:
            return self.nothing_started(state)
        plan, progress = current
        spot = self.spot(plan, progress, now)
        if spot.status == "playing":
            played = now - (progress.served_at or now) - progress.lead_s
            seconds = plan.seconds_from(spot.block.index, progress.from_cue) - max(0.0, played)
        elif spot.status == "waiting":
            seconds = plan.seconds_from(spot.block.index, spot.cue)
        else:
            seconds = plan.seconds_from(spot.block.index + 1)
        sentence = f"About {rough_duration(seconds)} left in your {plan.routine.name}."
        return self.answer(self.interrupted(state, now), sentence, now)

    def progress_report(self, state: RunnerState, now: float) -> Reply:
        history = state.history
        counts = state.completed()
        if not history:
            sentence = "You haven't finished a routine yet. Your first one is the hardest!"
        else:
            parts = [
                plural(n, self.catalog.get(r).name if r in self.catalog else f"{r} routine")
                for r, n in counts.items()
            ]
            streak, first_day = streak_days(history, now)
            last = days_ago(history[-1].completed_at, now)
            sentence = f"You've finished {plural(sum(counts.values()), 'routine')}"
            sentence += f": {join_words(parts)}." if len(parts) > 1 else "."
            if streak > 1:
                # With older completions only counted, a streak reaching the oldest listed day
                # may reach further back.
                reaches_oldest = first_day <= day_of(history[0].completed_at)
                at_least = "at least " if state.earlier and reaches_oldest else ""
                sentence += f" That's {at_least}{streak} days in a row."
            sentence += f" Your last one was {last}."
        return self.answer(self.interrupted(state, now), sentence, now)

    def help(self, state: RunnerState, now: float, *, sorry: bool = False) -> Reply:
        opening = "Sorry, I didn't catch that. " if sorry else ""
        state = self.interrupted(state, now)
        current = self.current(state)
        if current is None:
            question = "Shall we start the foot routine?"
            text = (
                f"{opening}I'm your foot coach. I can take you through the "
                f"{self.catalog.default.name}"
                ", about twenty minutes, or the quick routine, about ten. During a routine, say "
                "next when you're ready, or ask how many reps are left. " + question
            )
            return self.ask(state, text, question, "start")
        plan, progress = current
        where = self.describe_target(plan, progress.block, progress.from_cue)
        question = "What would you like to do?"
        text = (
            f"{opening}You're at {where}. Say next to go on, or continue to pick up where you "
            "stopped. You can also ask how many reps are left, say repeat, go back, skip this "
            "exercise, slower, faster, or pause. " + question
        )
        return self.ask(state, text, question)

    # -- building replies ---------------------------------------------------------------------
    def serve(
        self,
        state: RunnerState,
        plan: Plan,
        block_index: int,
        from_cue: int,
        now: float,
        lead: str = "",
    ) -> Reply:
        block_index = min(block_index, plan.last)
        block = plan.blocks[block_index]
        from_cue = min(from_cue, len(block.cues) - 1)
        progress = state.progress
        assert progress is not None
        pace = plan.pace
        if block.kind == "done":
            entry = HistoryEntry(
                progress.run, plan.routine.id, now, round(now - progress.started_at, 1)
            )
            finished = replace(state.with_completion(entry), progress=None)
            new = finished.history != state.history
            total = sum(finished.completed().values())
            closing = f"That's {plural(total, 'routine')} in all. See you next time!"
            speech = cues_ssml(
                block.cues, before=lead, after=closing, prosody_rate=pace.prosody_rate
            )
            return Reply(speech, None, finished, completed=entry if new else None)
        lead_s = speech_seconds(lead, pace.speech_rate) if lead else 0.0
        exercise = plan.routine.exercises[block.exercise].id
        served = replace(
            progress,
            block=block_index,
            from_cue=from_cue,
            served_at=now,
            lead_s=lead_s,
            plan=plan.fingerprint,
            exercise=exercise,
        )
        speech = document(
            plan.block_ssml(block_index, from_cue), before=lead, prosody_rate=pace.prosody_rate
        )
        reprompt = text_ssml(block.reprompt, prosody_rate=pace.prosody_rate)
        return Reply(speech, reprompt, replace(state, progress=served))

    def answer(self, state: RunnerState, sentence: str, now: float) -> Reply:
        """A spoken answer that leaves the runner where they are, ending with what to say next."""
        current = self.current(state)
        if current is None:
            question = "Say start my foot routine to begin."
        else:
            plan, progress = current
            spot = self.spot(plan, progress, now)
            if spot.status == "waiting":
                question = "Say continue when you're ready."
            else:
                question = "Say next when you're ready."
        return self.ask(state, f"{sentence} {question}", question)

    def ask(
        self, state: RunnerState, text: str, reprompt: str, asked: Question | None = None
    ) -> Reply:
        pace = PACES[state.preferences.pace]
        return Reply(
            text_ssml(text, prosody_rate=pace.prosody_rate),
            text_ssml(reprompt, prosody_rate=pace.prosody_rate),
            state,
            asked,
        )

    def goodbye(self, state: RunnerState, text: str) -> Reply:
        pace = PACES[state.preferences.pace]
        return Reply(text_ssml(text, prosody_rate=pace.prosody_rate), None, state)

    def unknown_routine(self, state: RunnerState) -> Reply:
        names = join_words([f"the {routine.name}" for routine in self.catalog], "or")
        question = "Which one would you like?"
        return self.ask(state, f"I can coach you through {names}. {question}", question)

    def nothing_started(self, state: RunnerState) -> Reply:
        # No "start" question on record: "yes" still starts (there is nothing else it could
        # mean), but a stray "next" does not begin a routine by itself.
        question = f"Shall we start the {self.catalog.default.name}?"
        names = join_words([f"the {routine.name}" for routine in self.catalog], "or")
        return self.ask(
            state,
            f"There's no routine going right now. You can start {names}. {question}",
            question,
        )

    def is_playing(self, state: RunnerState, now: float) -> bool:
        current = self.current(state)
        return current is not None and self.spot(*current, now).status == "playing"

    # -- describing positions -------------------------------------------------------------------
    def describe_target(self, plan: Plan, block_index: int, cue: int) -> str:
        """Where (block, cue) is, in words: "calf drops, rep 7 of 12"."""
        if block_index > plan.last - 1:
            return f"the end of the {plan.routine.name}"
        block = plan.blocks[block_index]
        exercise = plan.routine.exercises[block.exercise]
        position = block.cues[min(cue, len(block.cues) - 1)].position
        if block.kind == "intro":
            return f"the start of the {exercise.name}"
        if exercise.style == "timed":
            rounds = exercise.set_count
            if rounds == 1:
                return f"the {exercise.name}"
            return f"the {exercise.name}, round {position.set} of {rounds}"
        if position.phase == "transition" and cue == len(block.cues) - 1 and cue > 0:
            position = block.cues[cue - 1].position
        where = f"{exercise.name}, rep {position.rep} of {exercise.rep_count}"
        if position.side in ("right", "left"):
            where += f" on your {side_name(position.side)}"
        if exercise.set_count > 1:
            where += f", set {position.set} of {exercise.set_count}"
        return where

    def reps_left_sentence(self, spot: Spot) -> str:
        exercise = spot.exercise
        block = spot.block
        if block.kind == "intro":
            return f"You're about to start the {exercise.name}. {dose_summary(exercise)}"
        position = block.cues[spot.cue].position
        about = "about " if spot.estimated else ""
        if exercise.style == "timed":
            rounds = exercise.set_count
            done_rounds = (
                position.set
                if spot.status == "finished" or position.phase in ("rest", "transition")
                else position.set - 1
            )
            left = rounds - done_rounds
            if left <= 0:
                return f"That's every round of the {exercise.name} done."
            if spot.status == "playing" and position.phase == "work":
                return (
                    f"You're on {about}round {position.set} of {rounds} of the "
                    f"{exercise.name}: {plural(rounds - position.set, 'more round')} after this."
                )
            return f"{plural(left, 'round')} of the {exercise.name} to go."
        total = exercise.rep_count
        sides = list(exercise.sides)
        side = position.side
        on_side = f" on your {side_name(side)}" if side in ("right", "left") else ""
        later_sides = sides[sides.index(side) + 1 :] if side in sides else []
        sets = exercise.set_count
        then = ""
        if sets > 1 and position.set < sets:  # sets of one side come before the next side
            then += f", then {plural(sets - position.set, 'more set')}"
        if later_sides and len(sides) > 1:
            then += (
                f", then {total} on the {later_sides[0]}"
                if sets == 1
                else (f", then {number_word(sets)} sets of {total} on the {later_sides[0]}")
            )
        finished = spot.status == "finished" or position.phase == "transition"
        if finished:
            done = position.rep
            if done >= total:
                if position.set < sets:
                    upcoming = number_word(position.set + 1)
                    return f"That's all {total}{on_side} in this set. Next: set {upcoming}."
                if later_sides and len(sides) > 1:
                    return f"That's all {total}{on_side}. Next: {total} on the {later_sides[0]}."
                return f"That's all {total} {exercise.plural if total > 1 else exercise.name} done."
            return f"You've done {done} of {total}{on_side}: {total - done} to go{then}."
        rep = position.rep
        return f"You're on {about}rep {rep} of {total}{on_side}: {total - rep} to go{then}."


def dose_summary(exercise: Exercise) -> str:
    if exercise.style == "timed":
        assert exercise.duration_s
        summary = (
            f"{plural(exercise.set_count, 'round')} of {duration_words(exercise.duration_s.value)}."
        )
    else:
        each = " on each foot" if len(exercise.sides) > 1 else ""
        summary = f"{plural(exercise.rep_count, 'rep')}{each}."
    return summary[0].upper() + summary[1:]


def plural(n: int, noun: str) -> str:
    words = number_word(n) if n <= 20 else str(n)
    if n == 1:
        return f"{words} {noun}"
    last = noun.split()[-1]
    if last.endswith(("s", "sh", "ch")):
        return f"{words} {noun}"
    return f"{words} {noun}s"


def join_words(items: list[str], conjunction: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def rough_duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{max(5, int(round(seconds / 5) * 5))} seconds"
    minutes = math.ceil(seconds / 60)
    return "a minute" if minutes == 1 else f"{minutes} minutes"


def day_of(timestamp: float) -> dt.date:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC).date()


def streak_days(history: tuple[HistoryEntry, ...], now: float) -> tuple[int, dt.date]:
    """Days in a row, ending today or yesterday, with at least one completed routine; and the
    first day of that run."""
    days = {day_of(entry.completed_at) for entry in history}
    day = day_of(now)
    if day not in days:
        day -= dt.timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= dt.timedelta(days=1)
    return streak, day + dt.timedelta(days=1)


def days_ago(timestamp: float, now: float) -> str:
    delta = (day_of(now) - day_of(timestamp)).days
    if delta <= 0:
        return "today"
    if delta == 1:
        return "yesterday"
    return f"{delta} days ago"


__all__ = ["Coach", "Question", "Reply", "Spot"]
