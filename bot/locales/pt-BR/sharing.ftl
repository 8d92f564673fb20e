cmd-share = Compartilhar um dispositivo
share-choose-device = Qual dispositivo você quer compartilhar?
share-nothing = Você não tem nenhum dispositivo que possa compartilhar. Donos e administradores podem compartilhar.
share-choose-role = 🔗 <b>Compartilhar { $name }</b>
    O que a pessoa pode fazer?
share-as-admin = 🛠 Administrador: vê, controla e muda as configurações
share-as-viewer = 👁 Observador: vê as leituras e recebe alertas
share-invite =
    🔗 Convite para <b>{ $name }</b> como { $role }.
    Encaminhe para a pessoa ou toque em 📤 Compartilhar. Ela abre
    { $link }
    ou me envia <code>/add { $code }</code>.
    Vale uma vez, até { $until }.
share-button = 📤 Compartilhar
share-invite-short = Entre em { $name } no Dozor (o link vale uma vez):
invite-joined = ✅ Agora você vê <b>{ $name }</b> como { $role }. Envie /devices.
invite-wrong = Este código de convite não é válido. Confira ou peça um novo convite.
invite-used = Este convite já foi usado. Peça um novo.
invite-expired = Este convite expirou. Peça um novo.
invite-already-member = Você já é membro deste dispositivo (como { $role }).
member-gone = Esta pessoa não é mais membro, então este botão está desatualizado.

members-title = 👥 <b>Membros de { $name }</b>
members-help = Toque num membro para mudar o papel dele, revogar o acesso ou passar o dispositivo adiante.
members-back = ⬅️ Membros
member-title = 👤 <b>{ $member }</b> — { $role } de { $name }
member-make-admin = 🛠 Tornar administrador
member-make-viewer = 👁 Tornar observador
member-revoke = 🚫 Revogar acesso
member-transfer = 👑 Tornar dono
confirm-revoke = 🚫 Sim, revogar
confirm-transfer = 👑 Sim, tornar dono
confirm-remove = 🗑 Sim, remover
revoke-confirm = Revogar o acesso de <b>{ $member }</b> a { $name }? A pessoa é avisada e perde o acesso na hora.
transfer-confirm = Tornar <b>{ $member }</b> dono de { $name }? Você continua como administrador.
remove-confirm = Remover <b>{ $name }</b>? O histórico, as configurações e os alertas são apagados e todos os membros perdem o acesso. Não dá para desfazer.
revoke-done = 🚫 { $member } não tem mais acesso.
transfer-done = 👑 { $member } agora é o dono; você é administrador.
remove-done = 🗑 Dispositivo { $name } removido.

log-title = 📜 <b>Registro de { $name }</b> (mais recentes primeiro{ $pages ->
    [1] {""}
   *[other] , página { $page } de { $pages }
})
log-empty = Nada ainda.
log-someone = alguém
log-older = ◀ Mais antigos
log-newer = Mais novos ▶
log-device-provisioned = O dispositivo foi criado no servidor.
log-device-claimed = { $who } registrou o dispositivo e se tornou o dono.
log-device-settings = { $who } mudou as configurações: { $change }.
log-device-attributes = { $who } mudou os dados do dispositivo: { $change }.
log-device-command = { $who } enviou o comando “{ $command }”.
log-device-transferred = { $who } passou a propriedade para { $target } e continuou como administrador.
log-device-removed = { $who } removeu o dispositivo.
log-invite-created = { $who } criou um convite como { $role }.
log-member-joined = { $who } entrou como { $role }.
log-member-role = { $who } tornou { $target } { $role }.
log-member-revoked = { $who } revogou o acesso de { $target } ({ $role }).
log-member-notifications = { $who } { $on ->
    [on] ligou
   *[other] desligou
} os próprios alertas.
log-access-denied = { $who } teve uma ação recusada.
log-alert-acknowledged = { $who } confirmou um alerta.
log-panel-arm = { $who } armou a central ({ $result }).
log-panel-disarm = { $who } desarmou a central ({ $result }).
log-panel-clear = { $who } limpou o alarme ({ $result }).
log-panel-code-stored = { $who } guardou o próprio código da central.
log-panel-code-forgotten = { $who } apagou o próprio código da central.

notice-joined = 👋 { $name } entrou em <b>{ $device }</b> como { $role }.
notice-joined-by = 👋 { $name } entrou em <b>{ $device }</b> como { $role }, convidado por { $by }.
notice-role = Seu papel em <b>{ $device }</b> agora é { $role }.
notice-revoked = 🚫 Seu acesso a <b>{ $device }</b> foi revogado.
notice-owner = 👑 Agora você é o dono de <b>{ $device }</b>.
notice-removed = 🗑 { $name } removeu <b>{ $device }</b>.
notice-removed-by-operator = 🗑 O operador da plataforma removeu <b>{ $device }</b>.
