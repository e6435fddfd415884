"""DynamoDB-only behaviour, against a real DynamoDB-protocol server on loopback."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from dynamo_server import free_loopback_port
from hypothesis import given
from hypothesis import strategies as st

from skill.storage import RunnerRecord, StoreConfigError, StoreUnavailable, runner_key
from skill.storage.dynamo_values import from_attribute, to_attribute
from skill.storage.dynamodb import (
    DEFAULT_TTL_DAYS,
    TTL_ATTRIBUTE,
    TTL_DAYS_ENV,
    DynamoDBStore,
    create_table,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

DAY = 86_400
KEY = runner_key("amzn1.ask.account.dynamo")


def _raw_item(client: DynamoDBClient, table: str, key: str = KEY) -> dict[str, Any]:
    item: dict[str, Any] = client.get_item(
        TableName=table, Key={"runner": {"S": key}}, ConsistentRead=True
    )["Item"]
    return item


def test_the_item_holds_the_state_as_a_native_map_with_exact_numbers(
    dynamodb_store: DynamoDBStore, dynamodb_client: DynamoDBClient
) -> None:
    state = {"progress": {"ratio": 0.1, "tiny": 1e-7, "block": 3}, "history": [], "note": ""}
    dynamodb_store.save(RunnerRecord(KEY, state, 0, 1732525200.5))

    item = _raw_item(dynamodb_client, dynamodb_store.table_name)

    assert item["runner"] == {"S": KEY}
    assert item["version"] == {"N": "1"}
    assert float(item["turn_at"]["N"]) == 1732525200.5
    progress = item["state"]["M"]["progress"]["M"]
    assert float(progress["ratio"]["N"]) == 0.1 and "00000" not in progress["ratio"]["N"]
    assert float(progress["tiny"]["N"]) == 1e-7
    assert item["state"]["M"]["history"] == {"L": []}
    assert item["state"]["M"]["note"] == {"S": ""}


def test_ttl_is_set_from_the_environment_and_refreshed_on_each_save(
    dynamodb_table: str, dynamodb_client: DynamoDBClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TTL_DAYS_ENV, "30")
    store = DynamoDBStore(dynamodb_table)
    try:
        saved = store.save(RunnerRecord(KEY, {"progress": None}, 0, 1.0))
        expires_at = int(_raw_item(dynamodb_client, dynamodb_table)[TTL_ATTRIBUTE]["N"])
        assert abs(expires_at - (time.time() + 30 * DAY)) < 60

        # Age the item as if the runner had been away, then take one more turn.
        dynamodb_client.update_item(
            TableName=dynamodb_table,
            Key={"runner": {"S": KEY}},
            UpdateExpression="SET #ttl = :old",
            ExpressionAttributeNames={"#ttl": TTL_ATTRIBUTE},
            ExpressionAttributeValues={":old": {"N": str(int(time.time()) - DAY)}},
        )
        store.save(RunnerRecord(KEY, {"progress": {"block": 1}}, saved.version, 2.0))
        refreshed = int(_raw_item(dynamodb_client, dynamodb_table)[TTL_ATTRIBUTE]["N"])
        assert abs(refreshed - (time.time() + 30 * DAY)) < 60
    finally:
        store.close()


def test_ttl_defaults_to_a_generous_length(
    dynamodb_store: DynamoDBStore, dynamodb_client: DynamoDBClient
) -> None:
    dynamodb_store.save(RunnerRecord(KEY, {}, 0, 1.0))

    expires_at = int(_raw_item(dynamodb_client, dynamodb_store.table_name)[TTL_ATTRIBUTE]["N"])
    assert DEFAULT_TTL_DAYS == 400
    assert abs(expires_at - (time.time() + 400 * DAY)) < 60


def test_a_ttl_of_zero_days_means_items_never_expire(
    dynamodb_table: str, dynamodb_client: DynamoDBClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TTL_DAYS_ENV, "0")
    store = DynamoDBStore(dynamodb_table)
    try:
        store.save(RunnerRecord(KEY, {}, 0, 1.0))
    finally:
        store.close()
    assert TTL_ATTRIBUTE not in _raw_item(dynamodb_client, dynamodb_table)


@pytest.mark.parametrize("bad", ["forever", "-1", "1.5"])
def test_a_bad_ttl_length_is_a_config_error(
    aws_env: str, monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    monkeypatch.setenv(TTL_DAYS_ENV, bad)
    with pytest.raises(StoreConfigError, match=TTL_DAYS_ENV):
        DynamoDBStore("any-table")


def test_create_table_is_idempotent_and_enables_ttl(
    dynamodb_table: str, dynamodb_client: DynamoDBClient
) -> None:
    # The fixture created it ("created"); doing it again finds it.
    assert create_table(dynamodb_table) == "exists"

    ttl = dynamodb_client.describe_time_to_live(TableName=dynamodb_table)["TimeToLiveDescription"]
    assert ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING")
    assert ttl.get("AttributeName") == TTL_ATTRIBUTE
    table = dynamodb_client.describe_table(TableName=dynamodb_table)["Table"]
    assert table.get("TableStatus") == "ACTIVE"
    assert table.get("KeySchema") == [{"AttributeName": "runner", "KeyType": "HASH"}]
    assert table.get("BillingModeSummary", {}).get("BillingMode") == "PAY_PER_REQUEST"


def test_create_table_refuses_a_table_with_another_key_schema(
    aws_env: str, dynamodb_client: DynamoDBClient
) -> None:
    name = f"footcoach-test-{uuid.uuid4().hex[:12]}"
    dynamodb_client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        with pytest.raises(StoreConfigError, match="key schema"):
            create_table(name)
    finally:
        # A real DynamoDB refuses to delete a table that is still being created.
        dynamodb_client.get_waiter("table_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
        )
        dynamodb_client.delete_table(TableName=name)


def test_a_dead_store_fails_fast_and_a_live_one_then_saves_everything(
    dynamodb_store: DynamoDBStore, aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    live_endpoint = aws_env
    first = dynamodb_store.save(
        RunnerRecord(KEY, {"progress": {"block": 1}, "history": []}, 0, 1.0)
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{free_loopback_port()}")
    dead = DynamoDBStore(dynamodb_store.table_name)
    unsaved = RunnerRecord(
        KEY, {"progress": {"block": 2}, "history": [{"id": "r1", "completed_at": 2.0}]}, 1, 2.0
    )
    try:
        for attempt in (lambda: dead.load(KEY), lambda: dead.save(unsaved), dead.ping):
            started = time.monotonic()
            with pytest.raises(StoreUnavailable):
                attempt()
            assert time.monotonic() - started < 8.0  # well inside Alexa's 8 s per turn
    finally:
        dead.close()

    # The store is back: the turn's progress, kept by the caller, is saved in full.
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", live_endpoint)
    revived = DynamoDBStore(dynamodb_store.table_name)
    try:
        assert revived.save(unsaved).version == first.version + 1
        assert revived.load(KEY).state == unsaved.state
    finally:
        revived.close()


def test_ping_on_a_missing_table_says_the_store_is_unavailable(aws_env: str) -> None:
    store = DynamoDBStore(f"footcoach-missing-{uuid.uuid4().hex[:12]}")
    try:
        with pytest.raises(StoreUnavailable, match="ResourceNotFound"):
            store.ping()
    finally:
        store.close()


def test_a_number_dynamodb_cannot_hold_exactly_is_refused_not_rounded(
    dynamodb_store: DynamoDBStore,
) -> None:
    with pytest.raises(ValueError, match="38 significant digits"):
        dynamodb_store.save(RunnerRecord(KEY, {"progress": {"n": 10**40 + 1}}, 0, 1.0))
    assert dynamodb_store.load(KEY).version == 0


@pytest.mark.usefixtures("isolated_aws")
def test_a_missing_region_is_a_clear_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    for attempt in (lambda: DynamoDBStore("progress"), lambda: create_table("progress")):
        with pytest.raises(StoreConfigError, match="AWS_REGION"):
            attempt()


@pytest.mark.usefixtures("isolated_aws")
def test_missing_credentials_are_a_clear_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    # Should anything try to connect, it finds a closed loopback port, never AWS.
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{free_loopback_port()}")
    for attempt in (lambda: DynamoDBStore("progress"), lambda: create_table("progress")):
        with pytest.raises(StoreConfigError, match="credentials"):
            attempt()


@pytest.mark.usefixtures("isolated_aws")
def test_aws_region_is_honoured_when_botocore_finds_no_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    store = DynamoDBStore("progress")
    try:
        assert store.region == "eu-west-1"
    finally:
        store.close()
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")  # boto3's own setting wins
    store = DynamoDBStore("progress", session=boto3.session.Session())
    try:
        assert store.region == "us-west-2"
    finally:
        store.close()


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.text(max_size=5)
    | st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1)
    | st.floats(allow_nan=False, allow_infinity=False, min_value=-1e30, max_value=1e30).filter(
        lambda number: number == 0 or abs(number) > 1e-100
    ),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


@given(_json_values)
def test_every_json_value_survives_the_attribute_conversion(value: Any) -> None:
    assert from_attribute(to_attribute(value)) == value


@pytest.mark.parametrize("number", [1.3477334155057666e17, 2.0**80, -(2.0**60), 1e22, 3.0])
def test_an_integral_float_comes_back_as_an_equal_int(number: float) -> None:
    back = from_attribute(to_attribute(number))
    assert back == number and isinstance(back, int)


@pytest.mark.parametrize("number", [1e39, 10**40 + 1, 1e-200, float("inf"), float("nan")])
def test_a_number_beyond_dynamodb_is_refused(number: float) -> None:
    with pytest.raises(ValueError, match="cannot store"):
        to_attribute({"n": [number]})
