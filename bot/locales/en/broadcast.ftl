# /broadcast: a platform admin's message to many people.
cmd-broadcast = Send a message to many people
broadcast-ask = 📣 Send the message to broadcast: a text, or a photo with a caption. Formatting is kept.
broadcast-unsupported = Send a text, or one photo with a caption.
broadcast-too-long = That is { $length } characters; a broadcast holds { $limit } (a photo's caption { $caption }). Send a shorter one.
broadcast-preview = 👆 This is how it will look. Who should get it?
broadcast-everyone = 👥 Everyone ({ $count })
broadcast-by-kind = 📟 Owners of a device kind
broadcast-by-language = 🌐 By language
broadcast-kind = { $kind } ({ $count })
broadcast-language = { $language } ({ $count })
broadcast-choose-kind = Owners of which kind of device?
broadcast-choose-language = People who read the bot in which language?
broadcast-audience-everyone = everyone
broadcast-audience-kind = the owners of { $kind } devices
broadcast-audience-language = the people who read the bot in { $language }
broadcast-confirm = Send this to { $audience }: { $count ->
    [one] 1 person
   *[other] { $count } people
}? Alerts still go first.
broadcast-nobody = Nobody is in that audience. Choose another.
broadcast-send = ✅ Send
broadcast-back = ◀ Back
broadcast-cancel = ✖ Cancel
broadcast-cancelled = Broadcast cancelled; nothing was sent.
broadcast-gone = This draft was sent or cancelled already.
broadcast-card = 📣 <b>Broadcast</b> to { $audience }
    ✅ sent { $sent } of { $total }
    ⛔ blocked the bot: { $blocked }
    ⚠️ failed: { $failed }
    ⏳ pending: { $pending }
broadcast-card-done = 📣 <b>Broadcast finished</b> ({ $audience }, { $total })
    ✅ sent { $sent }
    ⛔ blocked the bot: { $blocked }
    ⚠️ failed: { $failed }
