"""`footcoach chat`: talk to the skill in a terminal, as if to an Echo.

Typed phrases become intents through the interaction model (skill.chat.resolver), go to the
skill as real Alexa envelopes (skill.chat.session), and the answer is shown with its pauses
(skill.chat.playback). Phrases can also come from standard input, one per line, for scripts.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import math
import os
import queue
import shlex
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from skill.chat.envelopes import DEFAULT_APPLICATION_ID, SkillResponse, identity_for_profile
from skill.chat.errors import ChatError, TransportError
from skill.chat.model import find_model_file, load_model
from skill.chat.playback import Output, Player, Speaker
from skill.chat.resolver import FALLBACK_INTENT, Resolver, Utterance
from skill.chat.session import (
    DEFAULT_REACTION_SECONDS,
    MIC_OPEN_SECONDS,
    Conversation,
    RealTimeline,
    Timeline,
    VirtualTimeline,
)
from skill.chat.speech import Line, display_lines, ssml_segments
from skill.chat.transport import (
    DEFAULT_TIMEOUT_SECONDS,
    HttpTransport,
    InProcessTransport,
    Transport,
    in_process_transport,
)
from skill.routine.languages import language_of

DEFAULT_LOCALE = "en-US"
DEFAULT_PROFILE = "default"
COACH = "coach"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

COMMANDS = (
    ("/help", "this list, with example phrases from the interaction model"),
    ("/state", "the progress stored for this profile"),
    ("/intent NAME slot=value ...", "send exactly this intent (slot values are resolved)"),
    ("/launch", 'open the skill, like "alexa, open foot coach"'),
    ("/barge SECONDS PHRASE", "say PHRASE that many seconds into the last answer (barge-in)"),
    ("/wait SECONDS", "stay silent that long, e.g. /wait 86400 for a day (virtual clock)"),
    ("/end", "end the session, like walking away from the Echo"),
    ("/quit", "end the session and leave (also Ctrl-D)"),
)


@dataclass(frozen=True)
class ChatOptions:
    locale: str = DEFAULT_LOCALE
    url: str | None = None
    profile: str = DEFAULT_PROFILE
    realtime: bool = False
    speak: bool = False
    say: str | None = None
    store_url: str | None = None
    launch: bool | None = None  # None: launch when the console is interactive
    show_intents: bool = False
    debug: bool = False
    model_path: Path | None = None
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    skill_id: str | None = None
    rate: float = 1.0  # the simulated Echo's speaking rate against the skill's estimate
    reaction: float = DEFAULT_REACTION_SECONDS  # from the end of a response to the next phrase


StateReader = Callable[[], str]


def load_record(store_url: str | None, user_id: str) -> tuple[str, Any]:
    """The store's URL and the runner's record in it (ChatError when it cannot be read)."""
    try:
        storage: Any = importlib.import_module("skill.storage")
        records: Any = importlib.import_module("skill.storage.records")
        url = store_url or os.environ.get("FOOTCOACH_STORE") or storage.default_store_url()
        store = storage.open_store(url)
        try:
            return str(url), store.load(records.runner_key(user_id))
        finally:
            close = getattr(store, "close", None)
            if callable(close):
                close()
    except (ImportError, AttributeError) as error:
        raise ChatError(f"the progress store is not available ({error})") from error
    except ChatError:
        raise
    except Exception as error:  # any store failure is reported, never fatal
        raise ChatError(f"cannot read the store: {type(error).__name__}: {error}") from error


def last_turn_at(store_url: str | None, user_id: str) -> float:
    """When this runner's last stored turn happened (0 when unknown)."""
    try:
        _, record = load_record(store_url, user_id)
    except ChatError:
        return 0.0
    value = getattr(record, "turn_at", 0.0)
    return float(value) if isinstance(value, int | float) else 0.0


def store_state_reader(store_url: str | None, user_id: str) -> StateReader:
    """/state in-process: read the runner's record straight from the store."""

    def read() -> str:
        url, record = load_record(store_url, user_id)
        if record is None or getattr(record, "version", None) == 0:
            return f"no progress stored yet for this profile in {url}"
        shown = {"store": str(url), "version": getattr(record, "version", None),
                 "state": getattr(record, "state", record)}
        return json.dumps(shown, indent=2, sort_keys=True, default=str)

    return read


