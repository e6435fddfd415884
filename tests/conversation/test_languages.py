"""Issue 12: the coach speaks German, Spanish and French on a simulated Echo (its clock uses
the same per-language speaking-rate estimate as the skill), with the spoken words asserted."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from device.echo import Echo
from flask import Flask

from skill.routine.state import RunnerState

EchoAt = Callable[..., Echo]
LOCALES = ["de-DE", "es-ES", "es-US", "es-MX", "fr-FR", "fr-CA"]
QUICK = {"de": "Kurzprogramm|quick", "es": "rutina rápida|quick", "fr": "routine rapide|quick"}
FINISHED = {
    "de": "Das war dein ganzes Kurzprogramm. Super gemacht!",
    "es": "Has completado toda tu rutina rápida.",
    "fr": "Ta routine rapide est terminée.",
}


def stored(app: Flask, echo: Echo) -> RunnerState:
    from skill.storage.records import runner_key

    store = app.extensions["footcoach"].store
    return RunnerState.from_json(store.load(runner_key(echo.identity.user_id, None)).state)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_whole_routine_on_the_device_clock_reaches_its_end_and_is_recorded(
    echo_at: EchoAt, app: Flask, locale: str
) -> None:
    language = locale[:2]
    echo = echo_at(rate=1.25 if language == "es" else 0.8, locale=locale)
    echo.launch()
    echo.say("StartRoutineIntent", {"routine": QUICK[language]}, after=2.0)
    for _ in range(60):
        turn = echo.say("NextStepIntent", after=3.0)
        if turn.ends_session:
            break
    else:
        raise AssertionError("the routine never ended")
    assert FINISHED[language] in turn.text
    state = stored(app, echo)
    assert state.progress is None
    assert [entry.routine for entry in state.history] == ["quick"]
    assert state.history[0].skipped == ()


def test_a_german_conversation(echo_at: EchoAt) -> None:
    echo = echo_at(rate=1.0, locale="de-DE")
    launch = echo.launch()
    assert launch.text.startswith("Willkommen bei Fußtrainer.")
    assert launch.text.endswith("Wollen wir mit dem Fußprogramm anfangen?")
    intro = echo.say("AMAZON.YesIntent", after=2.0)
    assert intro.text.startswith(
        "Los geht's mit deinem Fußprogramm: fünf Übungen. Übung eins von fünf: Zehenspreizen. "
        "Das kräftigt die winzigen Muskeln in den Zehen und hilft, das Gleichgewicht zu "
        "verbessern."
    )
    assert "Wir machen es 10 Mal pro Fuß und halten jeweils 10 Sekunden lang." in intro.text
    started = echo.say("NextStepIntent", after=2.0)
    assert started.text.startswith(
        "Es geht los in drei, zwei, eins. Rechter Fuß. Spreiz die Zehen so weit du kannst, und "
        "halte. Drei. Zwei. Eins. Und locker lassen. Zweite Wiederholung."
    )
    answer = echo.say("RepsLeftIntent", barge_in=60.0)
    assert answer.text.removeprefix("Und locker lassen. ").startswith(
        "Du bist bei Wiederholung vier von zehn, rechter Fuß: noch sechs, dann zehn, linker Fuß. "
        "Vierte Wiederholung. Spreizen, und halten."
    )
    assert not answer.ends_session
    paused = echo.say("AMAZON.PauseIntent", barge_in=20.0)
    assert paused.text.removeprefix("Und locker lassen. ") == (
        "Pausiert bei Zehenspreizen, Wiederholung fünf von zehn, rechter Fuß. Wenn du bereit "
        "bist, sag: Alexa, öffne Fußtrainer."
    )
    assert paused.ends_session
    echo.wait(600)
    back = echo.launch()
    assert back.text == (
        "Willkommen zurück. Du hast bei Zehenspreizen, Wiederholung fünf von zehn, rechter Fuß "
        "aufgehört. Soll ich dort weitermachen?"
    )
    resumed = echo.say("AMAZON.YesIntent", after=2.0)
    assert resumed.text.startswith(
        "Setz dich hin, die Füße flach auf dem Boden. Es geht los in drei, zwei, eins. Fünfte "
        "Wiederholung. Spreizen, und halten."
    )


def test_a_spanish_conversation(echo_at: EchoAt) -> None:
    echo = echo_at(rate=1.0, locale="es-MX")
    launch = echo.launch()
    assert launch.text.startswith("Bienvenido a Entrenador de pies.")
    assert launch.text.endswith("¿Empezamos la rutina de pies?")
    intro = echo.say("AMAZON.YesIntent", after=2.0)
    assert intro.text.startswith(
        "Empecemos tu rutina de pies: cinco ejercicios. Ejercicio uno de cinco: separación de "
        "dedos. Fortalece los pequeños músculos de los dedos de los pies y ayuda a mejorar el "
        "equilibrio."
    )
    assert intro.text.endswith(
        "Lo haremos 10 veces con cada pie, aguantando 10 segundos. Di listo cuando estés en "
        "posición para el ejercicio de separación de dedos."
    )
    started = echo.say("NextStepIntent", after=2.0)
    assert started.text.startswith(
        "Empezamos en tres, dos, uno. Pie derecho. Separa los dedos todo lo que puedas, y "
        "aguanta. Tres. Dos. Uno. Y relaja. Segunda repetición."
    )
    answer = echo.say("RepsLeftIntent", barge_in=60.0)
    assert answer.text.removeprefix("Y relaja. ").startswith(
        "Vas por la repetición cuatro de diez con tu pie derecho: quedan seis, luego diez con el "
        "pie izquierdo. Cuarta repetición. Separa, y aguanta."
    )
    paused = echo.say("AMAZON.PauseIntent", barge_in=20.0)
    assert paused.text.removeprefix("Y relaja. ") == (
        "En pausa en separación de dedos, repetición cinco de diez con tu pie derecho. Cuando "
        "estés listo, di: Alexa, abre entrenador de pies."
    )
    echo.wait(600)
    back = echo.launch()
    assert back.text == (
        "Hola de nuevo. Te quedaste en separación de dedos, repetición cinco de diez con tu pie "
        "derecho. ¿Seguimos desde ahí?"
    )
    resumed = echo.say("AMAZON.ResumeIntent", after=2.0)
    assert resumed.text.startswith(
        "Seguimos en separación de dedos, repetición cinco de diez con tu pie derecho. "
        "Siéntate con los pies apoyados en el suelo. Empezamos en tres, dos, uno. Quinta "
        "repetición. Separa, y aguanta."
    )


def test_an_unknown_locale_is_answered_in_english(echo_at: EchoAt) -> None:
    launch = echo_at(locale="it-IT").launch()
    assert launch.text.startswith("Welcome to Foot Coach.")


def test_the_simulated_echo_plays_each_language_at_the_skills_estimate_for_it(
    echo_at: EchoAt,
) -> None:
    from skill.chat.speech import playback_seconds
    from skill.routine.languages import phrases

    echo = echo_at(rate=1.0, locale="de-DE")
    echo.launch()
    intro = echo.say("AMAZON.YesIntent", after=2.0)
    german = phrases("de")
    assert intro.duration == pytest.approx(german.seconds(intro.text), abs=2.0)
    assert intro.duration == pytest.approx(playback_seconds(intro.ssml, 1.0, "de"))
    assert intro.duration != pytest.approx(playback_seconds(intro.ssml, 1.0, "en"), abs=1.0)


@pytest.mark.parametrize(
    ("locale", "apology"),
    [
        ("de-DE", "Entschuldige, bei mir ist etwas schiefgegangen."),
        ("es-ES", "Perdona, algo ha fallado por mi parte."),
        ("fr-CA", "Désolé, quelque chose n'a pas marché de mon côté."),
        ("en-GB", "Sorry, something went wrong on my side."),
    ],
)
def test_the_apology_after_a_failure_is_in_the_language(
    echo_at: EchoAt, monkeypatch: pytest.MonkeyPatch, locale: str, apology: str
) -> None:
    from skill.alexa import skill

    def fail(*_: object) -> None:
        raise RuntimeError("a bug in a command")

    monkeypatch.setitem(skill.ROUTES, "RepsLeftIntent", fail)
    echo = echo_at(locale=locale)
    echo.launch()
    answer = echo.say("RepsLeftIntent")
    assert answer.text.startswith(apology)
    assert not answer.ends_session
