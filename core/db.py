"""Declarative base, engine and session factory."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    MetaData,
    SQLColumnExpression,
    any_,
    delete,
    literal,
    make_url,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every table; constraint names are stable so migrations can refer to them."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True)}  # noqa: RUF012


def make_engine(url: str, *, pool_size: int = 5, application_name: str = "") -> AsyncEngine:
    """Create an engine that checks connections before use (survives a database restart);
    its sessions carry `application_name` (a processor instance's, to be found by it)."""
    extra = {"server_settings": {"application_name": application_name}} if application_name else {}
    return create_async_engine(
        url, pool_pre_ping=True, pool_size=pool_size, max_overflow=5, connect_args=extra
    )


async def delete_some(
    session: AsyncSession, model: type[Base], where: ColumnElement[bool], limit: int
) -> int:
    """Delete at most `limit` rows of `model` matching `where` (retention deletes in batches,
    so no one statement holds many locks for long); return how many went."""
    key = model.__table__.c.id
    chosen = select(key).where(where).limit(limit).scalar_subquery()
    result = await session.execute(delete(model).where(key.in_(chosen)))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def answers(sessions: async_sessionmaker[AsyncSession]) -> bool:
    """Whether PostgreSQL answers a query now (readiness checks)."""
    async with sessions() as session:
        return bool(await session.scalar(text("SELECT true")))


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Create the session factory used by services."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def ensure_database(url: str) -> bool:
    """Create the database named in `url` when it does not exist; return whether it was made."""
    import asyncpg  # noqa: PLC0415

    target = make_url(url)
    name = target.database or "dozor"
    dsn = target.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    connection = await asyncpg.connect(dsn)
    try:
        if await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return False
        quoted = '"' + name.replace('"', '""') + '"'
        await connection.execute(f"CREATE DATABASE {quoted}")
        return True
    finally:
        await connection.close()


def any_id(column: SQLColumnExpression[int], ids: Iterable[int]) -> ColumnElement[bool]:
    """`column = ANY(:ids)`: one array parameter, however many ids (an IN list renders a
    parameter per id, which costs more than the query on a batch of a thousand devices)."""
    return column == any_(literal(list(ids), ARRAY(Integer)))


def like_pattern(text: str) -> str:
    """A LIKE pattern that finds `text` anywhere, its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