def remote_state_reader(url: str) -> StateReader:
    def read() -> str:
        raise ChatError(f"/state is not available remotely: the store belongs to {url}; "
                        "run the chat in-process (without --url) on that machine")

    return read


def describe(utterance: Utterance) -> str:
    """What the console heard, for --show-intents."""
    if utterance.kind == "launch":
        return "» LaunchRequest"
    parts = [f"» IntentRequest {utterance.intent}"]
    for slot in utterance.slots:
        if slot.spoken is None:
            continue
        text = f"{slot.name}={slot.spoken!r}"
        if slot.status is not None:
            ids = ",".join(match.id for match in slot.matches) or "?"
            text += f" ({slot.status} {ids})"
        parts.append(text)
    if utterance.invoked:
        parts.append("[new session]")
    return " ".join(parts)


class Console:
    """The read-resolve-send-show loop."""

    def __init__(self, *, resolver: Resolver, conversation: Conversation, player: Player,
                 errors: TextIO, interactive: bool, concurrent_input: bool,
                 state_reader: StateReader, show_intents: bool = False,
                 timeline: Timeline | None = None) -> None:
        self.resolver = resolver
        self.conversation = conversation
        # Drives request timestamps: on a virtual clock every response is "played" at once.
        self.timeline: Timeline = timeline or RealTimeline()
        self.player = player
        self.output = player.output
        self.errors = errors
        self.interactive = interactive
        self.concurrent_input = concurrent_input
        self.state_reader = state_reader
        self.show_intents = show_intents
        self.failures = 0
        self._silences = 0
        self._playback: threading.Thread | None = None
        self._stop_playing = threading.Event()

    # -- entry points --------------------------------------------------------------------

    def run(self, stdin: TextIO, launch: bool) -> int:
        try:
            if launch:
                self.send(Utterance("launch", invoked=True))
            if self.concurrent_input:
                self._run_concurrent(stdin)
            else:
                self._run_in_turn(stdin)
        except KeyboardInterrupt:
            self.output.line()
            self._stop_playback()
            self._end_session("USER_INITIATED")
        return EXIT_FAILED if self.failures and not self.interactive else EXIT_OK

    def say_once(self, phrase: str) -> int:
        """--say: one request, as a one-shot, then exit."""
        if phrase.strip().startswith("/intent"):
            utterance = self._intent_command(phrase.strip()[len("/intent"):])
        else:
            utterance = self.resolver.resolve(phrase)
            if utterance.intent == FALLBACK_INTENT:
                self.errors.write(self.resolver.not_understood(phrase) + "\n")
        if utterance is None or utterance.kind == "nothing":
            self.errors.write(f"footcoach chat: nothing to say in {phrase!r}\n")
            return EXIT_USAGE
        if self.show_intents:
            self.output.line(describe(utterance))
        response = self._exchange(utterance, one_shot=True)
        if response is None:
            return EXIT_FAILED
        self.timeline.played(response.speech_ssml)
        lines = display_lines(ssml_segments(response.speech_ssml or ""))
        self.player.play(lines, "", threading.Event())
        return EXIT_OK

    # -- input loops ---------------------------------------------------------------------

    def _prompt(self) -> str:
        return "you> " if self.conversation.is_open else "(idle) you> "

    def _run_in_turn(self, stdin: TextIO) -> None:
        use_input = self.interactive and stdin is sys.stdin and self.output.stream is sys.stdout
        while True:
            if use_input:
                try:
                    line = input(self._prompt())
                except EOFError:
                    self.output.line()
                    line = None
            else:
                if self.interactive:
                    self.output.write(self._prompt())
                read = stdin.readline()
                line = read if read else None
            if line is None:
                self._end_session("USER_INITIATED")
                return
            if not self.handle(line):
                return

    def _run_concurrent(self, stdin: TextIO) -> None:
        """Input is read while a block plays; a line typed meanwhile interrupts it."""
        lines: queue.Queue[str | None] = queue.Queue()

        def read_lines() -> None:
            for line in iter(stdin.readline, ""):
                lines.put(line)
            lines.put(None)

        threading.Thread(target=read_lines, name="chat-input", daemon=True).start()
        prompt_due = True
        while True:
            if prompt_due and self.interactive and not self._playing():
                self.output.write(self._prompt())
                prompt_due = False
            try:
                line = lines.get(timeout=0.05)
            except queue.Empty:
                continue
            self._stop_playback()
            if line is None:
                self._end_session("USER_INITIATED")
                return
            if not self.handle(line):
                return
            prompt_due = True

    # -- one line ------------------------------------------------------------------------

    def handle(self, raw: str) -> bool:
        """Act on one typed line; False when the user asked to leave."""
        text = raw.strip()
        if not self.interactive:
            if text.startswith("#"):
                return True
            self.output.line(f"you> {text}" if text else "you> (silence)")
        if text.startswith("/"):
            return self.command(text)
        if not text:
            self.silence()
            return True
        utterance = self.resolver.resolve(text)
        self.send(utterance)
        if utterance.intent == FALLBACK_INTENT:
            self.output.line(self.resolver.not_understood(text))
        return True

    def send(self, utterance: Utterance) -> None:
        if utterance.kind == "nothing":
            self.silence()
            return
        if self.show_intents:
            self.output.line(describe(utterance))
        response = self._exchange(utterance, one_shot=False)
        if response is not None:
            self.timeline.played(response.speech_ssml)
            self.present(response.speech_ssml, COACH, response.end_session)

    def silence(self) -> None:
        """The runner said nothing: Alexa plays the reprompt once, then closes the session."""
        response = self.conversation.last_response
        if not self.conversation.is_open:
            return
        self._silences += 1
        self.timeline.idle(MIC_OPEN_SECONDS)
        if self._silences == 1 and response is not None and response.reprompt_ssml:
            self.timeline.played(response.reprompt_ssml)
            self.present(response.reprompt_ssml, f"{COACH} (reprompt)", ended=False)
            return
        self._end_session("EXCEEDED_MAX_REPROMPTS")
        self.output.line("(no answer: Alexa closed the session)")

    def present(self, ssml: str | None, label: str, ended: bool) -> None:
        lines = display_lines(ssml_segments(ssml or ""))
        if not lines:
            lines = [Line("(silence: the skill said nothing)", 0.0, is_pause=False)]
        after = "(session ended)" if ended else None
        if not self.player.takes_time:
            self.player.show(lines, label)
            if after:
                self.output.line(after)
            return
        self._stop_playing = threading.Event()

        def play() -> None:
            if self.player.play(lines, label, self._stop_playing) and after:
                self.output.line(after)

        if self.concurrent_input:
            self._playback = threading.Thread(target=play, name="chat-playback", daemon=True)
            self._playback.start()
        else:
            play()

    # -- commands ------------------------------------------------------------------------

    def command(self, text: str) -> bool:
        name, _, rest = text.partition(" ")
        name = name.lower()
        if name in {"/quit", "/exit", "/bye"}:
            self._end_session("USER_INITIATED")
            return False
        if name == "/help":
            self._help()
        elif name == "/state":
            try:
                self.output.line(self.state_reader())
            except ChatError as error:
                self.output.line(f"({error})")
        elif name == "/launch":
            self.send(Utterance("launch", invoked=True))
        elif name == "/end":
            if self._end_session("USER_INITIATED"):
                self.output.line("(session ended)")
            else:
                self.output.line("(no session is open)")
        elif name == "/barge":
            self._barge(rest)
        elif name == "/wait":
            self._wait(rest)
        elif name == "/intent":
            utterance = self._intent_command(rest)
            if utterance is not None:
                self.send(utterance)
        else:
            self.output.line(f"(unknown command {name}; /help lists them)")
        return True

    def _barge(self, rest: str) -> None:
        seconds_text, _, phrase = rest.strip().partition(" ")
        seconds = _float_or_none(seconds_text)
        if seconds is None or seconds < 0 or not phrase.strip():
            self.output.line("(usage: /barge SECONDS PHRASE, e.g. /barge 30 what's left)")
            return
        utterance = self.resolver.resolve(phrase)
        if utterance.kind == "nothing":
            self.output.line("(nothing to say)")
            return
        if not isinstance(self.timeline, VirtualTimeline):
            self.output.line("(/barge moves the virtual clock; in real time, type while it plays)")
        elif self.timeline.barge_in(seconds):
            self.output.line(f"(interrupted {seconds:g} s into the answer)")
        else:
            self.output.line("(the answer had ended by then)")
        self.send(utterance)

    def _wait(self, rest: str) -> None:
        seconds = _float_or_none(rest.strip())
        timeline = self.timeline
        if seconds is None or seconds < 0:
            self.output.line("(usage: /wait SECONDS, e.g. /wait 86400 for a day)")
            return
        if not isinstance(timeline, VirtualTimeline):
            self.output.line("(/wait moves the virtual clock; in real time, just wait)")
            return
        target = timeline.free_at + seconds
        # An open session runs out as Alexa's would: the reprompt, then the session closes.
        while self.conversation.is_open and timeline.free_at + MIC_OPEN_SECONDS <= target:
            self.silence()
        timeline.now = max(timeline.now, target)
        self.output.line(f"(waited {seconds:g} s)")

    def _intent_command(self, rest: str) -> Utterance | None:
        try:
            words = shlex.split(rest)
        except ValueError as error:
            self.output.line(f"(cannot read that: {error})")
            return None
        if not words:
            self.output.line("(usage: /intent NAME slot=value ...)")
            return None
        name = words[0]
        model = self.resolver.model
        if model.intent(name) is None and model.intent(f"AMAZON.{name}") is not None:
            name = f"AMAZON.{name}"
        if model.intent(name) is None:
            self.output.line(
                f"(note: {name} is not in the {model.locale} model; sending it anyway)")
        values: dict[str, str] = {}
        current: str | None = None
        for word in words[1:]:
            slot, equals, value = word.partition("=")
            if equals:
                current = slot
                values[slot] = value
            elif current is not None:
                values[current] = f"{values[current]} {word}"
            else:
                self.output.line(f"(expected slot=value, got {word!r})")
                return None
        return Utterance("intent", name, self.resolver.slot_fills(name, values))

    def _help(self) -> None:
        self.output.line("Say what you would say to an Echo, for example:")
        for intent, phrase in self.resolver.examples():
            self.output.line(f"  {phrase:<40} {intent}")
        one_shot = f"alexa, ask {self.resolver.model.invocation_name} for the next step"
        self.output.line(f"  {one_shot:<40} (a one-shot: a new session)")
        self.output.line("An empty line is silence: the coach repeats its question once.")
        self.output.line("Commands:")
        for usage, meaning in COMMANDS:
            self.output.line(f"  {usage:<30} {meaning}")

    # -- sessions ------------------------------------------------------------------------

    def _exchange(self, utterance: Utterance, one_shot: bool) -> SkillResponse | None:
        conversation = self.conversation
        self._silences = 0
        self.timeline.respond()
        try:
            if utterance.kind == "launch":
                self._end_session("USER_INITIATED")
                return conversation.launch()
            assert utterance.intent is not None
            new_session = one_shot or utterance.invoked or not conversation.is_open
            if new_session:
                self._end_session("USER_INITIATED")
            return conversation.intent(utterance.intent, utterance.slots, new_session)
        except TransportError as error:
            self._report(error)
            return None

    def _end_session(self, reason: str) -> bool:
        if not self.conversation.is_open:
            return False
        if reason == "USER_INITIATED":
            self.timeline.respond()  # the runner leaves after the answer has played
        try:
            self.conversation.end(reason)
        except TransportError as error:
            self._report(error)
        return True

    def _report(self, error: ChatError) -> None:
        self.failures += 1
        self.errors.write(f"footcoach chat: {error}\n")
        self.errors.flush()

    # -- playback ------------------------------------------------------------------------

    def _playing(self) -> bool:
        return self._playback is not None and self._playback.is_alive()

    def _stop_playback(self) -> None:
        """Barge-in: cut the block that is playing short."""
        if self._playback is not None:
            interrupted = self._playback.is_alive()
            self._stop_playing.set()
            self._playback.join()
            self._playback = None
            if interrupted:
                self.output.line("(interrupted)")


