alert-high = { $icon } <b>{ $metric } слишком высоко</b> — { $device }
alert-low = { $icon } <b>{ $metric } слишком низко</b> — { $device }
alert-value = { $value } (порог { $threshold })
alert-since = с { $time }
alert-back-high = ✅ <b>{ $metric } снова в норме</b> — { $device }
alert-back-low = ✅ <b>{ $metric } снова в норме</b> — { $device }
alert-back-value = сейчас { $value }, было вне нормы { $duration }
alert-offline = 📴 <b>{ $device } не в сети</b>
alert-offline-since = нет связи с { $time }
alert-online = 📶 <b>{ $device } снова в сети</b>
alert-online-away = не было на связи { $duration }
alert-reminder = ⏰ Напоминание { $n } из 3 — никто ещё не подтвердил:
alert-acknowledged = ✅ Подтвердил(а) { $name } в { $time }
alert-combined = ⚠️ <b>{ $count ->
    [one] { $count } оповещение
    [few] { $count } оповещения
    [many] { $count } оповещений
   *[other] { $count } оповещения
}</b>
alert-unreachable = 📭 <b>Пока Dozor был недоступен</b> ({ $count ->
    [one] { $count } оповещение
    [few] { $count } оповещения
    [many] { $count } оповещений
   *[other] { $count } оповещения
}):
alert-quiet = 🌙 <b>За ваши тихие часы</b> ({ $count ->
    [one] { $count } оповещение
    [few] { $count } оповещения
    [many] { $count } оповещений
   *[other] { $count } оповещения
}):
digest-title = ☀️ <b>Доброе утро!</b> Ваша ночь, { $start }–{ $end }:
digest-metric = { $metric } { $low }–{ $high }, в среднем { $mean }
digest-no-readings = нет показаний
digest-alerts = { $count ->
    [0] Ночью оповещений не было.
    [one] Ночью { $count } оповещение:
    [few] Ночью { $count } оповещения:
    [many] Ночью { $count } оповещений:
   *[other] Ночью { $count } оповещения:
}
digest-offline = Сейчас не в сети: { $names }
alert-was = { $alert } ({ $span }, уже закончилось)
alert-over = ✅ <b>Закончилось</b> в { $time }: { $details }
alert-combined-offline = 📴 <b>{ $count ->
    [one] { $count } устройство не в сети
    [few] { $count } устройства не в сети
    [many] { $count } устройств не в сети
   *[other] { $count } устройства не в сети
}</b>
alert-offline-line = { $n }. { $device } · с { $time }
alert-acknowledged-one = ✅ { $alert }: подтвердил(а) { $name } в { $time }
alert-ack-all-done = { $count ->
    [one] Подтверждено { $count } оповещение.
    [few] Подтверждено { $count } оповещения.
    [many] Подтверждено { $count } оповещений.
   *[other] Подтверждено { $count } оповещения.
}
alert-button-ack = ✅ Подтвердить
alert-button-ack-n = ✅ { $n }
alert-button-ack-all = ✅ Подтвердить все
alert-button-mute = 🔕 Без звука на 1 ч
alert-button-unmute = 🔔 Вернуть звук
alert-button-open = 📟 Открыть устройство
alerts-title = <b>Оповещения</b> (страница { $page } из { $pages })
alerts-empty = Оповещений пока нет. 🎉
alerts-open = открыто с { $time }
alerts-closed = { $start } – { $end }
alerts-acknowledged = ✅ { $name }
alerts-older = ◀ Раньше
alerts-newer = Позже ▶
alert-muted = 🔕 { $device }: без оповещений для вас до { $time }. Вернуть можно здесь или в карточке устройства.
alert-unmuted = 🔔 { $device }: ваши оповещения снова включены.
alert-ack-done = Подтверждено.
duration-minutes = { $n } мин
duration-hours = { $h } ч { $m } мин
duration-seconds = { $n } с
alert-relay-draw = 🟠 <b>{ $channel } выключен, но цепь всё ещё потребляет ток</b> — { $device }
alert-relay-draw-back = ✅ <b>{ $channel }: выключенная цепь больше не потребляет ток</b> — { $device }
alert-at = в { $time }
alert-lasted = длилось { $duration }
