alert-high = { $icon } <b>{ $metric } alto demais</b> — { $device }
alert-low = { $icon } <b>{ $metric } baixo demais</b> — { $device }
alert-value = { $value } (limite { $threshold })
alert-since = desde { $time }
alert-back-high = ✅ <b>{ $metric } de volta ao normal</b> — { $device }
alert-back-low = ✅ <b>{ $metric } de volta ao normal</b> — { $device }
alert-back-value = agora { $value }, ficou fora da faixa por { $duration }
alert-offline = 📴 <b>{ $device } ficou offline</b>
alert-offline-since = sem notícias desde { $time }
alert-online = 📶 <b>{ $device } voltou a ficar online</b>
alert-online-away = ficou fora por { $duration }
alert-reminder = ⏰ Lembrete { $n } de 3 — ninguém confirmou isto ainda:
alert-acknowledged = ✅ Confirmado por { $name } às { $time }
alert-combined = ⚠️ <b>{ $count ->
    [one] Um alerta
    [many] { $count } alertas
   *[other] { $count } alertas
}</b>
alert-unreachable = 📭 <b>Enquanto o Dozor esteve fora do ar</b> ({ $count ->
    [one] um alerta
    [many] { $count } alertas
   *[other] { $count } alertas
}):
alert-quiet = 🌙 <b>Durante seu horário de silêncio</b> ({ $count ->
    [one] um alerta
    [many] { $count } alertas
   *[other] { $count } alertas
}):
digest-title = ☀️ <b>Bom dia!</b> Sua noite, { $start }–{ $end }:
digest-metric = { $metric } { $low }–{ $high }, média { $mean }
digest-no-readings = sem leituras
digest-alerts = { $count ->
    [0] Nenhum alerta durante a noite.
    [one] Um alerta durante a noite:
    [many] { $count } alertas durante a noite:
   *[other] { $count } alertas durante a noite:
}
digest-offline = Offline agora: { $names }
alert-was = { $alert } ({ $span }, já passou)
alert-over = ✅ <b>Encerrado</b> às { $time }: { $details }
alert-combined-offline = 📴 <b>{ $count } dispositivos ficaram offline</b>
alert-offline-line = { $n }. { $device } · desde { $time }
alert-acknowledged-one = ✅ { $alert }: confirmado por { $name } às { $time }
alert-ack-all-done = { $count ->
    [one] Um alerta confirmado.
    [many] { $count } alertas confirmados.
   *[other] { $count } alertas confirmados.
}
alert-button-ack = ✅ Confirmar
alert-button-ack-n = ✅ { $n }
alert-button-ack-all = ✅ Confirmar todos
alert-button-mute = 🔕 Silenciar por 1 h
alert-button-unmute = 🔔 Reativar
alert-button-open = 📟 Abrir dispositivo
alerts-title = <b>Alertas</b> (página { $page } de { $pages })
alerts-empty = Nenhum alerta até agora. 🎉
alerts-open = aberto desde { $time }
alerts-closed = { $start } – { $end }
alerts-acknowledged = ✅ { $name }
alerts-older = ◀ Mais antigos
alerts-newer = Mais novos ▶
alert-muted = 🔕 { $device }: sem alertas para você até { $time }. Reative aqui ou no cartão do dispositivo.
alert-unmuted = 🔔 { $device }: seus alertas estão ligados de novo.
alert-ack-done = Confirmado.
duration-minutes = { $n } min
duration-hours = { $h } h { $m } min
duration-seconds = { $n } s
alert-relay-draw = 🟠 <b>{ $channel } está desligado, mas o circuito ainda consome energia</b> — { $device }
alert-relay-draw-back = ✅ <b>{ $channel }: o circuito desligado não consome mais energia</b> — { $device }
alert-at = às { $time }
alert-lasted = durou { $duration }
