"""French (fr-FR, fr-CA): every message of the English catalog, same keys and parameters.

"Tu", as a coach speaks. Exercise names follow "l'exercice" and a colon or stand alone, so
their gender never matters; the routine names are feminine ("la routine des pieds"). Number
words come from num2words ("une répétition", "un exercice"), plural choice from babel (zero and
one are singular in French), and the ordinals of repetitions are feminine ("première").
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGE = "fr"
LOCALES = ("fr-FR", "fr-CA")
# CLDR's plural rules for the language (as babel gives them; tests/routine/test_languages.py
# checks they still agree), evaluated with babel.plural.
PLURAL_RULES: Mapping[str, str] = {
    "one": "i in 0..1",
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
    "and": "et",
    "or": "ou",
    "duration.seconds": "{n} secondes",
    "duration.second": "une seconde",
    "duration.minute": "une minute",
    "duration.minutes": "{n} minutes",
    "rough.seconds": "{n} secondes",
    "rough.minute": "une minute",
    "rough.minutes": "{n} minutes",
    "side.right": "pied droit",
    "side.left": "pied gauche",
    "side.both": "les deux pieds",
    "noun.rep": "répétition|répétitions",
    "noun.round": "série de marche|séries de marche",
    "noun.routine": "routine|routines",
    "noun.more_round": "série de marche en plus|séries de marche en plus",
    "noun.more_set": "série en plus|séries en plus",
    "noun.exercise": "exercice|exercices",
    "noun.named_routine": "fois la {name}|fois la {name}",
    "text": "{text}",
    # -- the plan: intros -------------------------------------------------------------------
    "intro.routine": "C'est parti pour ta {routine} : {count} exercices.",
    "intro.exercise": "Exercice {number} sur {count} : {name}. {purpose}",
    "dose.timed.once": "On marche pendant {duration}.",
    "dose.timed.rounds": "On marche pendant {duration}, {times} fois, avec une pause entre "
    "chaque série.",
    "dose.reps.once": "On le fait une fois{each}, en tenant {hold}.",
    "dose.reps.twice": "On le fait deux fois{each}, en tenant {hold}.",
    "dose.reps.many": "On le fait {n} fois{each}, en tenant {hold}.",
    "dose.each_foot": " de chaque pied",
    "intro.ready": "Dis prêt quand tu es en position pour l'exercice : {name}.",
    "reprompt.intro": "Dis prêt quand tu es en position pour l'exercice : {name}, ou dis passe.",
    "reprompt.intro.ready": "{position} Puis dis prêt, ou dis passe.",
    # -- the plan: reps and rounds ---------------------------------------------------------------
    "rep.first_side": "{side}. {cue}",
    "rep.first_set": "Série {set}. {cue}",
    "rep.last": "Dernière répétition. {cue}",
    "rep.halfway": "À mi-chemin. {ordinal} répétition. {cue}",
    "rep.nth": "{ordinal} répétition. {cue}",
    "round.numbered": "Série {n} sur {count}. {cue}",
    "round.halfway": "À mi-parcours.",
    "round.stop": "Stop.",
    "countdown.3": "Trois.",
    "countdown.2": "Deux.",
    "countdown.1": "Un.",
    "rest.round": "Repose-toi {seconds} secondes. Ensuite : série {next}.",
    "rest.set": "Repose-toi {seconds} secondes. Ensuite : série {next}, {side}.",
    # -- the plan: the end of a block ----------------------------------------------------------
    "closing.split.rep": "Respire un peu. Dis suivant quand tu es prêt pour la répétition {rep}.",
    "closing.split.round": "Repose-toi. Dis suivant quand tu es prêt pour la série {round}.",
    "closing.side": "Voilà pour le {side}. Passe au {following}, et dis suivant quand tu es prêt.",
    "closing.set": "Bien. Dis suivant quand tu es prêt pour la série {set}.",
    "closing.exercise": "Exercice terminé : {name}. Ensuite : {upcoming}. Dis suivant quand tu "
    "es prêt.",
    "closing.last": "Exercice terminé : {name}, et c'était le dernier exercice. Dis terminé pour "
    "finir.",
    "reprompt.split": "Dis suivant quand tu es prêt, ou demande combien de répétitions il reste.",
    "reprompt.group": "Dis suivant quand tu es prêt, ou demande combien de répétitions il reste.",
    "reprompt.last": "Dis suivant pour continuer, ou dis répète.",
    "done.routine": "Ta {routine} est terminée. Beau travail !",
    # -- lead-ins --------------------------------------------------------------------------------
    "lead.countdown": "On commence dans trois, deux, un.",
    "lead.position": "{position}",
    "lead.welcome_back": "Re-bonjour. On reprend ici : {where}. Pour tout reprendre depuis le "
    "début, dis recommence.",
    "lead.picking_up": "On reprend ici : {where}.",
    "lead.starting_over": "On recommence depuis le début.",
    "lead.very_start": "Nous sommes tout au début.",
    "lead.skipping": "Je passe l'exercice : {name}.",
    "lead.skipping_last": "Je passe l'exercice : {name}, le dernier exercice.",
    "lead.back_rep": "Une répétition en arrière.",
    "lead.repeat_rep": "Encore une fois.",
    "lead.on_to_rep": "On passe à la répétition {rep} sur {total}.",
    "lead.next_rep": "Répétition suivante.",
    "lead.pace": "D'accord, {word}.",
    "pace.slower": "plus lentement",
    "pace.faster": "plus vite",
    "pace.limit.slower": "C'est déjà mon rythme le plus lent.",
    "pace.limit.faster": "C'est déjà mon rythme le plus rapide.",
    # -- where: positions in words ---------------------------------------------------------------
    "where.end": "la fin de ta {routine}",
    "where.intro": "le début de l'exercice {name}",
    "where.round": "l'exercice {name}, série {set} sur {rounds}",
    "where.timed": "l'exercice {name}",
    "where.rep": "{name}, répétition {rep} sur {total}{on_side}{of_set}",
    "where.on_side": " du {side}",
    "where.of_set": ", série {set} sur {sets}",
    # -- answers ---------------------------------------------------------------------------------
    "reps.intro": "Tu vas commencer l'exercice : {name}. {dose}",
    "dose.summary.timed": "{rounds}, {duration} chacune.",
    "dose.summary.reps": "{reps}{each}.",
    "reps.rounds_done": "Toutes les séries de l'exercice sont faites : {name}.",
    "reps.on_round": "Tu en es {about}à la série {set} sur {rounds} de l'exercice : {name}. "
    "Ensuite, {more}.",
    "reps.on_last_round": "Tu en es {about}à la série {set} sur {rounds} de l'exercice : "
    "{name}. C'est la dernière.",
    "reps.rounds_to_go": "{left} à faire pour l'exercice : {name}.",
    "about": "environ ",
    "reps.then_sets": ", puis {more}",
    "reps.then_side": ", puis {total} du {side}",
    "reps.then_side_sets": ", puis {sets} séries de {total} du {side}",
    "reps.all_set": "Les {total}{on_side} de cette série sont faites. Ensuite : série {next}.",
    "reps.all_side": "Les {total}{on_side} sont faites. Ensuite : {total} du {side}.",
    "reps.all_done": "Les {total} répétitions sont faites : {name}.",
    "reps.done_of": "Tu en as fait {done} sur {total}{on_side} : encore {left}{then}.",
    "reps.on_rep": "Tu en es {about}à la répétition {rep} sur {total}{on_side} : encore "
    "{left}{then}.",
    "where.this": "C'est l'exercice : {name}, exercice {number} sur {count}.",
    "hold.reps": "Tiens {hold} à chaque fois.",
    "hold.timed": "Marche {duration} à chaque série.",
    "round.left": "Il reste environ {time} dans cette série.",
    "time.left": "Il reste environ {time} dans ta {routine}.",
    "next.after_rep": "Ensuite : répétition {rep} sur {total}{on_side}.",
    "next.after_set": "Après cette série : {what}.",
    "next.block": "Ensuite : {what}.",
    "next.side": "{reps}{on_side}",
    "next.set": "série {set}",
    "next.round": "Ensuite : série {round} sur {rounds}.",
    "next.after_round": "Après cette série de marche : série {round} sur {rounds}.",
    "next.exercise": "Ensuite, l'exercice : {name}.",
    "next.nothing": "C'était le dernier exercice.",
    "next.finish": "C'est le dernier exercice. Après, tu as fini.",
    "info.short": "{purpose} {cue}",
    "info.long": "{purpose} {instructions}",
    "equipment.alternative": "{alternative}",
    "equipment.offer_skip": "Pas de problème. Je passe l'exercice : {name} ?",
    "equipment.not_needed": "Tu n'en as pas besoin pour l'exercice : {name}.",
    # -- questions and prompts --------------------------------------------------------------------
    "ask.continue": "Dis continue quand tu es prêt.",
    "ask.next": "Dis suivant quand tu es prêt.",
    "ask.begin": "Dis commence ma routine pour démarrer.",
    "ask.what": "Que veux-tu faire ?",
    "ask.which_exercise": "Quel exercice veux-tu faire ?",
    "ask.which_routine": "Laquelle veux-tu faire ?",
    "ask.pick_up": "On reprend là ?",
    "ask.pick_up.reprompt": "On reprend là ? Ou dis recommence.",
    "ask.start": "On commence la {routine} ?",
    "ask.start.reprompt": "On commence la {routine} ? Ou dis {other}.",
    "ask.start_other": "commence la {routine}",
    "ask.from_top": "On commence la {routine} depuis le début ?",
    "ask.instead": "Et si on faisait plutôt la {routine} ?",
    "ask.start_over": "Recommencer la {routine} depuis le début ? Tu en es ici : {where}.",
    "ask.start_over.reprompt": "Dis oui pour recommencer depuis le début, ou non pour continuer.",
    "ask.skip": "Je passe l'exercice : {name} ?",
    "ask.skip.reprompt": "Dis oui pour passer l'exercice : {name}, ou non pour le faire.",
    "launch.first": "Bienvenue dans Coach des pieds. Je vais te guider dans des exercices de "
    "renforcement des pieds pour les coureurs. {safety}",
    "launch.stopped": "Re-bonjour. Tu t'étais arrêté ici : {where}.",
    "launch.back": "Re-bonjour.",
    "launch.back_count": "Re-bonjour. Jusqu'ici, tu as terminé {count}.",
    "exercises.list": "La {routine} comprend ces exercices : {names}.",
    "routines.list": "Je peux te guider dans {names}.",
    "routine.the": "la {name}",
    "nothing": "Aucune routine n'est en cours. Tu peux commencer {names}.",
    "no.later": "D'accord, peut-être plus tard. Au revoir !",
    "no.carry_on": "D'accord, on continue.",
    # -- progress --------------------------------------------------------------------------------
    "report.none": "Tu n'as pas encore terminé de routine. La première est la plus difficile !",
    "report.count": "Tu as terminé {count}.",
    "report.count_parts": "Tu as terminé {count} : {parts}.",
    "report.streak": "Ça fait {streak} jours d'affilée.",
    "report.streak_at_least": "Ça fait au moins {streak} jours d'affilée.",
    "report.last": "La dernière, c'était {when}.",
    "when.today": "aujourd'hui",
    "when.yesterday": "hier",
    "when.days_ago": "il y a {n} jours",
    "done.closing": "Au total : {count}. À la prochaine !",
    "done.already": "Ta {routine} est terminée. Beau travail !",
    # -- help ----------------------------------------------------------------------------------
    "sorry": "Désolé, je n'ai pas compris.",
    "sorry.failed": "Désolé, quelque chose n'a pas marché de mon côté. Ta progression est "
    "sauvegardée. Réessaie, s'il te plaît.",
    "help.idle": "Je suis ton coach des pieds. Dis commence pour faire la {routine}, ou dis "
    "commence la routine rapide.",
    "help.intro": "Tu en es ici : {where}. Dis prêt pour commencer, passe pour continuer, ou "
    "demande à quoi sert cet exercice.",
    "help.set": "Tu en es ici : {where}. Dis suivant, demande combien de répétitions il reste, ou "
    "dis pause.",
    "help.end": "Dis terminé pour finir, ou demande comment tu t'en sors.",
    "help.question": "Tu peux dire oui ou non.",
    # -- goodbyes --------------------------------------------------------------------------------
    "bye.paused": "En pause ici : {where}. Quand tu es prêt, dis : Alexa, ouvre coach des pieds.",
    "bye.stopped": "D'accord. J'ai gardé ta place : {where}. Pour revenir, dis : Alexa, ouvre "
    "coach des pieds.",
    "bye.plain": "Au revoir, et bonne course !",
    "bye.finished": "Ta {routine} est terminée. Beau travail ! À la prochaine.",
}
