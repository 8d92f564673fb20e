"""Run by tests/firmware/test_firmware.py under MicroPython and under CPython: the shared
modules must print the same."""

import json

from dozor import protocol, scd4x

state = protocol.DeviceState("u1", "2.1.0")
order = protocol.parse_ota(
    b'{"version": "2", "url": "http://h/i", "size": 5, "sha256": "%s"}' % (b"ab" * 32)
)
words = bytes((0x01, 0xF4, 0, 0x66, 0x67, 0, 0x5E, 0xB9, 0))
measured = bytearray(words)
for i in (2, 5, 8):
    measured[i] = scd4x.crc8(measured[i - 2 : i])
out = [
    state.apply_config(b'{"report_interval": 5, "version": 3}'),
    state.interval,
    state.apply_config(b"not json"),
    json.loads(state.telemetry({"co2": 600}, 1700000000, 12, "10.0.0.2")),
    json.loads(state.telemetry({"co2": 601})),
    order.to_dict(),
    protocol.parse_ota(b'{"version": "2", "url": "ftp://h/i", "size": 5, "sha256": ""}'),
    json.loads(protocol.ota_status("2", "downloading", 40)),
    scd4x.crc8(b"\xbe\xef"),
    scd4x.measurement(bytes(measured)),
    list(scd4x.command(0x362F, 420)),
]
print(json.dumps(out))
