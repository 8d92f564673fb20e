"""The firmware's hardware layer under test, on MicroPython's Unix port.

What it stands for, on the board's "flash" (the working directory the harness gives it):
- two app partitions `ota_0.bin` / `ota_1.bin` with MicroPython's `esp32.Partition` block
  interface, and `otadata.json`, which the bootloader emulator (tests/firmware/harness.py)
  reads to choose the partition and which `set_boot` / `mark_valid` write as ESP-IDF's
  `esp_ota_set_boot_partition` / `esp_ota_mark_app_valid_cancel_rollback` do;
- `reset()` ends the process with REBOOT; the harness starts it again from the partition
  the bootloader picks;
- an SCD4x on the I2C bus that answers the datasheet's commands with the values of
  `sensor.json`; `identify()` and calibrations leave a line in `identify.log` /
  `calibration.log`; `no_wifi` / `no_ntp` files make those fail.
"""

import json
import os
import sys

REBOOT = 75
BLOCK = 4096
IMAGE_MAGIC = b"DZFW"  # what the harness's images start with (an ESP32 app starts with 0xE9)


def _exists(path):
    try:
        os.stat(path)
    except OSError:
        return False
    return True


def _otadata():
    with open("otadata.json") as file:
        return json.loads(file.read())


def _write_otadata(data):
    with open("otadata.json", "w") as file:
        file.write(json.dumps(data))


class FilePartition:
    """An app partition in a file, with `esp32.Partition`'s block interface."""

    def __init__(self, label):
        self.label = label
        self.path = label + ".bin"
        self.blocks = os.stat(self.path)[6] // BLOCK

    def info(self):
        return (0, 0x10, 0, self.blocks * BLOCK, self.label, False)

    def ioctl(self, op, arg):
        if op == 4:
            return self.blocks
        if op == 5:
            return BLOCK
        return None

    def readblocks(self, index, buf):
        with open(self.path, "rb") as file:
            file.seek(index * BLOCK)
            file.readinto(buf)

    def writeblocks(self, index, buf):
        if len(buf) % BLOCK or index + len(buf) // BLOCK > self.blocks:
            raise OSError(22)
        with open(self.path, "r+b") as file:
            file.seek(index * BLOCK)
            file.write(buf)

    def set_boot(self):
        with open(self.path, "rb") as file:
            if file.read(4) != IMAGE_MAGIC:
                raise OSError(-5379)  # ESP_ERR_OTA_VALIDATE_FAILED
        data = _otadata()
        data["boot"], data["state"] = self.label, "new"
        _write_otadata(data)


class FakeSCD4x:
    """An SCD4x at 0x62 as its datasheet describes it, reading its values from a file."""

    def __init__(self):
        self._answer = b""

    @staticmethod
    def _crc(data):
        crc = 0xFF
        for byte in data:
            crc ^= byte
            for _ in range(8):
                crc = ((crc << 1) ^ 0x31) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
        return crc

    def _words(self, *values):
        out = bytearray()
        for value in values:
            word = bytes((value >> 8 & 0xFF, value & 0xFF))
            out.extend(word)
            out.append(self._crc(word))
        return bytes(out)

    def writeto(self, address, buf):
        if address != 0x62:
            raise OSError(19)  # ENODEV: nobody acknowledges the address
        code = buf[0] << 8 | buf[1]
        if code == 0xE4B8:  # get_data_ready_status
            self._answer = self._words(0x8006 if _exists("sensor.json") else 0x8000)
        elif code == 0xEC05:  # read_measurement
            with open("sensor.json") as file:
                values = json.loads(file.read())
            raw_t = int((values["temperature"] + 45) * 65535 / 175 + 0.5)
            raw_h = int(values["humidity"] * 65535 / 100 + 0.5)
            self._answer = self._words(int(values["co2"]), raw_t, raw_h)
        elif code == 0x362F:  # perform_forced_recalibration, target ppm with its CRC
            if self._crc(buf[2:4]) != buf[4]:
                raise OSError(5)
            target = buf[2] << 8 | buf[3]
            with open("calibration.log", "a") as file:
                file.write("%d\n" % target)
            self._answer = self._words(0x8000 + 12)  # corrected by 12 ppm

    def readfrom(self, address, size):
        if address != 0x62:
            raise OSError(19)
        answer, self._answer = self._answer[:size], b""
        return answer


class TestBoard:
    """The board the harness runs (`DOZOR_RUNNING`: the partition it booted)."""

    def __init__(self):
        self.running = os.getenv("DOZOR_RUNNING") or "ota_0"

    def connect_wifi(self, ssid, password):
        if _exists("no_wifi"):
            raise OSError("Wi-Fi %s did not answer" % ssid)

    def ip(self):
        return "127.0.0.1"

    def sync_time(self):
        return not _exists("no_ntp")

    def i2c(self):
        return FakeSCD4x()

    def identify(self):
        with open("identify.log", "a") as file:
            file.write("blink\n")

    def next_partition(self):
        return FilePartition("ota_1" if self.running == "ota_0" else "ota_0")

    def mark_valid(self):
        data = _otadata()
        if data.get("boot") == self.running:
            data["state"], data["valid"] = "valid", self.running
            _write_otadata(data)

    def reset(self):
        print("dozor: reset")
        sys.exit(REBOOT)
