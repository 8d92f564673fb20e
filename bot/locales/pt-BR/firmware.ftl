firmware-offer = ⬆️ Atualização disponível: <b>{ $version }</b>
firmware-offer-notes = { $notes }
firmware-updating = ⬆️ Atualizando para { $version }: { $state }
firmware-updating-progress = ⬆️ Atualizando para { $version }: baixando, { $progress } %
firmware-updating-tonight = ⬆️ Atualização para { $version } às { $time }
firmware-button-now = ⬆️ Atualizar agora
firmware-button-tonight = 🌙 Esta noite (03:00)
firmware-button-skip = Pular esta versão
firmware-started = A atualização para { $version } começou: o dispositivo está baixando agora.
firmware-scheduled = Atualização para { $version } marcada para { $time }.
firmware-skipped = { $version } pulada: você verá a próxima.
firmware-state-queued = esperando o dispositivo
firmware-state-sent = enviada ao dispositivo
firmware-state-downloading = baixando
firmware-state-verifying = verificando
firmware-state-rebooting = reiniciando
firmware-state-done = concluída
firmware-state-failed = falhou
firmware-state-rolled_back = revertida
firmware-state-timed_out = tempo esgotado
firmware-title = 🧩 <b>Firmware</b>
firmware-none = Ainda não há imagens. Envie aqui um arquivo de firmware (a imagem do app, por exemplo micropython.bin) para adicionar uma.
firmware-image = • { $kind } <b>{ $version }</b> · { $size } · { $date }{ $notes }
firmware-send-hint = Envie aqui um arquivo de firmware para adicionar uma imagem.
firmware-rollouts = <b>Implantações</b>
firmware-rollout-line = • #{ $id } { $kind } { $version }: { $state }
firmware-button-plan = 🚀 Implantar { $kind } { $version }
firmware-button-remove = 🗑 { $kind } { $version }
firmware-button-card = 📋 Implantação #{ $id }
firmware-removed = Imagem { $kind } { $version } removida.
firmware-in-use = Uma implantação em andamento ou pausada usa { $kind } { $version }: interrompa-a primeiro.
firmware-ask-kind = Para quais dispositivos é <b>{ $name }</b> ({ $size })?
firmware-ask-version = Que versão é esta? Envie como os dispositivos a informam, por exemplo 2.0.2.
firmware-bad-version = “{ $version }” não é uma versão: só letras, números e . + - _, no máximo 32. Envie de novo.
firmware-ask-notes = O que mudou, numa linha para os donos? Envie ou toque em “Sem notas”.
firmware-button-no-notes = Sem notas
firmware-added = Adicionado { $kind } <b>{ $version }</b>: { $size }, SHA-256 <code>{ $sha }</code>.
firmware-refused = Não adicionado: { $reason }
firmware-refused-exists = { $kind } { $version } já existe.
firmware-refused-empty = o arquivo está vazio.
firmware-refused-too_large = o arquivo é maior do que cabe numa partição de app.
firmware-refused-other = a imagem não pode ser usada ({ $reason }).
firmware-too-big = O Telegram deixa os bots baixarem arquivos de até 20 MB; adicione este com “dozor firmware add” no servidor.
firmware-plan = 🚀 <b>Implantar { $kind } { $version }</b>
    { $count ->
        [one] em { $count } dispositivo que ainda não a tem
        [many] em { $count } dispositivos que ainda não a têm
       *[other] em { $count } dispositivos que ainda não a têm
    }: primeiro { $canary ->
        [0] sem grupo de teste
        [one] um grupo de teste de { $canary } dispositivo
        [many] um grupo de teste de { $canary } dispositivos
       *[other] um grupo de teste de { $canary } dispositivos
    }, depois { $pace } por minuto. Para sozinha quando o grupo de teste falha, quando mais de { $limit } % falham ou quando um dispositivo atualizado fica mudo ou gera um alerta.
firmware-button-canary = Grupo de teste: { $canary } ▸
firmware-button-pace = Ritmo: { $pace }/min ▸
firmware-button-start = ✅ Começar
firmware-nothing = Todos os dispositivos { $kind } já rodam { $version }.
firmware-card-title = 🚀 <b>Implantação #{ $id }: { $kind } { $version }</b> — { $state }
firmware-card-counts = { $counts }
firmware-card-count = { $state }: { $n }
firmware-card-failure = • { $name }: { $state } — { $error }
firmware-card-halted = Interrompida: { $reason }
firmware-rollout-running = em andamento
firmware-rollout-paused = ⏸ pausada
firmware-rollout-halted = ⏹ interrompida
firmware-rollout-done = ✅ concluída
firmware-button-pause = ⏸ Pausar
firmware-button-resume = ▶️ Retomar
firmware-button-halt = ⏹ Interromper
shelly-offer = ⬆️ O firmware <b>{ $version }</b> está disponível pela Shelly.
shelly-last-failed = A última tentativa falhou: { $reason }
shelly-updating = ⬆️ Atualizando para { $version }: { $state }
shelly-updating-progress = ⬆️ Atualizando para { $version }: baixando, { $progress } %
shelly-button-update = ⬆️ Atualizar para { $version }
shelly-confirm = ⬆️ Atualizar <b>{ $name }</b> de { $from } para <b>{ $version }</b>?
    O dispositivo baixa o firmware da Shelly e reinicia quando terminar: por mais ou menos um minuto ele não envia leituras nem aceita comandos.
shelly-button-yes = ✅ Sim, atualizar
shelly-asking = ⏳ Pedindo ao dispositivo que instale { $version }…
shelly-started = ⬆️ { $name } aceitou a atualização para { $version }: está baixando da Shelly agora.
shelly-no-answer = ⏳ { $name } ainda não respondeu: pode estar offline. O cartão mostra o que ele disser; se nada vier, a atualização expira e você pode tentar de novo.
shelly-refused = ⚠️ { $name } recusou a atualização: { $reason }
notice-shelly-update-done = ✅ <b>{ $name }</b> agora roda o firmware { $version }.
notice-shelly-update-failed = ⚠️ <b>{ $name }</b> não atualizou para { $version }: { $reason }
firmware-button-choose = 🎯 Escolher dispositivos
firmware-plan-chosen = 🎯 Só os dispositivos escolhidos: { $names }{ $more ->
        [0] {""}
       *[other] {" "}e mais { $more }
    }
firmware-choose = 🎯 <b>Quais dispositivos recebem { $kind } { $version }?</b>
    { $chosen } de { $count } escolhidos. Toque num dispositivo para incluí-lo ou tirá-lo.
firmware-button-chosen = ✅ Pronto ({ $chosen ->
        [0] nenhum escolhido: todos
       *[other] { $chosen } escolhidos
    })
firmware-button-all = Todos os dispositivos
