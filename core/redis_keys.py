"""Every Redis key, stream and channel name, built by one object per prefix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RedisKeys:
    """Names under one prefix (`dozor` in production, a per-run prefix in tests)."""

    prefix: str = "dozor"

    @property
    def live_built(self) -> str:
        """Set once the live state was rebuilt from PostgreSQL; gone after Redis lost it."""
        return f"{self.prefix}:live:built"

    def live(self, device_id: int) -> str:
        """Hash of a device's live state: latest value and time of each metric, online flag."""
        return f"{self.prefix}:live:{device_id}"

    @property
    def events_channel(self) -> str:
        """Pub/sub channel the processor announces new device state on."""
        return f"{self.prefix}:events"

    @property
    def outbox_channel(self) -> str:
        """Pub/sub channel that wakes the bot's outbox delivery."""
        return f"{self.prefix}:outbox"

    def pace_chat(self, chat: int) -> str:
        """Set for a second after a message to a chat (shared by every bot instance)."""
        return f"{self.prefix}:pace:chat:{chat}"

    def flood_chat(self, chat: int) -> str:
        """Set while Telegram's flood wait for a chat lasts (shared by every bot instance)."""
        return f"{self.prefix}:flood:chat:{chat}"

    def pace_second(self, second: int) -> str:
        """Counter of messages sent in one slice of wall-clock time (shared by every bot
        instance; the pacer numbers its slices)."""
        return f"{self.prefix}:pace:second:{second}"

    @property
    def ingest_rejected(self) -> str:
        """Hash of rejected-message counters by reason."""
        return f"{self.prefix}:ingest:rejected"

    @property
    def ingest_stats(self) -> str:
        """Hash of ingest counters (accepted messages, flushes)."""
        return f"{self.prefix}:ingest:stats"

    @property
    def health_reports(self) -> str:
        """Hash of each processor instance's latest health report (JSON), by instance."""
        return f"{self.prefix}:health:reports"

    @property
    def quarantine(self) -> str:
        """Capped list of the latest rejected messages, kept for inspection."""
        return f"{self.prefix}:ingest:quarantine"

    @property
    def refusals_prefix(self) -> str:
        """Prefix of the per-user counters of recent refusals kept in the security log."""
        return f"{self.prefix}:security:refusals"

    @property
    def claim_failures_prefix(self) -> str:
        """Prefix of the per-user counters of recent wrong claim codes (`…:{user_id}`)."""
        return f"{self.prefix}:claim:failures"

    @property
    def command_stream(self) -> str:
        """Stream of command and config-push requests, consumed by the processors' group."""
        return f"{self.prefix}:commands"

    @property
    def command_group(self) -> str:
        """Consumer group of the processors on the command stream."""
        return "processors"

    def command_result(self, command_id: str) -> str:
        """List where a command's result is pushed for the waiting bot."""
        return f"{self.prefix}:command:{command_id}:result"

    def config_watch(self, device_id: int) -> str:
        """Hash of settings messages waiting for the device to apply its config."""
        return f"{self.prefix}:config:watch:{device_id}"

    @property
    def config_watch_index(self) -> str:
        """Set of the devices that have settings messages waiting (see config_watch)."""
        return f"{self.prefix}:config:watch:devices"

    @property
    def fsm(self) -> str:
        """Prefix of the bot's conversation state."""
        return f"{self.prefix}:fsm"

    def shelly_counters(self, uid: str) -> str:
        """Hash of a Shelly meter's last energy counters (Wh), kept across restarts."""
        return f"{self.prefix}:shelly:counters:{uid}"

    def panel_lease(self, device_id: int) -> str:
        """Which processor instance talks to a panel: `<instance>:<token>`, with a TTL."""
        return f"{self.prefix}:satel:lease:{device_id}"

    def panel_fence(self, device_id: int) -> str:
        """Counter handing out increasing lease tokens for a panel (fencing)."""
        return f"{self.prefix}:satel:fence:{device_id}"

    def panel_state(self, device_id: int) -> str:
        """JSON of a panel's last reported state (`PanelSnapshot`)."""
        return f"{self.prefix}:satel:state:{device_id}"

    def panel_inbox(self, instance: str) -> str:
        """List of panel commands for the processor instance holding those panels."""
        return f"{self.prefix}:satel:inbox:{instance}"

    def panel_failures_prefix(self, device_id: int) -> str:
        """Prefix of the per-user counters of wrong codes on a panel (`…:{user_id}`)."""
        return f"{self.prefix}:satel:failures:{device_id}"

    def confirmation(self, nonce: str) -> str:
        """An action waiting for its requester's "yes" (core.confirmations; it expires)."""
        return f"{self.prefix}:confirm:{nonce}"
