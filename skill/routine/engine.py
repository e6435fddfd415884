"""The session engine: given a runner's state, a command and "now", it answers and moves.

Pure Python: no Alexa, web or storage imports. Concerns are split: position arithmetic in
:mod:`skill.routine.position`, words in :mod:`skill.routine.phrases` and
:mod:`skill.routine.wording`; here are the commands and the building of replies. Every method
returns a :class:`Reply` holding the SSML to speak, the reprompt (or none when the session
ends on purpose) and the new state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from skill.routine import wording
from skill.routine.catalog import Catalog, Exercise, Routine, find_exercise
from skill.routine.phrases import ENGLISH_PHRASES, Phrases
from skill.routine.plan import PACE_ORDER, PACES, Plan, compile_plan
from skill.routine.position import (
    Moment,
    Target,
    back_target,
    cut_release,
    is_timed,
    moment,
    next_target,
    repeat_target,
    resume_target,
    seconds_left_in_round,
    waiting_after,
)
from skill.routine.speech import body_ssml, break_tags, document, escape_text, text_ssml
from skill.routine.state import MAX_SECONDS, HistoryEntry, Preferences, Progress, RunnerState

# The yes/no (or "which one") question a reply ends with: "start:<routine>", "resume",
# "start_over", "skip", "exercise", "routine".
Question = str

MAX_KEPT = 4096  # sentences kept rendered per coach (they repeat: positions are finite)


@dataclass(frozen=True)
class Reply:
    speech: str  # SSML
    reprompt: str | None  # SSML; None when the session ends
    state: RunnerState
    asked: Question | None = None
    completed: HistoryEntry | None = None
    served: bool = False  # a block (or part of one) plays in this reply

    @property
    def ends_session(self) -> bool:
        return self.reprompt is None


@dataclass(frozen=True)
class Here:
    """The runner's run, plan and place, read from the state and the clock."""

    plan: Plan
    progress: Progress
    moment: Moment

    @property
    def exercise(self) -> Exercise:
        return self.plan.routine.exercises[self.moment.block.exercise]


