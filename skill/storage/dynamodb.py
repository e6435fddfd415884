"""The production progress store: one DynamoDB item per runner.

Configured only through boto3's own conventions: region (AWS_DEFAULT_REGION or the config
files, else AWS_REGION as the other AWS SDKs use it), the credentials chain, and
AWS_ENDPOINT_URL_DYNAMODB for a local endpoint.
The service needs only dynamodb:GetItem and dynamodb:PutItem on its table.

Item: ``runner`` (S, the hashed key, partition key), ``version`` (N), ``turn_at`` (N),
``state`` (a native map), ``expires_at`` (N, epoch seconds, the table's TTL attribute).
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    WaiterError,
)

from skill.storage.dynamo_values import from_map, number_from_text, to_attribute, to_map
from skill.storage.records import (
    RunnerRecord,
    StoreConfigError,
    StoreConflict,
    StoreError,
    StoreUnavailable,
    merge,
    record_text,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

_log = logging.getLogger(__name__)

KEY_ATTRIBUTE = "runner"
TTL_ATTRIBUTE = "expires_at"
TTL_DAYS_ENV = "FOOTCOACH_TTL_DAYS"
DEFAULT_TTL_DAYS = 400
SAVE_ATTEMPTS = 10
CONFLICT_BACKOFF_S = 0.005  # doubled per attempt up to 80 ms, with full jitter: < 0.5 s in all
MAX_CONFLICT_BACKOFF_S = 0.08
KEY_LOCK_TIMEOUT_S = 2.0
PING_KEY = "footcoach-ping"  # can never be a runner key: those are 64 hex digits

# A dead store must fail a turn well inside Alexa's 8 s: at worst 2 attempts of (0.5 s connect
# or 1 s read) plus botocore's standard backoff: about 2 s per call, and milliseconds when the
# connection is refused. A turn makes one read (at a session's start) and a save, which the
# runner retries only while its 3 s budget lasts (skill/alexa/runner.py).
CLIENT_CONFIG = Config(
    connect_timeout=0.5,
    read_timeout=1.0,
    retries={"mode": "standard", "total_max_attempts": 2},
    max_pool_connections=50,  # one per concurrent request thread, so none waits for a socket
)

# Errors that mean this code sent something wrong, not that the store is unavailable.
_CALLER_FAULTS = frozenset({"ValidationException", "SerializationException"})
_CREDENTIAL_FAULTS = frozenset(
    {
        "AccessDeniedException",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "ExpiredTokenException",
        "MissingAuthenticationTokenException",
    }
)


class _StaleWrite(Exception):
    """The conditional write lost: another writer stored a newer version first (``item``:
    the item that won, when DynamoDB returned it)."""

    def __init__(self, item: dict[str, Any] | None = None) -> None:
        super().__init__("stale write")
        self.item = item


class DynamoDBStore:
    """Progress in a DynamoDB table whose partition key is ``runner`` (S)."""

    def __init__(
        self,
        table_name: str,
        *,
        session: boto3.session.Session | None = None,
        ttl_days: int | None = None,
    ) -> None:
        self.table_name = table_name
        self.ttl_days = ttl_days_from_env() if ttl_days is None else ttl_days
        self.reads = 0
        self.writes = 0
        self._count_lock = threading.Lock()
        self._key_locks = tuple(threading.Lock() for _ in range(64))
        self._closed = False
        session = session or boto3.session.Session()
        self._client = _client(session)
        self.region = self._client.meta.region_name
        if session.get_credentials() is None:
            self._client.close()
            raise StoreConfigError(_NO_CREDENTIALS)

    def load(self, key: str) -> RunnerRecord:
        self._refuse_if_closed()
        with self._count_lock:
            self.reads += 1
        with _store_errors(self.table_name):
            response = self._client.get_item(
                TableName=self.table_name,
                Key={KEY_ATTRIBUTE: {"S": key}},
                ConsistentRead=True,
            )
        return _record_from_item(key, response.get("Item"))

    def save(self, record: RunnerRecord) -> RunnerRecord:
        record_text(record)  # the same bound as every store: never more than it can load
        # Writers of one runner in this process take turns instead of racing: under load a
        # race is lost by all but one, over and over (seen with many devices of one runner).
        lock = self._key_locks[hash(record.key) % len(self._key_locks)]
        if not lock.acquire(timeout=KEY_LOCK_TIMEOUT_S):
            raise StoreConflict(f"DynamoDB table {self.table_name}: other saves took too long")
        try:
            return self._save(record)
        finally:
            lock.release()

    def _save(self, record: RunnerRecord) -> RunnerRecord:
        candidate = record
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                self._put_if_current(candidate)
            except _StaleWrite as stale:
                if attempt == SAVE_ATTEMPTS:
                    break
                # The failed write returned the item that won: merge with it at once (no
                # read in between for another writer to slip into), then back off briefly.
                current = (
                    _record_from_item(record.key, stale.item)
                    if stale.item
                    else self.load(record.key)
                )
                candidate = merge(current, candidate)
                pause = min(MAX_CONFLICT_BACKOFF_S, CONFLICT_BACKOFF_S * 2**attempt)
                time.sleep(random.uniform(0, pause))
                continue
            return RunnerRecord(
                candidate.key, candidate.state, candidate.version + 1, candidate.turn_at
            )
        raise StoreConflict(
            f"DynamoDB table {self.table_name}: other writers kept winning "
            f"({SAVE_ATTEMPTS} attempts); this turn's progress was not saved"
        )

    def ping(self) -> None:
        # GetItem, not DescribeTable: the service's IAM policy allows only item actions.
        self._refuse_if_closed()
        with _store_errors(self.table_name):
            self._client.get_item(TableName=self.table_name, Key={KEY_ATTRIBUTE: {"S": PING_KEY}})

    def close(self) -> None:
        self._closed = True
        self._client.close()

    def _refuse_if_closed(self) -> None:
        if self._closed:
            raise StoreUnavailable(f"the store for DynamoDB table {self.table_name} is closed")

    def _put_if_current(self, record: RunnerRecord) -> None:
        self._refuse_if_closed()
        turn_at = to_attribute(record.turn_at)
        item: dict[str, AttributeValueTypeDef] = {
            KEY_ATTRIBUTE: {"S": record.key},
            "version": {"N": str(record.version + 1)},
            "turn_at": turn_at,
            "state": {"M": to_map(record.state)},
        }
        if self.ttl_days:
            item[TTL_ATTRIBUTE] = {"N": str(int(time.time()) + self.ttl_days * 86_400)}
        condition: dict[str, Any]
        if record.version == 0:
            condition = {
                "ConditionExpression": "attribute_not_exists(#runner)",
                "ExpressionAttributeNames": {"#runner": KEY_ATTRIBUTE},
            }
        else:
            # The turn_at guard makes a stale record lose even when its version matches.
            condition = {
                "ConditionExpression": "#version = :version AND #turn_at <= :turn_at",
                "ExpressionAttributeNames": {"#version": "version", "#turn_at": "turn_at"},
                "ExpressionAttributeValues": {
                    ":version": {"N": str(record.version)},
                    ":turn_at": turn_at,
                },
            }
        with self._count_lock:
            self.writes += 1
        with _store_errors(self.table_name):
            self._client.put_item(
                TableName=self.table_name,
                Item=item,
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **condition,
            )


def _record_from_item(key: str, item: Any) -> RunnerRecord:
    if not item:
        return RunnerRecord(key, {}, 0, 0.0)
    try:
        version = int(item["version"]["N"])
        turn_at = float(number_from_text(item["turn_at"]["N"]))
    except (KeyError, TypeError, ValueError) as error:
        raise StoreError(f"the stored item of a runner is malformed: {error!r}") from error
    try:
        state = from_map(item["state"]["M"]) if "state" in item else {}
    except (KeyError, TypeError, ValueError, AttributeError):
        state = {}  # nothing usable: the runner starts fresh; the next save replaces it
    return RunnerRecord(key=key, state=state, version=version, turn_at=turn_at)


def ttl_days_from_env() -> int:
    """Days of inactivity before a runner's item expires (FOOTCOACH_TTL_DAYS; 0 = never)."""
    raw = os.environ.get(TTL_DAYS_ENV, "").strip()
    if not raw:
        return DEFAULT_TTL_DAYS
    try:
        days = int(raw)
    except ValueError:
        days = -1
    if days < 0:
        raise StoreConfigError(f"{TTL_DAYS_ENV} must be a whole number of days >= 0, got {raw!r}")
    return days


