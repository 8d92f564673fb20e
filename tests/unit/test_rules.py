"""Pure rules: claim codes and the access table."""

from __future__ import annotations

import hmac
import math

import pytest
from pydantic import SecretStr

from core.access.policy import Action, Role, allows, grantable_roles, may_invite_as
from core.devices import claim_codes


def test_claim_codes_have_at_least_40_random_bits_and_differ() -> None:
    codes = {claim_codes.generate() for _ in range(2000)}
    assert len(codes) == 2000
    assert claim_codes.LENGTH * math.log2(len(claim_codes.ALPHABET)) >= 40


def test_typed_codes_are_forgiving_about_case_dashes_and_lookalikes() -> None:
    code = "7KQ2M-XR9DA"
    assert claim_codes.normalize(" 7kq2m xr9da ") == "7KQ2MXR9DA"
    assert claim_codes.normalize("7KQ2M-XR9DA") == claim_codes.normalize(code)
    assert claim_codes.normalize("OOOOO-IIIII") == "0000011111"
    assert claim_codes.normalize("short") is None
    assert claim_codes.normalize("7KQ2M-XR9D!") is None


def test_hash_is_stable_and_does_not_contain_the_code() -> None:
    digest = claim_codes.hash_code("7KQ2MXR9DA")
    assert digest == claim_codes.hash_code("7KQ2MXR9DA")
    assert "7KQ2MXR9DA" not in digest


def test_a_peppered_hash_is_an_hmac_and_the_plain_one_is_still_looked_up() -> None:
    """Plain SHA-256 of 50 bits can be searched offline from a leaked database; an HMAC under
    a pepper kept outside it cannot. Codes handed out before the pepper still work."""
    pepper = SecretStr("pepper-kept-in-the-settings")
    keyed = claim_codes.hash_code("7KQ2MXR9DA", pepper)
    expected = hmac.new(pepper.get_secret_value().encode(), b"dozor-claim:7KQ2MXR9DA", "sha256")
    assert keyed == expected.hexdigest() != claim_codes.hash_code("7KQ2MXR9DA")
    assert claim_codes.hash_code("7KQ2MXR9DA", SecretStr("another")) != keyed
    assert claim_codes.lookup_hashes("claim", "7KQ2MXR9DA", pepper) == [
        keyed,
        claim_codes.hash_code("7KQ2MXR9DA"),
    ]


ACCESS_TABLE = {
    Action.VIEW: (True, True, True),
    Action.RECEIVE_ALERTS: (True, True, True),
    Action.CONTROL: (True, True, False),
    Action.CONFIGURE: (True, True, False),
    Action.INVITE: (True, True, False),
    Action.MANAGE_MEMBERS: (True, False, False),
    Action.READ_AUDIT: (True, False, False),
    Action.UPDATE_FIRMWARE: (True, True, False),
}


@pytest.mark.parametrize("action", list(Action))
def test_access_table_of_architecture(action: Action) -> None:
    owner, admin, viewer = ACCESS_TABLE[action]
    assert allows(Role.OWNER, action) is owner
    assert allows(Role.ADMIN, action) is admin
    assert allows(Role.VIEWER, action) is viewer
    assert allows(None, action) is False


def test_admins_invite_viewers_only() -> None:
    assert may_invite_as(Role.ADMIN, Role.VIEWER)
    assert not may_invite_as(Role.ADMIN, Role.ADMIN)
    assert may_invite_as(Role.OWNER, Role.ADMIN)
    assert not may_invite_as(Role.VIEWER, Role.VIEWER)
    assert not may_invite_as(None, Role.VIEWER)
    assert not may_invite_as(Role.OWNER, Role.OWNER)  # ownership is transferred, not invited


def test_grantable_roles_follow_the_invite_rule() -> None:
    assert grantable_roles(Role.OWNER) == [Role.ADMIN, Role.VIEWER]
    assert grantable_roles(Role.ADMIN) == [Role.VIEWER]
    assert grantable_roles(Role.VIEWER) == []
    assert grantable_roles(None) == []


def test_quiet_hours_across_midnight_end_in_the_morning() -> None:
    import zoneinfo
    from datetime import UTC, datetime

    from core.users.quiet_hours import quiet_until, valid_hours

    warsaw = zoneinfo.ZoneInfo("Europe/Warsaw")
    night = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)  # 23:30 in Warsaw
    assert quiet_until(night, warsaw, 22, 7) == datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
    early = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)  # 05:00 in Warsaw
    assert quiet_until(early, warsaw, 22, 7) == datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
    assert quiet_until(datetime(2026, 11, 24, 12, 0, tzinfo=UTC), warsaw, 22, 7) is None
    assert quiet_until(night, warsaw, None, None) is None
    assert quiet_until(datetime(2026, 11, 24, 0, 30, tzinfo=UTC), warsaw, 1, 3) == datetime(
        2026, 11, 24, 2, 0, tzinfo=UTC
    )
    assert valid_hours(None, None) and valid_hours(22, 7)
    assert not valid_hours(5, 5) and not valid_hours(24, 3) and not valid_hours(1, None)
