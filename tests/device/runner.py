"""Random runners for property tests: hypothesis strategies that choose a runner's moves, a
driver that plays them on a simulated Echo, and a transcript recorder for failure reports.

    @given(conversation=conversations())
    def test_something(conversation: Conversation) -> None:
        with device_world(rate=conversation.rate) as (echo, clock):
            transcript = play(echo, conversation)
            note(transcript.render())          # shown when hypothesis reports a failure
            ...

A move's barge-in is a fraction of the playback it interrupts, so the same move fits every
response length; reactions are drawn per move.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from hypothesis import strategies as st

from .echo import Echo, FakeClock, Turn, make_app

MIN_RATE, MAX_RATE = 0.8, 1.25
MIN_REACTION, MAX_REACTION = 1.5, 5.0

# What a runner says mid-routine, weighted towards moving on (so routines get somewhere).
MOVING_ON = ("NextStepIntent", "AMAZON.NextIntent", "AMAZON.ResumeIntent", "AMAZON.YesIntent")
QUESTIONS = ("RepsLeftIntent", "WhereAmIIntent", "TimeLeftIntent", "AMAZON.HelpIntent")
NAVIGATION = (
    "AMAZON.RepeatIntent",
    "AMAZON.PreviousIntent",
    "SkipExerciseIntent",
    "AMAZON.PauseIntent",
    "AMAZON.NoIntent",
)

MoveKind = Literal["say", "launch", "silence", "stop_session", "wait"]


@dataclass(frozen=True)
class Move:
    """One thing the runner does. ``barge_in`` is a fraction of the playback it cuts into."""

    kind: MoveKind
    intent: str | None = None
    slots: tuple[tuple[str, str], ...] = ()
    after: float = 2.0
    barge_in: float | None = None
    seconds: float = 0.0  # for "wait"

    def describe(self) -> str:
        if self.kind == "say":
            when = (
                f"barge-in at {self.barge_in:.0%}"
                if self.barge_in is not None
                else f"after {self.after:.1f} s"
            )
            slots = "".join(f" {k}={v!r}" for k, v in self.slots)
            return f"say {self.intent}{slots} ({when})"
        if self.kind == "wait":
            return f"wait {self.seconds:g} s"
        if self.kind == "launch":
            return f"launch (after {self.after:.1f} s)"
        return self.kind


@dataclass(frozen=True)
class Conversation:
    rate: float
    moves: tuple[Move, ...]
    launch_first: bool = True


def rates() -> st.SearchStrategy[float]:
    """Speaking rates of the device against the skill's estimate: 0.8 to 1.25."""
    return st.floats(MIN_RATE, MAX_RATE, allow_nan=False)


def reactions() -> st.SearchStrategy[float]:
    """Seconds from the end of playback to the runner's request reaching the skill."""
    return st.floats(MIN_REACTION, MAX_REACTION, allow_nan=False)


def barge_fractions() -> st.SearchStrategy[float]:
    return st.floats(0.0, 0.99, allow_nan=False)


def says(intents: Sequence[str], *, barge_in_chance: float = 0.3) -> st.SearchStrategy[Move]:
    """The runner says one of ``intents``, after a reaction or (sometimes) barging in."""

    @st.composite
    def build(draw: st.DrawFn) -> Move:
        intent = draw(st.sampled_from(intents))
        barge = draw(st.floats(0, 1)) < barge_in_chance
        return Move(
            "say",
            intent,
            after=draw(reactions()),
            barge_in=draw(barge_fractions()) if barge else None,
        )

    return build()


def moves(
    *,
    moving_on: Sequence[str] = MOVING_ON,
    questions: Sequence[str] = QUESTIONS,
    navigation: Sequence[str] = NAVIGATION,
    walk_away: bool = True,
) -> st.SearchStrategy[Move]:
    """A runner's next move: mostly moving on, often a question, sometimes navigation,
    silence, a new launch or (with ``walk_away``) leaving for a while."""
    choices: list[st.SearchStrategy[Move]] = [
        says(moving_on),
        says(moving_on),
        says(moving_on),
        says(questions, barge_in_chance=0.6),
    ]
    if navigation:
        choices.append(says(navigation))
    if walk_away:
        choices += [
            st.just(Move("silence")),
            st.builds(Move, st.just("launch"), after=reactions()),
            st.builds(Move, st.just("wait"), seconds=st.sampled_from([60.0, 3600.0, 86400.0])),
        ]
    return st.one_of(choices)


