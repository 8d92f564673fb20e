start-welcome =
    👋 Cześć, { $name }! Jestem Dozor: pokazuję Twoje czujniki, ostrzegam, gdy coś jest nie tak, i pozwalam udostępniać urządzenia rodzinie i współpracownikom.

    Aby dodać urządzenie, wyślij /add z kodem z jego etykiety albo od osoby, która je skonfigurowała. Wszystko, co potrafię: /help
bot-description =
    Dozor pilnuje Twoich czujników, przekaźników i central alarmowych: odczyty na żywo, alerty, które docierają do wszystkich, którzy powinni wiedzieć (raz), wykresy i udostępnianie rodzinie i współpracownikom. Twój serwer, Twoje dane.

    Wyślij /start, a potem /add z kodem urządzenia.
bot-short-description = Twoje urządzenia i ich alerty w Telegramie: odczyty, przekaźniki, centrale alarmowe, wykresy.
start-unknown-link = Ten link jest już nieważny. Poproś o nowy albo wyślij /add z kodem urządzenia.
help-text =
    <b>Co potrafię</b>
    /devices — Twoje urządzenia; dotknij jednego, aby otworzyć jego kartę (ustawienia, polecenia, udostępnianie, członkowie)
    /status — bieżące odczyty wszystkich Twoich urządzeń
    /alerts — ostatnie alerty Twoich urządzeń, najpierw otwarte
    /history — wykresy odczytów (zakresy, własne daty, kilka urządzeń naraz, CSV)
    /select — wybierz urządzenie dla /live
    /live — obserwuj wybrane urządzenie na żywo w tej wiadomości
    /stop — przestań obserwować
    /add — dodaj urządzenie kodem albo dołącz do niego kodem zaproszenia
    /share — zaproś kogoś do jednego z Twoich urządzeń
    /settings — język, strefa czasowa i godziny ciszy
    /cancel — anuluj to, co zacząłeś
    /help — ta pomoc
cmd-start = Start i rejestracja
cmd-devices = Moje urządzenia
cmd-status = Bieżące odczyty
cmd-select = Wybierz bieżące urządzenie
cmd-live = Obserwuj urządzenie na żywo
cmd-stop = Przestań obserwować
cmd-add = Dodaj urządzenie kodem
cmd-alerts = Ostatnie alerty
cmd-cancel = Anuluj
cmd-help = Pomoc
cancel-done = Anulowano.
cancel-back = ⬅️ Wróć tam, gdzie byłem
cancel-nothing = Nie ma czego anulować.
prompt-closed = To pytanie jest już zamknięte: zostało odpowiedziane albo anulowane.
