cmd-share = Udostępnij urządzenie
share-choose-device = Które urządzenie chcesz udostępnić?
share-nothing = Nie masz urządzenia, które możesz udostępnić. Udostępniać mogą właściciele i administratorzy.
share-choose-role = 🔗 <b>Udostępnij { $name }</b>
    Co ta osoba może robić?
share-as-admin = 🛠 Administrator: widzi, steruje i zmienia ustawienia
share-as-viewer = 👁 Obserwator: widzi odczyty i dostaje alerty
share-invite =
    🔗 Zaproszenie do <b>{ $name }</b> jako { $role }.
    Prześlij to tej osobie albo dotknij 📤 Udostępnij. Otwiera
    { $link }
    albo wysyła mi <code>/add { $code }</code>.
    Działa raz, do { $until }.
share-button = 📤 Udostępnij
share-invite-short = Dołącz do { $name } w Dozorze (link działa raz):
invite-joined = ✅ Widzisz teraz <b>{ $name }</b> jako { $role }. Wyślij /devices.
invite-wrong = Ten kod zaproszenia jest nieważny. Sprawdź go albo poproś o nowe zaproszenie.
invite-used = To zaproszenie zostało już użyte. Poproś o nowe.
invite-expired = To zaproszenie wygasło. Poproś o nowe.
invite-already-member = Już jesteś członkiem tego urządzenia (jako { $role }).
member-gone = Ta osoba nie jest już członkiem, więc ten przycisk jest nieaktualny.

members-title = 👥 <b>Członkowie { $name }</b>
members-help = Dotknij członka, aby zmienić jego rolę, odebrać dostęp albo przekazać urządzenie.
members-back = ⬅️ Członkowie
member-title = 👤 <b>{ $member }</b> — { $role } urządzenia { $name }
member-make-admin = 🛠 Zrób administratorem
member-make-viewer = 👁 Zrób obserwatorem
member-revoke = 🚫 Odbierz dostęp
member-transfer = 👑 Zrób właścicielem
confirm-revoke = 🚫 Tak, odbierz
confirm-transfer = 👑 Tak, zrób właścicielem
confirm-remove = 🗑 Tak, usuń
revoke-confirm = Odebrać <b>{ $member }</b> dostęp do { $name }? Ta osoba zostanie powiadomiona i od razu straci dostęp.
transfer-confirm = Zrobić <b>{ $member }</b> właścicielem { $name }? Zostajesz administratorem.
remove-confirm = Usunąć <b>{ $name }</b>? Jego historia, ustawienia i alerty zostaną skasowane, a wszyscy członkowie stracą dostęp. Tego nie da się cofnąć.
revoke-done = 🚫 { $member } nie ma już dostępu.
transfer-done = 👑 { $member } jest teraz właścicielem; Ty jesteś administratorem.
remove-done = 🗑 Usunięto { $name }.

log-title = 📜 <b>Dziennik { $name }</b> (od najnowszych{ $pages ->
    [1] {""}
   *[other] , strona { $page } z { $pages }
})
log-empty = Na razie nic.
log-someone = ktoś
log-older = ◀ Starsze
log-newer = Nowsze ▶
log-device-provisioned = Urządzenie zostało założone na serwerze.
log-device-claimed = { $who } przejmuje urządzenie i zostaje jego właścicielem.
log-device-settings = { $who } zmienia ustawienia: { $change }.
log-device-attributes = { $who } zmienia dane urządzenia: { $change }.
log-device-command = { $who } wysyła polecenie „{ $command }”.
log-device-transferred = { $who } przekazuje własność { $target } i zostaje administratorem.
log-device-removed = { $who } usuwa urządzenie.
log-invite-created = { $who } tworzy zaproszenie jako { $role }.
log-member-joined = { $who } dołącza jako { $role }.
log-member-role = { $who } nadaje { $target } rolę: { $role }.
log-member-revoked = { $who } odbiera dostęp { $target } ({ $role }).
log-member-notifications = { $who } { $on ->
    [on] włącza
   *[other] wyłącza
} swoje alerty.
log-access-denied = { $who } dostaje odmowę.
log-alert-acknowledged = { $who } potwierdza alert.
log-panel-arm = { $who } uzbraja centralę ({ $result }).
log-panel-disarm = { $who } rozbraja centralę ({ $result }).
log-panel-clear = { $who } kasuje alarm ({ $result }).
log-panel-code-stored = { $who } zapisuje swój kod centrali.
log-panel-code-forgotten = { $who } usuwa swój kod centrali.

notice-joined = 👋 { $name } dołącza do <b>{ $device }</b> jako { $role }.
notice-joined-by = 👋 { $name } dołącza do <b>{ $device }</b> jako { $role }, z zaproszenia od { $by }.
notice-role = Twoja rola w <b>{ $device }</b> to teraz: { $role }.
notice-revoked = 🚫 Odebrano Ci dostęp do <b>{ $device }</b>.
notice-owner = 👑 Jesteś teraz właścicielem <b>{ $device }</b>.
notice-removed = 🗑 { $name } usuwa <b>{ $device }</b>.
notice-removed-by-operator = 🗑 Operator platformy usunął <b>{ $device }</b>.
