error-generic = Coś poszło nie tak po naszej stronie. Spróbuj ponownie za chwilę.
error-not-found = To urządzenie nie istnieje albo nie masz do niego dostępu.
error-stale = Ten przycisk jest nieaktualny. Wyślij /devices, aby zobaczyć świeżą listę.
error-invalid-input = Nie mogę tego użyć. Sprawdź i spróbuj ponownie.
private-only = Działam tylko w czatach prywatnych, aby nikt inny nie widział Twoich urządzeń ani kodów: otwórz czat z @{ $bot }.
private-only-button = To działa tylko w prywatnym czacie ze mną.
unknown-command = Nie znam tego polecenia. Wyślij /help, aby zobaczyć, co potrafię.
unexpected-text = Nie spodziewałem się tu wiadomości. Wyślij /help, aby zobaczyć, co potrafię.
shelly-bad-channel = To urządzenie nie ma takiego kanału. Otwórz je ponownie z /devices.
shelly-bad-link = Powiązanie wygląda tak: 0=shellypro3em-…:a (kanał, licznik, faza a, b lub c).
secret-keys-missing = Nie można zapisać sekretów: na serwerze nie ustawiono SECRET_KEYS.
secret-unreadable = Zapisanego sekretu nie da się odczytać przy obecnych SECRET_KEYS.
confirmation-expired = ⌛ To potwierdzenie wygasło (30 s) albo zostało użyte. Zacznij od nowa z karty.
confirmation-not-yours = 🙅 Potwierdzić może tylko osoba, która o to poprosiła.
up-to-date = ✓ Aktualne.
error-flood = ⏳ Telegram prosi, żebym zwolnił w tym czacie. Spróbuj ponownie za { $seconds } s.
error-not-allowed = Nie możesz już tego zrobić na { $device }: Twoja rola to { $role }.
