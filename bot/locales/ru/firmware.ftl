firmware-offer = ⬆️ Доступно обновление: <b>{ $version }</b>
firmware-offer-notes = { $notes }
firmware-updating = ⬆️ Обновление до { $version }: { $state }
firmware-updating-progress = ⬆️ Обновление до { $version }: загрузка, { $progress } %
firmware-updating-tonight = ⬆️ Обновление до { $version } в { $time }
firmware-button-now = ⬆️ Обновить сейчас
firmware-button-tonight = 🌙 Ночью (03:00)
firmware-button-skip = Пропустить эту версию
firmware-started = Обновление до { $version } началось: устройство сейчас его загружает.
firmware-scheduled = Обновление до { $version } назначено на { $time }.
firmware-skipped = { $version } пропущена: вам предложат следующую.
firmware-state-queued = ждёт устройство
firmware-state-sent = отправлено устройству
firmware-state-downloading = загрузка
firmware-state-verifying = проверка
firmware-state-rebooting = перезагрузка
firmware-state-done = готово
firmware-state-failed = не удалось
firmware-state-rolled_back = откачено
firmware-state-timed_out = истекло время
firmware-title = 🧩 <b>Прошивки</b>
firmware-none = Образов пока нет. Отправьте сюда файл прошивки (образ приложения, например micropython.bin), чтобы добавить.
firmware-image = • { $kind } <b>{ $version }</b> · { $size } · { $date }{ $notes }
firmware-send-hint = Отправьте сюда файл прошивки, чтобы добавить образ.
firmware-rollouts = <b>Развёртывания</b>
firmware-rollout-line = • #{ $id } { $kind } { $version }: { $state }
firmware-button-plan = 🚀 Развернуть { $kind } { $version }
firmware-button-remove = 🗑 { $kind } { $version }
firmware-button-card = 📋 Развёртывание #{ $id }
firmware-removed = Образ { $kind } { $version } удалён.
firmware-in-use = Идущее или приостановленное развёртывание использует { $kind } { $version }: сначала остановите его.
firmware-ask-kind = Для каких устройств <b>{ $name }</b> ({ $size })?
firmware-ask-version = Какая это версия? Отправьте её так, как её сообщают устройства, например 2.0.2.
firmware-bad-version = «{ $version }» — не версия: только буквы, цифры и . + - _, не больше 32 символов. Отправьте ещё раз.
firmware-ask-notes = Что изменилось, одной строкой для владельцев? Отправьте или нажмите «Без описания».
firmware-button-no-notes = Без описания
firmware-added = Добавлено { $kind } <b>{ $version }</b>: { $size }, SHA-256 <code>{ $sha }</code>.
firmware-refused = Не добавлено: { $reason }
firmware-refused-exists = { $kind } { $version } уже есть.
firmware-refused-empty = файл пустой.
firmware-refused-too_large = файл больше, чем вмещает раздел приложения.
firmware-refused-other = этот образ нельзя использовать ({ $reason }).
firmware-too-big = Telegram позволяет ботам скачивать файлы до 20 МБ; добавьте этот командой «dozor firmware add» на сервере.
firmware-plan = 🚀 <b>Развёртывание { $kind } { $version }</b>
    { $count ->
        [one] на { $count } устройство, где её ещё нет
        [few] на { $count } устройства, где её ещё нет
        [many] на { $count } устройств, где её ещё нет
       *[other] на { $count } устройства, где её ещё нет
    }: сначала { $canary ->
        [0] без пробной группы
        [one] пробная группа из { $canary } устройства
        [few] пробная группа из { $canary } устройств
        [many] пробная группа из { $canary } устройств
       *[other] пробная группа из { $canary } устройств
    }, затем { $pace } в минуту. Останавливается само, если пробная группа не справилась, если не удалось больше { $limit } % или если обновлённое устройство замолчало или подняло оповещение.
firmware-button-canary = Пробная группа: { $canary } ▸
firmware-button-pace = Темп: { $pace }/мин ▸
firmware-button-start = ✅ Начать
firmware-nothing = Все устройства { $kind } уже работают на { $version }.
firmware-card-title = 🚀 <b>Развёртывание #{ $id }: { $kind } { $version }</b> — { $state }
firmware-card-counts = { $counts }
firmware-card-count = { $state }: { $n }
firmware-card-failure = • { $name }: { $state } — { $error }
firmware-card-halted = Остановлено: { $reason }
firmware-rollout-running = идёт
firmware-rollout-paused = ⏸ приостановлено
firmware-rollout-halted = ⏹ остановлено
firmware-rollout-done = ✅ завершено
firmware-button-pause = ⏸ Пауза
firmware-button-resume = ▶️ Продолжить
firmware-button-halt = ⏹ Остановить
shelly-offer = ⬆️ От Shelly доступна прошивка <b>{ $version }</b>.
shelly-last-failed = Последняя попытка не удалась: { $reason }
shelly-updating = ⬆️ Обновление до { $version }: { $state }
shelly-updating-progress = ⬆️ Обновление до { $version }: загрузка, { $progress } %
shelly-button-update = ⬆️ Обновить до { $version }
shelly-confirm = ⬆️ Обновить <b>{ $name }</b> с { $from } до <b>{ $version }</b>?
    Устройство скачает прошивку с сервера Shelly и перезагрузится по завершении: примерно минуту оно не присылает показания и не принимает команды.
shelly-button-yes = ✅ Да, обновить
shelly-asking = ⏳ Прошу устройство установить { $version }…
shelly-started = ⬆️ { $name }: обновление до { $version } принято, устройство скачивает его с сервера Shelly.
shelly-no-answer = ⏳ { $name } пока не отвечает: возможно, оно не в сети. Карточка покажет ответ; если ничего не придёт, обновление истечёт и можно будет попробовать снова.
shelly-refused = ⚠️ { $name }: отказ от обновления: { $reason }
notice-shelly-update-done = ✅ <b>{ $name }</b> теперь работает на прошивке { $version }.
notice-shelly-update-failed = ⚠️ <b>{ $name }</b>: обновление до { $version } не удалось: { $reason }
firmware-button-choose = 🎯 Выбрать устройства
firmware-plan-chosen = 🎯 Только выбранные устройства: { $names }{ $more ->
        [0] {""}
       *[other] {" "}и ещё { $more }
    }
firmware-choose = 🎯 <b>Какие устройства получат { $kind } { $version }?</b>
    Выбрано { $chosen } из { $count }. Нажмите на устройство, чтобы добавить или убрать его.
firmware-button-chosen = ✅ Готово ({ $chosen ->
        [0] ничего не выбрано: все
       *[other] выбрано { $chosen }
    })
firmware-button-all = Все устройства
