"""All SQL for device_types, devices and device_configs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import array, insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.access.models import Membership
from core.db import like_pattern
from core.devices.kinds import DeviceKind
from core.devices.models import Device, DeviceConfig, DeviceType


@dataclass(frozen=True, slots=True)
class ContactRow:
    """What one batch learned about a device's contact: seen time, online flag, firmware, ip."""

    device_id: int
    seen_at: datetime | None
    online: bool | None
    changed_at: datetime
    firmware_version: str | None = None
    available_firmware: str | None = None  # "": none any more; None: not said
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a device stands, read under its row lock (Unix seconds)."""

    rules_at: float | None  # the newest reading stamped by the device its alert rules saw
    online: bool
    online_since: float | None  # when the online flag last changed (by the server's clock)
    updating: bool = False  # at a firmware update: it may restart any moment

    def refuses(self, online: bool | None, at: float) -> bool:
        """Whether a change of the online flag to `online`, known at `at`, is older than the
        change that set the flag (so it does not apply)."""
        return (
            online is not None
            and online != self.online
            and self.online_since is not None
            and at < self.online_since
        )


# A version higher than the server ever sent is not taken (a device, or whoever speaks for it,
# claiming 2147483647 would make every later change look applied): it is returned as refused.
_APPLY_CONFIG_VERSIONS = text("""
WITH v AS (
    SELECT * FROM unnest(CAST(:ids AS integer[]), CAST(:versions AS integer[])) AS v(id, version)
), applied AS (
    UPDATE device_configs AS c SET applied_version = v.version
    FROM v
    WHERE c.device_id = v.id AND v.version <= c.version
      AND c.applied_version IS DISTINCT FROM v.version
    RETURNING c.device_id
)
SELECT a.device_id, NULL AS uid, NULL AS reported, NULL AS sent FROM applied AS a
UNION ALL
SELECT c.device_id, d.uid, v.version, c.version
FROM v JOIN device_configs AS c ON c.device_id = v.id JOIN devices AS d ON d.id = v.id
WHERE v.version > c.version
""")


@dataclass(frozen=True, slots=True)
class RefusedVersion:
    """A device reported a config version higher than the one the server sent."""

    uid: str
    reported: int
    sent: int


@dataclass(slots=True)
class ConfigReports:
    """What became of the config versions devices reported in one batch."""

    applied: list[int] = field(default_factory=list)  # device ids with a new applied version
    refused: list[RefusedVersion] = field(default_factory=list)


# An online flag changes only when what set it is newer than the change before (by the server's
# clock): a reading heard before a device's Last Will, written late by another instance, does
# not bring the device back.
_APPLY_CONTACTS = text("""
UPDATE devices AS d SET
    last_seen_at = GREATEST(d.last_seen_at, v.seen_at),
    online_changed_at = CASE WHEN v.online IS DISTINCT FROM d.is_online AND v.online IS NOT NULL
                                  AND COALESCE(d.online_changed_at <= v.changed_at, TRUE)
                             THEN v.changed_at ELSE d.online_changed_at END,
    is_online = CASE WHEN v.online IS DISTINCT FROM d.is_online AND v.online IS NOT NULL
                          AND COALESCE(d.online_changed_at <= v.changed_at, TRUE)
                     THEN v.online ELSE d.is_online END,
    firmware_version = COALESCE(v.firmware_version, d.firmware_version),
    available_firmware = NULLIF(COALESCE(v.available_firmware, d.available_firmware), ''),
    last_ip = COALESCE(v.ip, d.last_ip),
    rules_at = GREATEST(d.rules_at, v.rules_at)
FROM unnest(CAST(:ids AS integer[]), CAST(:seen AS timestamptz[]), CAST(:online AS boolean[]),
            CAST(:changed AS timestamptz[]), CAST(:fw AS text[]), CAST(:offered AS text[]),
            CAST(:ip AS text[]), CAST(:rules_at AS timestamptz[]))
     AS v(id, seen_at, online, changed_at, firmware_version, available_firmware, ip, rules_at)
WHERE d.id = v.id
""")


# `updating`: the device is at a firmware update (ours or its maker's) and may restart any
# moment; its going offline is then given time before anyone is told.
_LOCK_FOR_RULES = text("""
SELECT d.id, extract(epoch FROM d.rules_at), d.is_online, extract(epoch FROM d.online_changed_at),
       EXISTS (SELECT 1 FROM firmware_updates AS u
               WHERE u.device_id = d.id
                 AND u.state IN ('sent', 'downloading', 'verifying', 'rebooting'))
       OR EXISTS (SELECT 1 FROM shelly_updates AS s
                  WHERE s.device_id = d.id AND s.finished_at IS NULL) AS updating
