devices-title = <b>Ваши устройства</b>
devices-empty = У вас пока нет устройств. Отправьте /add с кодом устройства.
devices-back = ⬅️ Все устройства
devices-refresh = 🔄 Обновить
devices-alerts-on = 🔔 Мои оповещения: включены (нажмите, чтобы выключить)
devices-alerts-off = 🔕 Мои оповещения: выключены (нажмите, чтобы включить)
devices-alerts-muted = 🔕 Мои оповещения: без звука до { $time } (нажмите, чтобы вернуть)
devices-select-title = Какое устройство использовать для /live?
devices-selected = ✅ Текущее устройство: { $name }. Отправьте /live, чтобы следить за ним.
status-title = <b>Текущие показания</b>
device-online = 🟢 в сети
device-offline = 🔴 не в сети
device-never-seen = ⚪ ни разу не подключалось
device-online-since = 🟢 в сети с { $since }
device-offline-since = 🔴 не в сети с { $since }
device-no-readings = Показаний пока нет.
device-more-readings = { $n ->
    [one] … и ещё { $n } показание
    [few] … и ещё { $n } показания
    [many] … и ещё { $n } показаний
   *[other] … и ещё { $n } показания
}
device-reading = { $metric }: <b>{ $value }</b>{ $unit } · { $age }
device-location = 📍 { $location }
device-firmware = Прошивка { $version }
device-role = Ваша роль: { $role }
device-last-seen = Последний раз на связи { $when }
role-owner = владелец
role-admin = администратор
role-viewer = наблюдатель
age-seconds = { $n } с назад
age-minutes = { $n } мин назад
age-hours = { $n } ч назад
age-days = { $n } дн. назад
metric-co2 = CO₂
metric-temperature = Температура
metric-humidity = Влажность
metric-pressure = Давление
metric-pm1 = PM1
metric-pm25 = PM2,5
metric-pm10 = PM10
metric-voc = ЛОС
metric-battery = Батарея
metric-rssi = Сигнал
metric-noise = Шум
metric-lux = Освещённость
