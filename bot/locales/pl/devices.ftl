devices-title = <b>Twoje urządzenia</b>
devices-empty = Nie masz jeszcze urządzeń. Wyślij /add z kodem urządzenia.
devices-back = ⬅️ Wszystkie urządzenia
devices-refresh = 🔄 Odśwież
devices-alerts-on = 🔔 Moje alerty: włączone (dotknij, aby wyłączyć)
devices-alerts-off = 🔕 Moje alerty: wyłączone (dotknij, aby włączyć)
devices-alerts-muted = 🔕 Moje alerty: wyciszone do { $time } (dotknij, aby przywrócić)
devices-select-title = Którego urządzenia ma używać /live?
devices-selected = ✅ Bieżące urządzenie: { $name }. Wyślij /live, aby je obserwować.
status-title = <b>Bieżące odczyty</b>
device-online = 🟢 online
device-offline = 🔴 offline
device-never-seen = ⚪ nigdy się nie połączyło
device-online-since = 🟢 online od { $since }
device-offline-since = 🔴 offline od { $since }
device-no-readings = Brak odczytów.
device-more-readings = { $n ->
    [one] … i jeszcze jeden odczyt
    [few] … i jeszcze { $n } odczyty
    [many] … i jeszcze { $n } odczytów
   *[other] … i jeszcze { $n } odczytów
}
device-reading = { $metric }: <b>{ $value }</b>{ $unit } · { $age }
device-location = 📍 { $location }
device-firmware = Oprogramowanie { $version }
device-role = Twoja rola: { $role }
device-last-seen = Ostatnio widziane { $when }
role-owner = właściciel
role-admin = administrator
role-viewer = obserwator
age-seconds = { $n } s temu
age-minutes = { $n } min temu
age-hours = { $n } godz. temu
age-days = { $n ->
    [one] { $n } dzień temu
    [few] { $n } dni temu
    [many] { $n } dni temu
   *[other] { $n } dni temu
}
metric-co2 = CO₂
metric-temperature = Temperatura
metric-humidity = Wilgotność
metric-pressure = Ciśnienie
metric-pm1 = PM1
metric-pm25 = PM2,5
metric-pm10 = PM10
metric-voc = LZO
metric-battery = Bateria
metric-rssi = Sygnał
metric-noise = Hałas
metric-lux = Światło
