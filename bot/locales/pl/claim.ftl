claim-ask = Wyślij mi kod urządzenia (wygląda tak: <code>7KQ2M-XR9DA</code>) albo /cancel.
claim-done = ✅ { $name }: jesteś teraz właścicielem tego urządzenia. Otwórz je: /devices
claim-wrong = ❌ Ten kod nie pasuje do żadnego urządzenia. { $left ->
    [0] To była na razie ostatnia próba: poczekaj 15 minut przed następną.
    [one] Sprawdź go: jeszcze jedna próba przed 15-minutową przerwą. Albo /cancel.
    [few] Sprawdź go i spróbuj ponownie (zostały { $left } próby) albo /cancel.
    [many] Sprawdź go i spróbuj ponownie (zostało { $left } prób) albo /cancel.
   *[other] Sprawdź go i spróbuj ponownie (zostało { $left } prób) albo /cancel.
}
claim-malformed = ❌ Kod ma 10 liter i cyfr, np. <code>7KQ2M-XR9DA</code> (myślnik jest opcjonalny). Sprawdź go i spróbuj ponownie albo /cancel.
claim-used = ❌ Ten kod został już użyty. Każdy kod działa raz; poproś osobę, która skonfigurowała urządzenie, o nowy.
claim-expired = ❌ Ten kod wygasł. Poproś osobę, która skonfigurowała urządzenie, o nowy.
error-too-many-attempts = ⏳ Za dużo błędnych kodów. Spróbuj ponownie za { $minutes ->
    [one] minutę
    [few] { $minutes } minuty
    [many] { $minutes } minut
   *[other] { $minutes } minut
}.
