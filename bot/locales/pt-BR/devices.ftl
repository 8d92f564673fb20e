devices-title = <b>Seus dispositivos</b>
devices-empty = Você ainda não tem dispositivos. Envie /add com o código de um dispositivo.
devices-back = ⬅️ Todos os dispositivos
devices-refresh = 🔄 Atualizar
devices-alerts-on = 🔔 Meus alertas: ligados (toque para desligar)
devices-alerts-off = 🔕 Meus alertas: desligados (toque para ligar)
devices-alerts-muted = 🔕 Meus alertas: silenciados até { $time } (toque para reativar)
devices-select-title = Qual dispositivo o /live deve usar?
devices-selected = ✅ Dispositivo atual: { $name }. Envie /live para acompanhá-lo.
status-title = <b>Leituras atuais</b>
device-online = 🟢 online
device-offline = 🔴 offline
device-never-seen = ⚪ nunca se conectou
device-online-since = 🟢 online desde { $since }
device-offline-since = 🔴 offline desde { $since }
device-no-readings = Ainda sem leituras.
device-more-readings = { $n ->
    [one] … e mais { $n } leitura
    [many] … e mais { $n } leituras
   *[other] … e mais { $n } leituras
}
device-reading = { $metric }: <b>{ $value }</b>{ $unit } · { $age }
device-location = 📍 { $location }
device-firmware = Firmware { $version }
device-role = Seu papel: { $role }
device-last-seen = Visto pela última vez { $when }
role-owner = dono
role-admin = administrador
role-viewer = observador
age-seconds = há { $n } s
age-minutes = há { $n } min
age-hours = há { $n } h
age-days = { $n ->
    [one] há { $n } dia
    [many] há { $n } dias
   *[other] há { $n } dias
}
metric-co2 = CO₂
metric-temperature = Temperatura
metric-humidity = Umidade
metric-pressure = Pressão
metric-pm1 = PM1
metric-pm25 = PM2,5
metric-pm10 = PM10
metric-voc = COV
metric-battery = Bateria
metric-rssi = Sinal
metric-noise = Ruído
metric-lux = Luz
