"""Fixtures for the progress stores: a real SQLite file, a real DynamoDB-protocol server.

FOOTCOACH_TEST_DYNAMODB_ENDPOINT=http://host:port runs the DynamoDB tests against that endpoint
(DynamoDB Local, another emulator, real AWS) instead of the moto server started here. With an
endpoint of your own, the AWS region and credentials already in the environment are used (dummy
ones only when none are set); every test makes its own throw-away table and deletes it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pytest
from dynamo_server import start_dynamodb_server
from hypothesis import Phase, settings

from skill.storage.dynamodb import TTL_DAYS_ENV, DynamoDBStore, create_table
from skill.storage.records import ProgressStore
from skill.storage.sqlite import SQLiteStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ENDPOINT_ENV = "FOOTCOACH_TEST_DYNAMODB_ENDPOINT"

# Anything that could make boto3 pick up a developer's real AWS identity or reach off the box.
_AWS_IDENTITY_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
)


@pytest.fixture(scope="session")
def dynamodb_endpoint() -> Iterator[str]:
    """The DynamoDB endpoint under test: the one given in the environment, or our own."""
    given = os.environ.get(ENDPOINT_ENV)
    if given:
        yield given
        return
    with start_dynamodb_server() as endpoint:
        yield endpoint


@pytest.fixture
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No AWS identity, region or config files at all, and no instance metadata look-ups."""
    for name in (*_AWS_IDENTITY_VARIABLES, "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, dynamodb_endpoint: str) -> str:
    """boto3 pointed at the endpoint under test through its own environment variables."""
    external = bool(os.environ.get(ENDPOINT_ENV))
    has_identity = bool(os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE"))
    if not (external and has_identity):
        for name in _AWS_IDENTITY_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    if not (external and (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))):
        monkeypatch.setenv("AWS_REGION", "us-east-1")
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_endpoint)
    monkeypatch.delenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", raising=False)
    monkeypatch.delenv(TTL_DAYS_ENV, raising=False)
    bypass = [os.environ.get("NO_PROXY", ""), "127.0.0.1", "localhost"]
    monkeypatch.setenv("NO_PROXY", ",".join(part for part in bypass if part))
    return dynamodb_endpoint


@pytest.fixture
def dynamodb_client(aws_env: str) -> Iterator[DynamoDBClient]:
    """A plain boto3 client on the endpoint under test, to look at raw items."""
    client = boto3.session.Session().client("dynamodb")
    yield client
    client.close()


@pytest.fixture
def dynamodb_table(aws_env: str) -> Iterator[str]:
    """A throw-away progress table, created the way `footcoach store create` does it."""
    table_name = f"footcoach-test-{uuid.uuid4().hex[:12]}"
    assert create_table(table_name) == "created"
    yield table_name
    client = boto3.session.Session().client("dynamodb")
    try:
        client.delete_table(TableName=table_name)
    finally:
        client.close()


@pytest.fixture
def dynamodb_store(dynamodb_table: str) -> Iterator[DynamoDBStore]:
    store = DynamoDBStore(dynamodb_table)
    yield store
    store.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "data" / "progress.db")
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest) -> ProgressStore:
    """Each shared behaviour runs against both stores."""
    chosen: ProgressStore = request.getfixturevalue(f"{request.param}_store")
    return chosen


# Mutation testing (mutmut) runs the property tests once per mutant: there a failing example
# only needs to be found, not shrunk, and fewer examples find it.
settings.register_profile(
    "mutation",
    max_examples=25,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    database=None,
    deadline=None,
)
# mutmut sets MUTANT_UNDER_TEST while it tests a mutant (`make mutate`): fewer examples there.
if os.environ.get("FOOTCOACH_MUTATION") or "MUTANT_UNDER_TEST" in os.environ:
    settings.load_profile("mutation")
