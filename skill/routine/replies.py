"""Building replies: the words a reply speaks and the state it leaves.

Serving a block (its lead sentences and the lead-in before a set), answering without moving
(mid-set the set goes on in the same reply, between blocks the coach waits), asking, saying
goodbye and recording a finished run. Every reply is a :class:`Reply` holding the SSML to speak,
the reprompt (or none when the session ends on purpose) and the new state.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from skill.routine import wording
from skill.routine.catalog import Catalog, Routine
from skill.routine.phrases import ENGLISH_PHRASES, Phrases
from skill.routine.plan import PACES, Plan
from skill.routine.position import (
    Moment,
    Target,
    closed,
    cut_release,
    is_timed,
    moment,
    resume_target,
    waiting_after,
)
from skill.routine.run import Here, RunReader
from skill.routine.speech import body_ssml, break_tags, document, escape_text, text_ssml
from skill.routine.state import MAX_SECONDS, HistoryEntry, RunnerState, changed

# The yes/no (or "which one") question a reply ends with: "start:<routine>", "resume",
# "start_over", "skip", "exercise", "routine".
Question = str

MAX_KEPT = 4096  # sentences kept rendered per coach (they repeat: positions are finite)


class Reply(NamedTuple):
    speech: str  # SSML
    reprompt: str | None  # SSML; None when the session ends
    state: RunnerState
    asked: Question | None = None
    completed: HistoryEntry | None = None
    served: bool = False  # a block (or part of one) plays in this reply

    @property
    def ends_session(self) -> bool:
        return self.reprompt is None


class Replies(RunReader):
    """The replies the commands and the answers are built from."""

    def __init__(self, catalog: Catalog, phrases: Phrases = ENGLISH_PHRASES) -> None:
        super().__init__(catalog, phrases)
        self._said: dict[tuple[str, float], tuple[str, float]] = {}
        self._reprompts: dict[tuple[str, str | None], str] = {}

    def complete(self, state: RunnerState, here: Here, now: float) -> Reply:
        """Record a finished run (once; all-skipped runs are not recorded) and say goodbye."""
        p = self.p
        progress = here.progress
        skipped = progress.skipped
        done = tuple(e.id for e in here.plan.routine.exercises if e.id not in skipped)
        entry = None
        new_state = replace(state, progress=None)
        if done:
            entry = HistoryEntry(
                progress.run,
                here.plan.routine.id,
                now,
                # A run paused for weeks still counts: its length is bounded as loading
                # bounds it, or the stored completion would be dropped on the next read.
                min(MAX_SECONDS, max(0.0, round(now - progress.started_at, 1))),
                done,
                skipped,
            )
            new_state = replace(state.with_completion(entry), progress=None)
        recorded = entry if new_state.history != state.history else None
        cues = here.plan.blocks[here.plan.last].cues
        total = sum(new_state.completed().values())
        closing = p("done.closing", count=p.count(total, "routine")) if done else p("bye.plain")
        # (A slow device may still be in the last rep or round: it is closed first.)
        release = escape_text(self.release_of(here))
        pieces = [release, body_ssml(cues) if done else "", escape_text(closing)]
        speech = self.wrap(" ".join(x for x in pieces if x), state)
        return Reply(speech, None, new_state, completed=recorded)

    def reply_to(
        self,
        state: RunnerState,
        now: float,
        lines: list[str],
        *,
        here: Here | None = None,
        fact: str = "",
        asked: Question | None = None,
        wait: bool = False,
        retimed: bool = False,
    ) -> Reply:
        """Answer without moving: mid-set the set goes on in the same reply from the rep in
        progress; between blocks the coach answers and waits. ``retimed``: ``here`` reads the
        run on another plan than it was served on (a new pace), so it is left waiting."""
        p = self.p
        if here is None:
            here = self.here(state, now)
        if here is None:
            return self.ask(state, " ".join([*lines, p("ask.begin")]), p("ask.begin"), asked)
        if self.finished(here) and here.moment.block.index < here.plan.last:
            state = self.complete(state, here, now).state
            line = p("done.already", routine=here.plan.routine.name)
            text = " ".join(x for x in [self.release_of(here), *lines, line] if x)
            return self.ask(state, text, p("ask.what"), asked)
        m, plan = here.moment, here.plan
        state = self.settled(state, here)
        waiting: RunnerState | None = None
        if m.status == "playing" and not wait and asked is None:
            target = resume_target(m)
            release = cut_release(m.block, target)
            if fact == "reps":
                lines = [*lines, self.reps_fact(here, target)]
            if target.cue < m.block.work_end:
                return self.go_on(state, here, target, now, [release, *lines])
            m = m._replace(status="finished")
            lines = [release, *lines]
        elif m.status == "finished":
            lines = [self.last_release(m), *lines]
            if not retimed:
                waiting = self.left_waiting(state, here, now)
        block, cue = waiting_after(plan, m)
        if fact == "reps":
            if m.status == "finished" and m.block.kind == "work":
                over = Target(len(m.block.units), False, m.block.work_end)
                lines = [*lines, self.reps_fact(here, over)]
            else:
                lines = [*lines, self.reps_waiting(here, block, cue)]
        if waiting is None:
            waiting = changed(state, progress=self.waiting(plan, here.progress, block, cue))
        question = p("ask.next") if m.status == "finished" or cue == 0 else p("ask.continue")
        return self.ask(waiting, " ".join(x for x in [*lines, question] if x), question, asked)

    def left_waiting(self, state: RunnerState, here: Here, now: float) -> RunnerState:
        """The state a reply that does not move the run on leaves. A block that has played out
        stays as served, closed on every device once its last release words are said (the
        reply says them): whatever the runner says next means what it meant before, and such
        an answer writes nothing. Otherwise the runner waits where the run goes on."""
        if here.moment.status == "finished":
            if not self.last_release(here.moment):
                return self.settled(state, here)
            return changed(state, progress=closed(here.moment.block, here.progress, now))
        block, cue = waiting_after(here.plan, here.moment)
        return changed(state, progress=self.waiting(here.plan, here.progress, block, cue))

    def release_of(self, here: Here) -> str:
        """The release words that close a rep the interruption may have cut short."""
        m = here.moment
        if m.status == "playing" and m.block.units:
            return cut_release(m.block, resume_target(m))
        return self.last_release(m) if m.status == "finished" else ""

    def last_release(self, m: Moment) -> str:
        """The last rep's release words, when a block that may be over may also have been cut
        short in its last rep (a slow device): said first, so no rep is left open."""
        units = m.block.units
        if m.block.kind != "work" or not units or m.lo >= units[-1].done:
            return ""
        return units[-1].release

    def reps_fact(self, here: Here, target: Target) -> str:
        """How many reps are left, said just before the set goes on at ``target``."""
        p, block = self.p, here.moment.block
        exercise = here.exercise
        if target.cue >= block.work_end:
            position = block.cues[block.work_end - 1].position
            if is_timed(block):
                return wording.rounds_left(p, exercise, position.set, None)
            return wording.reps_done(p, exercise, position, position.rep)
        position = block.cues[target.cue].position
        if is_timed(block):
            return wording.rounds_left(p, exercise, position.set - 1, position.set)
        if target.unit == max(0, block.unit_at(here.moment.hi)):  # the rep in progress
            return wording.rep_on(p, exercise, position, estimated=False)
        return wording.reps_done(p, exercise, position, position.rep - 1)

    def reps_waiting(self, here: Here, block_index: int, cue: int) -> str:
        p, plan = self.p, here.plan
        block = plan.blocks[min(block_index, plan.last)]
        if block.kind == "done":
            previous = plan.blocks[plan.last - 1]
            position = previous.cues[previous.work_end - 1].position
            exercise = plan.routine.exercises[previous.exercise]
            if exercise.style == "timed":
                return wording.rounds_left(p, exercise, position.set, None)
            return wording.reps_done(p, exercise, position, position.rep)
        exercise = plan.routine.exercises[block.exercise]
        before = plan.blocks[block.index - 1] if block.index > 0 else None
        if block.kind == "intro" or (cue == 0 and before is not None and before.kind == "intro"):
            return p("reps.intro", name=exercise.name, dose=wording.dose_summary(p, exercise))
        if cue == 0 and before is not None and before.kind == "work":
            previous = plan.blocks[block.index - 1]
            if previous.exercise == block.exercise:
                position = previous.cues[previous.work_end - 1].position
                if exercise.style == "timed":
                    return wording.rounds_left(p, exercise, position.set, None)
                return wording.reps_done(p, exercise, position, position.rep)
        position = block.cues[cue].position
        if exercise.style == "timed":
            return wording.rounds_left(p, exercise, position.set - 1, None)
        return wording.reps_done(p, exercise, position, position.rep - 1)

    def go_on(
        self,
        state: RunnerState,
        here: Here,
        target: Target,
        now: float,
        lead: list[str],
        *,
        lead_in: bool = False,
    ) -> Reply:
        """The set goes on in this reply from ``target`` (a rep start, or inside a walk)."""
        block = here.moment.block
        return self.serve(
            state,
            here.plan,
            block.index,
            target.cue,
            now,
            lead,
            silence=target.silence,
            lead_in=lead_in,
        )

    def serve(
        self,
        state: RunnerState,
        plan: Plan,
        block_index: int,
        from_cue: int,
        now: float,
        lead: list[str] | None = None,
        *,
        fresh: bool = False,
        silence: float = 0.0,
        lead_in: bool = True,
    ) -> Reply:
        """Play a block from a cue, after the lead sentences (and, when a set starts, a lead-in
        that gives the runner time to get into position)."""
        p = self.p
        block_index = min(block_index, plan.last)
        block = plan.blocks[block_index]
        from_cue = min(from_cue, len(block.cues) - 1)
        progress = state.progress
        assert progress is not None
        pace = plan.pace
        if block.kind == "done":
            moved = replace(progress, block=block_index, from_cue=0, served_at=now, lead_s=0.0)
            here = Here(plan, moved, moment(block, moved, now))
            finished = self.complete(replace(state, progress=moved), here, now)
            if lead and any(lead):
                words = escape_text(" ".join(x for x in lead if x))
                speech = finished.speech.replace("<speak>", f"<speak>{words} ", 1)
                return finished._replace(speech=speech)
            return finished
        pieces = [self.said(text, pace.speech_rate) for text in (lead or []) if text]
        exercise = plan.routine.exercises[block.exercise]
        starts_set = bool(block.units) and from_cue == block.units[0].start
        if block.kind == "work" and lead_in and (starts_set or fresh):
            if fresh and exercise.get_ready:
                position = p("lead.position", position=exercise.get_ready)
                pieces.append(self.said(position, pace.speech_rate))
                ready = exercise.get_ready_s.value if exercise.get_ready_s else 3.0
                pieces.append((break_tags(ready), ready))
            pieces.append(self.said(p("lead.countdown"), pace.speech_rate))
        if silence > 0:
            pieces.append((break_tags(silence), silence))
        # The lead's speech takes an uncertain time, its silences an exact one: the block is
        # recorded as served that much later, with only the speech as its lead.
        silent = spoken = 0.0
        for piece, seconds in pieces:
            if piece.startswith("<break"):
                silent += seconds
            else:
                spoken += seconds
        lead_s = round(spoken, 3)
        served = changed(
            progress,
            block=block_index,
            from_cue=from_cue,
            served_at=round(now + silent, 3),
            lead_s=lead_s,
            plan=plan.fingerprint,
            exercise=exercise.id,
        )
        inner = plan.block_ssml(block_index, from_cue)
        if pieces:
            before = pieces[0][0]
            for piece, _ in pieces[1:]:
                if not piece.startswith("<") and not before.endswith("/>"):
                    before += " "
                before += piece
            joiner = "" if before.endswith("/>") or inner.startswith("<") else " "
            inner = before + joiner + inner
        speech = document(inner, prosody_rate=pace.prosody_rate)
        return Reply(
            speech,
            self.reprompt(block.reprompt, pace.prosody_rate),
            changed(state, progress=served),
            served=True,
        )

    def said(self, text: str, rate: float) -> tuple[str, float]:
        """A sentence as SSML and its estimated seconds (kept: the same ones come back)."""
        key = (text, rate)
        found = self._said.get(key)
        if found is None:
            found = (escape_text(text), self.p.seconds(text, rate))
            if len(self._said) < MAX_KEPT:
                self._said[key] = found
        return found

    def reprompt(self, text: str, prosody_rate: str | None) -> str:
        key = (text, prosody_rate)
        found = self._reprompts.get(key)
        if found is None:
            found = text_ssml(text, prosody_rate=prosody_rate)
            if len(self._reprompts) < MAX_KEPT:
                self._reprompts[key] = found
        return found

    def wrap(self, inner: str, state: RunnerState) -> str:
        return document(inner, prosody_rate=PACES[state.preferences.pace].prosody_rate)

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
        p = self.p
        names = p.join([p("routine.the", name=r.name) for r in self.catalog], "or")
        question = p("ask.which_routine")
        return self.ask(
            state, p("routines.list", names=names) + " " + question, question, "routine"
        )

    def nothing_started(self, state: RunnerState) -> Reply:
        # No "start" question on record: "yes" still starts (there is nothing else it could
        # mean), but a stray "next" does not begin a routine by itself.
        p = self.p
        routine = self.preferred(state)
        question = p("ask.start", routine=routine.name)
        names = p.join([p("routine.the", name=r.name) for r in self.catalog], "or")
        return self.ask(
            state, p("nothing", names=names) + " " + question, question, f"start:{routine.id}"
        )

    def which_exercise(self, state: RunnerState, routine: Routine) -> Reply:
        """The routine's exercises, and which one the runner means."""
        p = self.p
        names = p.join([e.name for e in routine.exercises])
        question = p("ask.which_exercise")
        text = p("exercises.list", routine=routine.name, names=names) + " " + question
        return self.ask(state, text, question, "exercise")

    def where(self, plan: Plan, block: int, cue: int) -> str:
        return wording.where(self.p, plan, block, cue)


__all__ = ["Question", "Replies", "Reply"]
