cmd-admin = Обзор платформы
cmd-users = Все пользователи бота
cmd-all_devices = Все устройства (только метаданные)
cmd-security = Отклонённые попытки посторонних
cmd-firmware = Образы прошивок и развёртывания
admin-overview = <b>Платформа</b>
    👥 { $users ->
        [one] { $users } человек
        [few] { $users } человека
        [many] { $users } человек
       *[other] { $users } человека
    } (заблокировали бота: { $blocked })
    📟 { $devices ->
        [one] { $devices } устройство
        [few] { $devices } устройства
        [many] { $devices } устройств
       *[other] { $devices } устройства
    }, в сети: { $online }
admin-button-users = 👥 Пользователи
admin-button-devices = 📟 Устройства
admin-button-security = 🛡 Журнал безопасности
admin-button-search = 🔍 Поиск
admin-button-clear = ✖ { $search }
admin-button-all-kinds = Все типы
admin-button-any-state = Любое состояние
admin-button-online = 🟢 В сети
admin-button-offline = 🔴 Не в сети
admin-page = Страница { $page } из { $pages }
admin-users-title = <b>Пользователи</b>: { $total }
admin-users-found = <b>Пользователи</b> по запросу «{ $search }»: { $total }
admin-users-none = Никого не найдено.
admin-user = { $mark } <b>{ $name }</b>{ $username } · <code>{ $id }</code> · { $language }
    { $owned ->
        [0] ничем не владеет
       *[other] владеет: { $owned }
    } · { $shared ->
        [0] нет общих устройств
       *[other] доступ к чужим: { $shared }
    } · { $seen }
admin-user-seen = был(а) { $when }
admin-user-never-seen = не появлялся(ась) с тех пор, как это записывается
admin-devices-title = <b>Все устройства</b>: { $total } (только метаданные)
admin-devices-found = <b>Устройства</b> по запросу «{ $search }»: { $total } (только метаданные)
admin-devices-none = Ни одно устройство не подходит.
admin-devices-filter = Показаны: { $what }
admin-device = { $mark } <code>{ $uid }</code> · { $name } · { $type } · { $members ->
    [0] без участников
    [one] { $members } участник
    [few] { $members } участника
    [many] { $members } участников
   *[other] { $members } участника
}
admin-search-users = Отправьте часть имени, @имя пользователя или идентификатор Telegram.
admin-search-devices = Отправьте часть uid или названия.
admin-search-empty = Отправьте текст для поиска или /cancel.
admin-security-title = <b>Журнал безопасности</b>: отклонённые попытки тех, кто не участник (последние { $count })
admin-security-line = { $time } · пользователь <code>{ $user }</code> · { $action } · устройство { $device }
admin-security-empty = Журнал безопасности пуст: никто не пытался сделать то, что нельзя.
cmd-health = Связи и показатели платформы
health-link-mqtt = MQTT-брокер
health-link-postgresql = PostgreSQL
health-link-redis = Redis
health-link-influx = InfluxDB
health-link-telegram = Long polling Telegram
health-link-processor = Процессор
health-link-panels = Охранные панели
health-link-quarantine = Карантин
health-down = 🔴 <b>{ $link }</b> не работает: { $detail }
health-back = 🟢 <b>{ $link }</b> снова работает (перерыв длился { $duration }).
health-down-mqtt = процессор потерял связь с брокером; устройства не слышно, управлять ими нельзя.
health-down-postgresql = бот не может подключиться к базе данных.
health-down-postgresql-processor = процессор не может подключиться к базе данных; показания ждут неподтверждёнными в брокере.
health-down-redis = бот не может подключиться к Redis; просмотр в реальном времени, команды и подтверждения кнопок не работают.
health-down-influx = запись не удаётся; сырые точки ждут в буфере процессора.
health-down-telegram-conflict = другой экземпляр опрашивает тот же токен бота (409 Conflict); этот не получает обновлений.
health-down-telegram-stalled = нет ответа на long polling { $seconds } с.
health-down-processor = ни один процессор не отчитывался { $seconds } с.
health-down-panels = заняты другим клиентом (DloadX, GuardX или другая интеграция): { $panels }.
health-down-quarantine = { $count } отклонённых сообщений за последнюю минуту.
health-down-unknown = подробностей нет.
health-title = <b>Состояние</b>
health-up-since = 🟢 { $link } · с { $since }
health-down-since = 🔴 { $link } · не работает с { $since }: { $detail }
health-unknown = ⚪ { $link } · { $why }
health-not-configured = не настроено
health-no-reports = ни один процессор ещё не отчитался
health-not-known = неизвестно, пока Redis не работает
health-no-panels = панелей нет
health-panels = Охранные панели: подключено { $connected } из { $total }
health-shelly = Устройства Shelly на резервном HTTP: { $count }
health-outbox = Очередь отправки: ждёт { $pending } · задержка доставки в среднем { $mean } с, максимум { $longest } с (последние 5 мин)
health-outbox-unknown = Очередь отправки: неизвестно, пока PostgreSQL не работает
health-ingest = Приём: { $rate } сообщ./с · отклонено { $rejected } в минуту ({ $total } с запуска)
