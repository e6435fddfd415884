"""Runner progress stores behind one interface: SQLite (embedded default) and DynamoDB.

Store URLs (FOOTCOACH_STORE):
- ``sqlite:///PATH`` — everything after ``sqlite:///`` is the file path, so an absolute path
  gives four slashes (``sqlite:////var/lib/footcoach/progress.db``) and
  ``sqlite:///progress.db`` is relative to the working directory; ``~`` is expanded.
- ``dynamodb://TABLE`` — region, credentials and endpoint come from boto3's own settings.
"""

from __future__ import annotations

import re

import platformdirs

from skill.storage.records import (
    ProgressStore,
    RunnerRecord,
    StoreConfigError,
    StoreConflict,
    StoreError,
    StoreUnavailable,
    merge,
    runner_key,
)

__all__ = [
    "ProgressStore",
    "RunnerRecord",
    "StoreConfigError",
    "StoreConflict",
    "StoreError",
    "StoreUnavailable",
    "default_store_url",
    "merge",
    "open_store",
    "runner_key",
]

_SQLITE_PREFIX = "sqlite:///"
_DYNAMODB_PREFIX = "dynamodb://"
_TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")  # DynamoDB's own rule for table names


def default_store_url() -> str:
    """The embedded store in the user's data folder (e.g. ~/.local/share/footcoach)."""
    return _SQLITE_PREFIX + str(platformdirs.user_data_path("footcoach") / "progress.db")


def open_store(url: str) -> ProgressStore:
    """Open the store a URL names; StoreConfigError says what is wrong with a bad one."""
    if url.startswith(_SQLITE_PREFIX):
        path = url[len(_SQLITE_PREFIX) :]
        if not path or path == ":memory:":
            raise StoreConfigError(
                f"store URL {url!r} names no file: use sqlite:///relative/path.db "
                "or sqlite:////absolute/path.db"
            )
        from skill.storage.sqlite import SQLiteStore

        return SQLiteStore(path)
    if url.startswith(_DYNAMODB_PREFIX):
        table_name = url[len(_DYNAMODB_PREFIX) :]
        if not _TABLE_NAME.fullmatch(table_name):
            raise StoreConfigError(
                f"store URL {url!r}: a DynamoDB table name is 3 to 255 letters, digits, "
                "'_', '-' or '.' (region and endpoint come from the AWS settings, not the URL)"
            )
        # Imported here so the embedded store never pays for importing boto3.
        from skill.storage.dynamodb import DynamoDBStore

        return DynamoDBStore(table_name)
    raise StoreConfigError(
        f"unknown store URL {url!r}: use sqlite:///path/to/progress.db or dynamodb://TABLE_NAME"
    )
