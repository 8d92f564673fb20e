panel-partition = Раздел { $number }
panel-zone = Зона { $number }
panel-output = Выход { $number }
panel-connected = 🟢 подключена · панель подтвердила в { $time }
panel-disconnected = 🔌 <b>не подключена</b> · последнее подтверждение в { $time }
panel-never = 🔌 ещё не подключена
panel-reason-refused = ⛔ По этому адресу никто не принимает соединения: проверьте хост и порт (<code>panel set --host … --port …</code>) и включён ли модуль ETHM.
panel-reason-silent = ⛔ Модуль принял соединение, но так и не ответил: возможно, интеграция зашифрована (дайте Dozor ключ: <code>panel set … --key …</code>) или порт принадлежит другой службе.
panel-reason-key = ⛔ Модуль принял соединение, но не ответил на зашифрованные сообщения Dozor: проверьте ключ интеграции (<code>panel set … --key …</code>) и включено ли шифрование в DLOADX.
panel-reason-busy = ⛔ Модуль занят другой программой (ответил «Busy!»): он обслуживает одного клиента интеграции за раз. Dozor спрашивает снова каждые 2 с.
panel-stale = ⚠️ <b>нет вестей от панели { $seconds } с</b> · последнее подтверждение в { $time }
panel-state-disarmed = 🔓 снято с охраны
panel-state-armed = 🔒 <b>на охране</b> ({ $mode })
panel-state-exit = ⏳ задержка на выход — постановка, осталось больше 10 с
panel-state-exit-short = ⏳ задержка на выход — постановка меньше чем через 10 с
panel-state-entry = ⏳ <b>задержка на вход</b> — снимите с охраны сейчас
panel-state-alarm = 🚨 <b>ТРЕВОГА</b>
panel-state-fire = 🔥 <b>ПОЖАРНАЯ ТРЕВОГА</b>
panel-state-memory = {" "}· ⚠️ память тревог
panel-mode-0 = полная
panel-mode-1 = частичная 1 (дома)
panel-mode-2 = частичная 2 (ночь)
panel-mode-3 = частичная 3
panel-line = <b>{ $name }</b>: { $state }
panel-violated = 👣 Нарушены: { $zones }
panel-tampered = 🛠 Саботаж: { $zones }
panel-bypassed = 🚫 Исключены: { $zones }
panel-outputs-on = 💡 Включены: { $outputs }
panel-temperature = 🌡 { $zone }: { $value }
panel-log-latest = 📋 Последнее в журнале панели:
panel-log-line = { $time } { $text }
panel-log-title = 📋 Журнал событий <b>{ $device }</b> (страница { $page } из { $pages }), словами самой панели:
panel-log-empty = В журнале панели пока ничего нет.
panel-log-older = ◀ Раньше
panel-log-newer = Позже ▶
metric-zone-temperature = Температура зоны { $number }
panel-masked = 🙈 Маскированы (датчик закрыт): { $zones }
panel-alarm-memory = ⚠️ Память тревог: { $zones }
panel-tamper-memory = ⚠️ Память саботажа: { $zones }
panel-troubles = 🟠 Неисправности: { $troubles }
panel-trouble-ac = пропало сетевое питание
panel-trouble-battery = разряжен аккумулятор
panel-trouble-expander-power = питание модуля расширения
panel-trouble-keypad-power = питание клавиатуры
panel-trouble-other = неисправность { $code }
panel-trouble-service-mode = сервисный режим (у панели монтажник)
panel-trouble-technical-zone = техническая зона { $number }{ $where }
panel-trouble-expander-ac = модуль расширения { $number }: пропало сетевое питание
panel-trouble-expander-battery = модуль расширения { $number }: разряжен аккумулятор
panel-trouble-wireless-battery = беспроводная зона { $number }{ $where }: разряжена батарея
panel-trouble-wireless-nocomm = беспроводная зона { $number }{ $where }: нет связи
panel-trouble-output-nocomm = беспроводной выход { $number }{ $where }: нет связи
panel-trouble-expander-nocomm = модуль расширения { $number }: нет связи
panel-trouble-keypad-nocomm = клавиатура { $number }: нет связи
panel-trouble-lan = модуль ETHM { $number }: отключён сетевой кабель
panel-trouble-expander-tamper = модуль расширения { $number }: саботаж
panel-trouble-keypad-tamper = клавиатура { $number }: саботаж
panel-trouble-memory = 🕘 Память неисправностей: { $troubles }
panel-service-mode = 🛠 Сервисный режим: у панели монтажник.
panel-clock-behind = 🕒 Часы панели отстают на { $minutes } мин.
panel-clock-ahead = 🕒 Часы панели спешат на { $minutes } мин.
panel-button-clear-troubles = 🧹 Очистить память неисправностей
panel-action-clear_troubles = Очистить память неисправностей
panel-target-panel = панели
panel-no-trouble-memory = ℹ️ В памяти неисправностей нет ничего завершившегося.
panel-your-code = 🔑 Ваш код: { $stored ->
    [yes] сохранён
   *[no] не сохранён (спрашиваю при каждом действии)
}
panel-button-arm = 🔒 Поставить на охрану
panel-button-disarm = 🔓 Снять с охраны
panel-button-clear = 🔕 Сбросить тревогу
panel-button-code = 🔑 Мой код
panel-button-forget = 🗑 Забыть мой код
panel-button-outputs = 💡 Выходы
panel-button-log = 📋 Журнал панели
panel-button-zones = 🚫 Исключить зоны
panel-button-force = ⚠️ Поставить принудительно, не учитывая их
panel-button-all = Все разделы
panel-button-mode = { $mode ->
    [0] Полная
    [1] Частичная 1 (дома)
    [2] Частичная 2 (ночь)
   *[other] Частичная 3
}
panel-button-confirm = ✅ { $action }
panel-button-bypass = ✅ { $action }, исключив { $count ->
    [one] эту зону
    [few] эти зоны
    [many] эти зоны
   *[other] эти зоны
}
panel-action-arm = Поставить на охрану
panel-action-disarm = Снять с охраны
panel-action-clear = Сбросить тревогу
panel-action-output_on = Включить
panel-action-output_off = Выключить
panel-action-bypass = Исключить
panel-action-unbypass = Вернуть
panel-pick-partition = { $action } — какой раздел <b>{ $device }</b>?
panel-pick-mode = Поставить на охрану <b>{ $partitions }</b> — в каком режиме?
panel-confirm = { $action }: <b>{ $partitions }</b> на { $device }{ $mode }? Вопрос действует 30 с.
panel-confirm-force = Принудительная постановка ставит на охрану всё равно и не учитывает { $zones }, пока они не закроются: открытые не вызывают тревогу.
panel-confirm-bypass = Исключённая зона не вызывает тревогу, на охране или нет, пока её не вернут.
panel-pick-output = 💡 Выходы <b>{ $device }</b>: нажмите, чтобы переключить (⚠️ сначала спросит).
panel-output-on = { $state } { $name } · включить
panel-output-off = { $state } { $name } · выключить
panel-output-pulse = ▶ { $name } · импульс
panel-pick-zone = 🚫 Зоны <b>{ $device }</b> (страница { $page } из { $pages }): нажмите, чтобы исключить или вернуть зону.
panel-zone-bypass = { $violated ->
    [yes] 👣 { $name } · исключить
   *[no] { $name } · исключить
}
panel-zone-unbypass = 🚫 { $name } · вернуть
panel-confirm-mode = {" "}(режим: { $mode })
panel-confirm-violated = ⚠️ Сейчас нарушены: { $zones }. Постановка не удастся, если не исключить их на этот раз.
panel-ask-code = 🔑 Отправьте свой код для <b>{ $device }</b>. Ваше сообщение сразу удаляется, а код используется только для этого действия.
panel-ask-store = 🔑 Отправьте код, который вы вводите на клавиатуре <b>{ $device }</b>. Ваше сообщение сразу удаляется, а код хранится в зашифрованном виде.
panel-code-stored = 🔑 Ваш код для <b>{ $device }</b> сохранён (в зашифрованном виде). Ваше сообщение удалено.
panel-code-forgotten = 🗑 Ваш код для <b>{ $device }</b> забыт.
panel-working = ⏳ <b>{ $device }</b>: { $action } { $partitions }…
panel-result-ok = ✅ Готово: { $action } { $partitions } — панель подтвердила за { $seconds } с
panel-result-user_code_not_found = ❌ Неверный код. { $left ->
    [0] Действия с этой панелью заблокированы для вас на 5 минут.
    [one] Осталась { $left } попытка до блокировки на 5 минут.
    [few] Осталось { $left } попытки.
    [many] Осталось { $left } попыток.
   *[other] Осталось { $left } попытки.
}
panel-result-wrong_code = { panel-result-user_code_not_found }
panel-result-no_access = ❌ Этот код не может этого сделать в: { $partitions }.
panel-result-cannot_arm_force_possible = ❌ Не поставлено на охрану: зоны нарушены. Исключите или закройте их и попробуйте снова.
panel-result-cannot_arm = ❌ Панель не может сейчас поставить на охрану { $partitions } (неисправность или раздел заблокирован).
panel-result-not_confirmed = ⌛ Панель приняла команду, но ещё не сообщает новое состояние.
panel-result-unreachable = 📴 Панель сейчас не подключена; ничего не отправлено.
panel-result-timeout = ⌛ Нет ответа от панели за { $seconds } с.
panel-result-other_error = ❌ Панель отклонила команду.
panel-bad-code = ❌ Код панели — от 4 до 16 цифр. Ничего не сохранено и не отправлено — отправьте код ещё раз или /cancel.
panel-code-needed = 🔑 Сначала отправьте свой код.
panel-already-armed = ℹ️ Уже на охране в этом режиме; ничего не отправлено.
panel-not-armed = ℹ️ Там ничего не стоит на охране; ничего не отправлено.
panel-no-alarm = ℹ️ Там нет тревоги, которую нужно сбросить.
panel-bad-names = ❌ Названия — это НОМЕР=НАЗВАНИЕ через запятую.
alert-panel-alarm = 🚨 <b>ТРЕВОГА: { $target }</b> — { $device }
alert-panel-zones = { $count ->
    [one] Зона: { $zones }
    [few] Зоны: { $zones }
    [many] Зоны: { $zones }
   *[other] Зоны: { $zones }
}
alert-panel-alarm-back = ✅ <b>Тревога закончилась: { $target }</b> — { $device }
alert-panel-fire = 🔥 <b>ПОЖАРНАЯ ТРЕВОГА: { $target }</b> — { $device }
alert-panel-fire-back = ✅ <b>Пожарная тревога закончилась: { $target }</b> — { $device }
alert-panel-tamper = 🔴 <b>Саботаж: { $target }</b> — { $device }
alert-panel-tamper-back = ✅ <b>Саботаж закончился: { $target }</b> — { $device }
alert-panel-trouble = 🟠 <b>Неисправность: { $target }</b> — { $device }
alert-panel-trouble-back = ✅ <b>Неисправность устранена: { $target }</b> — { $device }
alert-panel-armed = 🔒 <b>{ $target }: на охране</b> ({ $mode }){ $by } — { $device }
alert-panel-disarmed = 🔓 <b>{ $target }: снято с охраны</b>{ $by } — { $device }
alert-panel-by = {" "}— { $name }
notice-panel-unreachable = 🔌 <b>Dozor не может связаться с панелью { $device }.</b> { $reason ->
    [refused] По её адресу никто не принимает соединения: проверьте хост и порт (<code>panel set --host … --port …</code>) и включён ли модуль ETHM.
    [silent] Модуль принимает соединение, но не отвечает: возможно, интеграция зашифрована (дайте Dozor ключ: <code>panel set … --key …</code>) или порт принадлежит другой службе.
    [key] Модуль принимает соединение, но не отвечает на зашифрованные сообщения Dozor: проверьте ключ интеграции (<code>panel set … --key …</code>) и включено ли шифрование в DLOADX.
    [busy] Модулем владеет другая программа (ответила «Busy!»); он обслуживает одного клиента интеграции за раз.
   *[other] Она не отвечает.
}
