"""JSON from outside the service, read strictly: finite numbers only (no NaN, no Infinity, no
number too large for a float), and a cheap check on how deep containers nest.

Both request bodies (skill.web.verification) and the runner state a session carries back
(skill.alexa.runner) are read this way.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

# Alexa's envelopes nest about ten levels deep, a runner state about five; far deeper nesting
# only serves to exhaust the recursion of whatever walks the document later.
MAX_NESTING = 64


def loads(text: str) -> Any:
    """``json.loads`` refusing non-finite numbers (ValueError; RecursionError when absurdly
    deep). orjson reads the usual document, about three times faster; an integer past 64 bits
    then reads as the nearest float."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        # Also what orjson refuses but JSON allows: an integer past a float's range, a lone
        # surrogate.
        return _decode(text)


def nested_too_deep(text: str, document: Any, limit: int = MAX_NESTING) -> bool:
    """Whether ``document`` (read from ``text``) nests containers more than ``limit`` deep;
    counting brackets in the text first makes the usual shallow document cheap to pass."""
    if text.count("{") + text.count("[") <= limit:
        return False
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:  # (iterative: no recursion to exhaust)
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return False


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError("number out of range")
    return number


# One decoder for every call: json.loads with options builds a new one each time (a fifth of
# the cost of reading a request's body); json.loads shares its default decoder the same way.
_decode = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float).decode
