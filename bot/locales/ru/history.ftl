cmd-history = Графики ваших показаний
history-pick =
    📈 <b>История</b>
    Выберите устройство или величину, чтобы сравнить все устройства, которые её измеряют.
history-pick-device = 📈 { $name }
history-pick-shared = 📊 { $metric } · { $count ->
    [2] оба устройства
    [one] все { $count } устройство
    [few] все { $count } устройства
    [many] все { $count } устройств
   *[other] все { $count } устройства
}
history-nothing = 📭 Рисовать пока нечего: устройство появится здесь, когда что-нибудь пришлёт.
history-all-devices = Все устройства
history-some-devices = Устройства { $first }–{ $last } из { $total }
history-devices-previous = ◀ Устройства { $first }–{ $last }
history-devices-next = Устройства { $first }–{ $last } ▶
history-title = { $device } · { $metric } · { $range }
history-y-label = { $metric }, { $unit }
history-y-label-plain = { $metric }
history-empty = Нет показаний за этот период
history-mean = среднее
history-band = мин–макс
history-limit-threshold_high = верхний { $value }
history-limit-threshold_low = нижний { $value }
history-caption = 📈 <b>{ $device }</b> · { $metric }
history-caption-range = { $range }
history-caption-figures = мин <b>{ $min }</b> · среднее <b>{ $mean }</b> · макс <b>{ $max }</b>{ $unit } ({ $count ->
    [one] { $count } показание
    [few] { $count } показания
    [many] { $count } показаний
   *[other] { $count } показания
})
history-caption-device = { $device }: мин { $min } · среднее { $mean } · макс { $max }
history-caption-empty = Нет показаний за этот период.
history-caption-hours = Почасовые значения.
history-caption-episodes = { $count ->
    [one] Закрашен { $count } эпизод оповещения.
    [few] Закрашено { $count } эпизода оповещений.
    [many] Закрашено { $count } эпизодов оповещений.
   *[other] Закрашено { $count } эпизода оповещений.
}
history-span-6h = 6 ч
history-span-24h = 24 ч
history-span-7d = 7 дн.
history-span-30d = 30 дн.
history-dates = 📅 Даты…
history-metrics = 📊 Величина…
history-csv = ⬇️ CSV
history-card = ⬅️ Карточка
history-back = ↩️ Назад к графику
history-dates-ask =
    📅 Отправьте даты для графика, например <code>2026-11-01 2026-11-15</code> или <code>1.11 15.11</code>; одна дата рисует этот день. Слова тоже подходят: <code>вчера</code>, <code>прошлая неделя</code>, <code>этот месяц</code>.
    Не больше двух лет и не в будущем.
history-dates-invalid = ❌ Не получилось прочитать эти даты. Отправьте одну или две даты (первую и последнюю), например <code>2026-11-01 2026-11-15</code>, не в будущем и не больше двух лет между ними.
history-dates-backwards = ❌ Последний день раньше первого. Отправьте их в обратном порядке, например <code>2026-11-01 2026-11-15</code>.
history-dates-future = ❌ Это начинается в будущем: рисовать пока нечего. Отправьте дни до сегодняшнего.
history-dates-too-long = ❌ График охватывает не больше двух лет. Отправьте период покороче.
history-dates-done = ✅ График выше теперь показывает { $range }.
history-csv-caption = { $device } · { $metric } · { $range }
history-csv-empty = Нет показаний за этот период, экспортировать нечего.
# The file name of an export of every device (no spaces).
history-csv-all = все
