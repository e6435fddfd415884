"""JSON values <-> DynamoDB attribute values, exactly.

Numbers travel as decimal strings: a float goes in as the shortest decimal that reads back as
the same float (``Decimal(repr(x))``), so 0.1 is stored as 0.1, not 0.1000000000000000055...
Numbers come back as int when integral, else float; so an integral float (2.0, 1e17) goes in
as its exact integer value, which compares equal to it when it comes back as an int.
DynamoDB keeps 38 significant digits and exponents from -130 to +125; a number outside that
raises ValueError rather than being rounded.
"""

from __future__ import annotations

import decimal
import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import DYNAMODB_CONTEXT

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

_MAX_DIGITS = 38
_EXACT = decimal.Context(prec=10_000)  # wide enough to normalise any realistic number exactly


def to_attribute(value: Any) -> AttributeValueTypeDef:
    """One JSON value (str, int, float, bool, None, list, dict) as a DynamoDB attribute value."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int):
        return {"N": _number(Decimal(value))}
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"DynamoDB cannot store the number {value!r}")
        if value.is_integer():
            # It comes back as an int, so store its exact value: the shortest repr of
            # 1.3477334155057666e17 reads back as 134773341550576660, not ...656.
            return {"N": _number(Decimal(int(value)))}
        return {"N": _number(Decimal(repr(value)))}
    if isinstance(value, dict):
        return {"M": to_map(value)}
    if isinstance(value, list | tuple):
        return {"L": [to_attribute(item) for item in value]}
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def to_map(document: dict[str, Any]) -> dict[str, AttributeValueTypeDef]:
    """A JSON object as the content of a DynamoDB map (``{"M": ...}``)."""
    attributes: dict[str, AttributeValueTypeDef] = {}
    for name, item in document.items():
        if not isinstance(name, str):
            raise TypeError(f"JSON object keys must be strings, got {type(name).__name__}")
        attributes[name] = to_attribute(item)
    return attributes


def from_attribute(attribute: Any) -> Any:
    """A DynamoDB attribute value (as the low-level client returns it) as a JSON value."""
    if "S" in attribute:
        return attribute["S"]
    if "N" in attribute:
        return number_from_text(attribute["N"])
    if "BOOL" in attribute:
        return bool(attribute["BOOL"])
    if "NULL" in attribute:
        return None
    if "M" in attribute:
        return from_map(attribute["M"])
    if "L" in attribute:
        return [from_attribute(item) for item in attribute["L"]]
    raise ValueError(f"unsupported DynamoDB attribute type: {sorted(attribute)}")


def from_map(attributes: Any) -> dict[str, Any]:
    """The content of a DynamoDB map as a JSON object."""
    return {name: from_attribute(item) for name, item in attributes.items()}


def number_from_text(text: str) -> int | float:
    number = Decimal(text)
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _number(number: Decimal) -> str:
    if len(number.as_tuple().digits) > _MAX_DIGITS:
        # Trailing zeros are not significant: 10**50 is 1E+50, which DynamoDB stores exactly.
        number = _EXACT.normalize(number)
    try:
        return str(DYNAMODB_CONTEXT.create_decimal(number))
    except decimal.DecimalException as exc:
        raise ValueError(
            f"DynamoDB cannot store the number {number} exactly "
            "(at most 38 significant digits, exponent -130..+125)"
        ) from exc