def create_table(
    table_name: str, *, session: boto3.session.Session | None = None, wait: bool = True
) -> str:
    """Create the progress table if it does not exist; return "created" or "exists".

    On-demand billing, partition key ``runner`` (S), TTL on ``expires_at``. With wait (the
    default) it returns once the table is ACTIVE and TTL is on. Without wait it returns at
    once, and TTL is only switched on if the table is already active: run it again to finish.
    """
    client = _client(session or boto3.session.Session())
    try:
        with _setup_errors(table_name):
            try:
                client.create_table(
                    TableName=table_name,
                    AttributeDefinitions=[{"AttributeName": KEY_ATTRIBUTE, "AttributeType": "S"}],
                    KeySchema=[{"AttributeName": KEY_ATTRIBUTE, "KeyType": "HASH"}],
                    BillingMode="PAY_PER_REQUEST",
                )
                outcome = "created"
            except client.exceptions.ResourceInUseException:
                outcome = "exists"
                _check_key_schema(client, table_name)
            if wait:
                client.get_waiter("table_exists").wait(
                    TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 300}
                )
            if wait or _is_active(client, table_name):
                try:
                    _enable_ttl(client, table_name)
                except ClientError as exc:
                    if exc.response.get("Error", {}).get("Code") != "UnknownOperationException":
                        raise
                    # Some emulators (dynalite) have no TTL; DynamoDB and DynamoDB Local do.
                    _log.warning("this DynamoDB endpoint has no TTL: items will not expire")
    finally:
        client.close()
    return outcome