FROM devices AS d
WHERE d.id = ANY(CAST(:ids AS integer[])) ORDER BY d.id FOR UPDATE OF d
""")


_SILENT = text("""
SELECT d.id, d.uid, d.last_seen_at
FROM devices AS d
LEFT JOIN device_configs AS c ON c.device_id = d.id
LEFT JOIN unnest(CAST(:types AS text[]), CAST(:intervals AS float8[])) AS k(type_code, seconds)
       ON k.type_code = d.type_code
WHERE d.is_online AND d.last_seen_at IS NOT NULL AND d.type_code <> ALL(CAST(:unswept AS text[]))
  AND d.last_seen_at < CAST(:now AS timestamptz)
                       - make_interval(secs => CAST(:times AS float8) * CASE
        WHEN jsonb_typeof(c.config -> 'report_interval') = 'number'
             AND (c.config ->> 'report_interval')::float8 > 0
        THEN (c.config ->> 'report_interval')::float8
        ELSE COALESCE(k.seconds, CAST(:fallback AS float8)) END)
ORDER BY d.last_seen_at, d.id
LIMIT :limit
""")


class DeviceRepository:
    """Queries and writes of devices and their types."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, device_id: int) -> Device | None:
        """Return the device with this id."""
        return await self._session.get(Device, device_id)

    async def get_by_uid(self, uid: str) -> Device | None:
        """Return the device with this uid."""
        return await self._session.scalar(select(Device).where(Device.uid == uid))

    async def get_by_claim_hash(self, code_hashes: Sequence[str]) -> Device | None:
        """Return the device whose claim code has one of `code_hashes`, locked for the claim."""
        query = select(Device).where(Device.claim_code_hash.in_(code_hashes)).with_for_update()
        return await self._session.scalar(query.limit(1))

    async def type_rows(self) -> dict[str, tuple[str, str | None, int]]:
        """Every `device_types` row: code → (title, primary metric, report interval)."""
        rows = await self._session.scalars(select(DeviceType))
        return {t.code: (t.title, t.primary_metric, t.report_interval) for t in rows}

    async def sync_kinds(self, kinds: Iterable[DeviceKind]) -> None:
        """Write one `device_types` row per kind (devices reference them); rows of kinds no
        longer registered stay, so devices of such a type are kept."""
        rows = [
            {
                "code": kind.code,
                "title": kind.title,
                "primary_metric": kind.primary_metric,
                "report_interval": kind.report_interval,
            }
            for kind in kinds
        ]
        if not rows:
            return
        statement = insert(DeviceType).values(rows)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[DeviceType.code],
                set_={
                    "title": statement.excluded.title,
                    "primary_metric": statement.excluded.primary_metric,
                    "report_interval": statement.excluded.report_interval,
                },
            )
        )

    async def list_all(self) -> Sequence[Device]:
        """Return every device, by uid."""
        return (await self._session.scalars(select(Device).order_by(Device.uid))).all()

    async def of_kind(
        self, type_code: str, device_ids: Sequence[int] | None = None
    ) -> Sequence[Device]:
        """The devices of a kind (only `device_ids` of them, when given), by id."""
        query = select(Device).where(Device.type_code == type_code).order_by(Device.id)
        if device_ids is not None:
            query = query.where(Device.id.in_(device_ids))
        return (await self._session.scalars(query)).all()

    async def ids_by_uid(self, uids: Sequence[str]) -> dict[str, int]:
        """Map the known ones of `uids` to device ids."""
        query = select(Device.uid, Device.id).where(Device.uid.in_(uids))
        return {row[0]: row[1] for row in (await self._session.execute(query)).all()}

    def add(self, device: Device) -> None:
        """Stage a new device."""
        self._session.add(device)

    async def delete(self, device_id: int) -> None:
        """Delete a device; its memberships, config, history and alerts go with it (cascade)."""
        await self._session.flush()  # staged rows that name the device are written first
        await self._session.execute(delete(Device).where(Device.id == device_id))

    async def apply_contacts(
        self, rows: Sequence[ContactRow], rules_at: Mapping[int, datetime] | None = None
    ) -> None:
        """Write last seen, online flag, firmware (run and offered) and ip of many devices in
        one statement, and the time of the newest reading the alert rules saw (`rules_at`,
        by device id)."""
        rules_at = rules_at or {}
        ordered = sorted(rows, key=lambda row: row.device_id)  # same lock order everywhere
        await self._session.execute(
            _APPLY_CONTACTS,
            {
                "ids": [r.device_id for r in ordered],
                "seen": [r.seen_at for r in ordered],
                "online": [r.online for r in ordered],
                "changed": [r.changed_at for r in ordered],
                "fw": [r.firmware_version for r in ordered],
                "offered": [r.available_firmware for r in ordered],
                "ip": [r.ip for r in ordered],
                "rules_at": [rules_at.get(r.device_id) for r in ordered],
            },
        )

    async def lock_for_rules(self, device_ids: Iterable[int]) -> dict[int, Standing]:
        """Lock these devices' rows (in id order, the order every writer takes) until the
        transaction ends; return where each stands."""
        rows = await self._session.execute(_LOCK_FOR_RULES, {"ids": sorted(set(device_ids))})
        return {
            int(device_id): Standing(
                float(rules_at) if rules_at is not None else None,
                bool(online),
                float(since) if since is not None else None,
                bool(updating),
            )
            for device_id, rules_at, online, since, updating in rows.all()
        }

    async def config(self, device_id: int, *, for_update: bool = False) -> DeviceConfig | None:
        """Return a device's config row (locked for a change when `for_update`)."""
        query = select(DeviceConfig).where(DeviceConfig.device_id == device_id)
        if for_update:
            query = query.with_for_update()
        return await self._session.scalar(query)

    async def with_any_attribute(self, names: Iterable[str]) -> Sequence[Device]:
        """Devices whose attributes hold any of `names`, locked for this transaction."""
        query = (
            select(Device)
            .where(Device.attributes.has_any(array(sorted(names))))
            .order_by(Device.id)
            .with_for_update()
        )
        return (await self._session.scalars(query)).all()

    async def apply_config_versions(self, versions: dict[int, int]) -> ConfigReports:
        """Record the config version each device reports it applied: which changed, and
        which were refused because the server never sent so high a version."""
        reports = ConfigReports()
        if not versions:
            return reports
        ordered = sorted(versions.items())
        result = await self._session.execute(
            _APPLY_CONFIG_VERSIONS,
            {"ids": [d for d, _ in ordered], "versions": [v for _, v in ordered]},
        )
        for device_id, uid, reported, sent in result.all():
            if uid is None:
                reports.applied.append(device_id)
            else:
                reports.refused.append(RefusedVersion(uid, reported, sent))
        return reports

    async def catalogue(
        self,
        *,
        search: str | None,
        kind: str | None,
        online: bool | None,
        offset: int,
        limit: int,
    ) -> tuple[int, list[tuple[Device, int]]]:
        """Every device matching the filters (a uid or name containing `search`, of `kind`,
        online or not), by uid: how many in all, and a page with each one's member count."""
        where = []
        if search:
            pattern = like_pattern(search)
            where.append(or_(Device.uid.ilike(pattern), Device.name.ilike(pattern)))
        if kind:
            where.append(Device.type_code == kind)
        if online is not None:
            where.append(Device.is_online.is_(online))
        total = await self._session.scalar(select(func.count()).select_from(Device).where(*where))
        count = (
            select(func.count(Membership.id))
            .where(Membership.device_id == Device.id)
            .scalar_subquery()
        )
        query = select(Device, count).where(*where).order_by(Device.uid)
        rows = await self._session.execute(query.offset(offset).limit(limit))
        return int(total or 0), [(device, int(n)) for device, n in rows.all()]

    async def counts(self) -> tuple[int, int]:
        """How many devices there are, and how many of them are online."""
        total, online = (
            await self._session.execute(select(func.count(), func.count().filter(Device.is_online)))
        ).one()
        return int(total), int(online)

    async def kinds_in_use(self) -> list[str]:
        """The device kinds of which there is at least one device."""
        query = select(Device.type_code).distinct().order_by(Device.type_code)
        return list((await self._session.scalars(query)).all())

    async def configs_not_applied(
        self, changed_before: datetime, limit: int
    ) -> list[tuple[int, str]]:
        """Online devices whose config changed before `changed_before` and that still report an
        older version (or none): (device id, uid), oldest change first."""
        query = (
            select(Device.id, Device.uid)
            .join(DeviceConfig, DeviceConfig.device_id == Device.id)
            .where(
                Device.is_online,
                DeviceConfig.version > 1,
                DeviceConfig.version > func.coalesce(DeviceConfig.applied_version, 0),
                DeviceConfig.updated_at < changed_before,
            )
            .order_by(DeviceConfig.updated_at)
            .limit(limit)
        )
        return [(row[0], row[1]) for row in (await self._session.execute(query)).all()]

    async def relay_links(
        self, type_codes: Sequence[str]
    ) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
        """Every relay device (of `type_codes`) with links to meter phases:
        (id, attributes, config)."""
        query = (
            select(Device.id, Device.attributes, DeviceConfig.config)
            .outerjoin(DeviceConfig, DeviceConfig.device_id == Device.id)
            .where(Device.type_code.in_(type_codes), Device.attributes.has_key("links"))
        )
        rows = (await self._session.execute(query)).all()
        return [
            (device_id, attributes or {}, config or {}) for device_id, attributes, config in rows
        ]

    async def configs_of(self, device_ids: Iterable[int]) -> list[tuple[int, str, dict[str, Any]]]:
        """The stored config of each device: (id, type code, config)."""
        query = (
            select(Device.id, Device.type_code, DeviceConfig.config)
            .outerjoin(DeviceConfig, DeviceConfig.device_id == Device.id)
            .where(Device.id.in_(list(device_ids)))
        )
        rows = (await self._session.execute(query)).all()
        return [(device_id, code, config or {}) for device_id, code, config in rows]

    async def of_types(
        self, type_codes: Sequence[str]
    ) -> list[tuple[int, str, str, dict[str, Any], dict[str, Any]]]:
        """Every device of `type_codes`: (id, uid, type code, attributes, config)."""
        query = (
            select(Device.id, Device.uid, Device.type_code, Device.attributes, DeviceConfig.config)
            .outerjoin(DeviceConfig, DeviceConfig.device_id == Device.id)
            .where(Device.type_code.in_(type_codes))
        )
        rows = (await self._session.execute(query)).all()
        return [(i, uid, code, attrs or {}, config or {}) for i, uid, code, attrs, config in rows]

    async def identities(self, uids: Sequence[str]) -> list[tuple[int, str, str, bool]]:
        """The known ones of `uids`: (id, uid, type code, online) — what ingest resolves."""
        query = select(Device.id, Device.uid, Device.type_code, Device.is_online).where(
            Device.uid.in_(uids)
        )
        rows = (await self._session.execute(query)).all()
        return [(i, uid, code, online) for i, uid, code, online in rows]

    async def silent(
        self,
        now: datetime,
        times: int,
        intervals: Mapping[str, float],
        fallback: float,
        unswept: Sequence[str],
        limit: int,
    ) -> list[tuple[int, str, datetime]]:
        """Online devices not heard for `times` × their report interval — their config's
        (`report_interval`, when a positive number) or else their kind's (`intervals` by type
        code, `fallback` for a code not there) — but those of the `unswept` types: (id, uid,
        last seen), the longest silent first, at most `limit`."""
        rows = await self._session.execute(
            _SILENT,
            {
                "now": now,
                "times": times,
                "types": list(intervals),
                "intervals": [float(v) for v in intervals.values()],
                "fallback": float(fallback),
                "unswept": list(unswept),
                "limit": limit,
            },
        )
        return [(int(i), str(uid), seen) for i, uid, seen in rows.all()]

    async def mark_offline(self, device_ids: Sequence[int], at: datetime) -> list[int]:
        """Mark those of `device_ids` still online offline since `at`; return which."""
        query = (
            update(Device)
            .where(Device.id.in_(device_ids), Device.is_online)
            .values(is_online=False, online_changed_at=at)
            .returning(Device.id)
        )
        return list((await self._session.scalars(query)).all())

    async def get_many(self, device_ids: Iterable[int]) -> dict[int, Device]:
        """The devices with these ids, by id."""
        rows = await self._session.scalars(select(Device).where(Device.id.in_(list(device_ids))))
        return {device.id: device for device in rows}

    async def get_for_update(self, device_id: int) -> Device | None:
        """The device with this id, locked until the transaction ends."""
        return await self._session.get(Device, device_id, with_for_update=True)

    async def set_connection(self, device_id: int, *, online: bool, at: datetime) -> bool:
        """Record that a connection-held device (a panel) went online or offline at `at`;
        False when it already was."""
        values: dict[str, Any] = {"is_online": online, "online_changed_at": at}
        if online:
            values["last_seen_at"] = at
        flipped = await self._session.scalar(
            update(Device)
            .where(Device.id == device_id, Device.is_online.is_not(online))
            .values(**values)
            .returning(Device.id)
        )
        return flipped is not None
