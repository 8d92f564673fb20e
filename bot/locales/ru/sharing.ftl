cmd-share = Поделиться устройством
share-choose-device = Каким устройством вы хотите поделиться?
share-nothing = У вас нет устройства, которым можно поделиться. Делиться могут владельцы и администраторы.
share-choose-role = 🔗 <b>Поделиться { $name }</b>
    Что сможет делать этот человек?
share-as-admin = 🛠 Администратор: видит, управляет и меняет настройки
share-as-viewer = 👁 Наблюдатель: видит показания и получает оповещения
share-invite =
    🔗 Приглашение к <b>{ $name }</b>: роль { $role }.
    Перешлите это человеку или нажмите 📤 Поделиться. Он открывает
    { $link }
    или отправляет мне <code>/add { $code }</code>.
    Действует один раз, до { $until }.
share-button = 📤 Поделиться
share-invite-short = Присоединяйтесь к { $name } в Dozor (ссылка действует один раз):
invite-joined = ✅ Теперь вы видите <b>{ $name }</b>, роль: { $role }. Отправьте /devices.
invite-wrong = Этот код приглашения недействителен. Проверьте его или попросите новое приглашение.
invite-used = Это приглашение уже использовано. Попросите новое.
invite-expired = Срок действия приглашения истёк. Попросите новое.
invite-already-member = Вы уже участник этого устройства (роль: { $role }).
member-gone = Этот человек больше не участник, поэтому кнопка устарела.

members-title = 👥 <b>Участники { $name }</b>
members-help = Нажмите на участника, чтобы изменить его роль, отозвать доступ или передать устройство.
members-back = ⬅️ Участники
member-title = 👤 <b>{ $member }</b> — { $role } устройства { $name }
member-make-admin = 🛠 Сделать администратором
member-make-viewer = 👁 Сделать наблюдателем
member-revoke = 🚫 Отозвать доступ
member-transfer = 👑 Сделать владельцем
confirm-revoke = 🚫 Да, отозвать
confirm-transfer = 👑 Да, сделать владельцем
confirm-remove = 🗑 Да, удалить
revoke-confirm = Отозвать доступ <b>{ $member }</b> к { $name }? Человек получит уведомление и сразу потеряет доступ.
transfer-confirm = Сделать <b>{ $member }</b> владельцем { $name }? Вы останетесь администратором.
remove-confirm = Удалить <b>{ $name }</b>? Его история, настройки и оповещения будут стёрты, и все участники потеряют доступ. Это нельзя отменить.
revoke-done = 🚫 У { $member } больше нет доступа.
transfer-done = 👑 Теперь { $member } — владелец; вы — администратор.
remove-done = 🗑 Устройство { $name } удалено.

log-title = 📜 <b>Журнал { $name }</b> (сначала новые{ $pages ->
    [1] {""}
   *[other] , страница { $page } из { $pages }
})
log-empty = Пока пусто.
log-someone = кто-то
log-older = ◀ Раньше
log-newer = Позже ▶
log-device-provisioned = Устройство создано на сервере.
log-device-claimed = { $who } получает устройство и становится его владельцем.
log-device-settings = { $who } меняет настройки: { $change }.
log-device-attributes = { $who } меняет данные устройства: { $change }.
log-device-command = { $who } отправляет команду «{ $command }».
log-device-transferred = { $who } передаёт владение { $target } и остаётся администратором.
log-device-removed = { $who } удаляет устройство.
log-invite-created = { $who } создаёт приглашение с ролью { $role }.
log-member-joined = { $who } присоединяется с ролью { $role }.
log-member-role = { $who } назначает { $target } роль: { $role }.
log-member-revoked = { $who } отзывает доступ { $target } ({ $role }).
log-member-notifications = { $who } { $on ->
    [on] включает
   *[other] выключает
} свои оповещения.
log-access-denied = { $who } получает отказ.
log-alert-acknowledged = { $who } подтверждает оповещение.
log-panel-arm = { $who } ставит панель на охрану ({ $result }).
log-panel-disarm = { $who } снимает панель с охраны ({ $result }).
log-panel-clear = { $who } сбрасывает тревогу ({ $result }).
log-panel-code-stored = { $who } сохраняет свой код панели.
log-panel-code-forgotten = { $who } удаляет свой код панели.

notice-joined = 👋 { $name } присоединяется к <b>{ $device }</b> с ролью { $role }.
notice-joined-by = 👋 { $name } присоединяется к <b>{ $device }</b> с ролью { $role } по приглашению { $by }.
notice-role = Ваша роль в <b>{ $device }</b> теперь: { $role }.
notice-revoked = 🚫 Ваш доступ к <b>{ $device }</b> отозван.
notice-owner = 👑 Теперь вы владелец <b>{ $device }</b>.
notice-removed = 🗑 { $name } удаляет <b>{ $device }</b>.
notice-removed-by-operator = 🗑 Оператор платформы удалил <b>{ $device }</b>.
