settings-title = <b>Your settings</b>
settings-timezone = Timezone: { $zone } (your time now { $time })
settings-quiet = Quiet hours: { $hours }
settings-quiet-off = off
settings-digest = Morning digest (with quiet hours on): { $time }
settings-quiet-range = { $start }:00–{ $end }:00
settings-quiet-help = During quiet hours only critical alerts reach you; the others wait for the morning and come as one message, and a digest tells you how the night went.
settings-timezone-help = To change the timezone send, for example, <code>/settings tz Europe/Warsaw</code> or just the city: <code>/settings tz warsaw</code>.
settings-quiet-button-off = No quiet hours
settings-timezone-set = ✅ Timezone set to { $zone }.
settings-unknown-timezone = ❌ I do not know the timezone “{ $name }”. Use a name like Europe/Warsaw or America/Sao_Paulo.
cmd-settings = My settings: language, timezone, quiet hours
settings-language = Language: { $language }
# Each language's name in itself (the buttons show every one so).
language-en = 🇬🇧 English
language-pl = 🇵🇱 Polski
language-ru = 🇷🇺 Русский
language-pt-BR = 🇧🇷 Português (Brasil)
