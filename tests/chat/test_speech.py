"""SSML -> readable text with visible pauses."""

from __future__ import annotations

import pytest

from skill.chat.speech import (
    Pause,
    Speech,
    break_seconds,
    display_lines,
    format_seconds,
    render_lines,
    spoken_text,
    ssml_segments,
    ssml_to_text,
)
from skill.routine.catalog import Catalog
from skill.routine.plan import compile_plan
from skill.routine.speech import cues_ssml


def test_chained_breaks_merge_into_one_figure() -> None:
    ssml = ('<speak>Hold it. <break time="10s"/><break time="10s"/> <break time="5000ms"/>'
            "Three, two, one, relax.</speak>")
    assert render_lines(ssml_segments(ssml)) == [
        "Hold it.", "· · · 25 s", "Three, two, one, relax."]
    assert ssml_to_text(ssml) == "Hold it. · · · 25 s Three, two, one, relax."


def test_entities_are_unescaped_and_tags_stripped() -> None:
    ssml = ('<speak><prosody rate="90%">Toe &amp; heel walks: &quot;slowly&quot; &lt;3 '
            "it&apos;s <emphasis level=\"strong\">fine</emphasis></prosody></speak>")
    assert ssml_to_text(ssml) == "Toe & heel walks: \"slowly\" <3 it's fine"


def test_alexa_prefixed_tags_and_sentences() -> None:
    ssml = ('<speak><p>First.</p><p><amazon:emotion name="excited" intensity="low">Go!'
            '</amazon:emotion></p><s>Then</s><say-as interpret-as="cardinal">12</say-as>'
            "</speak>")
    assert ssml_to_text(ssml) == "First. Go! Then 12"


def test_short_pauses_stay_inside_the_line_but_count_in_time() -> None:
    ssml = '<speak>One <break time="500ms"/> two <break strength="strong"/> three</speak>'
    lines = display_lines(ssml_segments(ssml))
    assert [line.text for line in lines] == ["One two three"]
    assert lines[0].seconds == pytest.approx(1.25)
    assert not lines[0].is_pause


def test_segments_and_plain_words() -> None:
    segments = ssml_segments('<speak>Rise.<break time="3s"/>Lower.</speak>')
    assert [type(s) for s in segments] == [Speech, Pause, Speech]
    assert segments[1] == Pause(3.0)
    assert spoken_text(segments) == "Rise. Lower."


def test_prosody_rate_stretches_speaking_time() -> None:
    normal = display_lines(ssml_segments("<speak>one two three four five</speak>"))[0]
    slow = display_lines(ssml_segments(
        '<speak><prosody rate="50%">one two three four five</prosody></speak>'))[0]
    assert slow.speaking == pytest.approx(2 * normal.speaking)
    assert normal.speaking == pytest.approx(2.0)  # 150 words a minute


@pytest.mark.parametrize(("time", "strength", "seconds"), [
    ("10s", None, 10.0), ("250ms", None, 0.25), ("1.5s", None, 1.5),
    (None, "none", 0.0), (None, "x-strong", 1.0), ("bogus", None, 0.35), (None, None, 0.35),
])
def test_break_durations(time: str | None, strength: str | None, seconds: float) -> None:
    assert break_seconds(time, strength) == pytest.approx(seconds)


def test_format_seconds() -> None:
    assert [format_seconds(s) for s in (10, 2.5, 60, 95, 0.25)] == [
        "10 s", "2.5 s", "1 min", "1 min 35 s", "0.2 s"]


def test_every_block_of_the_real_routine_keeps_its_pauses() -> None:
    """The console shows exactly the silence the skill's plan contains, block by block."""
    catalog = Catalog.builtin()
    plan = compile_plan(catalog.get(catalog.default.id))
    for block in plan.blocks:
        ssml = cues_ssml(block.cues)
        shown = sum(s.seconds for s in ssml_segments(ssml) if isinstance(s, Pause))
        planned = sum(cue.seconds for cue in block.cues if cue.kind == "pause")
        assert shown == pytest.approx(planned, abs=0.01), block.index
        assert "<" not in ssml_to_text(ssml)
