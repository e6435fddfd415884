"""Every word the coach speaks, as keyed messages with parameters: one catalog per language.

The engine and the plan decide *what* to say (a key and facts such as numbers, sides and names
from the routine data); this module decides the words. Number words, plurals, lists and
durations live here too, so a second language is a second catalog (data), chosen by locale.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from skill.routine.cues import speech_seconds

ENGLISH: Mapping[str, str] = {
    # -- numbers, plurals, lists ---------------------------------------------------------------
    "count.one": "{n} {noun}",
    "count.other": "{n} {nouns}",
    "join.pair": "{a} {conjunction} {b}",
    "join.many": "{head}, {conjunction_last}",
    "join.last": "{a} {conjunction} {b}",
    "and": "and",
    "or": "or",
    "duration.seconds": "{n} seconds",
    "duration.second": "one second",
    "duration.minute": "a minute",
    "duration.minutes": "{n} minutes",
    "rough.seconds": "{n} seconds",
    "rough.minute": "a minute",
    "rough.minutes": "{n} minutes",
    "side.right": "right foot",
    "side.left": "left foot",
    "side.both": "both feet",
    "noun.rep": "rep|reps",
    "noun.round": "round|rounds",
    "noun.routine": "routine|routines",
    "noun.more_round": "more round|more rounds",
    "noun.more_set": "more set|more sets",
    "noun.exercise": "exercise|exercises",
    "noun.named_routine": "{name}|{name}s",
    "text": "{text}",
    # -- the plan: intros -------------------------------------------------------------------
    "intro.routine": "Let's start your {routine}: {count} exercises.",
    "intro.exercise": "Exercise {number} of {count}: {name}. {purpose}",
    "dose.timed.once": "We'll walk for {duration}.",
    "dose.timed.rounds": "We'll walk for {duration}, {times} times, with a rest in between.",
    "dose.reps.once": "We'll do it once{each}, holding for {hold}.",
    "dose.reps.twice": "We'll do it twice{each}, holding for {hold}.",
    "dose.reps.many": "We'll do it {n} times{each}, holding for {hold}.",
    "dose.each_foot": " on each foot",
    "intro.ready": "Say ready when you're in position for the {name}.",
    "reprompt.intro": "Say ready when you're in position for the {name}, or say skip.",
    "reprompt.intro.ready": "{position} Then say ready, or say skip.",
    # -- the plan: reps and rounds ---------------------------------------------------------------
    "rep.first_side": "{side}. {cue}",
    "rep.first_set": "Set {set}. {cue}",
    "rep.last": "Last one. {cue}",
    "rep.halfway": "Halfway there. {ordinal} one. {cue}",
    "rep.nth": "{ordinal} one. {cue}",
    "round.numbered": "Round {n} of {count}. {cue}",
    "round.halfway": "Halfway.",
    "round.stop": "Stop.",
    "countdown.3": "Three.",
    "countdown.2": "Two.",
    "countdown.1": "One.",
    "rest.round": "Rest for {seconds} seconds. Next: round {next}.",
    "rest.set": "Rest for {seconds} seconds. Next: set {next}, {side}.",
    # -- the plan: the end of a block ----------------------------------------------------------
    "closing.split.rep": "Take a breath. Say next when you're ready for rep {rep}.",
    "closing.split.round": "Rest now. Say next when you're ready for round {round}.",
    "closing.side": "That's your {side}. Switch to your {following}, and say next when you're "
    "ready.",
    "closing.set": "Good. Say next when you're ready for set {set}.",
    "closing.exercise": "That's the {name} done. Next up: {upcoming}. Say next when you're ready.",
    "closing.last": "That's the {name} done, and that was the last exercise. Say done to finish.",
    "reprompt.split": "Say next when you're ready, or ask how many reps are left.",
    "reprompt.group": "Say next when you're ready, or ask how many reps are left.",
    "reprompt.last": "Say next to move on, or say repeat.",
    "done.routine": "That's your whole {routine}. Great work!",
    # -- lead-ins --------------------------------------------------------------------------------
    "lead.countdown": "Starting in three, two, one.",
    "lead.position": "{position}",
    "lead.welcome_back": "Welcome back. Picking up at {where}. To begin again, say start over.",
    "lead.picking_up": "Picking up at {where}.",
    "lead.starting_over": "Starting over from the top.",
    "lead.very_start": "We're at the very start.",
    "lead.skipping": "Skipping the {name}.",
    "lead.skipping_last": "Skipping the {name}, the last exercise.",
    "lead.back_rep": "Back one rep.",
    "lead.repeat_rep": "Once more.",
    "lead.on_to_rep": "On to rep {rep} of {total}.",
    "lead.next_rep": "Next rep.",
    "lead.pace": "Okay, {word}.",
    "pace.slower": "slower",
    "pace.faster": "faster",
    "pace.limit.slower": "This is already my slowest pace.",
    "pace.limit.faster": "This is already my fastest pace.",
    # -- where: positions in words ---------------------------------------------------------------
    "where.end": "the end of the {routine}",
    "where.intro": "the start of the {name}",
    "where.round": "the {name}, round {set} of {rounds}",
    "where.timed": "the {name}",
    "where.rep": "{name}, rep {rep} of {total}{on_side}{of_set}",
    "where.on_side": " on your {side}",
    "where.of_set": ", set {set} of {sets}",
    # -- answers ---------------------------------------------------------------------------------
    "reps.intro": "You're about to start the {name}. {dose}",
    "dose.summary.timed": "{rounds} of {duration}.",
    "dose.summary.reps": "{reps}{each}.",
    "reps.rounds_done": "That's every round of the {name} done.",
    "reps.on_round": "You're on {about}round {set} of {rounds} of the {name}: {more} after this.",
    "reps.on_last_round": "You're on {about}round {set} of {rounds} of the {name}: the last one.",
    "reps.rounds_to_go": "{left} of the {name} to go.",
    "about": "about ",
    "reps.then_sets": ", then {more}",
    "reps.then_side": ", then {total} on the {side}",
    "reps.then_side_sets": ", then {sets} sets of {total} on the {side}",
    "reps.all_set": "That's all {total}{on_side} in this set. Next: set {next}.",
    "reps.all_side": "That's all {total}{on_side}. Next: {total} on the {side}.",
    "reps.all_done": "That's all {total} {name} done.",
    "reps.done_of": "You've done {done} of {total}{on_side}: {left} to go{then}.",
    "reps.on_rep": "You're on {about}rep {rep} of {total}{on_side}: {left} to go{then}.",
    "where.this": "This is the {name}, exercise {number} of {count}.",
    "hold.reps": "Hold for {hold} each time.",
    "hold.timed": "Walk for {duration} each round.",
    "round.left": "About {time} left in this round.",
    "time.left": "About {time} left in your {routine}.",
    "next.after_rep": "Next: rep {rep} of {total}{on_side}.",
    "next.after_set": "After this set: {what}.",
    "next.block": "Next: {what}.",
    "next.side": "{reps}{on_side}",
    "next.set": "set {set}",
    "next.round": "Next: round {round} of {rounds}.",
    "next.after_round": "After this round: round {round} of {rounds}.",
    "next.exercise": "Next up: the {name}.",
    "next.nothing": "That was the last exercise.",
    "next.finish": "That's the last exercise. After it, you're done.",
    "info.short": "{purpose} {cue}",
    "info.long": "{purpose} {instructions}",
    "equipment.alternative": "{alternative}",
    "equipment.offer_skip": "No problem. Shall I skip the {name}?",
    "equipment.not_needed": "You don't need one for the {name}.",
    # -- questions and prompts --------------------------------------------------------------------
    "ask.continue": "Say continue when you're ready.",
    "ask.next": "Say next when you're ready.",
    "ask.begin": "Say start my foot routine to begin.",
    "ask.what": "What would you like to do?",
    "ask.which_exercise": "Which exercise would you like?",
    "ask.which_routine": "Which one would you like?",
    "ask.pick_up": "Shall I pick up there?",
    "ask.pick_up.reprompt": "Shall I pick up there? Or say start over.",
    "ask.start": "Shall we start the {routine}?",
    "ask.start.reprompt": "Shall we start the {routine}? Or say {other}.",
    "ask.start_other": "start the {routine}",
    "ask.from_top": "Shall we start the {routine} from the top?",
    "ask.instead": "How about the {routine} instead?",
    "ask.start_over": "Start the {routine} again from the top? You're at {where}.",
    "ask.start_over.reprompt": "Say yes to start again from the top, or no to carry on.",
    "ask.skip": "Shall I skip the {name}?",
    "ask.skip.reprompt": "Say yes to skip the {name}, or no to do it.",
    "launch.first": "Welcome to Foot Coach. I'll talk you through foot strengthening exercises "
    "for runners. {safety}",
    "launch.stopped": "Welcome back. You stopped at {where}.",
    "launch.back": "Welcome back.",
    "launch.back_count": "Welcome back. You've finished {count} so far.",
    "exercises.list": "The {routine} has these exercises: {names}.",
    "routines.list": "I can coach you through {names}.",
    "routine.the": "the {name}",
    "nothing": "There's no routine going right now. You can start {names}.",
    "no.later": "Okay, maybe later. Goodbye!",
    "no.carry_on": "Okay, carrying on.",
    # -- progress --------------------------------------------------------------------------------
    "report.none": "You haven't finished a routine yet. Your first one is the hardest!",
    "report.count": "You've finished {count}.",
    "report.count_parts": "You've finished {count}: {parts}.",
    "report.streak": "That's {streak} days in a row.",
    "report.streak_at_least": "That's at least {streak} days in a row.",
    "report.last": "Your last one was {when}.",
    "when.today": "today",
    "when.yesterday": "yesterday",
    "when.days_ago": "{n} days ago",
    "done.closing": "That's {count} in all. See you next time!",
    "done.already": "That's your whole {routine} done. Great work!",
    # -- help ----------------------------------------------------------------------------------
    "sorry": "Sorry, I didn't catch that.",
    "sorry.failed": "Sorry, something went wrong on my side. Your progress is safe. Please try "
    "again.",
    "help.idle": "I'm your foot coach. Say start to do the {routine}, or say start the quick "
    "routine.",
    "help.intro": "You're at {where}. Say ready to start, skip to move on, or ask what this "
    "exercise does.",
    "help.set": "You're at {where}. Say next, ask how many reps are left, or say pause.",
    "help.end": "Say done to finish, or ask how you're doing.",
    "help.question": "You can say yes or no.",
    # -- goodbyes --------------------------------------------------------------------------------
    "bye.paused": "Paused at {where}. When you're ready, say: Alexa, open foot coach.",
    "bye.stopped": "Okay. I've saved your place: {where}. To come back, say: Alexa, open foot "
    "coach.",
    "bye.plain": "Goodbye, and happy running!",
    "bye.finished": "That's your whole {routine} done. Great work! See you next time.",
}

NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
ORDINAL_WORDS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]

CATALOGS: dict[str, Mapping[str, str]] = {"en": ENGLISH}
NUMBERS: dict[str, tuple[list[str], list[str]]] = {"en": (NUMBER_WORDS, ORDINAL_WORDS)}


class Phrases:
    """One language's messages. ``mark`` wraps every message (the pseudo-locale test uses it to
    prove that every spoken word comes from here)."""

    def __init__(
        self,
        messages: Mapping[str, str],
        *,
        numbers: tuple[list[str], list[str]] = (NUMBER_WORDS, ORDINAL_WORDS),
        mark: Callable[[str], str] | None = None,
        name: str = "en",
    ) -> None:
        self.messages = messages
        self.numbers, self.ordinals = numbers
        self.mark = mark
        self.name = name

    def __call__(self, key: str, **params: Any) -> str:
        text = self.messages[key].format(**params) if params else self.messages[key]
        return self.mark(text) if self.mark else text

    def has(self, key: str) -> bool:
        return key in self.messages

    def seconds(self, text: str, rate: float = 1.0) -> float:
        """How long this language's voice takes to say ``text`` at ``rate``."""
        return speech_seconds(text, rate)

    @staticmethod
    def capital(text: str) -> str:
        """``text`` with a capital first letter and the rest as it is ("Rechter Fuß")."""
        return text[:1].upper() + text[1:]

    # -- numbers and nouns -------------------------------------------------------------------
    def number(self, n: int) -> str:
        return self("text", text=self.numbers[n] if 0 <= n < len(self.numbers) else str(n))

    def ordinal(self, n: int) -> str:
        word = self.ordinals[n] if 0 <= n < len(self.ordinals) else str(n)
        return self("text", text=word)

    def count(self, n: int, noun: str, **params: Any) -> str:
        """``n`` of a noun from the catalog ("noun.rep"), in words, singular or plural."""
        one, other = self.messages[f"noun.{noun}"].format(**params).split("|")
        key = "count.one" if n == 1 else "count.other"
        return self(key, n=self.number(n), noun=one, nouns=other)

    def join(self, items: list[str], conjunction: str = "and") -> str:
        word = self(conjunction)
        if len(items) <= 1:
            return self("text", text="".join(items))
        if len(items) == 2:
            return self("join.pair", a=items[0], b=items[1], conjunction=word)
        last = self("join.last", a=items[-2], b=items[-1], conjunction=word)
        return self("join.many", head=", ".join(items[:-2]), conjunction_last=last)

    def duration(self, seconds: float) -> str:
        if seconds == 60:
            return self("duration.minute")
        if seconds > 60 and seconds % 60 == 0:
            return self("duration.minutes", n=int(seconds // 60))
        whole = round(seconds)
        return self("duration.second") if whole == 1 else self("duration.seconds", n=whole)

    def rough(self, seconds: float) -> str:
        """A time left, rounded the way a coach says it."""
        seconds = max(0.0, seconds)
        if seconds < 60:
            return self("rough.seconds", n=max(5, int(round(seconds / 5) * 5)))
        minutes = -(-int(seconds) // 60)
        return self("rough.minute") if minutes == 1 else self("rough.minutes", n=minutes)

    def side(self, side: str | None) -> str:
        return self(f"side.{side if side in ('right', 'left') else 'both'}")

    def text(self, text: str) -> str:
        """Words from the routine data, spoken as they are written."""
        return self("text", text=text)


def phrases_for(locale: str | None) -> Phrases:
    """The catalog for a request's locale or language ("de-DE", "de" -> German); English when
    there is none."""
    language = (locale or "en").split("-")[0].lower()
    if language not in CATALOGS:
        from skill.routine import languages  # imports this module

        if language in languages.MODULES:
            return languages.phrases(language)
        language = "en"
    return Phrases(CATALOGS[language], numbers=NUMBERS[language], name=language)


ENGLISH_PHRASES = phrases_for("en")

__all__ = ["ENGLISH", "ENGLISH_PHRASES", "Phrases", "phrases_for"]
