"""Failures are retried by what they are (SQLSTATE), not by their Python class alone."""

from __future__ import annotations

import asyncpg
import pytest
import sqlalchemy.exc

from core.transient import is_transient, sqlstate


def wrapped(state: str, message: str = "x") -> sqlalchemy.exc.DBAPIError:
    """A PostgreSQL error as SQLAlchemy's asyncpg dialect hands it over."""

    class AdaptedError(Exception):
        def __init__(self) -> None:
            super().__init__(message)
            self.sqlstate = self.pgcode = state

    return sqlalchemy.exc.DBAPIError("UPDATE …", {}, AdaptedError())


@pytest.mark.parametrize(
    ("state", "transient"),
    [
        ("40001", True),  # serialization failure
        ("40P01", True),  # deadlock detected
        ("57P01", True),  # admin shutdown
        ("57P02", True),  # crash shutdown
        ("57P03", True),  # cannot connect now: the database system is starting up
        ("53300", True),  # too many connections
        ("08006", True),  # connection failure
        ("08P01", True),  # protocol violation, still class 08
        ("23505", False),  # unique violation: retrying changes nothing
        ("22P02", False),  # invalid text representation: bad data
        ("42P01", False),  # undefined table: a bug
    ],
)
def test_postgres_errors_are_classified_by_sqlstate(state: str, transient: bool) -> None:
    err = wrapped(state)
    assert sqlstate(err) == state
    assert is_transient(err) is transient


def test_starting_up_and_lost_connections_are_transient() -> None:
    assert is_transient(asyncpg.CannotConnectNowError("the database system is starting up"))
    assert is_transient(ConnectionRefusedError())
    assert is_transient(RuntimeError("FATAL: the database system is starting up"))
    assert not is_transient(ValueError("bad value"))
    assert not is_transient(KeyError("device"))
