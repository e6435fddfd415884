"""The Flask app factory: POST /alexa (verified, then dispatched to the skill) and GET /healthz.

Production: ``gunicorn 'skill.app:create_app()'`` (see infra/gunicorn.conf.py).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import orjson
from ask_sdk_runtime.exceptions import AskSdkException
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from skill import logs, production
from skill.alexa.runner import log_field
from skill.alexa.skill import SkillRunner, build_skill
from skill.storage import ProgressStore, StoreError, default_store_url, open_store
from skill.web.errors import VerificationError
from skill.web.verification import RequestVerifier

log = logging.getLogger(__name__)
# Alexa's requests are a few kilobytes; anything near this is not from Alexa.
DEFAULT_MAX_BODY_BYTES = 128 * 1024
HEALTH_REASON = "the progress store is not answering"


@dataclass
class Services:
    store: ProgressStore
    verifier: RequestVerifier
    run_skill: SkillRunner


def config_from_environment() -> dict[str, Any]:
    return {
        "SKILL_ID": os.environ.get("FOOTCOACH_SKILL_ID") or None,
        "STORE_URL": os.environ.get("FOOTCOACH_STORE") or default_store_url(),
        "VERIFY_SIGNATURES": os.environ.get("FOOTCOACH_VERIFY_SIGNATURES", "1").strip() != "0",
    }


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web service. ``test_config`` overrides the environment's settings:
    SKILL_ID, STORE_URL, VERIFY_SIGNATURES, VERIFIER (a ready RequestVerifier), STORE (a ready
    store), CLOCK (seconds since the epoch, for the coach), MAX_CONTENT_LENGTH."""
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=DEFAULT_MAX_BODY_BYTES, **config_from_environment())
    if test_config:
        app.config.update(test_config)
    configure_logging()

    if app.config.get("STORE") is None and "STORE_URL" not in (test_config or {}):
        production.require_durable_store(os.environ)  # FOOTCOACH_ENV=production: no SQLite
    store: ProgressStore = app.config.get("STORE") or open_store(app.config["STORE_URL"])
    verifier = app.config.get("VERIFIER") or RequestVerifier(
        skill_id=app.config["SKILL_ID"], verify_signatures=app.config["VERIFY_SIGNATURES"]
    )
    if not app.config["SKILL_ID"]:
        log.warning("FOOTCOACH_SKILL_ID is not set: requests for any skill id are accepted")
    clock: Callable[[], float] = app.config.get("CLOCK") or time.time
    services = Services(store, verifier, SkillRunner(build_skill(store, clock=clock)))
    app.extensions["footcoach"] = services

    @app.post("/alexa")
    def alexa() -> tuple[Response, int] | Response:
        body = request.get_data(cache=False)
        try:
            headers = cast(Mapping[str, str], request.headers)  # read-only, case-insensitive
            envelope = services.verifier.verify(headers, body)
        except VerificationError as error:
            log.info("rejected request: %s", error.reason)
            return jsonify(error=error.reason), error.status
        try:
            answer = services.run_skill(envelope)
        except AskSdkException as error:
            log.info("malformed request envelope: %s", type(error).__name__)
            return jsonify(error="request envelope is malformed"), 400
        return Response(encode_answer(answer), mimetype="application/json")

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        try:
            services.store.ping()
        except StoreError as error:
            # The details (table, endpoint, path) go to the log only: /healthz is public.
            log.warning("health check: %s", log_field(str(error) or type(error).__name__))
            return jsonify(status="unavailable", reason=HEALTH_REASON), 503
        return jsonify(status="ok"), 200

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        return jsonify(error=error.description or error.name), error.code or 500

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[Response, int]:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return jsonify(error="internal error"), 500

    return app


def encode_answer(answer: Any) -> bytes:
    """The answer as compact JSON (orjson: UTF-8, and never NaN, which would go out as null)."""
    try:
        return orjson.dumps(answer)
    except TypeError:
        # A lone surrogate a request carried (a session attribute): orjson writes only valid
        # UTF-8, the standard library escapes it.
        return _ascii_json(answer).encode()


# One encoder (json.dumps with options builds a new one per call).
_ascii_json = json.JSONEncoder(separators=(",", ":")).encode


def configure_logging() -> None:
    logs.configure_logging(os.environ)  # text, or JSON lines with FOOTCOACH_LOG_FORMAT=json
