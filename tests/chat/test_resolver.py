"""The phrase resolver: every sample of every real model, and the rules on a model of our own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from skill.chat.errors import ModelError
from skill.chat.model import InteractionModel, find_model_file, load_model, parse_model
from skill.chat.normalize import normalize, parse_number, spell_number
from skill.chat.resolver import FALLBACK_INTENT, MATCH, NO_MATCH, Resolver

from .helpers import MODEL_FILES, small_model_document, write_small_model

SLOT = re.compile(r"\{(\w+)\}")
OUT_OF_DOMAIN = [
    "what's the weather",
    "play some music",
    "order a pizza",
    "what time is it",
    "tell me a joke",
    "turn on the lights",
]


def test_the_real_interaction_models_are_there() -> None:
    assert [path.name for path in MODEL_FILES if path.name == "en-US.json"], MODEL_FILES


@pytest.fixture(scope="module", params=MODEL_FILES, ids=[path.stem for path in MODEL_FILES])
def real(request: pytest.FixtureRequest) -> Resolver:
    return Resolver(load_model(request.param))


def _filled(model: InteractionModel, intent_name: str, sample: str) -> list[tuple[str, str, str]]:
    """(phrase, slot, expected id) for every value name and synonym of every slot."""
    intent = model.intent(intent_name)
    assert intent is not None
    names = SLOT.findall(sample)
    cases = []
    for name in names:
        for value in model.types[intent.slot_types[name]]:
            for text in (value.name, *value.synonyms):
                phrase = sample
                for other in names:
                    other_values = model.types[intent.slot_types[other]]
                    phrase = phrase.replace(
                        "{" + other + "}", text if other == name else other_values[0].name
                    )
                cases.append((phrase, name, value.id or value.name))
    return cases


def test_every_sample_resolves_to_its_own_intent(real: Resolver) -> None:
    wrong = []
    checked = 0
    for intent in real.model.intents:
        for sample in intent.samples:
            if SLOT.search(sample):
                continue
            checked += 1
            got = real.resolve(sample)
            if got.kind != "intent" or got.intent != intent.name:
                wrong.append(f"{sample!r}: expected {intent.name}, got {got.intent}")
    assert checked > 100
    assert not wrong, "\n".join(wrong)


def test_every_slot_sample_resolves_each_value_and_synonym_to_its_id(real: Resolver) -> None:
    wrong = []
    checked = 0
    for intent in real.model.intents:
        for sample in intent.samples:
            if not SLOT.search(sample):
                continue
            for phrase, slot_name, expected_id in _filled(real.model, intent.name, sample):
                checked += 1
                got = real.resolve(phrase)
                slot = got.slot(slot_name)
                ids = [match.id for match in slot.matches] if slot else []
                if (
                    got.intent != intent.name
                    or slot is None
                    or slot.status != MATCH
                    or expected_id not in ids
                ):
                    wrong.append(
                        f"{phrase!r} (from {sample!r}): expected {intent.name} "
                        f"{slot_name}={expected_id}, got {got.intent} {slot}"
                    )
    assert checked > 500
    assert not wrong, "\n".join(wrong[:40])


@pytest.mark.parametrize("phrase", OUT_OF_DOMAIN)
def test_out_of_domain_phrases_fall_back(real: Resolver, phrase: str) -> None:
    assert real.resolve(phrase).intent == FALLBACK_INTENT


# How a runner opens the skill, asks for the next step, for the reps left and starts the full
# routine, in each language ("{}" is the invocation name).
ONE_SHOTS = {
    "en": (
        "Alexa, open {}",
        "Alexa, ask {} for the next step",
        "alexa ask {} how many reps are left?",
        "Alexa, ask {} to start my foot routine",
    ),
    "de": (
        "Alexa, öffne {}",
        "Alexa, sag {} nächster Schritt",
        "alexa frag {} wie viele Wiederholungen sind es noch?",
        "Alexa, sag {}, starte das Fußprogramm",
    ),
    "es": (
        "Alexa, abre {}",
        "Alexa, dile a {} siguiente paso",
        "alexa pregunta a {} ¿cuántas repeticiones me quedan?",
        "Alexa, pide a {} que empiece la rutina de pies",
    ),
    "fr": (
        "Alexa, ouvre {}",
        "Alexa, dis à {} étape suivante",
        "alexa demande à {} combien de répétitions il reste ?",
        "Alexa, demande à {} de commencer la routine des pieds",
    ),
}
OUT_OF_DOMAIN_BY_LANGUAGE = {
    "de": [
        "wie wird das wetter",
        "spiel musik",
        "bestell eine pizza",
        "wie spät ist es",
        "erzähl mir einen witz",
        "mach das licht an",
    ],
    "es": [
        "qué tiempo hace",
        "pon música",
        "pide una pizza",
        "qué hora es",
        "cuéntame un chiste",
        "enciende la luz",
    ],
    "fr": [
        "quel temps fait il",
        "mets de la musique",
        "commande une pizza",
        "quelle heure est il",
        "raconte moi une blague",
        "allume la lumière",
    ],
}


def test_real_model_one_shots_and_launch(real: Resolver) -> None:
    invocation = real.model.invocation_name
    opening, next_step, reps_left, start_foot = (
        phrase.format(invocation) for phrase in ONE_SHOTS[real.language.code]
    )
    launch = real.resolve(opening)
    assert (launch.kind, launch.invoked) == ("launch", True)
    one_shot = real.resolve(next_step)
    assert (one_shot.intent, one_shot.invoked) == ("NextStepIntent", True)
    reps = real.resolve(reps_left)
    assert (reps.intent, reps.invoked) == ("RepsLeftIntent", True)
    start = real.resolve(start_foot)
    assert start.intent == "StartRoutineIntent" and start.invoked
    routine = start.slot("routine")
    assert routine is not None and [m.id for m in routine.matches] == ["foot"]


def test_out_of_domain_phrases_fall_back_in_the_models_language(real: Resolver) -> None:
    phrases = OUT_OF_DOMAIN_BY_LANGUAGE.get(real.language.code, OUT_OF_DOMAIN)
    reached = {phrase: real.resolve(phrase).intent for phrase in phrases}
    assert reached == dict.fromkeys(phrases, FALLBACK_INTENT)


@pytest.mark.parametrize(
    ("locale", "phrase", "intent", "slot", "value_id"),
    [
        (
            "de-DE",
            "Überspring bitte die Murmeln!",
            "SkipExerciseIntent",
            "exercise",
            "marble_pickup",
        ),
        ("de-DE", "uberspring die murmeln", "SkipExerciseIntent", "exercise", "marble_pickup"),
        ("de-DE", "Ich habe keinen Ball", "MissingEquipmentIntent", "equipment", "marble"),
        # Not an exercise: Alexa still sends the intent, the slot without a resolution.
        ("de-DE", "mach den Fussgang", "GoToExerciseIntent", "exercise", None),
        ("de-DE", "Geht's auch ohne Stufe?", "MissingEquipmentIntent", "equipment", "step"),
        (
            "de-DE",
            "Was bringt's, das Zehenspreizen?",
            "ExerciseInfoIntent",
            "exercise",
            "toe_spread",
        ),
        ("es-MX", "¡Sáltate las canicas!", "SkipExerciseIntent", "exercise", "marble_pickup"),
        ("es-ES", "no tengo escalon", "MissingEquipmentIntent", "equipment", "step"),
        ("es-US", "¿Cuántas me quedan?", "RepsLeftIntent", None, None),
        ("fr-FR", "Je n'ai pas d'élastique", "MissingEquipmentIntent", "equipment", "band"),
        ("fr-CA", "Qu'est-ce qui vient après?", "WhatsNextIntent", None, None),
        (
            "fr-FR",
            "à quoi sert l'écartement des orteils",
            "ExerciseInfoIntent",
            "exercise",
            "toe_spread",
        ),
    ],
)
def test_phrases_resolve_through_accents_umlauts_elisions_and_marks(
    locale: str, phrase: str, intent: str, slot: str | None, value_id: str | None
) -> None:
    got = Resolver.for_locale(locale).resolve(phrase)
    assert got.intent == intent
    if slot is not None:
        fill = got.slot(slot)
        assert fill is not None and fill.spoken
        assert [m.id for m in fill.matches] == ([value_id] if value_id else [])


def test_resolver_for_locale_picks_the_locale_model_and_language() -> None:
    german = Resolver.for_locale("de-DE")
    assert (german.model.locale, german.language.code) == ("de-DE", "de")
    assert german.resolve("weiter").intent == "AMAZON.NextIntent"
    assert german.resolve("stopp").intent == "AMAZON.StopIntent"
    # The English stock phrases are not German ones.
    assert german.resolve("next").intent == FALLBACK_INTENT
    assert Resolver.for_locale("es-MX").language.code == "es"
    assert Resolver.for_locale("fr-CA").model.invocation_name == "coach des pieds"
    with pytest.raises(ModelError):
        Resolver.for_locale("xx-XX")


@pytest.mark.parametrize(
    ("typed", "language", "expected"),
    [
        ("Wie geht's weiter? Übung 3", "de", "wie geht es weiter ubung drei"),
        ("Fuß, Fuss", "de", "fuss fuss"),
        ("¿Cuántas me quedan? ¡Sí!", "es", "cuantas me quedan si"),
        ("Dame 5 segundos", "es", "dame cinco segundos"),
        ("Qu'est-ce que je fais ?", "fr", "que est ce que je fais"),
        ("je n\u2019ai pas d\u2019élastique", "fr", "je ne ai pas de elastique"),
        ("aujourd'hui", "fr", "aujourdhui"),
        ("What's next?", "en", "what is next"),
    ],
)
def test_normalisation_per_language(typed: str, language: str, expected: str) -> None:
    assert normalize(typed, language) == expected


# -- rules, on a model written for these tests ------------------------------------------


@pytest.fixture()
def small() -> Resolver:
    return Resolver(parse_model(small_model_document(), "en-US"))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("What's left?", "what is left"),
        ("I'm   DONE!!", "i am done"),
        ("i am done", "i am done"),
        ("Let\u2019s go", "let us go"),
        ("do 12 reps", "do twelve reps"),
        ("toe-heel walks", "toe heel walks"),
        ("  next,  step.  ", "next step"),
        ("don't stop", "do not stop"),
        ("runner's routine", "runners routine"),
    ],
)
def test_normalisation(typed: str, expected: str) -> None:
    assert normalize(typed) == expected


def test_numbers_are_spelled_and_read_back() -> None:
    for value in (0, 7, 12, 20, 21, 99, 100, 115, 1999, 250000):
        assert parse_number(spell_number(value).split()) == value
    assert parse_number(["one", "hundred", "and", "five"]) == 105
    assert parse_number(["banana"]) is None


@pytest.mark.parametrize("typed", ["i'm done", "I am done.", "  I'M DONE ", "im done"])
def test_contractions_and_case_meet_the_sample(small: Resolver, typed: str) -> None:
    assert small.resolve(typed).intent == "NextStepIntent"


@pytest.mark.parametrize(
    ("typed", "expected_id"),
    [
        ("start my whole routine", "foot"),  # {routine}="whole routine", not "whole"+routine
        ("start my quick routine", "quick"),
        ("start the short version", "quick"),  # a leading "the" is not part of the value
        ("start foot", "foot"),
    ],
)
def test_slot_values_resolve_through_synonyms(
    small: Resolver, typed: str, expected_id: str
) -> None:
    utterance = small.resolve(typed)
    slot = utterance.slot("routine")
    assert utterance.intent == "StartRoutineIntent"
    assert slot is not None and slot.status == MATCH
    assert [match.id for match in slot.matches] == [expected_id]


def test_a_literal_sample_that_is_also_a_slot_sample_fills_the_slot(small: Resolver) -> None:
    slot = small.resolve("start my foot routine").slot("routine")
    assert slot is not None and slot.status == MATCH and slot.matches[0].id == "foot"


def test_values_without_id_report_their_name_as_id(small: Resolver) -> None:
    slot = small.resolve("go to toe spread").slot("exercise")
    assert slot is not None and [(m.id, m.name) for m in slot.matches] == [
        ("toe spread", "toe spread")
    ]


def test_plural_and_synonym(small: Resolver) -> None:
    slot = small.resolve("do heel drop").slot("exercise")
    assert slot is not None and slot.matches[0].id == "calf_drops"


def test_unknown_value_is_no_match_when_the_carrier_phrase_is_clear(small: Resolver) -> None:
    utterance = small.resolve("go to the moonwalk")
    slot = utterance.slot("exercise")
    assert utterance.intent == "GoToExerciseIntent"
    assert slot is not None and slot.spoken == "moonwalk" and slot.status == NO_MATCH
    assert slot.matches == ()


def test_unknown_value_with_a_weak_carrier_phrase_falls_back(small: Resolver) -> None:
    assert small.resolve("do the dishes tonight").intent == FALLBACK_INTENT


def test_amazon_number_slots_read_digits_and_words(small: Resolver) -> None:
    for typed in ("do 12 reps", "do twelve reps"):
        slot = small.resolve(typed).slot("count")
        assert slot is not None and slot.spoken == "12" and slot.status is None
    assert small.resolve("do many reps").intent == FALLBACK_INTENT


def test_built_in_intents_understand_common_phrases_only_when_declared(small: Resolver) -> None:
    assert small.resolve("stop").intent == "AMAZON.StopIntent"
    assert small.resolve("what can I say").intent == "AMAZON.HelpIntent"
    assert small.resolve("yeah").intent == "AMAZON.YesIntent"
    assert small.resolve("never mind").intent == FALLBACK_INTENT  # no CancelIntent declared


def test_model_samples_beat_built_in_phrases(small: Resolver) -> None:
    # "next" is a NextStepIntent sample here; AMAZON.NextIntent is not even declared.
    assert small.resolve("next").intent == "NextStepIntent"


def test_unfilled_slots_are_still_listed(small: Resolver) -> None:
    utterance = small.resolve("let's go")
    assert utterance.intent == "StartRoutineIntent"
    slot = utterance.slot("routine")
    assert slot is not None and slot.spoken is None and slot.status is None


@pytest.mark.parametrize(
    ("typed", "kind", "intent"),
    [
        ("alexa, open foot coach", "launch", None),
        ("Alexa open the foot coach", "launch", None),
        ("launch foot coach", "launch", None),
        ("alexa, ask foot coach", "launch", None),
        ("alexa talk to foot coach", "launch", None),
        ("alexa ask foot coach what's left", "intent", "RepsLeftIntent"),
        ("alexa, tell foot coach I'm done", "intent", "NextStepIntent"),
        ("alexa ask foot coach for the next step", "intent", "NextStepIntent"),
        ("alexa ask foot coach to start my quick routine", "intent", "StartRoutineIntent"),
        ("alexa open foot coach and start my quick routine", "intent", "StartRoutineIntent"),
        ("alexa, start my quick routine using foot coach", "intent", "StartRoutineIntent"),
        ("alexa ask foot coach to fly me to the moon", "intent", FALLBACK_INTENT),
    ],
)
def test_invocation_forms(small: Resolver, typed: str, kind: str, intent: str | None) -> None:
    utterance = small.resolve(typed)
    assert (utterance.kind, utterance.intent, utterance.invoked) == (kind, intent, True)


def test_wake_word_alone_or_with_a_phrase(small: Resolver) -> None:
    assert small.resolve("Alexa").kind == "nothing"
    assert small.resolve("   ").kind == "nothing"
    utterance = small.resolve("alexa, next step")
    assert (utterance.intent, utterance.invoked) == ("NextStepIntent", False)


def test_resolution_is_deterministic(small: Resolver) -> None:
    phrases = ["start my whole routine", "go to the moonwalk", "stop", "next", "order a pizza"]
    first = [small.resolve(phrase) for phrase in phrases]
    again = Resolver(parse_model(small_model_document(), "en-US"))
    assert [again.resolve(phrase) for phrase in phrases] == first


def test_examples_for_help_fill_slots(small: Resolver) -> None:
    examples = dict(small.examples())
    assert examples["StartRoutineIntent"] == "start foot routine"
    assert examples["SetRepsIntent"] == "do ten reps"
    assert examples["AMAZON.StopIntent"] == "stop"


def test_model_files_are_found_and_bad_ones_explained(tmp_path: Path) -> None:
    path = write_small_model(tmp_path)
    assert find_model_file("en-US", [tmp_path / "nowhere", tmp_path]) == path
    with pytest.raises(ModelError, match="no interaction model for fr-FR"):
        find_model_file("fr-FR", [tmp_path])
    with pytest.raises(ModelError, match="not a locale"):
        find_model_file("../en-US", [tmp_path])
    broken = tmp_path / "broken.json"
    broken.write_text('{"interactionModel": {"languageModel": {"intents": []}}}')
    with pytest.raises(ModelError, match="invocationName"):
        load_model(broken)
    broken.write_text("{not json")
    with pytest.raises(ModelError, match="cannot read"):
        load_model(broken)


# -- beyond the samples: how Alexa generalises, and what the console suggests -------------------


@pytest.fixture(scope="module")
def us() -> Resolver:
    return Resolver(load_model(next(path for path in MODEL_FILES if path.stem == "en-US")))


@pytest.mark.parametrize(
    ("typed", "intent"),
    [
        ("could you please tell me how many reps are left now", "RepsLeftIntent"),  # polite padding
        ("um how many reps are left", "RepsLeftIntent"),
        ("how many repetitions are left", "RepsLeftIntent"),  # a word form no sample spells
        ("start the routine", "StartRoutineIntent"),
    ],
)
def test_phrases_near_a_sample_reach_its_intent(small: Resolver, typed: str, intent: str) -> None:
    assert small.resolve(typed).intent == intent


def test_a_near_phrase_fills_its_slot(small: Resolver) -> None:
    utterance = small.resolve("please could we go to the heel drops now")
    slot = utterance.slot("exercise")
    assert utterance.intent == "GoToExerciseIntent"
    assert slot is not None and slot.status == MATCH and slot.matches[0].id == "calf_drops"


def test_a_phrase_between_two_intents_falls_back(small: Resolver) -> None:
    # "next" is a NextStepIntent sample, "how many reps are left" a RepsLeftIntent one: a phrase
    # leaning on both is unclear, and a fallback is better than a wrong move.
    assert small.resolve("next how many").intent == FALLBACK_INTENT


def test_unresolvable_slot_words_give_way_to_a_clear_reading(us: Resolver) -> None:
    # "give me the {routine}" would take "instructions please" as a routine Alexa cannot resolve
    utterance = us.resolve("give me the instructions please")
    assert utterance.intent == "ExerciseInfoIntent"
    skip = us.resolve("can we skip the heel walks today")
    slot = skip.slot("exercise")
    assert skip.intent == "SkipExerciseIntent"
    assert slot is not None and [m.id for m in slot.matches] == ["heel_walk"]


def test_skip_and_go_to_a_named_exercise_stay_apart(us: Resolver) -> None:
    skip = us.resolve("just skip the marble one")
    go = us.resolve("just skip to the marble one")
    assert (skip.intent, go.intent) == ("SkipExerciseIntent", "GoToExerciseIntent")
    for utterance in (skip, go):
        slot = utterance.slot("exercise")
        assert slot is not None and [m.id for m in slot.matches] == ["marble_pickup"]


def test_closest_samples_are_ranked_one_per_intent_with_slots_filled(us: Resolver) -> None:
    nearest = us.closest("how many calf drops remain for me to do on this leg", 3)
    assert len(nearest) == 3
    assert nearest[0].intent == "RepsLeftIntent"
    assert len({near.intent for near in nearest}) == 3
    assert [near.score for near in nearest] == sorted((n.score for n in nearest), reverse=True)
    assert all("{" not in near.sample for near in nearest)
    assert "calf drops" in us.closest("skip the calf drops for good", 1)[0].sample


def test_not_understood_names_the_fallback_and_the_nearest_samples(us: Resolver) -> None:
    message = us.not_understood("how many calf drops remain for me to do on this leg")
    assert "AMAZON.FallbackIntent" in message and "(RepsLeftIntent)" in message
    assert us.not_understood("order a pizza") == (
        "(not understood: no sample is close; /help lists what you can say)"
    )
