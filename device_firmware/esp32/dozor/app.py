"""The firmware's main loop: Wi-Fi, time, MQTT with the contract, telemetry, commands, OTA.

`main(board)` runs until the board resets. Everything that touches hardware goes through
`board` (`board.py` on an ESP32; `tests/firmware/testboard.py` under test):
`connect_wifi(ssid, password)`, `ip()`, `sync_time()`, `i2c()`, `identify()`,
`next_partition()`, `mark_valid()`, `reset()`.

The settings file (`settings.json`, written once at flashing) holds the device's uid and
broker password, the Wi-Fi network, the broker (`host`, `port`, `tls`, `ca`: a PEM file) and
optionally `interval` (seconds until the server's config says otherwise), `keepalive` and
`health_timeout` (seconds a new version has to become healthy before it is rolled back).
"""

import json
import time

from dozor import ota, protocol, scd4x
from dozor.version import VERSION

READ_TIMEOUT_S = 15  # a broker that stops answering mid-packet is a lost connection
CONFIG_WAIT_MS = 10000  # a device with no retained config is healthy once connected this long
MAX_BACKOFF_S = 30


def log(*parts: object) -> None:
    """One line on the console (the serial port on a board)."""
    print("dozor:", *parts)  # noqa: T201 - the board's console


def load_settings(path: str = "settings.json") -> dict:
    """The settings written at flashing."""
    with open(path) as file:
        return json.loads(file.read())


def _drain(client: object) -> int:
    """Take every message the broker has sent (handed to the inbox); return how many."""
    taken = 0
    while client.check_msg() is not None:  # type: ignore[attr-defined]
        taken += 1
    return taken


def _ticks() -> int:
    return time.ticks_ms()  # type: ignore[attr-defined]  # MicroPython


def _since(start: int) -> int:
    return time.ticks_diff(time.ticks_ms(), start)  # type: ignore[attr-defined]


def _sleep_ms(ms: int) -> None:
    time.sleep_ms(ms)  # type: ignore[attr-defined]


