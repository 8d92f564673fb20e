panel-partition = Partição { $number }
panel-zone = Zona { $number }
panel-output = Saída { $number }
panel-connected = 🟢 conectada · confirmado pela central às { $time }
panel-disconnected = 🔌 <b>não conectada</b> · última confirmação às { $time }
panel-never = 🔌 ainda não conectada
panel-reason-refused = ⛔ Nada aceita conexões nesse endereço: confira o host e a porta (<code>panel set --host … --port …</code>) e se o módulo ETHM está ligado.
panel-reason-silent = ⛔ O módulo aceitou a conexão, mas nunca respondeu: a integração pode estar criptografada (dê a chave ao Dozor: <code>panel set … --key …</code>) ou a porta é de outro serviço.
panel-reason-key = ⛔ O módulo aceitou a conexão, mas não respondeu às mensagens criptografadas do Dozor: confira a chave de integração (<code>panel set … --key …</code>) e se a criptografia está ligada no DLOADX.
panel-reason-busy = ⛔ O módulo está ocupado com outro programa (respondeu “Busy!”): ele atende um cliente de integração por vez. O Dozor pergunta de novo a cada 2 s.
panel-stale = ⚠️ <b>sem notícias da central há { $seconds } s</b> · última confirmação às { $time }
panel-state-disarmed = 🔓 desarmada
panel-state-armed = 🔒 <b>armada</b> ({ $mode })
panel-state-exit = ⏳ tempo de saída — armando, mais de 10 s restantes
panel-state-exit-short = ⏳ tempo de saída — arma em menos de 10 s
panel-state-entry = ⏳ <b>tempo de entrada</b> — desarme agora
panel-state-alarm = 🚨 <b>ALARME</b>
panel-state-fire = 🔥 <b>ALARME DE INCÊNDIO</b>
panel-state-memory = {" "}· ⚠️ memória de alarme
panel-mode-0 = total
panel-mode-1 = parcial 1 (em casa)
panel-mode-2 = parcial 2 (noite)
panel-mode-3 = parcial 3
panel-line = <b>{ $name }</b>: { $state }
panel-violated = 👣 Abertas: { $zones }
panel-tampered = 🛠 Tamper: { $zones }
panel-bypassed = 🚫 Anuladas: { $zones }
panel-outputs-on = 💡 Ligadas: { $outputs }
panel-temperature = 🌡 { $zone }: { $value }
panel-log-latest = 📋 Mais recente no registro da central:
panel-log-line = { $time } { $text }
panel-log-title = 📋 Registro de eventos de <b>{ $device }</b> (página { $page } de { $pages }), nas palavras da central:
panel-log-empty = O registro da central ainda está vazio.
panel-log-older = ◀ Mais antigos
panel-log-newer = Mais novos ▶
metric-zone-temperature = Temperatura da zona { $number }
panel-masked = 🙈 Mascaradas (sensor coberto): { $zones }
panel-alarm-memory = ⚠️ Memória de alarme: { $zones }
panel-tamper-memory = ⚠️ Memória de tamper: { $zones }
panel-troubles = 🟠 Falhas: { $troubles }
panel-trouble-ac = falta de energia da rede
panel-trouble-battery = bateria fraca
panel-trouble-expander-power = alimentação do expansor
panel-trouble-keypad-power = alimentação do teclado
panel-trouble-other = falha { $code }
panel-trouble-service-mode = modo de serviço (um instalador está na central)
panel-trouble-technical-zone = zona técnica { $number }{ $where }
panel-trouble-expander-ac = expansor { $number }: falta de energia da rede
panel-trouble-expander-battery = expansor { $number }: bateria fraca
panel-trouble-wireless-battery = zona sem fio { $number }{ $where }: bateria fraca
panel-trouble-wireless-nocomm = zona sem fio { $number }{ $where }: sem comunicação
panel-trouble-output-nocomm = saída sem fio { $number }{ $where }: sem comunicação
panel-trouble-expander-nocomm = expansor { $number }: sem comunicação
panel-trouble-keypad-nocomm = teclado { $number }: sem comunicação
panel-trouble-lan = módulo ETHM { $number }: cabo de rede desconectado
panel-trouble-expander-tamper = expansor { $number }: tamper
panel-trouble-keypad-tamper = teclado { $number }: tamper
panel-trouble-memory = 🕘 Memória de falhas: { $troubles }
panel-service-mode = 🛠 Modo de serviço: um instalador está na central.
panel-clock-behind = 🕒 O relógio da central está { $minutes } min atrasado.
panel-clock-ahead = 🕒 O relógio da central está { $minutes } min adiantado.
panel-button-clear-troubles = 🧹 Limpar memória de falhas
panel-action-clear_troubles = Limpar memória de falhas
panel-target-panel = da central
panel-no-trouble-memory = ℹ️ A memória de falhas não tem nada que já tenha passado.
panel-your-code = 🔑 Seu código: { $stored ->
    [yes] guardado
   *[no] não guardado (pedido a cada ação)
}
panel-button-arm = 🔒 Armar
panel-button-disarm = 🔓 Desarmar
panel-button-clear = 🔕 Limpar alarme
panel-button-code = 🔑 Meu código
panel-button-forget = 🗑 Esquecer meu código
panel-button-outputs = 💡 Saídas
panel-button-log = 📋 Registro da central
panel-button-zones = 🚫 Anular zonas
panel-button-force = ⚠️ Forçar o arme, ignorando-as
panel-button-all = Todas as partições
panel-button-mode = { $mode ->
    [0] Total
    [1] Parcial 1 (em casa)
    [2] Parcial 2 (noite)
   *[other] Parcial 3
}
panel-button-confirm = ✅ { $action }
panel-button-bypass = ✅ { $action }, anulando { $count ->
    [one] essa zona
    [many] essas zonas
   *[other] essas zonas
}
panel-action-arm = Armar
panel-action-disarm = Desarmar
panel-action-clear = Limpar alarme
panel-action-output_on = Ligar
panel-action-output_off = Desligar
panel-action-bypass = Anular
panel-action-unbypass = Restaurar
panel-pick-partition = { $action } — qual partição de <b>{ $device }</b>?
panel-pick-mode = Armar <b>{ $partitions }</b> — em qual modo?
panel-confirm = { $action }: <b>{ $partitions }</b> em { $device }{ $mode }? Esta pergunta vale por 30 s.
panel-confirm-force = O arme forçado arma mesmo assim e deixa { $zones } de fora até fecharem: enquanto abertas, não disparam alarme.
panel-confirm-bypass = Enquanto anulada, a zona não dispara alarme, armada ou não, até ser restaurada.
panel-pick-output = 💡 Saídas de <b>{ $device }</b>: toque numa para acioná-la (⚠️ pergunta antes).
panel-output-on = { $state } { $name } · ligar
panel-output-off = { $state } { $name } · desligar
panel-output-pulse = ▶ { $name } · pulso
panel-pick-zone = 🚫 Zonas de <b>{ $device }</b> (página { $page } de { $pages }): toque numa para anulá-la ou restaurá-la.
panel-zone-bypass = { $violated ->
    [yes] 👣 { $name } · anular
   *[no] { $name } · anular
}
panel-zone-unbypass = 🚫 { $name } · restaurar
panel-confirm-mode = {" "}(modo: { $mode })
panel-confirm-violated = ⚠️ Abertas agora: { $zones }. O arme vai falhar se elas não forem anuladas para este arme.
panel-ask-code = 🔑 Envie seu código de <b>{ $device }</b>. Sua mensagem é apagada na hora e o código é usado só nesta ação.
panel-ask-store = 🔑 Envie o código que você usa no teclado de <b>{ $device }</b>. Sua mensagem é apagada na hora e o código é guardado criptografado.
panel-code-stored = 🔑 Seu código de <b>{ $device }</b> está guardado (criptografado). Sua mensagem foi apagada.
panel-code-forgotten = 🗑 Seu código de <b>{ $device }</b> foi esquecido.
panel-working = ⏳ <b>{ $device }</b>: { $action } { $partitions }…
panel-result-ok = ✅ Feito: { $action } { $partitions } — confirmado pela central em { $seconds } s
panel-result-user_code_not_found = ❌ Código errado. { $left ->
    [0] As ações nesta central estão bloqueadas para você por 5 minutos.
    [one] Mais uma tentativa antes de um bloqueio de 5 minutos.
    [many] Restam { $left } tentativas.
   *[other] Restam { $left } tentativas.
}
panel-result-wrong_code = { panel-result-user_code_not_found }
panel-result-no_access = ❌ Este código não pode fazer isso em { $partitions }.
panel-result-cannot_arm_force_possible = ❌ Não armou: há zonas abertas. Anule-as ou feche-as e tente de novo.
panel-result-cannot_arm = ❌ A central não consegue armar { $partitions } agora (uma falha, ou a partição está bloqueada).
panel-result-not_confirmed = ⌛ A central aceitou o comando, mas ainda não informa o novo estado.
panel-result-unreachable = 📴 A central não está conectada agora; nada foi enviado.
panel-result-timeout = ⌛ Sem resposta da central em { $seconds } s.
panel-result-other_error = ❌ A central recusou o comando.
panel-bad-code = ❌ Um código da central tem de 4 a 16 dígitos. Nada foi guardado nem enviado — envie o código de novo ou /cancel.
panel-code-needed = 🔑 Envie seu código primeiro.
panel-already-armed = ℹ️ Já está armada nesse modo; nada foi enviado.
panel-not-armed = ℹ️ Nada está armado aí; nada foi enviado.
panel-no-alarm = ℹ️ Não há alarme para limpar aí.
panel-bad-names = ❌ Os nomes são NÚMERO=NOME, separados por vírgulas.
alert-panel-alarm = 🚨 <b>ALARME em { $target }</b> — { $device }
alert-panel-zones = { $count ->
    [one] Zona: { $zones }
    [many] Zonas: { $zones }
   *[other] Zonas: { $zones }
}
alert-panel-alarm-back = ✅ <b>Alarme encerrado em { $target }</b> — { $device }
alert-panel-fire = 🔥 <b>ALARME DE INCÊNDIO em { $target }</b> — { $device }
alert-panel-fire-back = ✅ <b>Alarme de incêndio encerrado em { $target }</b> — { $device }
alert-panel-tamper = 🔴 <b>Tamper: { $target }</b> — { $device }
alert-panel-tamper-back = ✅ <b>Tamper encerrado: { $target }</b> — { $device }
alert-panel-trouble = 🟠 <b>Falha: { $target }</b> — { $device }
alert-panel-trouble-back = ✅ <b>Falha encerrada: { $target }</b> — { $device }
alert-panel-armed = 🔒 <b>{ $target } armada</b> ({ $mode }){ $by } — { $device }
alert-panel-disarmed = 🔓 <b>{ $target } desarmada</b>{ $by } — { $device }
alert-panel-by = {" "}por { $name }
notice-panel-unreachable = 🔌 <b>O Dozor não consegue acessar a central { $device }.</b> { $reason ->
    [refused] Nada aceita conexões no endereço dela: confira o host e a porta (<code>panel set --host … --port …</code>) e se o módulo ETHM está ligado.
    [silent] O módulo aceita a conexão, mas nunca responde: a integração pode estar criptografada (dê a chave ao Dozor: <code>panel set … --key …</code>) ou a porta é de outro serviço.
    [key] O módulo aceita a conexão, mas não responde às mensagens criptografadas do Dozor: confira a chave de integração (<code>panel set … --key …</code>) e se a criptografia está ligada no DLOADX.
    [busy] Outro programa ocupa o módulo (respondeu “Busy!”); ele atende um cliente de integração por vez.
   *[other] Ela não responde.
}