class Coach:
    def __init__(self, catalog: Catalog, phrases: Phrases = ENGLISH_PHRASES) -> None:
        self.catalog = catalog
        self.p = phrases
        self._plans: dict[tuple[str, str], Plan] = {}
        self._said: dict[tuple[str, float], tuple[str, float]] = {}
        self._reprompts: dict[tuple[str, str | None], str] = {}

    # -- reading the state ------------------------------------------------------------------
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

    def settle_played_out(self, state: RunnerState, device: str, now: float) -> RunnerState:
        """Before a session on ``device`` goes on from the most recently active run: a run
        another device moved last whose last work has played out is finished, so it is
        recorded now under its own id (that device records the same id: counted once) rather
        than carried on here as a run of this device's own (RunnerState.latest), whose
        completion would count the same routine a second time."""
        state = state.latest()
        for _ in range(1 + len(state.runs)):
            progress = state.progress
            if progress is None or not device or progress.device in ("", device):
                break
            here = self.here(state, now)
            if here is None or not self.finished(here):
                break
            state = self.complete(state, here, now).state.latest()
        return state

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
        pieces = [body_ssml(cues) if done else "", escape_text(closing)]
        speech = self.wrap(" ".join(x for x in pieces if x), state)
        return Reply(speech, None, new_state, completed=recorded)

    # -- moving -----------------------------------------------------------------------------
    def start(
        self, state: RunnerState, routine_id: str | None, now: float, *, fresh: bool = False
    ) -> Reply:
        routine = self.catalog.get(routine_id) if routine_id else self.preferred(state)
        here = self.here(state, now)
        if here is not None and here.progress.routine == routine.id and not self.finished(here):
            block, cue = waiting_after(here.plan, here.moment)
            if (block, cue) != (0, 0):
                lead = [self.p("lead.welcome_back", where=self.where(here.plan, block, cue))]
                return self.serve(
                    self.settled(state, here), here.plan, block, cue, now, lead, fresh=True
                )
        if here is not None and self.finished(here):
            state = self.complete(state, here, now).state
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
        state = replace(state, progress=progress, welcomed=True)
        return self.serve(state, plan, 0, 0, now, [lead] if lead else [])

    def next(
        self, state: RunnerState, now: float, asked: Question | None = None, *, fresh: bool = False
    ) -> Reply:
        answered = self.ready_for_start(state, asked, now, fresh)
        if answered is not None:
            return answered
        here = self.here(state, now)
        if here is None:
            return self.nothing_started(state)
        if self.finished(here):
            return self.complete(state, here, now)
        m, state = here.moment, self.settled(state, here)
        if m.status == "waiting":
            return self.serve(state, here.plan, m.block.index, m.from_cue, now, fresh=fresh)
        if m.status == "finished":
            lead = [self.last_release(m)]
            return self.serve(state, here.plan, m.block.index + 1, 0, now, lead, fresh=fresh)
        target = next_target(m)
        lead = [cut_release(m.block, target)]
        if target.cue >= m.block.work_end:
            return self.serve(state, here.plan, m.block.index + 1, 0, now, lead)
        if target.passes_unheard:
            opening = m.block.cues[target.cue].position
            lead.append(
                self.p(
                    "lead.on_to_rep",
                    rep=self.p.number(opening.rep),
                    total=self.p.number(here.exercise.rep_count),
                )
            )
        return self.go_on(state, here, target, now, lead, lead_in=False)

    def resume(
        self,
        state: RunnerState,
        now: float,
        asked: Question | None = None,
        *,
        fresh: bool = False,
        announce: bool = True,
    ) -> Reply:
        answered = self.ready_for_start(state, asked, now, fresh)
        if answered is not None:
            return answered
        here = self.here(state, now)
        if here is None:
            return self.nothing_started(state)
        if self.finished(here):
            return self.complete(state, here, now)
        m, state = here.moment, self.settled(state, here)
        if m.status == "playing":
            target = resume_target(m)
            return self.go_on(state, here, target, now, [cut_release(m.block, target)])
        block, cue = waiting_after(here.plan, m)
        lead = [self.last_release(m)] if m.status == "finished" else []
        if cue > 0 and announce:  # (not when the question just named the place)
            lead.append(self.p("lead.picking_up", where=self.where(here.plan, block, cue)))
        return self.serve(state, here.plan, block, cue, now, lead, fresh=fresh)

    def previous(self, state: RunnerState, now: float) -> Reply:
        here = self.here(state, now)
        if here is None:
            return self.nothing_started(state)
        m, state = here.moment, self.settled(state, here)
        if m.status == "playing" and m.block.units:
            target = back_target(m)
            return self.go_on(state, here, target, now, [self.p("lead.back_rep")], lead_in=False)
        block, _ = waiting_after(here.plan, m)
        if m.status == "waiting":
            block = m.block.index
        if block == 0:
            return self.serve(state, here.plan, 0, 0, now, [self.p("lead.very_start")])
        return self.serve(state, here.plan, block - 1, 0, now)

    def repeat(self, state: RunnerState, now: float) -> Reply:
        here = self.here(state, now)
        if here is None:
            return self.nothing_started(state)
        m, state = here.moment, self.settled(state, here)
        if m.status == "playing" and m.block.units:
            target = repeat_target(m)
            return self.go_on(state, here, target, now, [self.p("lead.repeat_rep")], lead_in=False)
        if m.block.kind == "intro" or m.status == "waiting":
            return self.serve(state, here.plan, m.block.index, m.from_cue, now)
        # Between blocks: the last instruction, not the whole set.
        closing = m.block.cues[-1].text
        block, cue = waiting_after(here.plan, m)
        waiting = replace(state, progress=self.waiting(here.plan, here.progress, block, cue))
        return self.ask(waiting, closing, self.p("ask.next"))

    def skip_exercise(
        self,
        state: RunnerState,
        now: float,
        exercise_id: str | None = None,
        spoken: str | None = None,
    ) -> Reply:
        here = self.here(state, now)
        if here is None:
            return self.nothing_started(state)
        if self.finished(here):
            return self.complete(state, here, now)
        p, plan, m = self.p, here.plan, here.moment
        index = m.block.exercise
        wanted = self.exercise_id(plan.routine, exercise_id, spoken)
        if wanted is not None:
            index = plan.routine.exercise_index(wanted)
        exercise = plan.routine.exercises[index]
        progress = here.progress
        lead = []
        # "Next exercise" once this one's work is all done simply moves on.
        if not self.all_done(plan, index, m):
            skipped = tuple(dict.fromkeys([*progress.skipped, exercise.id]))
            progress = replace(progress, skipped=skipped)
            key = (
                "lead.skipping" if index + 1 < len(plan.routine.exercises) else "lead.skipping_last"
            )
            lead.append(p(key, name=exercise.name))
        state = replace(state, progress=progress)
        if index + 1 < len(plan.routine.exercises):
            return self.serve(state, plan, plan.intro_block(index + 1), 0, now, lead)
        moved = self.here(
            replace(state, progress=progress.waiting_at(plan.last, 0, exercise.id)), now
        )
        assert moved is not None
        finished = self.complete(replace(state, progress=moved.progress), moved, now)
        if lead:
            speech = finished.speech.replace("<speak>", "<speak>" + escape_text(lead[0]) + " ", 1)
            return replace(finished, speech=speech)
        return finished

    def all_done(self, plan: Plan, index: int, m: Moment) -> bool:
        """Every rep of exercise ``index`` has been served and may be over."""
        work = plan.exercise_work(index)
        return bool(work) and m.block.index == work[-1].index and m.status == "finished"

    def start_over(self, state: RunnerState, now: float, *, confirmed: bool = False) -> Reply:
        here = self.here(state, now)
        routine = self.catalog.get(here.progress.routine) if here else self.preferred(state)
        if here is not None and not confirmed and not self.finished(here):
            block, cue = waiting_after(here.plan, here.moment)
            if (block, cue) != (0, 0):
                waiting = replace(
                    state, progress=self.waiting(here.plan, here.progress, block, cue)
                )
                where = self.where(here.plan, block, cue)
                return self.ask(
                    waiting,
                    self.p("ask.start_over", routine=routine.name, where=where),
                    self.p("ask.start_over.reprompt"),
                    "start_over",
                )
        return self.begin(state, routine, now, self.p("lead.starting_over"))

    def go_to(
        self,
        state: RunnerState,
        exercise_id: str | None,
        now: float,
        spoken: str | None = None,
    ) -> Reply:
        """Go to an exercise by id, or failing that by the words the runner said."""
        p = self.p
        here = self.here(state, now)
        routine = self.catalog.get(here.progress.routine) if here else self.preferred(state)
        wanted = self.exercise_id(routine, exercise_id, spoken)
        if wanted is None:
            names = p.join([e.name for e in routine.exercises])
            question = p("ask.which_exercise")
            text = p("exercises.list", routine=routine.name, names=names) + " " + question
            return self.ask(state, text, question, "exercise")
        if here is None:
            started = self.begin(state, routine, now)
            found = self.here(started.state, now)
            assert found is not None
            here, state = found, started.state
        plan = here.plan
        target = plan.routine.exercise_index(wanted)
        progress = here.progress
        current = here.moment.block.exercise
        jumped = [e.id for e in plan.routine.exercises[current:target]]
        if jumped and target > current:
            progress = replace(progress, skipped=tuple(dict.fromkeys([*progress.skipped, *jumped])))
        progress = replace(progress, skipped=tuple(s for s in progress.skipped if s != wanted))
        return self.serve(replace(state, progress=progress), plan, plan.intro_block(target), 0, now)

    def change_pace(self, state: RunnerState, faster: bool, now: float) -> Reply:
        p = self.p
        order = PACE_ORDER.index(state.preferences.pace)
        wanted = order + (1 if faster else -1)
        word = "faster" if faster else "slower"
        if not 0 <= wanted < len(PACE_ORDER):
            return self.reply_to(state, now, [p(f"pace.limit.{word}")])
        here = self.here(state, now)
        state = replace(state, preferences=Preferences(pace=PACE_ORDER[wanted]))
        lead = [p("lead.pace", word=p(f"pace.{word}"))]
        if here is None:
            return self.reply_to(state, now, lead)
        moved = Here(
            self.plan_for(here.plan.routine, state.preferences), here.progress, here.moment
        )
        moved = Here(
            moved.plan,
            replace(here.progress, plan=moved.plan.fingerprint),
            replace(here.moment, block=moved.plan.blocks[here.moment.block.index]),
        )
        state = replace(state, progress=moved.progress)
        return self.reply_to(state, now, lead, here=moved)

    def pause(self, state: RunnerState, now: float) -> Reply:
        here = self.here(state, now)
        if here is None:
            return self.nothing_started(state)
        if self.finished(here):
            return self.complete(state, here, now)
        block, cue = waiting_after(here.plan, here.moment)
        waiting = replace(state, progress=self.waiting(here.plan, here.progress, block, cue))
        bye = self.p("bye.paused", where=self.where(here.plan, block, cue))
        return self.goodbye(waiting, " ".join(x for x in (self.release_of(here), bye) if x))

    def stop(self, state: RunnerState, now: float) -> Reply:
        here = self.here(state, now)
        if here is None:
            return self.goodbye(state, self.p("bye.plain"))
        if self.finished(here):
            return self.complete(state, here, now)
        block, cue = waiting_after(here.plan, here.moment)
        waiting = replace(state, progress=self.waiting(here.plan, here.progress, block, cue))
        bye = self.p("bye.stopped", where=self.where(here.plan, block, cue))
        return self.goodbye(waiting, " ".join(x for x in (self.release_of(here), bye) if x))

    def session_ended(self, state: RunnerState, now: float) -> RunnerState:
        """The session closed (silence, the runner walked away): a run whose last work has
        played out is recorded now; otherwise nothing changes."""
        here = self.here(state, now)
        if here is not None and self.finished(here):
            return self.complete(state, here, now).state
        return state

    # -- answering --------------------------------------------------------------------------
    def launch(self, state: RunnerState, now: float) -> Reply:
        p = self.p
        here = self.here(state, now)
        if here is not None and self.finished(here):
            state = self.complete(state, here, now).state
            here = None
        if here is not None:
            block, cue = waiting_after(here.plan, here.moment)
            waiting = self.settled(state, here)
            if here.moment.status == "playing":  # the launch cut it short: it waits there
                waiting = replace(
                    state, progress=self.waiting(here.plan, here.progress, block, cue)
                )
            question = p("ask.pick_up")
            return self.ask(
                waiting,
                p("launch.stopped", where=self.where(here.plan, block, cue)) + " " + question,
                p("ask.pick_up.reprompt"),
                "resume",
            )
        routine = self.preferred(state)
        question = p("ask.start", routine=routine.name)
        other = next((r for r in self.catalog if r.id != routine.id), routine)
        reprompt = p(
            "ask.start.reprompt",
            routine=routine.name,
            other=p("ask.start_other", routine=other.name),
        )
        asked = f"start:{routine.id}"
        if not state.welcomed:
            intro = p("launch.first", safety=routine.safety)
            return self.ask(replace(state, welcomed=True), f"{intro} {question}", reprompt, asked)
        done = sum(state.completed().values())
        greeting = (
            p("launch.back_count", count=p.count(done, "routine")) if done else p("launch.back")
        )
        return self.ask(state, f"{greeting} {question}", reprompt, asked)

    def preferred(self, state: RunnerState) -> Routine:
        """The routine to offer: the one the runner finished last, else the default."""
        for entry in reversed(state.history):
            if entry.routine in self.catalog:
                return self.catalog.get(entry.routine)
        return self.catalog.default

    def yes(
        self, state: RunnerState, asked: Question | None, now: float, *, fresh: bool = False
    ) -> Reply:
        if asked is None:
            if state.progress is None:
                return self.start(state, None, now, fresh=fresh)
            return self.resume(state, now, fresh=fresh)
        answered = self.answer_question(state, asked, True, now, fresh)
        if answered is not None:
            return answered
        return self.resume(state, now, fresh=fresh)

    def no(self, state: RunnerState, asked: Question | None, now: float) -> Reply:
        answered = self.answer_question(state, asked, False, now, False) if asked else None
        if answered is not None:
            return answered
        if state.progress is None:
            return self.goodbye(state, self.p("no.later"))
        return self.reply_to(state, now, [self.p("no.carry_on")])

    def ready_for_start(
        self, state: RunnerState, asked: Question | None, now: float, fresh: bool
    ) -> Reply | None:
        """A "ready", "next" or "continue" said to a start question: a yes to it."""
        if asked is None or asked.split(":")[0] not in ("start", "start_top"):
            return None
        return self.answer_question(state, asked, True, now, fresh)

    def answer_question(
        self, state: RunnerState, asked: str, yes: bool, now: float, fresh: bool
    ) -> Reply | None:
        """A yes (or "ready") or a no to the question the last reply asked; None when the
        question does not take one."""
        p = self.p
        parts = asked.split(":")
        kind = parts[0]
        routine_id = parts[1] if len(parts) > 1 else ""
        if kind == "start":
            if routine_id not in self.catalog:
                routine_id = self.catalog.default.id
            if yes:
                if state.progress is not None and state.progress.routine == routine_id:
                    return self.resume(state, now, fresh=fresh)
                return self.begin(replace(state, progress=None), self.catalog.get(routine_id), now)
            others = [r for r in self.catalog if r.id != routine_id]
            if not others or "offered" in parts:
                return self.goodbye(state, p("no.later"))
            other = others[0]
            question = p("ask.instead", routine=other.name)
            # "no" again ends the conversation: asked questions never loop.
            return self.ask(state, question, question, f"start:{other.id}:offered")
        if kind == "resume":
            if yes:
                return self.resume(state, now, fresh=True, announce=False)
            routine = (
                self.catalog.get(state.progress.routine)
                if state.progress and state.progress.routine in self.catalog
                else self.preferred(state)
            )
            question = p("ask.from_top", routine=routine.name)
            return self.ask(state, question, question, f"start_top:{routine.id}")
        if kind == "start_top":
            if yes and routine_id in self.catalog:
                return self.begin(state, self.catalog.get(routine_id), now)
            others = [r for r in self.catalog if r.id != routine_id]
            if yes or not others:
                return self.goodbye(state, p("no.later"))
            question = p("ask.instead", routine=others[0].name)
            return self.ask(state, question, question, f"start:{others[0].id}:offered")
        if kind == "start_over":
            if yes:
                return self.start_over(state, now, confirmed=True)
            return self.resume(state, now, fresh=fresh)
        if kind == "skip":
            if yes:
                return self.skip_exercise(state, now, routine_id or None)
            return self.resume(state, now, fresh=fresh)
        return None

    def reps_left(self, state: RunnerState, now: float) -> Reply:
        here = self.here(state, now)
        if here is None:
            return self.nothing_started(state)
        return self.reply_to(state, now, [], here=here, fact="reps")

    def where_am_i(self, state: RunnerState, now: float) -> Reply:
        here = self.here(state, now)
        if here is None:
            return self.nothing_started(state)
        p, plan = self.p, here.plan
        about = p(
            "where.this",
            name=here.exercise.name,
            number=p.number(here.moment.block.exercise + 1),
            count=p.number(len(plan.routine.exercises)),
        )
        return self.reply_to(state, now, [about], here=here, fact="reps")

    def hold_time(self, state: RunnerState, now: float) -> Reply:
        here = self.here(state, now)
        if here is None:
            return self.nothing_started(state)
        exercise, p = here.exercise, self.p
        if exercise.style == "timed":
            assert exercise.duration_s
            line = p("hold.timed", duration=p.duration(exercise.duration_s.value))
        else:
            assert exercise.hold_s
            line = p("hold.reps", hold=p.duration(exercise.hold_s.value))
        return self.reply_to(state, now, [line], here=here)

    def time_left(self, state: RunnerState, now: float) -> Reply:
        here = self.here(state, now)
        if here is None:
            return self.nothing_started(state)
        p, plan, m = self.p, here.plan, here.moment
        in_round = seconds_left_in_round(m)
        if in_round is not None:
            line = p("round.left", time=p.rough(in_round))
        else:
            if m.status == "playing":
                seconds = m.block.time_between(m.mid, len(m.block.cues)) + plan.seconds_from(
                    m.block.index + 1
                )
            else:
                block, cue = waiting_after(plan, m)
                seconds = plan.seconds_from(block, cue)
            line = p("time.left", time=p.rough(seconds), routine=plan.routine.name)
        return self.reply_to(state, now, [line], here=here)

    def whats_next(self, state: RunnerState, now: float) -> Reply:
        here = self.here(state, now)
        if here is None:
            return self.nothing_started(state)
        p, plan, m = self.p, here.plan, here.moment
        exercise = here.exercise
        line = ""
        if m.status == "playing" and m.block.units:
            target = resume_target(m)
            if target.unit == max(0, m.block.unit_at(m.hi)):  # the rep in progress goes on
                target = Target(target.unit + 1, False, m.block.units[target.unit].end)
            if target.cue < m.block.work_end:
                position = m.block.cues[target.cue].position
                if is_timed(m.block):
                    line = p(
                        "next.round",
                        round=p.number(position.set),
                        rounds=p.number(exercise.set_count),
                    )
                else:
                    line = p(
                        "next.after_rep",
                        rep=p.number(position.rep),
                        total=p.number(exercise.rep_count),
                        on_side=wording.on_side(p, position),
                    )
        if not line:
            block, _ = waiting_after(plan, m)
            if m.status == "playing":
                block = m.block.index + 1
            following = plan.blocks[min(block, plan.last)]
            if following.kind == "done":
                line = p("next.finish")
            elif following.exercise != m.block.exercise or following.kind == "intro":
                name = plan.routine.exercises[following.exercise].name
                line = p("next.exercise", name=name)
            elif exercise.style == "timed":
                first = following.cues[0].position
                key = "next.after_round" if m.status == "playing" else "next.round"
                line = p(key, round=p.number(first.set), rounds=p.number(exercise.set_count))
            elif following.cues[0].position.rep > 1:  # the rest of a set split in two blocks
                first = following.cues[0].position
                line = p(
                    "next.after_rep",
                    rep=p.number(first.rep),
                    total=p.number(exercise.rep_count),
                    on_side=wording.on_side(p, first),
                )
            else:
                first = following.cues[0].position
                what = (
                    p(
                        "next.side",
                        reps=p.count(exercise.rep_count, "rep"),
                        on_side=wording.on_side(p, first),
                    )
                    if first.set == 1
                    else p("next.set", set=p.number(first.set))
                )
                key = "next.after_set" if m.status == "playing" else "next.block"
                line = p(key, what=what)
        return self.reply_to(state, now, [line], here=here)

    def exercise_info(
        self,
        state: RunnerState,
        now: float,
        exercise_id: str | None = None,
        spoken: str | None = None,
    ) -> Reply:
        p = self.p
        here = self.here(state, now)
        routine = self.catalog.get(here.progress.routine) if here else self.preferred(state)
        wanted = self.exercise_id(routine, exercise_id, spoken)
        if wanted is None and here is None:
            return self.go_to(state, None, now)
        exercise = routine.exercise(wanted) if wanted else routine.exercises[0]
        if here is not None and wanted is None:
            exercise = here.exercise
        if here is not None and here.moment.status == "playing":
            line = p("info.short", purpose=exercise.purpose, cue=exercise.cue)
        else:
            line = p(
                "info.long", purpose=exercise.purpose, instructions=" ".join(exercise.instructions)
            )
        if here is None:
            question = p("ask.start", routine=routine.name)
            return self.ask(state, f"{line} {question}", question, f"start:{routine.id}")
        return self.reply_to(state, now, [line], here=here)

    def missing_equipment(self, state: RunnerState, now: float, equipment: str | None) -> Reply:
        p = self.p
        here = self.here(state, now)
        if here is None:
            return self.help(state, now)
        exercise = here.exercise
        if here.moment.status == "finished" and here.moment.block.kind == "work":
            following = here.plan.blocks[min(here.moment.block.index + 1, here.plan.last)]
            exercise = here.plan.routine.exercises[following.exercise]
        alternative = exercise.alternative(equipment) if equipment else None
        if alternative:
            return self.reply_to(state, now, [p.text(alternative)], here=here)
        if (
            equipment
            and any(e.alternative(equipment) for e in here.plan.routine.exercises) is False
        ):
            return self.reply_to(
                state, now, [p("equipment.not_needed", name=exercise.name)], here=here
            )
        block, cue = waiting_after(here.plan, here.moment)
        waiting = replace(state, progress=self.waiting(here.plan, here.progress, block, cue))
        return self.ask(
            waiting,
            p("equipment.offer_skip", name=exercise.name),
            p("ask.skip.reprompt", name=exercise.name),
            f"skip:{exercise.id}",
        )

    def progress_report(self, state: RunnerState, now: float) -> Reply:
        p = self.p
        history = state.history
        counts = state.completed()
        if not history:
            line = p("report.none")
        else:
            parts = [
                p.count(
                    n, "named_routine", name=self.catalog.get(r).name if r in self.catalog else r
                )
                for r, n in counts.items()
            ]
            streak, first_day = wording.streak_days(history, now)
            total = p.count(sum(counts.values()), "routine")
            if len(parts) > 1:
                line = p("report.count_parts", count=total, parts=p.join(parts))
            else:
                line = p("report.count", count=total)
            if streak > 1:
                # With older completions only counted, a streak reaching the oldest listed day
                # may reach further back.
                reaches_oldest = first_day <= wording.day_of(history[0].completed_at)
                key = (
                    "report.streak_at_least"
                    if state.earlier and reaches_oldest
                    else "report.streak"
                )
                line += " " + p(key, streak=p.number(streak))
            line += " " + p("report.last", when=wording.days_ago(p, history[-1].completed_at, now))
        return self.reply_to(state, now, [line])

    def help(
        self, state: RunnerState, now: float, *, sorry: bool = False, asked: Question | None = None
    ) -> Reply:
        p = self.p
        opening = [p("sorry")] if sorry else []
        here = self.here(state, now)
        if here is None:
            routine = self.preferred(state)
            question = p("ask.start", routine=routine.name)
            text = " ".join([*opening, p("help.idle", routine=routine.name), question])
            return self.ask(state, text, question, f"start:{routine.id}")
        if asked:
            return self.reply_to(state, now, [*opening, p("help.question")], here=here, asked=asked)
        m = here.moment
        block, cue = waiting_after(here.plan, m)
        if m.status == "waiting":
            block, cue = m.block.index, m.from_cue
        where = self.where(here.plan, block, cue)
        if block >= here.plan.last:
            line = p("help.end")
        elif here.plan.blocks[block].kind == "intro" or m.block.kind == "intro":
            line = p("help.intro", where=where)
        else:
            line = p("help.set", where=where)
        if self.finished(here):
            return self.reply_to(state, now, [*opening, line], here=here, wait=True)
        waiting = replace(state, progress=self.waiting(here.plan, here.progress, block, cue))
        return self.ask(waiting, " ".join([*opening, line]), p("ask.what"))

    # -- building replies ---------------------------------------------------------------------
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
    ) -> Reply:
        """Answer without moving: mid-set the set goes on in the same reply from the rep in
        progress; between blocks the coach answers and waits."""
        p = self.p
        if here is None:
            here = self.here(state, now)
        if here is None:
            return self.ask(state, " ".join([*lines, p("ask.begin")]), p("ask.begin"), asked)
        if self.finished(here) and here.moment.block.index < here.plan.last:
            state = self.complete(state, here, now).state
            line = p("done.already", routine=here.plan.routine.name)
            return self.ask(state, " ".join([*lines, line]), p("ask.what"), asked)
        m, plan = here.moment, here.plan
        state = self.settled(state, here)
        if m.status == "playing" and not wait and asked is None:
            target = resume_target(m)
            release = cut_release(m.block, target)
            if fact == "reps":
                lines = [*lines, self.reps_fact(here, target)]
            if target.cue < m.block.work_end:
                return self.go_on(state, here, target, now, [release, *lines])
            m = replace(m, status="finished")
            lines = [release, *lines]
        elif m.status == "finished":
            lines = [self.last_release(m), *lines]
        block, cue = waiting_after(plan, m)
        if fact == "reps":
            if m.status == "finished" and m.block.kind == "work":
                over = Target(len(m.block.units), False, m.block.work_end)
                lines = [*lines, self.reps_fact(here, over)]
            else:
                lines = [*lines, self.reps_waiting(here, block, cue)]
        waiting = replace(state, progress=self.waiting(plan, here.progress, block, cue))
        question = p("ask.next") if m.status == "finished" or cue == 0 else p("ask.continue")
        return self.ask(waiting, " ".join(x for x in [*lines, question] if x), question, asked)

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
                return replace(finished, speech=speech)
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
        silent = sum(seconds for piece, seconds in pieces if piece.startswith("<break"))
        lead_s = round(sum(seconds for _, seconds in pieces) - silent, 3)
        served = replace(
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
            replace(state, progress=served),
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

    def settled(self, state: RunnerState, here: Here) -> RunnerState:
        if state.progress is here.progress:
            return state
        return replace(state, progress=here.progress)

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
        return replace(state, progress=self.waiting(here.plan, here.progress, block, cue))

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

    def where(self, plan: Plan, block: int, cue: int) -> str:
        return wording.where(self.p, plan, block, cue)

    def exercise_id(
        self, routine: Routine, exercise_id: str | None, spoken: str | None
    ) -> str | None:
        ids = [exercise.id for exercise in routine.exercises]
        if exercise_id not in ids and spoken:
            exercise_id = find_exercise(routine, spoken)
        return exercise_id if exercise_id in ids else None

    def is_playing(self, state: RunnerState, now: float) -> bool:
        here = self.here(state, now)
        return here is not None and here.moment.status == "playing"


__all__ = ["Coach", "Question", "Reply"]
