cmd-admin = Przegląd platformy
cmd-users = Wszyscy użytkownicy bota
cmd-all_devices = Wszystkie urządzenia (tylko metadane)
cmd-security = Odrzucone próby obcych
cmd-firmware = Obrazy oprogramowania i wdrożenia
admin-overview = <b>Platforma</b>
    👥 { $users ->
        [one] 1 osoba
        [few] { $users } osoby
        [many] { $users } osób
       *[other] { $users } osób
    } (zablokowali bota: { $blocked })
    📟 { $devices ->
        [one] 1 urządzenie
        [few] { $devices } urządzenia
        [many] { $devices } urządzeń
       *[other] { $devices } urządzeń
    }, online: { $online }
admin-button-users = 👥 Użytkownicy
admin-button-devices = 📟 Urządzenia
admin-button-security = 🛡 Dziennik bezpieczeństwa
admin-button-search = 🔍 Szukaj
admin-button-clear = ✖ { $search }
admin-button-all-kinds = Wszystkie rodzaje
admin-button-any-state = Dowolny stan
admin-button-online = 🟢 Online
admin-button-offline = 🔴 Offline
admin-page = Strona { $page } z { $pages }
admin-users-title = <b>Użytkownicy</b>: { $total }
admin-users-found = <b>Użytkownicy</b> pasujący do „{ $search }”: { $total }
admin-users-none = Nikt nie pasuje.
admin-user = { $mark } <b>{ $name }</b>{ $username } · <code>{ $id }</code> · { $language }
    { $owned ->
        [0] nic nie posiada
       *[other] posiada: { $owned }
    } · { $shared ->
        [0] brak udostępnionych urządzeń
       *[other] udostępnione: { $shared }
    } · { $seen }
admin-user-seen = widziany { $when }
admin-user-never-seen = nie widziany, odkąd to zapisujemy
admin-devices-title = <b>Wszystkie urządzenia</b>: { $total } (tylko metadane)
admin-devices-found = <b>Urządzenia</b> pasujące do „{ $search }”: { $total } (tylko metadane)
admin-devices-none = Żadne urządzenie nie pasuje.
admin-devices-filter = Widok: { $what }
admin-device = { $mark } <code>{ $uid }</code> · { $name } · { $type } · { $members ->
    [0] bez członków
    [one] 1 członek
    [few] { $members } członków
    [many] { $members } członków
   *[other] { $members } członków
}
admin-search-users = Wyślij fragment imienia, @nazwę użytkownika albo identyfikator Telegrama.
admin-search-devices = Wyślij fragment uid albo nazwy.
admin-search-empty = Wyślij tekst do wyszukania albo /cancel.
admin-security-title = <b>Dziennik bezpieczeństwa</b>: odrzucone próby osób, które nie są członkami (najnowsze { $count })
admin-security-line = { $time } · użytkownik <code>{ $user }</code> · { $action } · urządzenie { $device }
admin-security-empty = Dziennik bezpieczeństwa jest pusty: nikt nie próbował tego, czego nie wolno.
cmd-health = Połączenia i wskaźniki platformy
health-link-mqtt = Broker MQTT
health-link-postgresql = PostgreSQL
health-link-redis = Redis
health-link-influx = InfluxDB
health-link-telegram = Long polling Telegrama
health-link-processor = Procesor
health-link-panels = Centrale alarmowe
health-link-quarantine = Kwarantanna
health-down = 🔴 <b>{ $link }</b> nie działa: { $detail }
health-back = 🟢 <b>{ $link }</b> znów działa (przerwa trwała { $duration }).
health-down-mqtt = procesor stracił połączenie z brokerem; urządzeń nie słychać i nie można nimi sterować.
health-down-postgresql = bot nie może połączyć się z bazą danych.
health-down-postgresql-processor = procesor nie może połączyć się z bazą danych; odczyty czekają niepotwierdzone w brokerze.
health-down-redis = bot nie może połączyć się z Redisem; podglądy na żywo, polecenia i potwierdzenia przycisków nie działają.
health-down-influx = zapisy się nie udają; surowe punkty czekają w buforze procesora.
health-down-telegram-conflict = inna instancja odpytuje ten sam token bota (409 Conflict); ta nie dostaje aktualizacji.
health-down-telegram-stalled = brak odpowiedzi na long polling od { $seconds } s.
health-down-processor = żaden procesor nie zgłosił się od { $seconds } s.
health-down-panels = zajęte przez innego klienta (DloadX, GuardX albo inną integrację): { $panels }.
health-down-quarantine = { $count } odrzuconych wiadomości w ostatniej minucie.
health-down-unknown = brak szczegółów.
health-title = <b>Stan</b>
health-up-since = 🟢 { $link } · od { $since }
health-down-since = 🔴 { $link } · nie działa od { $since }: { $detail }
health-unknown = ⚪ { $link } · { $why }
health-not-configured = nie skonfigurowano
health-no-reports = żaden procesor jeszcze się nie zgłosił
health-not-known = nieznane, dopóki Redis nie działa
health-no-panels = brak central
health-panels = Centrale alarmowe: połączone { $connected } z { $total }
health-shelly = Urządzenia Shelly na zapasowym HTTP: { $count }
health-outbox = Skrzynka nadawcza: czeka { $pending } · opóźnienie dostarczenia średnio { $mean } s, najwyżej { $longest } s (ostatnie 5 min)
health-outbox-unknown = Skrzynka nadawcza: nieznana, dopóki PostgreSQL nie działa
health-ingest = Przyjmowanie: { $rate } wiad./s · odrzuconych { $rejected } na minutę ({ $total } od startu)
