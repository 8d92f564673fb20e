cmd-history = Gráficos das suas leituras
history-pick =
    📈 <b>Histórico</b>
    Escolha um dispositivo, ou uma grandeza para comparar todos os dispositivos que a medem.
history-pick-device = 📈 { $name }
history-pick-shared = 📊 { $metric } · { $count ->
    [2] os dois dispositivos
   *[other] todos os { $count } dispositivos
}
history-nothing = 📭 Ainda não há leituras para desenhar: um dispositivo aparece aqui depois de enviar algo.
history-all-devices = Todos os dispositivos
history-some-devices = Dispositivos { $first }–{ $last } de { $total }
history-devices-previous = ◀ Dispositivos { $first }–{ $last }
history-devices-next = Dispositivos { $first }–{ $last } ▶
history-title = { $device } · { $metric } · { $range }
history-y-label = { $metric }, { $unit }
history-y-label-plain = { $metric }
history-empty = Sem leituras neste período
history-mean = média
history-band = mín–máx
history-limit-threshold_high = máximo { $value }
history-limit-threshold_low = mínimo { $value }
history-caption = 📈 <b>{ $device }</b> · { $metric }
history-caption-range = { $range }
history-caption-figures = mín <b>{ $min }</b> · média <b>{ $mean }</b> · máx <b>{ $max }</b>{ $unit } ({ $count ->
    [one] uma leitura
    [many] { $count } leituras
   *[other] { $count } leituras
})
history-caption-device = { $device }: mín { $min } · média { $mean } · máx { $max }
history-caption-empty = Sem leituras neste período.
history-caption-hours = Valores por hora.
history-caption-episodes = { $count ->
    [one] Um episódio de alerta sombreado.
    [many] { $count } episódios de alerta sombreados.
   *[other] { $count } episódios de alerta sombreados.
}
history-span-6h = 6 h
history-span-24h = 24 h
history-span-7d = 7 dias
history-span-30d = 30 dias
history-dates = 📅 Datas…
history-metrics = 📊 Grandeza…
history-csv = ⬇️ CSV
history-card = ⬅️ Cartão
history-back = ↩️ Voltar ao gráfico
history-dates-ask =
    📅 Envie as datas para desenhar, por exemplo <code>2026-11-01 2026-11-15</code> ou <code>1.11 15.11</code>; uma data desenha aquele dia. Palavras também valem: <code>ontem</code>, <code>semana passada</code>, <code>este mês</code>.
    Até dois anos, nada no futuro.
history-dates-invalid = ❌ Não consegui ler essas datas. Envie uma data ou duas (primeira, última), como <code>2026-11-01 2026-11-15</code>, nada no futuro e no máximo dois anos de distância.
history-dates-backwards = ❌ O último dia vem antes do primeiro. Envie ao contrário, como <code>2026-11-01 2026-11-15</code>.
history-dates-future = ❌ Isso começa no futuro: ainda não há o que desenhar. Envie dias até hoje.
history-dates-too-long = ❌ Um gráfico cobre no máximo dois anos. Envie um período menor.
history-dates-done = ✅ O gráfico acima agora mostra { $range }.
history-csv-caption = { $device } · { $metric } · { $range }
history-csv-empty = Sem leituras neste período, então não há nada para exportar.
# The file name of an export of every device (no spaces).
history-csv-all = todos
