firmware-offer = ⬆️ Dostępna aktualizacja: <b>{ $version }</b>
firmware-offer-notes = { $notes }
firmware-updating = ⬆️ Aktualizacja do { $version }: { $state }
firmware-updating-progress = ⬆️ Aktualizacja do { $version }: pobieranie, { $progress } %
firmware-updating-tonight = ⬆️ Aktualizacja do { $version } o { $time }
firmware-button-now = ⬆️ Aktualizuj teraz
firmware-button-tonight = 🌙 W nocy (03:00)
firmware-button-skip = Pomiń tę wersję
firmware-started = Rozpoczęto aktualizację do { $version }: urządzenie właśnie ją pobiera.
firmware-scheduled = Aktualizacja do { $version } zaplanowana na { $time }.
firmware-skipped = Pominięto { $version }: dostaniesz propozycję następnej.
firmware-state-queued = czeka na urządzenie
firmware-state-sent = wysłano do urządzenia
firmware-state-downloading = pobieranie
firmware-state-verifying = weryfikacja
firmware-state-rebooting = restart
firmware-state-done = gotowe
firmware-state-failed = nieudana
firmware-state-rolled_back = wycofana
firmware-state-timed_out = przekroczono czas
firmware-title = 🧩 <b>Oprogramowanie</b>
firmware-none = Nie ma jeszcze obrazów. Wyślij tu plik oprogramowania (obraz aplikacji, np. micropython.bin), aby go dodać.
firmware-image = • { $kind } <b>{ $version }</b> · { $size } · { $date }{ $notes }
firmware-send-hint = Wyślij tu plik oprogramowania, aby dodać obraz.
firmware-rollouts = <b>Wdrożenia</b>
firmware-rollout-line = • #{ $id } { $kind } { $version }: { $state }
firmware-button-plan = 🚀 Wdróż { $kind } { $version }
firmware-button-remove = 🗑 { $kind } { $version }
firmware-button-card = 📋 Wdrożenie #{ $id }
firmware-removed = Usunięto obraz { $kind } { $version }.
firmware-in-use = Trwające albo wstrzymane wdrożenie używa { $kind } { $version }: najpierw je zatrzymaj.
firmware-ask-kind = Dla jakich urządzeń jest <b>{ $name }</b> ({ $size })?
firmware-ask-version = Jaka to wersja? Wyślij ją tak, jak zgłaszają ją urządzenia, np. 2.0.2.
firmware-bad-version = „{ $version }” to nie wersja: tylko litery, cyfry i . + - _, najwyżej 32 znaki. Wyślij ją jeszcze raz.
firmware-ask-notes = Co się zmieniło, w jednym zdaniu dla właścicieli? Wyślij to albo naciśnij „Bez opisu”.
firmware-button-no-notes = Bez opisu
firmware-added = Dodano { $kind } <b>{ $version }</b>: { $size }, SHA-256 <code>{ $sha }</code>.
firmware-refused = Nie dodano: { $reason }
firmware-refused-exists = { $kind } { $version } już jest.
firmware-refused-empty = plik jest pusty.
firmware-refused-too_large = plik jest większy, niż mieści partycja aplikacji.
firmware-refused-other = tego obrazu nie da się użyć ({ $reason }).
firmware-too-big = Telegram pozwala botom pobierać pliki do 20 MB; dodaj ten przez „dozor firmware add” na serwerze.
firmware-plan = 🚀 <b>Wdrożenie { $kind } { $version }</b>
    { $count ->
        [one] na 1 urządzenie, które jeszcze go nie ma
        [few] na { $count } urządzenia, które jeszcze go nie mają
        [many] na { $count } urządzeń, które jeszcze go nie mają
       *[other] na { $count } urządzeń, które jeszcze go nie mają
    }: najpierw { $canary ->
        [0] bez próby
        [one] próba na 1 urządzeniu
        [few] próba na { $canary } urządzeniach
        [many] próba na { $canary } urządzeniach
       *[other] próba na { $canary } urządzeniach
    }, potem { $pace } na minutę. Zatrzymuje się samo, gdy próba się nie uda, gdy zawiedzie ponad { $limit } % albo gdy zaktualizowane urządzenie zamilknie lub zgłosi alert.
firmware-button-canary = Próba: { $canary } ▸
firmware-button-pace = Tempo: { $pace }/min ▸
firmware-button-start = ✅ Start
firmware-nothing = Każde urządzenie { $kind } ma już { $version }.
firmware-card-title = 🚀 <b>Wdrożenie #{ $id }: { $kind } { $version }</b> — { $state }
firmware-card-counts = { $counts }
firmware-card-count = { $state }: { $n }
firmware-card-failure = • { $name }: { $state } — { $error }
firmware-card-halted = Zatrzymane: { $reason }
firmware-rollout-running = w toku
firmware-rollout-paused = ⏸ wstrzymane
firmware-rollout-halted = ⏹ zatrzymane
firmware-rollout-done = ✅ zakończone
firmware-button-pause = ⏸ Wstrzymaj
firmware-button-resume = ▶️ Wznów
firmware-button-halt = ⏹ Zatrzymaj
shelly-offer = ⬆️ Oprogramowanie <b>{ $version }</b> jest dostępne od Shelly.
shelly-last-failed = Ostatnia próba się nie udała: { $reason }
shelly-updating = ⬆️ Aktualizacja do { $version }: { $state }
shelly-updating-progress = ⬆️ Aktualizacja do { $version }: pobieranie, { $progress } %
shelly-button-update = ⬆️ Aktualizuj do { $version }
shelly-confirm = ⬆️ Zaktualizować <b>{ $name }</b> z { $from } do <b>{ $version }</b>?
    Urządzenie pobiera oprogramowanie od Shelly i po zakończeniu uruchamia się ponownie: przez mniej więcej minutę nie raportuje i nie przyjmuje poleceń.
shelly-button-yes = ✅ Tak, aktualizuj
shelly-asking = ⏳ Proszę urządzenie o instalację { $version }…
shelly-started = ⬆️ { $name }: aktualizacja do { $version } przyjęta; urządzenie pobiera ją teraz od Shelly.
shelly-no-answer = ⏳ { $name } jeszcze nie odpowiada: może być offline. Karta pokaże, co odpowie; jeśli nic nie przyjdzie, aktualizacja wygaśnie i spróbujesz ponownie.
shelly-refused = ⚠️ { $name } odmawia aktualizacji: { $reason }
notice-shelly-update-done = ✅ <b>{ $name }</b> działa teraz na oprogramowaniu { $version }.
notice-shelly-update-failed = ⚠️ <b>{ $name }</b>: aktualizacja do { $version } nieudana: { $reason }
firmware-button-choose = 🎯 Wybierz urządzenia
firmware-plan-chosen = 🎯 Tylko wybrane urządzenia: { $names }{ $more ->
        [0] {""}
       *[other] {" "}i jeszcze { $more }
    }
firmware-choose = 🎯 <b>Które urządzenia dostaną { $kind } { $version }?</b>
    Wybrano { $chosen } z { $count }. Naciśnij urządzenie, aby je dodać albo usunąć.
firmware-button-chosen = ✅ Gotowe ({ $chosen ->
        [0] nic nie wybrano: wszystkie
       *[other] wybrano { $chosen }
    })
firmware-button-all = Wszystkie urządzenia