class App:
    """One device: reconnects for ever, reports, obeys the server."""

    def __init__(self, board: object, settings: dict) -> None:
        self.board = board
        self.settings = settings
        self.uid = settings["uid"]
        self.topics = protocol.topics(self.uid)
        self.state = protocol.DeviceState(self.uid, VERSION, settings.get("interval", 30))
        self.keepalive = int(settings.get("keepalive", 30))
        self.health_timeout_ms = int(settings.get("health_timeout", 300)) * 1000
        self.inbox: list = []
        self.client: object = None
        self.started = _ticks()
        self.boot = ota.after_boot(VERSION)
        self.healthy = self.boot is None or self.boot[0] != "confirm"
        self.config_seen = False
        self.clock_set = False
        self.restart_asked = False
        self.sensor: object = None
        self.last_out = 0
        self._ota_version = ""
        self._raw: object = None

    # -- the loop -------------------------------------------------------------------------

    def run(self) -> None:
        """Connect and serve; on any network failure start again after a growing pause."""
        if self.boot is not None:
            log("after boot:", self.boot[0], self.boot[1])
        from umqtt.simple import MQTTException  # noqa: PLC0415 - installed with mip

        backoff = 1
        while True:
            try:
                self.session()
            except MQTTException as err:  # the CONNACK's code: 4 bad password, 5 not allowed
                log("broker refused the login:", repr(err))
            except (OSError, ValueError, IndexError) as err:  # a lost link, a broken packet
                log("connection lost:", repr(err))
            self._close()
            self._check_health()
            _sleep_ms(backoff * 1000)
            backoff = min(backoff * 2, MAX_BACKOFF_S)

    def session(self) -> None:
        """One connection to the broker, until it fails."""
        from umqtt.simple import MQTTClient  # noqa: PLC0415 - installed with mip on the board

        wifi = self.settings.get("wifi") or {}
        self.board.connect_wifi(wifi.get("ssid"), wifi.get("password"))  # type: ignore[attr-defined]
        if not self.clock_set:
            self.clock_set = bool(self.board.sync_time())  # type: ignore[attr-defined]
        broker = self.settings["broker"]
        tls = _Tls(broker["ca"]) if broker.get("tls") else None
        client = MQTTClient(
            self.uid,
            broker["host"],
            port=int(broker.get("port", 0)),
            user=self.uid,
            password=self.settings["password"],
            keepalive=self.keepalive,
            ssl=tls,
        )
        client.set_callback(self._received)
        client.set_last_will(self.topics["status"], b"offline", retain=True, qos=1)
        self.client = client
        client.connect()
        self._raw = tls.raw if tls is not None else client.sock  # the TCP socket under TLS
        log("connected to", broker["host"])
        self._publish(self.topics["status"], b"online", retain=True)
        for name in ("config", "commands", "ota"):
            client.subscribe(self.topics[name], qos=1)
        connected = _ticks()
        self._after_connect()
        self._ensure_sensor()
        last_report = None
        while True:
            _drain(client)
            self._raw.settimeout(READ_TIMEOUT_S)  # check_msg left it blocking for ever
            if self._handle_inbox():
                last_report = None  # a new config is reported at once
            if self.restart_asked:
                self._close()
                self.board.reset()  # type: ignore[attr-defined]
            if not self.healthy and (self.config_seen or _since(connected) > CONFIG_WAIT_MS):
                self._confirm()
            interval_ms = int(self.state.interval * 1000)
            if last_report is None or _since(last_report) >= interval_ms:
                last_report = _ticks()
                self._report()
            self._keep_alive()
            self._check_health()
            _sleep_ms(20)

    # -- what comes in --------------------------------------------------------------------

    def _received(self, topic: bytes, message: bytes) -> None:
        self.inbox.append((topic.decode(), bytes(message)))  # handled in the loop, not here

    def _handle_inbox(self) -> bool:
        """Handle what arrived; return whether a new config was applied."""
        applied = False
        while self.inbox:
            topic, message = self.inbox.pop(0)
            if topic == self.topics["config"]:
                if not message:
                    continue
                self.config_seen = True
                if self.state.apply_config(message):
                    log("config version", self.state.config_version, "applied")
                    applied = True
            elif topic == self.topics["commands"]:
                answer = protocol.run_command(message, self)
                if answer is not None:
                    self._publish(self.topics["events"], answer)
            elif topic == self.topics["ota"]:
                self._update(message)
        return applied

    def _update(self, message: bytes) -> None:
        order = protocol.parse_ota(message)
        if isinstance(order, str):
            log("OTA order refused:", order)
            self._ota_report_for("", "failed", None, order)
            return
        log("OTA to", order.version, "from", order.url)
        self._ota_version = order.version
        ota.Updater(self.board, VERSION, self._ota_report, self._keep_alive).run(order)

    # -- commands (protocol.run_command calls these) --------------------------------------

    def restart(self) -> None:
        """Reset once the answer is out."""
        self.restart_asked = True

    def identify(self) -> None:
        """Show which device this is (the board blinks its LED)."""
        self.board.identify()  # type: ignore[attr-defined]

    def calibrate(self, reference_ppm: int) -> str | None:
        """Forced recalibration of the CO₂ sensor; the error or None."""
        if self.sensor is None:
            return "no sensor"
        try:
            return self.sensor.calibrate(reference_ppm)  # type: ignore[attr-defined]
        except (OSError, ValueError) as err:
            return "sensor error (%s)" % err

    # -- what goes out --------------------------------------------------------------------

    def _publish(self, topic: str, payload: bytes, retain: bool = False) -> None:
        self.client.publish(topic, payload, retain=retain, qos=1)  # type: ignore[attr-defined]
        self.last_out = _ticks()

    def _report(self) -> None:
        readings = self._read_sensor()
        if not readings:
            return
        now = int(time.time()) if self.clock_set else None
        uptime = _since(self.started) // 1000
        body = self.state.telemetry(readings, now, uptime, self.board.ip())  # type: ignore[attr-defined]
        self._publish(self.topics["telemetry"], body)

    def _ota_report(
        self, state: str, progress: int | None = None, error: str | None = None
    ) -> None:
        self._ota_report_for(self._ota_version, state, progress, error)

    def _ota_report_for(
        self, version: str, state: str, progress: int | None, error: str | None
    ) -> None:
        if error is not None:
            log("OTA", state, error)
        self._publish(
            self.topics["ota_status"], protocol.ota_status(version, state, progress, error)
        )

    def _keep_alive(self) -> None:
        if self.client is not None and _since(self.last_out) > self.keepalive * 500:
            self.client.ping()  # type: ignore[attr-defined]
            self.last_out = _ticks()

    # -- updates and health ---------------------------------------------------------------

    def _after_connect(self) -> None:
        """Say how the last update ended, or go on with one a power loss cut."""
        if self.boot is None:
            return
        verdict, detail = self.boot
        if verdict == "rolled_back":
            self._ota_report_for(
                detail,
                "rolled_back",
                None,
                "%s did not become healthy; %s runs" % (detail, VERSION),
            )
            ota.clear_state()
            self.boot = None
        elif verdict == "resume":
            self.boot = None
            order = protocol.parse_ota(json.dumps(detail).encode())
            if not isinstance(order, str):
                log("resuming the download of", order.version)
                self._ota_version = order.version
                ota.Updater(self.board, VERSION, self._ota_report, self._keep_alive).run(order)

    def _confirm(self) -> None:
        """The new version is connected and configured: keep it."""
        ota.confirm(self.board)
        self.healthy = True
        self.boot = None
        log("version", VERSION, "confirmed")
        self._ota_report_for(VERSION, "done", None, None)

    def _check_health(self) -> None:
        """A new version that is not healthy in time resets: the bootloader rolls it back."""
        if not self.healthy and _since(self.started) > self.health_timeout_ms:
            log("version", VERSION, "not healthy in time; resetting to roll back")
            self.board.reset()  # type: ignore[attr-defined]

    # -- the sensor and the link ----------------------------------------------------------

    def _ensure_sensor(self) -> None:
        if self.sensor is not None:
            return
        try:
            sensor = scd4x.SCD4x(self.board.i2c())  # type: ignore[attr-defined]
            sensor.start()
        except OSError as err:
            log("no CO2 sensor:", repr(err))
            return
        self.sensor = sensor

    def _read_sensor(self) -> dict | None:
        self._ensure_sensor()
        if self.sensor is None:
            return None
        try:
            return self.sensor.read()  # type: ignore[attr-defined]
        except (OSError, ValueError) as err:
            log("sensor read failed:", repr(err))
            return None

    def _close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                client.sock.close()  # type: ignore[attr-defined]
            except (OSError, AttributeError):
                log("the socket was gone already")


class _Tls:
    """TLS that checks the broker's certificate against the CA file, and keeps the TCP
    socket under it (MicroPython's TLS socket has no timeout of its own)."""

    def __init__(self, ca_file: str) -> None:
        import ssl  # noqa: PLC0415

        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        with open(ca_file, "rb") as file:
            self._context.load_verify_locations(cadata=file.read())
        self.raw: object = None

    def wrap_socket(self, sock: object, server_hostname: str | None = None) -> object:
        """What umqtt calls to secure its socket."""
        self.raw = sock
        return self._context.wrap_socket(sock, server_hostname=server_hostname)


def main(board: object) -> None:
    """Run the firmware on `board` until it resets."""
    App(board, load_settings()).run()
