start-welcome =
    👋 Olá, { $name }! Eu sou o Dozor: mostro seus sensores, aviso quando algo está errado e deixo você compartilhar dispositivos com a família e os colegas.

    Para adicionar um dispositivo, envie /add com o código da etiqueta ou de quem o configurou. Tudo o que eu sei fazer: /help
bot-description =
    O Dozor acompanha seus sensores, relés e centrais de alarme: leituras ao vivo, alertas que chegam a todos que precisam saber (uma vez só), gráficos e compartilhamento com a família e os colegas. Seu servidor, seus dados.

    Envie /start e depois /add com o código de um dispositivo.
bot-short-description = Seus dispositivos e alertas no Telegram: leituras, relés, centrais de alarme, gráficos.
start-unknown-link = Este link não vale mais. Peça um novo ou envie /add com um código de dispositivo.
help-text =
    <b>O que eu sei fazer</b>
    /devices — seus dispositivos; toque em um para abrir o cartão (configurações, comandos, compartilhamento, membros)
    /status — leituras atuais de todos os seus dispositivos
    /alerts — alertas recentes dos seus dispositivos, os abertos primeiro
    /history — gráficos das leituras (períodos, datas à sua escolha, vários dispositivos de uma vez, CSV)
    /select — escolha o dispositivo que o /live usa
    /live — acompanhe o dispositivo escolhido nesta mensagem
    /stop — pare de acompanhar
    /add — adicione um dispositivo com o código ou entre com um código de convite
    /share — convide alguém para um dos seus dispositivos
    /settings — idioma, fuso horário e horário de silêncio
    /cancel — cancele o que você começou
    /help — esta ajuda
cmd-start = Começar e se cadastrar
cmd-devices = Meus dispositivos
cmd-status = Leituras atuais
cmd-select = Escolher o dispositivo atual
cmd-live = Acompanhar um dispositivo ao vivo
cmd-stop = Parar de acompanhar
cmd-add = Adicionar dispositivo por código
cmd-alerts = Alertas recentes
cmd-cancel = Cancelar
cmd-help = Ajuda
cancel-done = Cancelado.
cancel-back = ⬅️ Voltar para onde eu estava
cancel-nothing = Não há nada para cancelar.
prompt-closed = Esta pergunta já foi encerrada: foi respondida ou cancelada.
