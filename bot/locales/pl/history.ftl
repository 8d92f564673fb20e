cmd-history = Wykresy Twoich odczytów
history-pick =
    📈 <b>Historia</b>
    Wybierz urządzenie albo wielkość, aby porównać wszystkie urządzenia, które ją mierzą.
history-pick-device = 📈 { $name }
history-pick-shared = 📊 { $metric } · { $count ->
    [2] oba urządzenia
    [few] wszystkie { $count } urządzenia
    [many] wszystkie { $count } urządzeń
    [one] wszystkie { $count } urządzeń
   *[other] wszystkie { $count } urządzeń
}
history-nothing = 📭 Nie ma jeszcze czego rysować: urządzenie pojawia się tu, gdy coś zgłosi.
history-all-devices = Wszystkie urządzenia
history-some-devices = Urządzenia { $first }–{ $last } z { $total }
history-devices-previous = ◀ Urządzenia { $first }–{ $last }
history-devices-next = Urządzenia { $first }–{ $last } ▶
history-title = { $device } · { $metric } · { $range }
history-y-label = { $metric }, { $unit }
history-y-label-plain = { $metric }
history-empty = Brak odczytów w tym zakresie
history-mean = średnia
history-band = min–maks
history-limit-threshold_high = górny { $value }
history-limit-threshold_low = dolny { $value }
history-caption = 📈 <b>{ $device }</b> · { $metric }
history-caption-range = { $range }
history-caption-figures = min <b>{ $min }</b> · średnio <b>{ $mean }</b> · maks <b>{ $max }</b>{ $unit } ({ $count ->
    [one] jeden odczyt
    [few] { $count } odczyty
    [many] { $count } odczytów
   *[other] { $count } odczytów
})
history-caption-device = { $device }: min { $min } · średnio { $mean } · maks { $max }
history-caption-empty = Brak odczytów w tym zakresie.
history-caption-hours = Wartości godzinowe.
history-caption-episodes = { $count ->
    [one] Zacieniono jeden epizod alertu.
    [few] Zacieniono { $count } epizody alertów.
    [many] Zacieniono { $count } epizodów alertów.
   *[other] Zacieniono { $count } epizodów alertów.
}
history-span-6h = 6 godz.
history-span-24h = 24 godz.
history-span-7d = 7 dni
history-span-30d = 30 dni
history-dates = 📅 Daty…
history-metrics = 📊 Wielkość…
history-csv = ⬇️ CSV
history-card = ⬅️ Karta
history-back = ↩️ Wróć do wykresu
history-dates-ask =
    📅 Wyślij daty do narysowania, na przykład <code>2026-11-01 2026-11-15</code> albo <code>1.11 15.11</code>; jedna data rysuje ten dzień. Słowa też działają: <code>wczoraj</code>, <code>zeszły tydzień</code>, <code>ten miesiąc</code>.
    Do dwóch lat, nie w przyszłości.
history-dates-invalid = ❌ Nie mogę odczytać tych dat. Wyślij jedną albo dwie daty (pierwszą, ostatnią), np. <code>2026-11-01 2026-11-15</code>, nie w przyszłości i najwyżej dwa lata od siebie.
history-dates-backwards = ❌ Ostatni dzień wypada przed pierwszym. Wyślij je w odwrotnej kolejności, np. <code>2026-11-01 2026-11-15</code>.
history-dates-future = ❌ To zaczyna się w przyszłości: nie ma jeszcze czego rysować. Wyślij dni do dzisiaj.
history-dates-too-long = ❌ Wykres obejmuje najwyżej dwa lata. Wyślij krótszy zakres.
history-dates-done = ✅ Wykres powyżej pokazuje teraz { $range }.
history-csv-caption = { $device } · { $metric } · { $range }
history-csv-empty = Brak odczytów w tym zakresie, więc nie ma czego eksportować.
# The file name of an export of every device (no spaces).
history-csv-all = wszystkie
