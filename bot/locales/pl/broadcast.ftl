cmd-broadcast = Wyślij wiadomość do wielu osób
broadcast-ask = 📣 Wyślij wiadomość do rozesłania: tekst albo zdjęcie z podpisem. Formatowanie zostanie zachowane.
broadcast-unsupported = Wyślij tekst albo jedno zdjęcie z podpisem.
broadcast-too-long = To { $length } znaków; wiadomość mieści { $limit } (podpis zdjęcia { $caption }). Wyślij krótszą.
broadcast-preview = 👆 Tak to będzie wyglądać. Kto ma to dostać?
broadcast-everyone = 👥 Wszyscy ({ $count })
broadcast-by-kind = 📟 Właściciele urządzeń danego rodzaju
broadcast-by-language = 🌐 Według języka
broadcast-kind = { $kind } ({ $count })
broadcast-language = { $language } ({ $count })
broadcast-choose-kind = Właściciele jakiego rodzaju urządzeń?
broadcast-choose-language = Osoby czytające bota w jakim języku?
broadcast-audience-everyone = wszystkich
broadcast-audience-kind = właścicieli urządzeń { $kind }
broadcast-audience-language = osób czytających bota w języku { $language }
broadcast-confirm = Wysłać to do: { $audience } — { $count ->
    [one] 1 osoba
    [few] { $count } osoby
    [many] { $count } osób
   *[other] { $count } osób
}? Alerty i tak idą pierwsze.
broadcast-nobody = Nikogo nie ma w tej grupie. Wybierz inną.
broadcast-send = ✅ Wyślij
broadcast-back = ◀ Wstecz
broadcast-cancel = ✖ Anuluj
broadcast-cancelled = Rozsyłanie anulowane; nic nie wysłano.
broadcast-gone = Ten szkic został już wysłany albo anulowany.
broadcast-card = 📣 <b>Rozsyłanie</b> do: { $audience }
    ✅ wysłano { $sent } z { $total }
    ⛔ zablokowali bota: { $blocked }
    ⚠️ nieudane: { $failed }
    ⏳ w kolejce: { $pending }
broadcast-card-done = 📣 <b>Rozsyłanie zakończone</b> ({ $audience }, { $total })
    ✅ wysłano { $sent }
    ⛔ zablokowali bota: { $blocked }
    ⚠️ nieudane: { $failed }
