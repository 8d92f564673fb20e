cmd-admin = Visão geral da plataforma
cmd-users = Todos que usam o bot
cmd-all_devices = Todos os dispositivos (só metadados)
cmd-security = Tentativas recusadas de estranhos
cmd-firmware = Imagens de firmware e implantações
admin-overview = <b>Plataforma</b>
    👥 { $users ->
        [one] { $users } pessoa
        [many] { $users } pessoas
       *[other] { $users } pessoas
    } (bloquearam o bot: { $blocked })
    📟 { $devices ->
        [one] { $devices } dispositivo
        [many] { $devices } dispositivos
       *[other] { $devices } dispositivos
    }, online: { $online }
admin-button-users = 👥 Usuários
admin-button-devices = 📟 Dispositivos
admin-button-security = 🛡 Registro de segurança
admin-button-search = 🔍 Buscar
admin-button-clear = ✖ { $search }
admin-button-all-kinds = Todos os tipos
admin-button-any-state = Qualquer estado
admin-button-online = 🟢 Online
admin-button-offline = 🔴 Offline
admin-page = Página { $page } de { $pages }
admin-users-title = <b>Usuários</b>: { $total }
admin-users-found = <b>Usuários</b> com “{ $search }”: { $total }
admin-users-none = Ninguém encontrado.
admin-user = { $mark } <b>{ $name }</b>{ $username } · <code>{ $id }</code> · { $language }
    { $owned ->
        [0] não é dono de nada
       *[other] dono de { $owned }
    } · { $shared ->
        [0] nenhum compartilhado com a pessoa
       *[other] { $shared } compartilhados com a pessoa
    } · { $seen }
admin-user-seen = visto { $when }
admin-user-never-seen = não visto desde que isto é registrado
admin-devices-title = <b>Todos os dispositivos</b>: { $total } (só metadados)
admin-devices-found = <b>Dispositivos</b> com “{ $search }”: { $total } (só metadados)
admin-devices-none = Nenhum dispositivo encontrado.
admin-devices-filter = Mostrando: { $what }
admin-device = { $mark } <code>{ $uid }</code> · { $name } · { $type } · { $members ->
    [0] sem membros
    [one] { $members } membro
    [many] { $members } membros
   *[other] { $members } membros
}
admin-search-users = Envie parte de um nome, um @usuário ou um id do Telegram.
admin-search-devices = Envie parte de um uid ou de um nome.
admin-search-empty = Envie um texto para buscar ou /cancel.
admin-security-title = <b>Registro de segurança</b>: tentativas recusadas de quem não é membro (as { $count } mais recentes)
admin-security-line = { $time } · usuário <code>{ $user }</code> · { $action } · dispositivo { $device }
admin-security-empty = O registro de segurança está vazio: ninguém tentou o que não podia.
cmd-health = Conexões e números da plataforma
health-link-mqtt = Broker MQTT
health-link-postgresql = PostgreSQL
health-link-redis = Redis
health-link-influx = InfluxDB
health-link-telegram = Long polling do Telegram
health-link-processor = Processador
health-link-panels = Centrais de alarme
health-link-quarantine = Quarentena
health-down = 🔴 <b>{ $link }</b> caiu: { $detail }
health-back = 🟢 <b>{ $link }</b> voltou (ficou fora por { $duration }).
health-down-mqtt = o processador perdeu o broker; os dispositivos não são ouvidos nem comandados.
health-down-postgresql = o bot não consegue acessar o banco de dados.
health-down-postgresql-processor = o processador não consegue acessar o banco de dados; as leituras esperam sem confirmação no broker.
health-down-redis = o bot não consegue acessar o Redis; visualizações ao vivo, comandos e confirmações de botões param.
health-down-influx = as gravações estão falhando; os pontos brutos esperam no buffer do processador.
health-down-telegram-conflict = outra instância consulta o mesmo token do bot (409 Conflict); esta não recebe atualizações.
health-down-telegram-stalled = sem resposta ao long polling há { $seconds } s.
health-down-processor = nenhum processador se reportou há { $seconds } s.
health-down-panels = ocupadas por outro cliente (DloadX, GuardX ou outra integração): { $panels }.
health-down-quarantine = { $count } mensagens rejeitadas no último minuto.
health-down-unknown = sem detalhes.
health-title = <b>Saúde</b>
health-up-since = 🟢 { $link } · desde { $since }
health-down-since = 🔴 { $link } · fora desde { $since }: { $detail }
health-unknown = ⚪ { $link } · { $why }
health-not-configured = não configurado
health-no-reports = nenhum processador se reportou ainda
health-not-known = desconhecido enquanto o Redis está fora
health-no-panels = nenhuma central
health-panels = Centrais de alarme: { $connected } conectadas de { $total }
health-shelly = Dispositivos Shelly no HTTP de reserva: { $count }
health-outbox = Fila de envio: { $pending } esperando · atraso de entrega médio de { $mean } s, no máximo { $longest } s (últimos 5 min)
health-outbox-unknown = Fila de envio: desconhecida enquanto o PostgreSQL está fora
health-ingest = Recepção: { $rate } msg/s · { $rejected } rejeitadas por minuto ({ $total } desde o início)
