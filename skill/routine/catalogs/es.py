"""Spanish (es-ES, es-US, es-MX): every message of the English catalog, same keys and parameters.

"Tú", as a coach speaks, in words shared by Spain and Latin America. Exercise names follow
"el ejercicio de ..." so their gender never matters; the routine names are feminine ("la rutina
de pies"). Number words come from num2words ("una repetición", "un ejercicio"), plural choice
from babel, and the ordinals of repetitions are feminine ("segunda repetición").
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGE = "es"
LOCALES = ("es-ES", "es-US", "es-MX")
# CLDR's plural rules for the language (as babel gives them; tests/routine/test_languages.py
# checks they still agree), evaluated with babel.plural.
PLURAL_RULES: Mapping[str, str] = {
    "one": "n in 1",
    "many": "e in 0 and i not in 0 and i mod 1000000 in 0 and v in 0 or e not in 0..5",
}
GENDERS: Mapping[str, str] = {
    "rep": "f",
    "round": "f",
    "routine": "f",
    "more_round": "f",
    "more_set": "f",
    "exercise": "m",
    "named_routine": "f",
}

MESSAGES: Mapping[str, str] = {
    # -- numbers, plurals, lists ---------------------------------------------------------------
    "count.one": "{n} {noun}",
    "count.other": "{n} {nouns}",
    "join.pair": "{a} {conjunction} {b}",
    "join.many": "{head}, {conjunction_last}",
    "join.last": "{a} {conjunction} {b}",
    "and": "y",
    "or": "o",
    "duration.seconds": "{n} segundos",
    "duration.second": "un segundo",
    "duration.minute": "un minuto",
    "duration.minutes": "{n} minutos",
    "rough.seconds": "{n} segundos",
    "rough.minute": "un minuto",
    "rough.minutes": "{n} minutos",
    "side.right": "pie derecho",
    "side.left": "pie izquierdo",
    "side.both": "ambos pies",
    "noun.rep": "repetición|repeticiones",
    "noun.round": "ronda|rondas",
    "noun.routine": "rutina|rutinas",
    "noun.more_round": "ronda más|rondas más",
    "noun.more_set": "serie más|series más",
    "noun.exercise": "ejercicio|ejercicios",
    "noun.named_routine": "vez la {name}|veces la {name}",
    "text": "{text}",
    # -- the plan: intros -------------------------------------------------------------------
    "intro.routine": "Empecemos tu {routine}: {count} ejercicios.",
    "intro.exercise": "Ejercicio {number} de {count}: {name}. {purpose}",
    "dose.timed.once": "Caminaremos durante {duration}.",
    "dose.timed.rounds": "Caminaremos durante {duration}, {times} veces, con un descanso entre "
    "medias.",
    "dose.reps.once": "Lo haremos una vez{each}, aguantando {hold}.",
    "dose.reps.twice": "Lo haremos dos veces{each}, aguantando {hold}.",
    "dose.reps.many": "Lo haremos {n} veces{each}, aguantando {hold}.",
    "dose.each_foot": " con cada pie",
    "intro.ready": "Di listo cuando estés en posición para el ejercicio de {name}.",
    "reprompt.intro": "Di listo cuando estés en posición para el ejercicio de {name}, o di salta.",
    "reprompt.intro.ready": "{position} Luego di listo, o di salta.",
    # -- the plan: reps and rounds ---------------------------------------------------------------
    "rep.first_side": "{side}. {cue}",
    "rep.first_set": "Serie {set}. {cue}",
    "rep.last": "Última repetición. {cue}",
    "rep.halfway": "Vas por la mitad. {ordinal} repetición. {cue}",
    "rep.nth": "{ordinal} repetición. {cue}",
    "round.numbered": "Ronda {n} de {count}. {cue}",
    "round.halfway": "Mitad.",
    "round.stop": "Para.",
    "countdown.3": "Tres.",
    "countdown.2": "Dos.",
    "countdown.1": "Uno.",
    "rest.round": "Descansa {seconds} segundos. Después: ronda {next}.",
    "rest.set": "Descansa {seconds} segundos. Después: serie {next}, {side}.",
    # -- the plan: the end of a block ----------------------------------------------------------
    "closing.split.rep": "Respira un momento. Di siguiente cuando estés listo para la "
    "repetición {rep}.",
    "closing.split.round": "Ahora descansa. Di siguiente cuando estés listo para la ronda {round}.",
    "closing.side": "Listo el {side}. Cambia al {following}, y di siguiente cuando estés listo.",
    "closing.set": "Bien. Di siguiente cuando estés listo para la serie {set}.",
    "closing.exercise": "Terminado el ejercicio de {name}. Ahora viene: {upcoming}. Di siguiente "
    "cuando estés listo.",
    "closing.last": "Terminado el ejercicio de {name}, y era el último ejercicio. Di terminado "
    "para acabar.",
    "reprompt.split": "Di siguiente cuando estés listo, o pregunta cuántas repeticiones quedan.",
    "reprompt.group": "Di siguiente cuando estés listo, o pregunta cuántas repeticiones quedan.",
    "reprompt.last": "Di siguiente para continuar, o di repite.",
    "done.routine": "Has completado toda tu {routine}. ¡Buen trabajo!",
    # -- lead-ins --------------------------------------------------------------------------------
    "lead.countdown": "Empezamos en tres, dos, uno.",
    "lead.position": "{position}",
    "lead.welcome_back": "Hola de nuevo. Seguimos en {where}. Para empezar desde el principio, "
    "di empieza de nuevo.",
    "lead.picking_up": "Seguimos en {where}.",
    "lead.starting_over": "Empezamos de nuevo desde el principio.",
    "lead.very_start": "Estamos justo al principio.",
    "lead.skipping": "Saltamos el ejercicio de {name}.",
    "lead.skipping_last": "Saltamos el ejercicio de {name}, el último ejercicio.",
    "lead.back_rep": "Una repetición atrás.",
    "lead.repeat_rep": "Otra vez.",
    "lead.on_to_rep": "Pasamos a la repetición {rep} de {total}.",
    "lead.next_rep": "Siguiente repetición.",
    "lead.pace": "Vale, {word}.",
    "pace.slower": "más despacio",
    "pace.faster": "más rápido",
    "pace.limit.slower": "Este ya es mi ritmo más lento.",
    "pace.limit.faster": "Este ya es mi ritmo más rápido.",
    # -- where: positions in words ---------------------------------------------------------------
    "where.end": "el final de tu {routine}",
    "where.intro": "el comienzo del ejercicio de {name}",
    "where.round": "el ejercicio de {name}, ronda {set} de {rounds}",
    "where.timed": "el ejercicio de {name}",
    "where.rep": "{name}, repetición {rep} de {total}{on_side}{of_set}",
    "where.on_side": " con tu {side}",
    "where.of_set": ", serie {set} de {sets}",
    # -- answers ---------------------------------------------------------------------------------
    "reps.intro": "Estás a punto de empezar el ejercicio de {name}. {dose}",
    "dose.summary.timed": "{rounds} de {duration}.",
    "dose.summary.reps": "{reps}{each}.",
    "reps.rounds_done": "Ya están hechas todas las rondas del ejercicio de {name}.",
    "reps.on_round": "Vas {about}por la ronda {set} de {rounds} del ejercicio de {name}: "
    "después, {more}.",
    "reps.on_last_round": "Vas {about}por la ronda {set} de {rounds} del ejercicio de {name}: "
    "es la última.",
    "reps.rounds_to_go": "{left} del ejercicio de {name} por hacer.",
    "about": "más o menos ",
    "reps.then_sets": ", luego {more}",
    "reps.then_side": ", luego {total} con el {side}",
    "reps.then_side_sets": ", luego {sets} series de {total} con el {side}",
    "reps.all_set": "Ya están las {total}{on_side} de esta serie. Ahora viene la serie {next}.",
    "reps.all_side": "Ya están las {total}{on_side}. Ahora vienen {total} con el {side}.",
    "reps.all_done": "Ya están hechas las {total} repeticiones del ejercicio de {name}.",
    "reps.done_of": "Llevas {done} de {total}{on_side}: quedan {left}{then}.",
    "reps.on_rep": "Vas {about}por la repetición {rep} de {total}{on_side}: quedan {left}{then}.",
    "where.this": "Este es el ejercicio de {name}, el ejercicio {number} de {count}.",
    "hold.reps": "Aguanta {hold} cada vez.",
    "hold.timed": "Camina {duration} en cada ronda.",
    "round.left": "Tiempo restante de esta ronda: aproximadamente {time}.",
    "time.left": "Tiempo restante de tu {routine}: aproximadamente {time}.",
    "next.after_rep": "Ahora viene la repetición {rep} de {total}{on_side}.",
    "next.after_set": "Después de esta serie: {what}.",
    "next.block": "Ahora viene: {what}.",
    "next.side": "{reps}{on_side}",
    "next.set": "la serie {set}",
    "next.round": "Ahora viene la ronda {round} de {rounds}.",
    "next.after_round": "Después de esta ronda: la ronda {round} de {rounds}.",
    "next.exercise": "Ahora viene el ejercicio de {name}.",
    "next.nothing": "Ese era el último ejercicio.",
    "next.finish": "Es el último ejercicio. Después, habrás terminado.",
    "info.short": "{purpose} {cue}",
    "info.long": "{purpose} {instructions}",
    "equipment.alternative": "{alternative}",
    "equipment.offer_skip": "No pasa nada. ¿Salto el ejercicio de {name}?",
    "equipment.not_needed": "Para el ejercicio de {name} no lo necesitas.",
    # -- questions and prompts --------------------------------------------------------------------
    "ask.continue": "Di continúa cuando estés listo.",
    "ask.next": "Di siguiente cuando estés listo.",
    "ask.begin": "Di empieza mi rutina para comenzar.",
    "ask.what": "¿Qué quieres hacer?",
    "ask.which_exercise": "¿Qué ejercicio quieres hacer?",
    "ask.which_routine": "¿Cuál quieres hacer?",
    "ask.pick_up": "¿Seguimos desde ahí?",
    "ask.pick_up.reprompt": "¿Seguimos desde ahí? O di empieza de nuevo.",
    "ask.start": "¿Empezamos la {routine}?",
    "ask.start.reprompt": "¿Empezamos la {routine}? O di {other}.",
    "ask.start_other": "empieza la {routine}",
    "ask.from_top": "¿Empezamos la {routine} desde el principio?",
    "ask.instead": "¿Qué tal la {routine} en su lugar?",
    "ask.start_over": "¿Empezamos la {routine} otra vez desde el principio? Estás en {where}.",
    "ask.start_over.reprompt": "Di sí para empezar desde el principio, o no para seguir.",
    "ask.skip": "¿Salto el ejercicio de {name}?",
    "ask.skip.reprompt": "Di sí para saltar el ejercicio de {name}, o no para hacerlo.",
    "launch.first": "Bienvenido a Entrenador de pies. Te guiaré por ejercicios para fortalecer "
    "los pies, pensados para corredores. {safety}",
    "launch.stopped": "Hola de nuevo. Te quedaste en {where}.",
    "launch.back": "Hola de nuevo.",
    "launch.back_count": "Hola de nuevo. Hasta ahora has completado {count}.",
    "exercises.list": "La {routine} tiene estos ejercicios: {names}.",
    "routines.list": "Puedo guiarte por {names}.",
    "routine.the": "la {name}",
    "nothing": "Ahora mismo no hay ninguna rutina en marcha. Puedes empezar {names}.",
    "no.later": "Vale, quizás más tarde. ¡Adiós!",
    "no.carry_on": "Vale, seguimos.",
    # -- progress --------------------------------------------------------------------------------
    "report.none": "Todavía no has completado ninguna rutina. ¡La primera es la más difícil!",
    "report.count": "Has completado {count}.",
    "report.count_parts": "Has completado {count}: {parts}.",
    "report.streak": "Llevas {streak} días seguidos.",
    "report.streak_at_least": "Llevas al menos {streak} días seguidos.",
    "report.last": "La última fue {when}.",
    "when.today": "hoy",
    "when.yesterday": "ayer",
    "when.days_ago": "hace {n} días",
    "done.closing": "En total, {count}. ¡Hasta la próxima!",
    "done.already": "Has completado toda tu {routine}. ¡Buen trabajo!",
    # -- help ----------------------------------------------------------------------------------
    "sorry": "Perdona, no te he entendido.",
    "sorry.failed": "Perdona, algo ha fallado por mi parte. Tu progreso está a salvo. Inténtalo "
    "de nuevo.",
    "help.idle": "Soy tu entrenador de pies. Di empieza para hacer la {routine}, o di empieza "
    "la rutina rápida.",
    "help.intro": "Estás en {where}. Di listo para empezar, salta para pasar al siguiente, o "
    "pregunta para qué sirve este ejercicio.",
    "help.set": "Estás en {where}. Di siguiente, pregunta cuántas repeticiones quedan, o di pausa.",
    "help.end": "Di terminado para acabar, o pregunta cómo vas.",
    "help.question": "Puedes decir sí o no.",
    # -- goodbyes --------------------------------------------------------------------------------
    "bye.paused": "En pausa en {where}. Cuando estés listo, di: Alexa, abre entrenador de pies.",
    "bye.stopped": "Vale. He guardado dónde te quedaste: {where}. Para volver, di: Alexa, abre "
    "entrenador de pies.",
    "bye.plain": "¡Adiós, y feliz carrera!",
    "bye.finished": "Has completado toda tu {routine}. ¡Buen trabajo! Hasta la próxima.",
}
