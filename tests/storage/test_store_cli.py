"""`footcoach store create`: creates the table, is idempotent, and explains missing settings."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import boto3

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def footcoach(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skill.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_store_create_is_idempotent_and_the_table_works(aws_env: str) -> None:
    table = f"footcoach-cli-{uuid.uuid4().hex[:10]}"
    env = {**os.environ, "FOOTCOACH_STORE": f"dynamodb://{table}"}
    first = footcoach("store", "create", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"table {table}: created"
    again = footcoach("store", "create", "--table", table, env=env)
    assert again.returncode == 0 and again.stdout.strip() == f"table {table}: exists"
    client = boto3.session.Session().client("dynamodb")
    try:
        described = client.describe_table(TableName=table)["Table"]
        assert described["TableStatus"] == "ACTIVE"
        assert described["KeySchema"] == [{"AttributeName": "runner", "KeyType": "HASH"}]
    finally:
        client.delete_table(TableName=table)
        client.close()


def test_store_create_without_a_region_says_so(isolated_aws: None) -> None:
    env = {**os.environ, "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:9"}
    result = footcoach("store", "create", "--table", "footcoach-x", env=env)
    assert result.returncode == 1
    assert "region" in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_store_create_needs_a_table_name() -> None:
    env = {k: v for k, v in os.environ.items() if k != "FOOTCOACH_STORE"}
    result = footcoach("store", "create", env=env)
    assert result.returncode == 2
    assert "--table" in result.stderr
