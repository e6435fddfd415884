"""German: every message of the English catalog, with the same keys and parameters.

Informal "du", as a coach speaks. Exercise names are used without an article ("die Übung
Fersengang", "Fersengang geschafft") so their gender never matters; the routine names are
all neuter ("das Fußprogramm"). Number words come from num2words, plural choice from babel.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGE = "de"
LOCALES = ("de-DE",)
# CLDR's plural rules for the language (as babel gives them; tests/routine/test_languages.py
# checks they still agree), evaluated with babel.plural.
PLURAL_RULES: Mapping[str, str] = {"one": "i in 1 and v in 0"}
# Grammatical gender of the counted nouns (for "ein"/"eine" before them).
GENDERS: Mapping[str, str] = {
    "rep": "f",
    "round": "f",
    "routine": "n",
    "more_round": "f",
    "more_set": "m",
    "exercise": "f",
    "named_routine": "n",
}

MESSAGES: Mapping[str, str] = {
    # -- numbers, plurals, lists ---------------------------------------------------------------
    "count.one": "{n} {noun}",
    "count.other": "{n} {nouns}",
    "join.pair": "{a} {conjunction} {b}",
    "join.many": "{head}, {conjunction_last}",
    "join.last": "{a} {conjunction} {b}",
    "and": "und",
    "or": "oder",
    "duration.seconds": "{n} Sekunden",
    "duration.second": "eine Sekunde",
    "duration.minute": "eine Minute",
    "duration.minutes": "{n} Minuten",
    "rough.seconds": "{n} Sekunden",
    "rough.minute": "eine Minute",
    "rough.minutes": "{n} Minuten",
    "side.right": "rechter Fuß",
    "side.left": "linker Fuß",
    "side.both": "beide Füße",
    "noun.rep": "Wiederholung|Wiederholungen",
    "noun.round": "Runde|Runden",
    "noun.routine": "Programm|Programme",
    "noun.more_round": "weitere Runde|weitere Runden",
    "noun.more_set": "weiterer Satz|weitere Sätze",
    "noun.exercise": "Übung|Übungen",
    "noun.named_routine": "Mal das {name}|Mal das {name}",
    "text": "{text}",
    # -- the plan: intros -------------------------------------------------------------------
    "intro.routine": "Los geht's mit deinem {routine}: {count} Übungen.",
    "intro.exercise": "Übung {number} von {count}: {name}. {purpose}",
    "dose.timed.once": "Wir gehen {duration} lang.",
    "dose.timed.rounds": "Wir gehen {duration} lang, {times} Mal, mit einer Pause dazwischen.",
    "dose.reps.once": "Wir machen es einmal{each} und halten {hold} lang.",
    "dose.reps.twice": "Wir machen es zweimal{each} und halten jeweils {hold} lang.",
    "dose.reps.many": "Wir machen es {n} Mal{each} und halten jeweils {hold} lang.",
    "dose.each_foot": " pro Fuß",
    "intro.ready": "Sag bereit, wenn du in Position bist für die Übung {name}.",
    "reprompt.intro": "Sag bereit, wenn du in Position bist für die Übung {name}, oder sag "
    "überspringen.",
    "reprompt.intro.ready": "{position} Dann sag bereit, oder sag überspringen.",
    # -- the plan: reps and rounds ---------------------------------------------------------------
    "rep.first_side": "{side}. {cue}",
    "rep.first_set": "Satz {set}. {cue}",
    "rep.last": "Letzte Wiederholung. {cue}",
    "rep.halfway": "Halbzeit. {ordinal} Wiederholung. {cue}",
    "rep.nth": "{ordinal} Wiederholung. {cue}",
    "round.numbered": "Runde {n} von {count}. {cue}",
    "round.halfway": "Halbzeit.",
    "round.stop": "Stopp.",
    "countdown.3": "Drei.",
    "countdown.2": "Zwei.",
    "countdown.1": "Eins.",
    "rest.round": "Pause für {seconds} Sekunden. Danach: Runde {next}.",
    "rest.set": "Pause für {seconds} Sekunden. Danach: Satz {next}, {side}.",
    # -- the plan: the end of a block ----------------------------------------------------------
    "closing.split.rep": "Atme kurz durch. Sag weiter, wenn du bereit bist für Wiederholung {rep}.",
    "closing.split.round": "Jetzt Pause. Sag weiter, wenn du bereit bist für Runde {round}.",
    "closing.side": "Das war dein {side}. Jetzt ist dein {following} dran: sag weiter, wenn du "
    "bereit bist.",
    "closing.set": "Gut. Sag weiter, wenn du bereit bist für Satz {set}.",
    "closing.exercise": "Die Übung {name} ist geschafft. Als Nächstes: {upcoming}. Sag weiter, "
    "wenn du bereit bist.",
    "closing.last": "Die Übung {name} ist geschafft, und das war die letzte Übung. Sag fertig, "
    "um abzuschließen.",
    "reprompt.split": "Sag weiter, wenn du bereit bist, oder frag, wie viele Wiederholungen "
    "noch fehlen.",
    "reprompt.group": "Sag weiter, wenn du bereit bist, oder frag, wie viele Wiederholungen "
    "noch fehlen.",
    "reprompt.last": "Sag weiter, um fortzufahren, oder sag wiederholen.",
    "done.routine": "Das war dein ganzes {routine}. Super gemacht!",
    # -- lead-ins --------------------------------------------------------------------------------
    "lead.countdown": "Es geht los in drei, zwei, eins.",
    "lead.position": "{position}",
    "lead.welcome_back": "Willkommen zurück. Wir machen weiter bei {where}. Um neu anzufangen, "
    "sag von vorne.",
    "lead.picking_up": "Wir machen weiter bei {where}.",
    "lead.starting_over": "Wir fangen ganz von vorne an.",
    "lead.very_start": "Wir sind ganz am Anfang.",
    "lead.skipping": "Ich überspringe die Übung {name}.",
    "lead.skipping_last": "Ich überspringe die Übung {name}, die letzte Übung.",
    "lead.back_rep": "Eine Wiederholung zurück.",
    "lead.repeat_rep": "Noch einmal.",
    "lead.on_to_rep": "Weiter mit Wiederholung {rep} von {total}.",
    "lead.next_rep": "Nächste Wiederholung.",
    "lead.pace": "Okay, {word}.",
    "pace.slower": "langsamer",
    "pace.faster": "schneller",
    "pace.limit.slower": "Das ist schon mein langsamstes Tempo.",
    "pace.limit.faster": "Das ist schon mein schnellstes Tempo.",
    # -- where: positions in words ---------------------------------------------------------------
    "where.end": "dem Ende deines {routine}s",
    "where.intro": "dem Anfang der Übung {name}",
    "where.round": "der Übung {name}, Runde {set} von {rounds}",
    "where.timed": "der Übung {name}",
    "where.rep": "{name}, Wiederholung {rep} von {total}{on_side}{of_set}",
    "where.on_side": ", {side}",
    "where.of_set": ", Satz {set} von {sets}",
    # -- answers ---------------------------------------------------------------------------------
    "reps.intro": "Gleich beginnt die Übung {name}. {dose}",
    "dose.summary.timed": "{rounds}, jeweils {duration}.",
    "dose.summary.reps": "{reps}{each}.",
    "reps.rounds_done": "Alle Runden der Übung {name} sind geschafft.",
    "reps.on_round": "Du bist {about}in Runde {set} von {rounds} der Übung {name}: danach noch "
    "{more}.",
    "reps.on_last_round": "Du bist {about}in Runde {set} von {rounds} der Übung {name}: "
    "das ist die letzte.",
    "reps.rounds_to_go": "Noch offen bei der Übung {name}: {left}.",
    "about": "ungefähr ",
    "reps.then_sets": ", dann {more}",
    "reps.then_side": ", dann {total}, {side}",
    "reps.then_side_sets": ", dann {sets} Sätze zu {total}, {side}",
    "reps.all_set": "Das sind alle {total}{on_side} in diesem Satz. Als Nächstes: Satz {next}.",
    "reps.all_side": "Das sind alle {total}{on_side}. Als Nächstes: {total}, {side}.",
    "reps.all_done": "Alle {total} Wiederholungen der Übung {name} sind geschafft.",
    "reps.done_of": "Du hast {done} von {total} geschafft{on_side}: noch {left}{then}.",
    "reps.on_rep": "Du bist {about}bei Wiederholung {rep} von {total}{on_side}: noch {left}{then}.",
    "where.this": "Das ist die Übung {name}, Übung {number} von {count}.",
    "hold.reps": "Halte jedes Mal {hold} lang.",
    "hold.timed": "Geh jede Runde {duration} lang.",
    "round.left": "Noch ungefähr {time} in dieser Runde.",
    "time.left": "Noch ungefähr {time} in deinem {routine}.",
    "next.after_rep": "Als Nächstes: Wiederholung {rep} von {total}{on_side}.",
    "next.after_set": "Nach diesem Satz: {what}.",
    "next.block": "Als Nächstes: {what}.",
    "next.side": "{reps}{on_side}",
    "next.set": "Satz {set}",
    "next.round": "Als Nächstes: Runde {round} von {rounds}.",
    "next.after_round": "Nach dieser Runde: Runde {round} von {rounds}.",
    "next.exercise": "Als Nächstes: die Übung {name}.",
    "next.nothing": "Das war die letzte Übung.",
    "next.finish": "Das ist die letzte Übung. Danach bist du fertig.",
    "info.short": "{purpose} {cue}",
    "info.long": "{purpose} {instructions}",
    "equipment.alternative": "{alternative}",
    "equipment.offer_skip": "Kein Problem. Soll ich die Übung {name} überspringen?",
    "equipment.not_needed": "Für die Übung {name} brauchst du das nicht.",
    # -- questions and prompts --------------------------------------------------------------------
    "ask.continue": "Sag weiter, wenn du bereit bist.",
    "ask.next": "Sag weiter, wenn du bereit bist.",
    "ask.begin": "Sag starte mein Fußprogramm, um anzufangen.",
    "ask.what": "Was möchtest du machen?",
    "ask.which_exercise": "Welche Übung möchtest du machen?",
    "ask.which_routine": "Welches möchtest du machen?",
    "ask.pick_up": "Soll ich dort weitermachen?",
    "ask.pick_up.reprompt": "Soll ich dort weitermachen? Oder sag von vorne.",
    "ask.start": "Wollen wir mit dem {routine} anfangen?",
    "ask.start.reprompt": "Wollen wir mit dem {routine} anfangen? Oder sag {other}.",
    "ask.start_other": "starte das {routine}",
    "ask.from_top": "Wollen wir das {routine} von vorne anfangen?",
    "ask.instead": "Wie wäre es stattdessen mit dem {routine}?",
    "ask.start_over": "Das {routine} noch einmal von vorne anfangen? Du bist gerade bei {where}.",
    "ask.start_over.reprompt": "Sag ja, um von vorne anzufangen, oder nein, um weiterzumachen.",
    "ask.skip": "Soll ich die Übung {name} überspringen?",
    "ask.skip.reprompt": "Sag ja, um die Übung {name} zu überspringen, oder nein, um sie zu "
    "machen.",
    "launch.first": "Willkommen bei Fußtrainer. Ich begleite dich durch Übungen zur "
    "Fußkräftigung für Läufer. {safety}",
    "launch.stopped": "Willkommen zurück. Du hast bei {where} aufgehört.",
    "launch.back": "Willkommen zurück.",
    "launch.back_count": "Willkommen zurück. Du hast bisher {count} abgeschlossen.",
    "exercises.list": "Das {routine} hat diese Übungen: {names}.",
    "routines.list": "Ich kann dich durch {names} begleiten.",
    "routine.the": "das {name}",
    "nothing": "Gerade läuft kein Programm. Du kannst {names} starten.",
    "no.later": "Okay, vielleicht später. Tschüss!",
    "no.carry_on": "Okay, wir machen weiter.",
    # -- progress --------------------------------------------------------------------------------
    "report.none": "Du hast noch kein Programm abgeschlossen. Das erste ist das schwerste!",
    "report.count": "Du hast {count} abgeschlossen.",
    "report.count_parts": "Du hast {count} abgeschlossen: {parts}.",
    "report.streak": "Das sind {streak} Tage in Folge.",
    "report.streak_at_least": "Das sind mindestens {streak} Tage in Folge.",
    "report.last": "Dein letztes Training war {when}.",
    "when.today": "heute",
    "when.yesterday": "gestern",
    "when.days_ago": "vor {n} Tagen",
    "done.closing": "Insgesamt: {count}. Bis zum nächsten Mal!",
    "done.already": "Dein ganzes {routine} ist geschafft. Super gemacht!",
    # -- help ----------------------------------------------------------------------------------
    "sorry": "Entschuldige, das habe ich nicht verstanden.",
    "sorry.failed": "Entschuldige, bei mir ist etwas schiefgegangen. Dein Fortschritt ist "
    "gespeichert. Bitte versuch es noch einmal.",
    "help.idle": "Ich bin dein Fußtrainer. Sag starte, um das {routine} zu machen, oder sag "
    "starte das Kurzprogramm.",
    "help.intro": "Du bist bei {where}. Sag bereit zum Anfangen, überspringen zum "
    "Weitergehen, oder frag, was diese Übung bringt.",
    "help.set": "Du bist bei {where}. Sag weiter, frag, wie viele Wiederholungen noch fehlen, "
    "oder sag Pause.",
    "help.end": "Sag fertig, um abzuschließen, oder frag, wie es bei dir läuft.",
    "help.question": "Du kannst ja oder nein sagen.",
    # -- goodbyes --------------------------------------------------------------------------------
    "bye.paused": "Pausiert bei {where}. Wenn du bereit bist, sag: Alexa, öffne Fußtrainer.",
    "bye.stopped": "Okay. Ich habe deine Stelle gespeichert: {where}. Um zurückzukommen, sag: "
    "Alexa, öffne Fußtrainer.",
    "bye.plain": "Tschüss, und viel Spaß beim Laufen!",
    "bye.finished": "Dein ganzes {routine} ist geschafft. Super gemacht! Bis zum nächsten Mal.",
}
