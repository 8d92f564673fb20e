"""Sensirion SCD4x (SCD40/SCD41) CO₂, temperature and humidity over I2C.

From the SCD4x datasheet: address 0x62; 16-bit commands sent most significant byte first;
every 16-bit word the sensor sends or takes is followed by a CRC-8 (polynomial 0x31, initial
value 0xFF); `start_periodic_measurement` 0x21B1 (a measurement every 5 s),
`get_data_ready_status` 0xE4B8 (ready when the low 11 bits are not all 0),
`read_measurement` 0xEC05 (CO₂ ppm, temperature −45 + 175·t/65535 °C, relative humidity
100·h/65535 %), `stop_periodic_measurement` 0x3F86 (then 500 ms before the next command),
`perform_forced_recalibration` 0x362F with the reference ppm (400 ms; the answer 0xFFFF means
it failed, otherwise the correction is answer − 0x8000 ppm). The codec is pure; the driver
takes any object with MicroPython's `writeto(addr, buf)` / `readfrom(addr, n)`.
"""

import time

ADDRESS = 0x62
START_PERIODIC = 0x21B1
STOP_PERIODIC = 0x3F86
DATA_READY = 0xE4B8
READ_MEASUREMENT = 0xEC05
FORCED_RECALIBRATION = 0x362F
FRC_FAILED = 0xFFFF


def crc8(data: bytes) -> int:
    """The CRC-8 the sensor appends to every word."""
    crc = 0xFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x31) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def command(code: int, *args: int) -> bytes:
    """A command with its argument words (each with its CRC)."""
    out = bytearray((code >> 8, code & 0xFF))
    for arg in args:
        word = bytes((arg >> 8, arg & 0xFF))
        out.extend(word)
        out.append(crc8(word))
    return bytes(out)


def words(data: bytes) -> list:
    """The words of an answer; ValueError when a CRC does not match (a bus error)."""
    if len(data) % 3:
        msg = "answer of %d bytes" % len(data)
        raise ValueError(msg)
    out = []
    for i in range(0, len(data), 3):
        if crc8(data[i : i + 2]) != data[i + 2]:
            msg = "CRC mismatch in word %d" % (i // 3)
            raise ValueError(msg)
        out.append(data[i] << 8 | data[i + 1])
    return out


def measurement(data: bytes) -> dict:
    """Decode `read_measurement`'s 9 bytes: co2 (ppm), temperature (°C), humidity (%)."""
    co2, temperature, humidity = words(data)
    return {
        "co2": co2,
        "temperature": round(-45 + 175 * temperature / 65535, 1),
        "humidity": round(100 * humidity / 65535, 1),
    }


def _sleep_ms(ms: int) -> None:
    time.sleep_ms(ms)  # type: ignore[attr-defined]  # MicroPython


class SCD4x:
    """The sensor on a bus: started once, then read when a measurement is ready."""

    def __init__(self, bus: object, address: int = ADDRESS) -> None:
        self._bus = bus
        self._address = address
        self._last: dict | None = None

    def _write(self, data: bytes) -> None:
        self._bus.writeto(self._address, data)  # type: ignore[attr-defined]

    def _ask(self, code: int, size: int, wait_ms: int = 1) -> list:
        self._write(command(code))
        _sleep_ms(wait_ms)
        return words(self._bus.readfrom(self._address, size))  # type: ignore[attr-defined]

    def start(self) -> None:
        """Stop whatever the sensor was doing and start periodic measurement."""
        self._write(command(STOP_PERIODIC))
        _sleep_ms(500)
        self._write(command(START_PERIODIC))

    def read(self) -> dict | None:
        """The newest measurement (the last one when no new one is ready; None before the
        first)."""
        if self._ask(DATA_READY, 3)[0] & 0x07FF:
            self._write(command(READ_MEASUREMENT))
            _sleep_ms(1)
            self._last = measurement(self._bus.readfrom(self._address, 9))  # type: ignore[attr-defined]
        return self._last

    def calibrate(self, reference_ppm: int) -> str | None:
        """Forced recalibration to a reference (fresh air, e.g. 420 ppm); the error or None."""
        self._write(command(STOP_PERIODIC))
        _sleep_ms(500)
        self._write(command(FORCED_RECALIBRATION, int(reference_ppm)))
        _sleep_ms(400)
        result = words(self._bus.readfrom(self._address, 3))[0]  # type: ignore[attr-defined]
        self._write(command(START_PERIODIC))
        if result == FRC_FAILED:
            return "the sensor refused the calibration (run it 3 minutes in fresh air first)"
        return None
