"""The session engine: given a runner's state, a command and "now", the coach answers and moves.

Pure Python: no Alexa, web or storage imports. :class:`Coach` stacks the concerns, each in its
module: reading the run from the state (:mod:`skill.routine.run`), position arithmetic
(:mod:`skill.routine.position`), building replies (:mod:`skill.routine.replies`), answers to
questions (:mod:`skill.routine.questions`), words (:mod:`skill.routine.phrases` and
:mod:`skill.routine.wording`). Here are the commands: start, next, resume, previous, repeat,
skip, start over, go to, pace, pause, stop, the end of a session, launch and the answers to
the questions a reply asked. Every method returns a :class:`Reply` holding the SSML to speak,
the reprompt (or none when the session ends on purpose) and the new state.
"""

from __future__ import annotations

from dataclasses import replace

from skill.routine.catalog import Routine
from skill.routine.plan import PACE_ORDER, Plan
from skill.routine.position import (
    Moment,
    back_target,
    cut_release,
    next_target,
    repeat_target,
    resume_target,
    waiting_after,
)
from skill.routine.questions import Questions
from skill.routine.replies import Question, Reply
from skill.routine.run import Here
from skill.routine.speech import escape_text
from skill.routine.state import Preferences, Progress, RunnerState


class Coach(Questions):
    """The commands, on top of the answers to questions, reply building and reading the run."""

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
        opening = m.block.cues[target.cue].position
        if target.passes_unheard and opening.rep > 0:  # (a round's own words name it)
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
        # Between blocks: the last instruction, not the whole set (and again if asked again).
        closing = " ".join(x for x in (self.release_of(here), m.block.cues[-1].text) if x)
        return self.ask(self.left_waiting(state, here, now), closing, self.p("ask.next"))

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
        else:  # ...after closing the last rep, which a slow device may still be in
            lead.append(self.last_release(m))
        state = replace(state, progress=progress)
        if index + 1 < len(plan.routine.exercises):
            return self.serve(state, plan, plan.intro_block(index + 1), 0, now, lead)
        moved = self.here(
            replace(state, progress=progress.waiting_at(plan.last, 0, exercise.id)), now
        )
        assert moved is not None
        finished = self.complete(replace(state, progress=moved.progress), moved, now)
        words = " ".join(x for x in lead if x)
        if words:
            speech = finished.speech.replace("<speak>", "<speak>" + escape_text(words) + " ", 1)
            return finished._replace(speech=speech)
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
                waiting = self.left_waiting(state, here, now)
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
        here = self.here(state, now)
        routine = self.catalog.get(here.progress.routine) if here else self.preferred(state)
        wanted = self.exercise_id(routine, exercise_id, spoken)
        if wanted is None:
            return self.which_exercise(state, routine)
        if here is None:
            started = self.begin(state, routine, now)
            found = self.here(started.state, now)
            assert found is not None
            here, state = found, started.state
        plan = here.plan
        target = plan.routine.exercise_index(wanted)
        progress = here.progress
        current = here.moment.block.exercise
        if self.all_done(plan, current, here.moment):
            current += 1  # its work was all served and played out: not skipped
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
            here.moment._replace(block=moved.plan.blocks[here.moment.block.index]),
        )
        state = replace(state, progress=moved.progress)
        return self.reply_to(state, now, lead, here=moved, retimed=True)

    def pause(self, state: RunnerState, now: float) -> Reply:
        here = self.here(state, now)
        if here is None:
            return self.nothing_started(state)
        if self.finished(here):
            return self.complete(state, here, now)
        block, cue = waiting_after(here.plan, here.moment)
        waiting = self.left_waiting(state, here, now)
        bye = self.p("bye.paused", where=self.where(here.plan, block, cue))
        return self.goodbye(waiting, " ".join(x for x in (self.release_of(here), bye) if x))

    def stop(self, state: RunnerState, now: float) -> Reply:
        here = self.here(state, now)
        if here is None:
            return self.goodbye(state, self.p("bye.plain"))
        if self.finished(here):
            return self.complete(state, here, now)
        block, cue = waiting_after(here.plan, here.moment)
        waiting = self.left_waiting(state, here, now)
        bye = self.p("bye.stopped", where=self.where(here.plan, block, cue))
        return self.goodbye(waiting, " ".join(x for x in (self.release_of(here), bye) if x))

    def session_ended(self, state: RunnerState, now: float) -> RunnerState:
        """The session closed (silence, the runner walked away): a run whose last work has
        played out is recorded now; otherwise nothing changes."""
        here = self.here(state, now)
        if here is not None and self.finished(here):
            return self.complete(state, here, now).state
        return state

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

    # -- opening, and the answers to the question a reply asked ------------------------------
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


__all__ = ["Coach", "Question", "Reply"]
