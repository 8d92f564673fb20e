cmd-broadcast = Отправить сообщение многим людям
broadcast-ask = 📣 Отправьте сообщение для рассылки: текст или фото с подписью. Форматирование сохранится.
broadcast-unsupported = Отправьте текст или одно фото с подписью.
broadcast-too-long = Здесь { $length } символов; в рассылку помещается { $limit } (в подпись к фото { $caption }). Отправьте покороче.
broadcast-preview = 👆 Так это будет выглядеть. Кому отправить?
broadcast-everyone = 👥 Всем ({ $count })
broadcast-by-kind = 📟 Владельцам устройств одного типа
broadcast-by-language = 🌐 По языку
broadcast-kind = { $kind } ({ $count })
broadcast-language = { $language } ({ $count })
broadcast-choose-kind = Владельцам устройств какого типа?
broadcast-choose-language = Тем, кто читает бота на каком языке?
broadcast-audience-everyone = всем
broadcast-audience-kind = владельцам устройств { $kind }
broadcast-audience-language = тем, кто читает бота на языке { $language }
broadcast-confirm = Отправить это: { $audience } — { $count ->
    [one] { $count } человеку
    [few] { $count } людям
    [many] { $count } людям
   *[other] { $count } людям
}? Оповещения всё равно идут первыми.
broadcast-nobody = В этой группе никого нет. Выберите другую.
broadcast-send = ✅ Отправить
broadcast-back = ◀ Назад
broadcast-cancel = ✖ Отмена
broadcast-cancelled = Рассылка отменена; ничего не отправлено.
broadcast-gone = Этот черновик уже отправлен или отменён.
broadcast-card = 📣 <b>Рассылка</b>: { $audience }
    ✅ отправлено { $sent } из { $total }
    ⛔ заблокировали бота: { $blocked }
    ⚠️ не удалось: { $failed }
    ⏳ в очереди: { $pending }
broadcast-card-done = 📣 <b>Рассылка завершена</b> ({ $audience }, { $total })
    ✅ отправлено { $sent }
    ⛔ заблокировали бота: { $blocked }
    ⚠️ не удалось: { $failed }
