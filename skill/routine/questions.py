"""Answers to the runner's questions: reps left, where am I, hold time, time left, what's
next, what an exercise is, missing equipment, progress and help.

An answer does not move the run on: mid-set the set goes on in the same reply from the rep in
progress; between blocks the coach answers and waits (:meth:`Replies.reply_to`).
"""

from __future__ import annotations

from skill.routine import wording
from skill.routine.position import (
    Target,
    is_timed,
    resume_target,
    seconds_left_in_round,
    waiting_after,
)
from skill.routine.replies import Question, Replies, Reply
from skill.routine.state import RunnerState


class Questions(Replies):
    """The coach's answers to questions, each a :class:`Reply`."""

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
                line = p("next.nothing" if self.finished(here) else "next.finish")
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
            return self.which_exercise(state, routine)
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
        return self.ask(
            self.left_waiting(state, here, now),
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
        if m.status == "playing":  # a question never stops the set: it goes on after the help
            return self.reply_to(state, now, [*opening, line], here=here)
        waiting = self.left_waiting(state, here, now)
        return self.ask(waiting, " ".join([*opening, line]), p("ask.what"))


__all__ = ["Questions"]
