panel-partition = Strefa { $number }
panel-zone = Wejście { $number }
panel-output = Wyjście { $number }
panel-connected = 🟢 połączona · centrala potwierdziła o { $time }
panel-disconnected = 🔌 <b>brak połączenia</b> · ostatnie potwierdzenie o { $time }
panel-never = 🔌 jeszcze nie połączona
panel-reason-refused = ⛔ Pod tym adresem nic nie przyjmuje połączeń: sprawdź host i port (<code>panel set --host … --port …</code>) oraz czy moduł ETHM jest włączony.
panel-reason-silent = ⛔ Moduł przyjął połączenie, ale nigdy nie odpowiedział: integracja może być szyfrowana (podaj Dozorowi klucz: <code>panel set … --key …</code>) albo port należy do innej usługi.
panel-reason-key = ⛔ Moduł przyjął połączenie, ale nie odpowiedział na szyfrowane wiadomości Dozora: sprawdź klucz integracji (<code>panel set … --key …</code>) i czy szyfrowanie jest włączone w DLOADX.
panel-reason-busy = ⛔ Moduł jest zajęty przez inny program (odpowiedział „Busy!”): obsługuje naraz jednego klienta integracji. Dozor pyta ponownie co 2 s.
panel-stale = ⚠️ <b>brak wieści od centrali od { $seconds } s</b> · ostatnie potwierdzenie o { $time }
panel-state-disarmed = 🔓 czuwanie wyłączone
panel-state-armed = 🔒 <b>czuwanie</b> ({ $mode })
panel-state-exit = ⏳ czas na wyjście — załączanie czuwania, zostało ponad 10 s
panel-state-exit-short = ⏳ czas na wyjście — czuwanie za mniej niż 10 s
panel-state-entry = ⏳ <b>czas na wejście</b> — wyłącz czuwanie teraz
panel-state-alarm = 🚨 <b>ALARM</b>
panel-state-fire = 🔥 <b>ALARM POŻAROWY</b>
panel-state-memory = {" "}· ⚠️ pamięć alarmu
panel-mode-0 = pełne
panel-mode-1 = częściowe 1 (w domu)
panel-mode-2 = częściowe 2 (noc)
panel-mode-3 = częściowe 3
panel-line = <b>{ $name }</b>: { $state }
panel-violated = 👣 Naruszone: { $zones }
panel-tampered = 🛠 Sabotaż: { $zones }
panel-bypassed = 🚫 Zablokowane: { $zones }
panel-outputs-on = 💡 Włączone: { $outputs }
panel-temperature = 🌡 { $zone }: { $value }
panel-log-latest = 📋 Ostatnie w dzienniku centrali:
panel-log-line = { $time } { $text }
panel-log-title = 📋 Dziennik zdarzeń <b>{ $device }</b> (strona { $page } z { $pages }), słowami centrali:
panel-log-empty = Dziennik centrali jest jeszcze pusty.
panel-log-older = ◀ Starsze
panel-log-newer = Nowsze ▶
metric-zone-temperature = Temperatura wejścia { $number }
panel-masked = 🙈 Zamaskowane (czujka zasłonięta): { $zones }
panel-alarm-memory = ⚠️ Pamięć alarmu: { $zones }
panel-tamper-memory = ⚠️ Pamięć sabotażu: { $zones }
panel-troubles = 🟠 Awarie: { $troubles }
panel-trouble-ac = brak zasilania sieciowego
panel-trouble-battery = słaby akumulator
panel-trouble-expander-power = zasilanie ekspandera
panel-trouble-keypad-power = zasilanie manipulatora
panel-trouble-other = awaria { $code }
panel-trouble-service-mode = tryb serwisowy (instalator jest przy centrali)
panel-trouble-technical-zone = wejście techniczne { $number }{ $where }
panel-trouble-expander-ac = ekspander { $number }: brak zasilania sieciowego
panel-trouble-expander-battery = ekspander { $number }: słaby akumulator
panel-trouble-wireless-battery = wejście bezprzewodowe { $number }{ $where }: słaba bateria
panel-trouble-wireless-nocomm = wejście bezprzewodowe { $number }{ $where }: brak komunikacji
panel-trouble-output-nocomm = wyjście bezprzewodowe { $number }{ $where }: brak komunikacji
panel-trouble-expander-nocomm = ekspander { $number }: brak komunikacji
panel-trouble-keypad-nocomm = manipulator { $number }: brak komunikacji
panel-trouble-lan = moduł ETHM { $number }: odłączony kabel sieciowy
panel-trouble-expander-tamper = ekspander { $number }: sabotaż
panel-trouble-keypad-tamper = manipulator { $number }: sabotaż
panel-trouble-memory = 🕘 Pamięć awarii: { $troubles }
panel-service-mode = 🛠 Tryb serwisowy: instalator jest przy centrali.
panel-clock-behind = 🕒 Zegar centrali spóźnia się o { $minutes } min.
panel-clock-ahead = 🕒 Zegar centrali śpieszy się o { $minutes } min.
panel-button-clear-troubles = 🧹 Skasuj pamięć awarii
panel-action-clear_troubles = Skasuj pamięć awarii
panel-target-panel = centrali
panel-no-trouble-memory = ℹ️ W pamięci awarii nie ma nic, co już minęło.
panel-your-code = 🔑 Twój kod: { $stored ->
    [yes] zapisany
   *[no] niezapisany (pytam przy każdej czynności)
}
panel-button-arm = 🔒 Załącz czuwanie
panel-button-disarm = 🔓 Wyłącz czuwanie
panel-button-clear = 🔕 Skasuj alarm
panel-button-code = 🔑 Mój kod
panel-button-forget = 🗑 Zapomnij mój kod
panel-button-outputs = 💡 Wyjścia
panel-button-log = 📋 Dziennik centrali
panel-button-zones = 🚫 Blokuj wejścia
panel-button-force = ⚠️ Wymuś czuwanie, pomijając je
panel-button-all = Wszystkie strefy
panel-button-mode = { $mode ->
    [0] Pełne
    [1] Częściowe 1 (w domu)
    [2] Częściowe 2 (noc)
   *[other] Częściowe 3
}
panel-button-confirm = ✅ { $action }
panel-button-bypass = ✅ { $action }, blokując { $count ->
    [one] to wejście
    [few] te wejścia
    [many] te wejścia
   *[other] te wejścia
}
panel-action-arm = Załącz czuwanie
panel-action-disarm = Wyłącz czuwanie
panel-action-clear = Skasuj alarm
panel-action-output_on = Włącz
panel-action-output_off = Wyłącz
panel-action-bypass = Zablokuj
panel-action-unbypass = Odblokuj
panel-pick-partition = { $action } — która strefa <b>{ $device }</b>?
panel-pick-mode = Czuwanie <b>{ $partitions }</b> — w jakim trybie?
panel-confirm = { $action }: <b>{ $partitions }</b> w { $device }{ $mode }? To pytanie jest ważne 30 s.
panel-confirm-force = Wymuszone czuwanie załącza się mimo to i pomija { $zones }, dopóki się nie zamkną: otwarte nie wywołują alarmu.
panel-confirm-bypass = Zablokowane wejście nie wywołuje alarmu, w czuwaniu ani poza nim, dopóki nie zostanie odblokowane.
panel-pick-output = 💡 Wyjścia <b>{ $device }</b>: naciśnij jedno, aby je przełączyć (⚠️ najpierw pyta).
panel-output-on = { $state } { $name } · włącz
panel-output-off = { $state } { $name } · wyłącz
panel-output-pulse = ▶ { $name } · impuls
panel-pick-zone = 🚫 Wejścia <b>{ $device }</b> (strona { $page } z { $pages }): naciśnij jedno, aby je zablokować albo odblokować.
panel-zone-bypass = { $violated ->
    [yes] 👣 { $name } · zablokuj
   *[no] { $name } · zablokuj
}
panel-zone-unbypass = 🚫 { $name } · odblokuj
panel-confirm-mode = {" "}(tryb: { $mode })
panel-confirm-violated = ⚠️ Teraz naruszone: { $zones }. Czuwanie się nie załączy, jeśli nie zostaną zablokowane na ten raz.
panel-ask-code = 🔑 Wyślij swój kod do <b>{ $device }</b>. Twoja wiadomość zostanie od razu usunięta, a kod użyty tylko do tej czynności.
panel-ask-store = 🔑 Wyślij kod, którego używasz na manipulatorze <b>{ $device }</b>. Twoja wiadomość zostanie od razu usunięta, a kod zapisany w postaci zaszyfrowanej.
panel-code-stored = 🔑 Twój kod do <b>{ $device }</b> jest zapisany (zaszyfrowany). Twoja wiadomość została usunięta.
panel-code-forgotten = 🗑 Twój kod do <b>{ $device }</b> został zapomniany.
panel-working = ⏳ <b>{ $device }</b>: { $action } { $partitions }…
panel-result-ok = ✅ Gotowe: { $action } { $partitions } — centrala potwierdziła w { $seconds } s
panel-result-user_code_not_found = ❌ Błędny kod. { $left ->
    [0] Czynności na tej centrali są dla Ciebie zablokowane na 5 minut.
    [one] Jeszcze jedna próba przed 5-minutową blokadą.
    [few] Zostały { $left } próby.
    [many] Zostało { $left } prób.
   *[other] Zostało { $left } prób.
}
panel-result-wrong_code = { panel-result-user_code_not_found }
panel-result-no_access = ❌ Ten kod nie może tego zrobić w: { $partitions }.
panel-result-cannot_arm_force_possible = ❌ Czuwanie niezałączone: wejścia są naruszone. Zablokuj je albo zamknij i spróbuj ponownie.
panel-result-cannot_arm = ❌ Centrala nie może teraz załączyć czuwania w: { $partitions } (awaria albo strefa jest zablokowana).
panel-result-not_confirmed = ⌛ Centrala przyjęła polecenie, ale jeszcze nie zgłasza nowego stanu.
panel-result-unreachable = 📴 Centrala nie jest teraz połączona; nic nie wysłano.
panel-result-timeout = ⌛ Brak odpowiedzi od centrali w ciągu { $seconds } s.
panel-result-other_error = ❌ Centrala odrzuciła polecenie.
panel-bad-code = ❌ Kod centrali ma od 4 do 16 cyfr. Nic nie zapisano ani nie wysłano — wyślij kod ponownie albo /cancel.
panel-code-needed = 🔑 Najpierw wyślij swój kod.
panel-already-armed = ℹ️ Czuwanie w tym trybie jest już załączone; nic nie wysłano.
panel-not-armed = ℹ️ Tam nic nie czuwa; nic nie wysłano.
panel-no-alarm = ℹ️ Tam nie ma alarmu do skasowania.
panel-bad-names = ❌ Nazwy to NUMER=NAZWA, rozdzielone przecinkami.
alert-panel-alarm = 🚨 <b>ALARM: { $target }</b> — { $device }
alert-panel-zones = { $count ->
    [one] Wejście: { $zones }
    [few] Wejścia: { $zones }
    [many] Wejścia: { $zones }
   *[other] Wejścia: { $zones }
}
alert-panel-alarm-back = ✅ <b>Koniec alarmu: { $target }</b> — { $device }
alert-panel-fire = 🔥 <b>ALARM POŻAROWY: { $target }</b> — { $device }
alert-panel-fire-back = ✅ <b>Koniec alarmu pożarowego: { $target }</b> — { $device }
alert-panel-tamper = 🔴 <b>Sabotaż: { $target }</b> — { $device }
alert-panel-tamper-back = ✅ <b>Koniec sabotażu: { $target }</b> — { $device }
alert-panel-trouble = 🟠 <b>Awaria: { $target }</b> — { $device }
alert-panel-trouble-back = ✅ <b>Koniec awarii: { $target }</b> — { $device }
alert-panel-armed = 🔒 <b>{ $target }: czuwanie załączone</b> ({ $mode }){ $by } — { $device }
alert-panel-disarmed = 🔓 <b>{ $target }: czuwanie wyłączone</b>{ $by } — { $device }
alert-panel-by = {" "}przez { $name }
notice-panel-unreachable = 🔌 <b>Dozor nie może połączyć się z centralą { $device }.</b> { $reason ->
    [refused] Pod jej adresem nic nie przyjmuje połączeń: sprawdź host i port (<code>panel set --host … --port …</code>) oraz czy moduł ETHM jest włączony.
    [silent] Moduł przyjmuje połączenie, ale nigdy nie odpowiada: integracja może być szyfrowana (podaj Dozorowi klucz: <code>panel set … --key …</code>) albo port należy do innej usługi.
    [key] Moduł przyjmuje połączenie, ale nie odpowiada na szyfrowane wiadomości Dozora: sprawdź klucz integracji (<code>panel set … --key …</code>) i czy szyfrowanie jest włączone w DLOADX.
    [busy] Moduł zajmuje inny program (odpowiedział „Busy!”); obsługuje naraz jednego klienta integracji.
   *[other] Nie odpowiada.
}
