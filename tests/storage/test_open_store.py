"""Store URLs (FOOTCOACH_STORE): what opens which store, and clear errors for the rest."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from skill.storage import StoreConfigError, default_store_url, open_store
from skill.storage.dynamodb import DynamoDBStore
from skill.storage.sqlite import SQLiteStore


def test_the_default_is_a_file_in_the_users_data_folder() -> None:
    expected = platformdirs.user_data_path("footcoach") / "progress.db"

    assert default_store_url() == "sqlite:///" + str(expected)
    assert default_store_url().startswith("sqlite:////")  # an absolute path: four slashes


def test_an_absolute_sqlite_url_opens_that_file(tmp_path: Path) -> None:
    path = tmp_path / "data" / "progress.db"
    store = open_store(f"sqlite:///{path}")
    try:
        assert isinstance(store, SQLiteStore)
        assert store.path == path
        store.ping()
    finally:
        store.close()
    assert path.is_file()


def test_a_relative_sqlite_url_is_relative_to_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///relative/progress.db")
    store.close()
    assert (tmp_path / "relative" / "progress.db").is_file()


def test_a_dynamodb_url_names_the_table(aws_env: str) -> None:
    store = open_store("dynamodb://Foot-Coach.progress_2")
    try:
        assert isinstance(store, DynamoDBStore)
        assert store.table_name == "Foot-Coach.progress_2"  # case kept: table names are
    finally:
        store.close()


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("", "unknown store URL"),
        ("progress.db", "unknown store URL"),
        ("postgres://db/progress", "unknown store URL"),
        ("sqlite://progress.db", "unknown store URL"),
        ("SQLITE:///progress.db", "unknown store URL"),
        ("sqlite:///", "names no file"),
        ("sqlite:///:memory:", "names no file"),
        ("dynamodb://", "table name"),
        ("dynamodb://ab", "table name"),
        ("dynamodb://progress/extra", "table name"),
        ("dynamodb://progress?region=eu-west-1", "table name"),
        ("dynamodb://" + "t" * 256, "table name"),
    ],
)
def test_a_bad_url_is_a_config_error_that_says_what_is_wrong(url: str, complaint: str) -> None:
    with pytest.raises(StoreConfigError, match=complaint) as error:
        open_store(url)
    assert repr(url) in str(error.value)
