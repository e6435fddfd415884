"""Showing (and optionally playing) the coach's speech in the terminal.

In --realtime mode the pauses are waited out, with a live countdown on a terminal, and each
line of speech takes about as long as Alexa would take to say it, so the console stays in step
with the skill's own clock (which is what "how many reps are left?" during a hold relies on).
Every wait ends early when `stop` is set: that is barge-in.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import threading
import time
from collections.abc import Sequence
from typing import TextIO

from skill.chat.speech import Line, pause_line

CLEAR_LINE = "\r\x1b[K"

class Output:
    """Thread-safe writes to the console's stdout."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._lock = threading.Lock()

    def write(self, text: str) -> None:
        with self._lock:
            self.stream.write(text)
            self.stream.flush()

    def line(self, text: str = "") -> None:
        self.write(text + "\n")


def label_for(index: int, label: str) -> str:
    """`coach> ` on a block's first line, aligned blanks after it; nothing for no label."""
    if not label:
        return ""
    return f"{label}> " if index == 0 else " " * len(f"{label}> ")


class Speaker:
    """espeak-ng in a subprocess; only plain words are given to it, on standard input."""

    def __init__(self, executable: str) -> None:
        self.executable = executable

    @classmethod
    def find(cls) -> Speaker | None:
        executable = shutil.which("espeak-ng")
        return cls(executable) if executable else None

    def say(self, text: str, stop: threading.Event) -> bool:
        """Speak and wait until done; False if `stop` cut it short."""
        if not text.strip():
            return True
        process = subprocess.Popen(
            [self.executable, "--stdin"], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            assert process.stdin is not None
            process.stdin.write(text.encode("utf-8"))
            process.stdin.close()
        except BrokenPipeError:
            pass
        while True:
            try:
                process.wait(timeout=0.05)
                return True
            except subprocess.TimeoutExpired:
                if stop.is_set():
                    process.terminate()
                    process.wait()
                    return False


class Player:
    """Prints a block of speech and, in real time or with a voice, plays it."""

    def __init__(self, output: Output, realtime: bool, countdown: bool,
                 speaker: Speaker | None = None) -> None:
        self.output = output
        self.realtime = realtime
        self.countdown = countdown
        self.speaker = speaker

    @property
    def takes_time(self) -> bool:
        """Whether playing a block lasts longer than printing it."""
        return self.realtime or self.speaker is not None

    def show(self, lines: Sequence[Line], label: str) -> None:
        for index, line in enumerate(lines):
            self.output.line(label_for(index, label) + line.text)

    def play(self, lines: Sequence[Line], label: str, stop: threading.Event) -> bool:
        """Show and play the block; False when interrupted (barge-in)."""
        if not self.realtime:
            self.show(lines, label)
            words = " ".join(line.text for line in lines if not line.is_pause)
            return self.speaker.say(words, stop) if self.speaker is not None else True
        for index, line in enumerate(lines):
            if stop.is_set():
                return False
            prefix = label_for(index, label)
            if line.is_pause:
                finished = self._count_down(prefix, line.seconds, stop)
            else:
                self.output.line(prefix + line.text)
                if self.speaker is not None:
                    finished = self.speaker.say(line.text, stop)
                else:
                    finished = not stop.wait(line.speaking)
                finished = finished and not stop.wait(line.seconds)
            if not finished:
                return False
        return True

    def _count_down(self, prefix: str, seconds: float, stop: threading.Event) -> bool:
        shown = prefix + pause_line(seconds)
        if not self.countdown:
            self.output.line(shown)
            return not stop.wait(seconds)
        deadline = time.monotonic() + seconds
        showing = None
        while (left := deadline - time.monotonic()) > 0:
            if math.ceil(left) != showing:
                showing = math.ceil(left)
                self.output.write(f"{CLEAR_LINE}{shown}  {showing}…")
            if stop.wait(min(left, 0.1)):
                self.output.write(f"{CLEAR_LINE}{shown}\n")
                return False
        self.output.write(f"{CLEAR_LINE}{shown}\n")
        return True
