"""The baseline: a minimal Flask endpoint, served exactly as the skill is (gunicorn, same config).

POST /alexa reads the whole request body and returns one fixed JSON response of the size and
shape of a real skill turn (speech, reprompt, session attributes). It is the floor that
gunicorn + Flask + the network cost per turn on this machine: the skill's figures are
reported as ratios against it.

    gunicorn -c infra/gunicorn.conf.py --bind 127.0.0.1:PORT --pythonpath bench baseline_app:app
"""

from __future__ import annotations

import json

from flask import Flask, Response, request

FIXED_RESPONSE = json.dumps(
    {
        "response": {
            "outputSpeech": {
                "type": "SSML",
                "ssml": "<speak>Right foot. Spread your toes as wide as they will go, and hold."
                + ' <break time="10s"/> Three. Two. One. Relax.' * 10
                + "</speak>",
            },
            "reprompt": {
                "outputSpeech": {"type": "SSML", "ssml": "<speak>Say next when ready.</speak>"}
            },
            "shouldEndSession": False,
        },
        "sessionAttributes": {
            "runner": {
                "state": {"preferences": {"pace": "normal"}, "progress": None, "welcomed": True},
                "turn_at": 1.0,
                "unsaved": False,
                "version": 1,
            }
        },
        "userAgent": "baseline",
        "version": "1.0",
    },
    separators=(",", ":"),
).encode()

app = Flask(__name__)


@app.post("/alexa")
def alexa() -> Response:
    request.get_data(cache=False)
    return Response(FIXED_RESPONSE, mimetype="application/json")
