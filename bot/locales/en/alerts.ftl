alert-high = { $icon } <b>{ $metric } too high</b> — { $device }
alert-low = { $icon } <b>{ $metric } too low</b> — { $device }
alert-value = { $value } (threshold { $threshold })
alert-since = since { $time }
alert-back-high = ✅ <b>{ $metric } back to normal</b> — { $device }
alert-back-low = ✅ <b>{ $metric } back to normal</b> — { $device }
alert-back-value = now { $value }, was out of range for { $duration }
alert-offline = 📴 <b>{ $device } went offline</b>
alert-offline-since = no word from it since { $time }
alert-online = 📶 <b>{ $device } is back online</b>
alert-online-away = away for { $duration }
alert-reminder = ⏰ Reminder { $n } of 3 — nobody has acknowledged this yet:
alert-acknowledged = ✅ Acknowledged by { $name } at { $time }
alert-combined = ⚠️ <b>{ $count ->
    [one] One alert
   *[other] { $count } alerts
}</b>
alert-unreachable = 📭 <b>While Dozor was unreachable</b> ({ $count ->
    [one] one alert
   *[other] { $count } alerts
}):
alert-quiet = 🌙 <b>During your quiet hours</b> ({ $count ->
    [one] one alert
   *[other] { $count } alerts
}):
digest-title = ☀️ <b>Good morning!</b> Your night, { $start }–{ $end }:
digest-metric = { $metric } { $low }–{ $high }, avg { $mean }
digest-no-readings = no readings
digest-alerts = { $count ->
    [0] No alerts overnight.
    [one] One alert overnight:
   *[other] { $count } alerts overnight:
}
digest-offline = Offline now: { $names }
alert-was = { $alert } ({ $span }, over now)
alert-over = ✅ <b>Over</b> at { $time }: { $details }
alert-combined-offline = 📴 <b>{ $count } devices went offline</b>
alert-offline-line = { $n }. { $device } · since { $time }
alert-acknowledged-one = ✅ { $alert }: acknowledged by { $name } at { $time }
alert-ack-all-done = { $count ->
    [one] One alert acknowledged.
   *[other] { $count } alerts acknowledged.
}
alert-button-ack = ✅ Acknowledge
alert-button-ack-n = ✅ { $n }
alert-button-ack-all = ✅ Acknowledge all
alert-button-mute = 🔕 Mute 1 h
alert-button-unmute = 🔔 Unmute
alert-button-open = 📟 Open device
alerts-title = <b>Alerts</b> (page { $page } of { $pages })
alerts-empty = No alerts so far. 🎉
alerts-open = open since { $time }
alerts-closed = { $start } – { $end }
alerts-acknowledged = ✅ { $name }
alerts-older = ◀ Older
alerts-newer = Newer ▶
alert-muted = 🔕 { $device }: no alerts for you until { $time }. Unmute here or on the device card.
alert-unmuted = 🔔 { $device }: your alerts are on again.
alert-ack-done = Acknowledged.
duration-minutes = { $n } min
duration-hours = { $h } h { $m } min
duration-seconds = { $n } s
alert-relay-draw = 🟠 <b>{ $channel } is off but its circuit still draws power</b> — { $device }
alert-relay-draw-back = ✅ <b>{ $channel }: no power drawn while off any more</b> — { $device }
alert-at = at { $time }
alert-lasted = lasted { $duration }