def conversations(
    *, min_moves: int = 1, max_moves: int = 25, move: st.SearchStrategy[Move] | None = None
) -> st.SearchStrategy[Conversation]:
    """A device rate and a runner's sequence of moves, starting with "Alexa, open foot coach"."""
    return st.builds(
        Conversation,
        rate=rates(),
        moves=st.lists(move or moves(), min_size=min_moves, max_size=max_moves).map(tuple),
    )


# -- playing moves ----------------------------------------------------------------------------


@dataclass
class Transcript:
    """Everything the device played and sent, with the moves that caused them."""

    rate: float
    entries: list[tuple[Move | None, list[Turn]]] = field(default_factory=list)

    @property
    def turns(self) -> list[Turn]:
        return [turn for _, turns in self.entries for turn in turns]

    def responses(self) -> list[Turn]:
        return [turn for turn in self.turns if turn.kind == "response"]

    def render(self, width: int = 110) -> str:
        """A readable log: the moves, and per turn the time, what played and what was heard."""
        lines = [f"device rate {self.rate:.3f}"]
        start = self.turns[0].started_at if self.turns else 0.0
        for move, turns in self.entries:
            lines.append(f"> {move.describe() if move else 'launch'}")
            for turn in turns:
                at = f"{turn.started_at - start:8.1f}s"
                if turn.kind == "ended":
                    reason = turn.request.get("request", {}).get("reason")
                    lines.append(f"  {at} SessionEndedRequest {reason}")
                    continue
                label = turn.intent or turn.request_type or turn.kind
                cut = (
                    f" [cut at {turn.interrupted_at:.1f}s of {turn.duration:.1f}s]"
                    if turn.interrupted_at is not None
                    else f" [{turn.duration:.1f}s]"
                )
                session = " (new session)" if turn.kind == "response" and turn.new_session else ""
                lines.append(f"  {at} {label}{session}{cut}")
                heard = (
                    turn.heard_text
                    if len(turn.heard_text) <= width
                    else (turn.heard_text[: width - 3] + "...")
                )
                lines.append(f"           heard: {heard}")
        return "\n".join(lines)


def apply(echo: Echo, move: Move) -> None:
    """Do one move on ``echo``; a barge-in with nothing playing becomes an answer after it."""
    if move.kind == "say":
        assert move.intent is not None
        playing = echo.playing
        barge = None
        if move.barge_in is not None and playing is not None:
            moment = playing.started_at + move.barge_in * playing.duration
            if moment >= echo.clock():
                barge = move.barge_in * playing.duration
        echo.say(move.intent, dict(move.slots), after=move.after, barge_in=barge)
    elif move.kind == "launch":
        echo.launch(after=move.after)
    elif move.kind == "silence":
        echo.silence()
    elif move.kind == "stop_session":
        echo.stop_session()
    elif move.kind == "wait":
        echo.wait(move.seconds)


def play(echo: Echo, conversation: Conversation) -> Transcript:
    """Launch (unless told not to), then do every move; returns what happened."""
    transcript = Transcript(rate=echo.rate)
    if conversation.launch_first:
        before = len(echo.turns)
        echo.launch()
        transcript.entries.append((None, echo.turns[before:]))
    for move in conversation.moves:
        before = len(echo.turns)
        apply(echo, move)
        transcript.entries.append((move, echo.turns[before:]))
    return transcript


@contextmanager
def device_world(rate: float = 1.0, **echo_options: object) -> Iterator[tuple[Echo, FakeClock]]:
    """A fresh app on a fresh SQLite file and fake clock, and one Echo on it: for @given tests,
    which cannot use function-scoped fixtures."""
    with tempfile.TemporaryDirectory(prefix="footcoach-device-") as directory:
        clock = FakeClock()
        app = make_app(clock, f"sqlite:///{Path(directory) / 'device.db'}")
        echo = Echo(app.test_client(), clock, rate=rate, **echo_options)  # type: ignore[arg-type]
        yield echo, clock