def _client(session: boto3.session.Session) -> DynamoDBClient:
    # botocore reads AWS_DEFAULT_REGION and config files but not AWS_REGION, which the other
    # AWS SDKs, ECS and Lambda use: fall back to it only when botocore finds no region at all.
    region = session.region_name or os.environ.get("AWS_REGION") or None
    try:
        return session.client("dynamodb", region_name=region, config=CLIENT_CONFIG)
    except NoRegionError as exc:
        raise StoreConfigError(
            "no AWS region is configured for DynamoDB: set AWS_REGION (or AWS_DEFAULT_REGION, "
            "or region in ~/.aws/config)"
        ) from exc


_NO_CREDENTIALS = (
    "no AWS credentials were found for DynamoDB: set AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an IAM role"
)


def _check_key_schema(client: DynamoDBClient, table_name: str) -> None:
    table = client.describe_table(TableName=table_name)["Table"]
    key_types = {
        definition["AttributeName"]: definition["AttributeType"]
        for definition in table.get("AttributeDefinitions", [])
    }
    expected = [{"AttributeName": KEY_ATTRIBUTE, "KeyType": "HASH"}]
    if table.get("KeySchema") != expected or key_types.get(KEY_ATTRIBUTE) != "S":
        raise StoreConfigError(
            f"DynamoDB table {table_name} exists with another key schema "
            f"({table.get('KeySchema')}); the progress store needs a partition key "
            f"{KEY_ATTRIBUTE!r} of type S and no sort key"
        )


def _is_active(client: DynamoDBClient, table_name: str) -> bool:
    return client.describe_table(TableName=table_name)["Table"].get("TableStatus") == "ACTIVE"


def _enable_ttl(client: DynamoDBClient, table_name: str) -> None:
    description = client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    status = description.get("TimeToLiveStatus")
    attribute = description.get("AttributeName")
    if status in ("ENABLED", "ENABLING"):
        if attribute != TTL_ATTRIBUTE:
            raise StoreConfigError(
                f"DynamoDB table {table_name} has TTL on {attribute!r}; "
                f"the progress store expires items through {TTL_ATTRIBUTE!r}"
            )
        return
    if status == "DISABLING":
        raise StoreConfigError(
            f"TTL is being disabled on DynamoDB table {table_name}; run this again later"
        )
    client.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
    )


@contextmanager
def _store_errors(table_name: str) -> Iterator[None]:
    """botocore's errors as the store's: unavailable unless this code sent something wrong."""
    try:
        yield
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ConditionalCheckFailedException":
            winner = exc.response.get("Item")
            raise _StaleWrite(winner if isinstance(winner, dict) else None) from exc
        if code in _CALLER_FAULTS:
            raise StoreError(f"DynamoDB table {table_name}: {exc}") from exc
        raise StoreUnavailable(f"DynamoDB table {table_name}: {exc}") from exc
    except ParamValidationError as exc:
        raise StoreError(f"DynamoDB table {table_name}: {exc}") from exc
    except NoCredentialsError as exc:
        raise StoreUnavailable(_NO_CREDENTIALS) from exc
    except BotoCoreError as exc:  # connection refused, timeouts, closed connections...
        raise StoreUnavailable(f"DynamoDB table {table_name}: {exc}") from exc


@contextmanager
def _setup_errors(table_name: str) -> Iterator[None]:
    """Errors while creating the table: wrong set-up is a config error, the rest unavailable."""
    try:
        yield
    except StoreError:
        raise
    except NoCredentialsError as exc:
        raise StoreConfigError(_NO_CREDENTIALS) from exc
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in _CREDENTIAL_FAULTS or code in _CALLER_FAULTS:
            raise StoreConfigError(f"cannot set up DynamoDB table {table_name}: {exc}") from exc
        raise StoreUnavailable(f"cannot set up DynamoDB table {table_name}: {exc}") from exc
    except WaiterError as exc:
        raise StoreUnavailable(f"DynamoDB table {table_name} did not become active: {exc}") from exc
    except BotoCoreError as exc:
        raise StoreUnavailable(f"cannot reach DynamoDB for table {table_name}: {exc}") from exc
