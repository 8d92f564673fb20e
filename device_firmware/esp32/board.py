"""The hardware layer of an ESP32 board: the only module that imports `machine`, `network`,
`esp32` and `ntptime`. Pins are those of a common ESP32 DevKit: the SCD4x on I2C 0 (SCL 22,
SDA 21), the LED on GPIO 2; change them here for another board."""

import time

import esp32
import machine
import network
import ntptime

I2C_SCL = 22
I2C_SDA = 21
LED = 2
WIFI_TIMEOUT_MS = 20000


class Board:
    """An ESP32 with the SCD4x and an LED."""

    def __init__(self) -> None:
        self._wlan = network.WLAN(network.STA_IF)
        self._i2c = None

    def connect_wifi(self, ssid: str, password: str) -> None:
        """Join the network (OSError when it does not answer in time)."""
        if self._wlan.isconnected():
            return
        self._wlan.active(True)
        self._wlan.connect(ssid, password)
        start = time.ticks_ms()
        while not self._wlan.isconnected():
            if time.ticks_diff(time.ticks_ms(), start) > WIFI_TIMEOUT_MS:
                raise OSError("Wi-Fi %s did not answer" % ssid)
            time.sleep_ms(200)

    def ip(self) -> str | None:
        """The address the network gave us."""
        return self._wlan.ifconfig()[0] if self._wlan.isconnected() else None

    def sync_time(self) -> bool:
        """Set the clock from NTP; False when no server answered (try again later)."""
        try:
            ntptime.settime()
        except (OSError, OverflowError):
            return False
        return True

    def i2c(self) -> object:
        """The bus the CO₂ sensor is on."""
        if self._i2c is None:
            self._i2c = machine.I2C(
                0, scl=machine.Pin(I2C_SCL), sda=machine.Pin(I2C_SDA), freq=100000
            )
        return self._i2c

    def identify(self) -> None:
        """Blink the LED for five seconds."""
        led = machine.Pin(LED, machine.Pin.OUT)
        for _ in range(10):
            led.value(1)
            time.sleep_ms(250)
            led.value(0)
            time.sleep_ms(250)

    def next_partition(self) -> object:
        """The app partition the next update goes to."""
        return esp32.Partition(esp32.Partition.RUNNING).get_next_update()

    def mark_valid(self) -> None:
        """Keep the running version (no rollback at the next reset)."""
        esp32.Partition.mark_app_valid_cancel_rollback()

    def reset(self) -> None:
        """Reboot (into the boot partition; the bootloader may roll back)."""
        machine.reset()
