cmd-broadcast = Enviar uma mensagem para muita gente
broadcast-ask = 📣 Envie a mensagem a transmitir: um texto ou uma foto com legenda. A formatação é mantida.
broadcast-unsupported = Envie um texto ou uma foto com legenda.
broadcast-too-long = São { $length } caracteres; uma transmissão comporta { $limit } (a legenda de uma foto, { $caption }). Envie uma mais curta.
broadcast-preview = 👆 É assim que vai ficar. Quem deve receber?
broadcast-everyone = 👥 Todos ({ $count })
broadcast-by-kind = 📟 Donos de um tipo de dispositivo
broadcast-by-language = 🌐 Por idioma
broadcast-kind = { $kind } ({ $count })
broadcast-language = { $language } ({ $count })
broadcast-choose-kind = Donos de qual tipo de dispositivo?
broadcast-choose-language = Quem usa o bot em qual idioma?
broadcast-audience-everyone = todos
broadcast-audience-kind = os donos de dispositivos { $kind }
broadcast-audience-language = quem usa o bot em { $language }
broadcast-confirm = Enviar isto para { $audience }: { $count ->
    [one] { $count } pessoa
    [many] { $count } pessoas
   *[other] { $count } pessoas
}? Os alertas continuam passando na frente.
broadcast-nobody = Não há ninguém nesse público. Escolha outro.
broadcast-send = ✅ Enviar
broadcast-back = ◀ Voltar
broadcast-cancel = ✖ Cancelar
broadcast-cancelled = Transmissão cancelada; nada foi enviado.
broadcast-gone = Este rascunho já foi enviado ou cancelado.
broadcast-card = 📣 <b>Transmissão</b> para { $audience }
    ✅ enviadas { $sent } de { $total }
    ⛔ bloquearam o bot: { $blocked }
    ⚠️ falharam: { $failed }
    ⏳ na fila: { $pending }
broadcast-card-done = 📣 <b>Transmissão concluída</b> ({ $audience }, { $total })
    ✅ enviadas { $sent }
    ⛔ bloquearam o bot: { $blocked }
    ⚠️ falharam: { $failed }