# -- command line ------------------------------------------------------------------------


def add_chat_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `footcoach chat`."""
    parser.add_argument("--url", help="talk to a running service, e.g. "
                        "http://127.0.0.1:5000/alexa (its signature checks must be off); "
                        "default: the skill in this process, on FOOTCOACH_STORE")
    parser.add_argument("--locale", default=DEFAULT_LOCALE,
                        help="interaction model to resolve phrases with (default %(default)s)")
    parser.add_argument("--model", type=Path, dest="model_path", metavar="FILE",
                        help="interaction model file (default interaction_models/LOCALE.json)")
    parser.add_argument("--profile", default=DEFAULT_PROFILE,
                        help="who is talking: the same profile resumes the same progress "
                        "(default %(default)s)")
    parser.add_argument("--store", dest="store_url", metavar="URL",
                        help="in-process store URL (default: FOOTCOACH_STORE, else the "
                        "user data directory)")
    parser.add_argument("--realtime", action="store_true",
                        help="wait out every pause, with a countdown; type to interrupt "
                        "(default: no waiting; the in-process skill's clock moves on as if "
                        "each response had played, then you answered)")
    parser.add_argument("--rate", type=_rate, default=1.0, metavar="FACTOR",
                        help="the simulated Echo's speaking rate against the skill's own "
                        "estimate, e.g. 0.8 (slower) or 1.25 (faster); pauses are exact "
                        "(default %(default)s)")
    parser.add_argument("--reaction", type=_seconds, default=DEFAULT_REACTION_SECONDS,
                        metavar="SECONDS",
                        help="seconds from the end of a response to your next phrase, on the "
                        "virtual clock (default %(default)s)")
    parser.add_argument("--speak", action="store_true",
                        help="also speak through espeak-ng when it is installed")
    parser.add_argument("--say", metavar="PHRASE",
                        help="send one phrase as a one-shot, print the answer and exit")
    launch = parser.add_mutually_exclusive_group()
    launch.add_argument("--launch", dest="launch", action="store_true", default=None,
                        help="open the skill first (default when typing at a terminal)")
    launch.add_argument("--no-launch", dest="launch", action="store_false",
                        help="do not open the skill first (default for piped input)")
    parser.add_argument("--show-intents", action="store_true",
                        help="show the intent and slots each phrase resolved to")
    parser.add_argument("--debug", action="store_true",
                        help="print every request and response envelope to stderr")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS,
                        help="seconds to wait for --url to answer (default %(default)s)")
    parser.add_argument("--skill-id", help="application id to send (default: "
                        f"FOOTCOACH_SKILL_ID, else {DEFAULT_APPLICATION_ID})")


def _float_or_none(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.25 <= value <= 4.0:
        raise argparse.ArgumentTypeError("the rate is a factor between 0.25 and 4, e.g. 0.8")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError("seconds between 0 and 3600")
    return value


def options_from_args(args: argparse.Namespace) -> ChatOptions:
    return ChatOptions(
        locale=args.locale, url=args.url, profile=args.profile, realtime=args.realtime,
        speak=args.speak, say=args.say, store_url=args.store_url, launch=args.launch,
        show_intents=args.show_intents, debug=args.debug, model_path=args.model_path,
        timeout=args.timeout, skill_id=args.skill_id, rate=args.rate, reaction=args.reaction,
    )


def chat_main(args: argparse.Namespace) -> int:
    """`footcoach chat`, given the arguments `add_chat_arguments` declared."""
    for stream in (sys.stdout, sys.stderr):
        # The pause mark is not ASCII: never crash on a terminal that cannot show it.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    return run_chat(options_from_args(args))


def _debug_printer(stream: TextIO) -> Callable[[Mapping[str, Any], Any], None]:
    def show(request: Mapping[str, Any], response: Any) -> None:
        stream.write("→ " + json.dumps(request, indent=2) + "\n")
        stream.write("← " + json.dumps(response, indent=2) + "\n")
        stream.flush()

    return show


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def run_chat(options: ChatOptions, stdin: TextIO | None = None, stdout: TextIO | None = None,
             stderr: TextIO | None = None, interactive: bool | None = None,
             concurrent_input: bool | None = None) -> int:
    """Run the console; returns the exit status. Streams default to the process's own."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if interactive is None:
        interactive = options.say is None and _is_tty(stdin)
    application_id = (options.skill_id or os.environ.get("FOOTCOACH_SKILL_ID")
                      or DEFAULT_APPLICATION_ID)
    identity = identity_for_profile(options.profile, application_id)
    try:
        model_path = options.model_path or find_model_file(options.locale)
        resolver = Resolver(load_model(model_path, options.locale))
        timeline = console_timeline(options, identity.user_id)
        transport: Transport = (
            HttpTransport(options.url, options.timeout) if options.url
            else in_process_transport(options.store_url,
                                      timeline if isinstance(timeline, VirtualTimeline)
                                      else None))
    except (ChatError, ValueError) as error:
        stderr.write(f"footcoach chat: {error}\n")
        return EXIT_USAGE
    conversation = Conversation(identity, options.locale, transport, clock=timeline,
                                on_exchange=_debug_printer(stderr) if options.debug else None)
    speaker = None
    if options.speak:
        speaker = Speaker.find()
        if speaker is None:
            stderr.write("footcoach chat: --speak needs espeak-ng, which is not installed; "
                         "continuing without speech (apt-get install espeak-ng)\n")
    player = Player(Output(stdout), realtime=options.realtime, countdown=_is_tty(stdout),
                    speaker=speaker, rate=options.rate)
    if isinstance(transport, InProcessTransport):
        state_reader = store_state_reader(transport.store_url or options.store_url,
                                          identity.user_id)
    else:
        state_reader = remote_state_reader(options.url or "")
    if concurrent_input is None:
        concurrent_input = interactive and player.takes_time
    console = Console(resolver=resolver, conversation=conversation, player=player,
                      errors=stderr, interactive=interactive, concurrent_input=concurrent_input,
                      state_reader=state_reader, show_intents=options.show_intents,
                      timeline=timeline)
    if options.say is not None:
        return console.say_once(options.say)
    if interactive:
        stdout.write(f"Foot Coach chat with {transport.description}, profile "
                     f"{options.profile!r}, {options.locale} phrases from {model_path}.\n"
                     "Say it as you would to an Echo. /help lists phrases and commands; "
                     "/quit leaves.\n")
        if isinstance(timeline, VirtualTimeline):
            stdout.write(f"(Virtual clock: each answer counts as played at {options.rate:g}x the "
                         f"skill's speech estimate, and you answer {options.reaction:g} s "
                         "later. --realtime waits for real.)\n")
        elif options.url and not options.realtime:
            stdout.write("(The service keeps its own clock: answers go at once, as if you "
                         "interrupted each response. Use --realtime to let its time pass.)\n")
    launch = interactive if options.launch is None else options.launch
    return console.run(stdin, launch)


def console_timeline(options: ChatOptions, user_id: str) -> Timeline:
    """Real time with --realtime, or against --url (the service reads its own clock and checks
    request timestamps against it); otherwise a virtual clock for the in-process skill. It
    starts at the real time, or just after this profile's last stored turn if that is later (a
    virtual clock runs ahead of the real one; going back would make the store's turns newer
    than the ones this chat makes)."""
    language = language_of(options.locale)
    if options.realtime or options.url:
        return RealTimeline(options.rate, language)
    start = max(time.time(), last_turn_at(options.store_url, user_id) + 1.0)
    return VirtualTimeline(start, rate=options.rate, reaction=options.reaction, language=language)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="footcoach chat", description=__doc__.splitlines()[0])
    add_chat_arguments(parser)
    return chat_main(parser.parse_args(argv))
