alert-high = { $icon } <b>{ $metric } za wysoko</b> — { $device }
alert-low = { $icon } <b>{ $metric } za nisko</b> — { $device }
alert-value = { $value } (próg { $threshold })
alert-since = od { $time }
alert-back-high = ✅ <b>{ $metric } znów w normie</b> — { $device }
alert-back-low = ✅ <b>{ $metric } znów w normie</b> — { $device }
alert-back-value = teraz { $value }, poza zakresem przez { $duration }
alert-offline = 📴 <b>{ $device } nie odpowiada</b>
alert-offline-since = brak wieści od { $time }
alert-online = 📶 <b>{ $device } znów jest online</b>
alert-online-away = bez połączenia przez { $duration }
alert-reminder = ⏰ Przypomnienie { $n } z 3 — nikt jeszcze tego nie potwierdził:
alert-acknowledged = ✅ Potwierdził(a) { $name } o { $time }
alert-combined = ⚠️ <b>{ $count ->
    [one] Jeden alert
    [few] { $count } alerty
    [many] { $count } alertów
   *[other] { $count } alertów
}</b>
alert-unreachable = 📭 <b>Gdy Dozor był nieosiągalny</b> ({ $count ->
    [one] jeden alert
    [few] { $count } alerty
    [many] { $count } alertów
   *[other] { $count } alertów
}):
alert-quiet = 🌙 <b>W Twoich godzinach ciszy</b> ({ $count ->
    [one] jeden alert
    [few] { $count } alerty
    [many] { $count } alertów
   *[other] { $count } alertów
}):
digest-title = ☀️ <b>Dzień dobry!</b> Twoja noc, { $start }–{ $end }:
digest-metric = { $metric } { $low }–{ $high }, śr. { $mean }
digest-no-readings = brak odczytów
digest-alerts = { $count ->
    [0] Żadnych alertów w nocy.
    [one] Jeden alert w nocy:
    [few] { $count } alerty w nocy:
    [many] { $count } alertów w nocy:
   *[other] { $count } alertów w nocy:
}
digest-offline = Teraz offline: { $names }
alert-was = { $alert } ({ $span }, już minęło)
alert-over = ✅ <b>Minęło</b> o { $time }: { $details }
alert-combined-offline = 📴 <b>{ $count ->
    [one] { $count } urządzenie przestało odpowiadać
    [few] { $count } urządzenia przestały odpowiadać
    [many] { $count } urządzeń przestało odpowiadać
   *[other] { $count } urządzeń przestało odpowiadać
}</b>
alert-offline-line = { $n }. { $device } · od { $time }
alert-acknowledged-one = ✅ { $alert }: potwierdził(a) { $name } o { $time }
alert-ack-all-done = { $count ->
    [one] Potwierdzono jeden alert.
    [few] Potwierdzono { $count } alerty.
    [many] Potwierdzono { $count } alertów.
   *[other] Potwierdzono { $count } alertów.
}
alert-button-ack = ✅ Potwierdź
alert-button-ack-n = ✅ { $n }
alert-button-ack-all = ✅ Potwierdź wszystkie
alert-button-mute = 🔕 Wycisz na 1 godz.
alert-button-unmute = 🔔 Przywróć
alert-button-open = 📟 Otwórz urządzenie
alerts-title = <b>Alerty</b> (strona { $page } z { $pages })
alerts-empty = Na razie żadnych alertów. 🎉
alerts-open = otwarty od { $time }
alerts-closed = { $start } – { $end }
alerts-acknowledged = ✅ { $name }
alerts-older = ◀ Starsze
alerts-newer = Nowsze ▶
alert-muted = 🔕 { $device }: bez alertów dla Ciebie do { $time }. Przywróć tutaj albo na karcie urządzenia.
alert-unmuted = 🔔 { $device }: Twoje alerty znów są włączone.
alert-ack-done = Potwierdzono.
duration-minutes = { $n } min
duration-hours = { $h } godz. { $m } min
duration-seconds = { $n } s
alert-relay-draw = 🟠 <b>{ $channel } jest wyłączony, ale obwód nadal pobiera prąd</b> — { $device }
alert-relay-draw-back = ✅ <b>{ $channel }: wyłączony obwód już nie pobiera prądu</b> — { $device }
alert-at = o { $time }
alert-lasted = trwało { $duration }
