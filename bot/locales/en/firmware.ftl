# Firmware updates: the device card, /firmware, rollout cards.
firmware-offer = ⬆️ Update available: <b>{ $version }</b>
firmware-offer-notes = { $notes }
firmware-updating = ⬆️ Updating to { $version }: { $state }
firmware-updating-progress = ⬆️ Updating to { $version }: downloading, { $progress } %
firmware-updating-tonight = ⬆️ Update to { $version } at { $time }
firmware-button-now = ⬆️ Update now
firmware-button-tonight = 🌙 Tonight (03:00)
firmware-button-skip = Skip this version
firmware-started = Update to { $version } started: the device downloads it now.
firmware-scheduled = Update to { $version } set for { $time }.
firmware-skipped = { $version } skipped: you will be offered the next one.
firmware-state-queued = waiting for the device
firmware-state-sent = sent to the device
firmware-state-downloading = downloading
firmware-state-verifying = verifying
firmware-state-rebooting = rebooting
firmware-state-done = done
firmware-state-failed = failed
firmware-state-rolled_back = rolled back
firmware-state-timed_out = timed out
firmware-title = 🧩 <b>Firmware</b>
firmware-none = No images yet. Send a firmware file here (the app image, e.g. micropython.bin) to add one.
firmware-image = • { $kind } <b>{ $version }</b> · { $size } · { $date }{ $notes }
firmware-send-hint = Send a firmware file here to add an image.
firmware-rollouts = <b>Rollouts</b>
firmware-rollout-line = • #{ $id } { $kind } { $version }: { $state }
firmware-button-plan = 🚀 Roll out { $kind } { $version }
firmware-button-remove = 🗑 { $kind } { $version }
firmware-button-card = 📋 Rollout #{ $id }
firmware-removed = Image { $kind } { $version } removed.
firmware-in-use = A running or paused rollout uses { $kind } { $version }: halt it first.
firmware-ask-kind = Which devices is <b>{ $name }</b> ({ $size }) for?
firmware-ask-version = Which version is it? Send it as the devices report it, e.g. 2.0.2.
firmware-bad-version = “{ $version }” is not a version: letters, digits and . + - _ only, at most 32. Send it again.
firmware-ask-notes = What changed, in a line for the owners? Send it, or press “No notes”.
firmware-button-no-notes = No notes
firmware-added = Added { $kind } <b>{ $version }</b>: { $size }, SHA-256 <code>{ $sha }</code>.
firmware-refused = Not added: { $reason }
firmware-refused-exists = { $kind } { $version } is there already.
firmware-refused-empty = the file is empty.
firmware-refused-too_large = the file is larger than an app partition holds.
firmware-refused-other = the image cannot be used ({ $reason }).
firmware-too-big = Telegram lets bots fetch files up to 20 MB; add this one with “dozor firmware add” on the server.
firmware-plan = 🚀 <b>Roll out { $kind } { $version }</b>
    { $count ->
        [one] to 1 device that does not run it yet
       *[other] to { $count } devices that do not run it yet
    }: first { $canary ->
        [0] no canary
        [one] a canary of 1 device
       *[other] a canary of { $canary } devices
    }, then { $pace } a minute. It halts by itself when a canary fails, when more than { $limit } % fail, or when an updated device goes silent or raises an alert.
firmware-button-canary = Canary: { $canary } ▸
firmware-button-pace = Pace: { $pace }/min ▸
firmware-button-start = ✅ Start
firmware-nothing = Every { $kind } device runs { $version } already.
firmware-card-title = 🚀 <b>Rollout #{ $id }: { $kind } { $version }</b> — { $state }
firmware-card-counts = { $counts }
firmware-card-count = { $state }: { $n }
firmware-card-failure = • { $name }: { $state } — { $error }
firmware-card-halted = Halted: { $reason }
firmware-rollout-running = running
firmware-rollout-paused = ⏸ paused
firmware-rollout-halted = ⏹ halted
firmware-rollout-done = ✅ done
firmware-button-pause = ⏸ Pause
firmware-button-resume = ▶️ Resume
firmware-button-halt = ⏹ Halt
# A Shelly updating itself from its maker's stable channel.
shelly-offer = ⬆️ Firmware <b>{ $version }</b> is available from Shelly.
shelly-last-failed = The last attempt failed: { $reason }
shelly-updating = ⬆️ Updating to { $version }: { $state }
shelly-updating-progress = ⬆️ Updating to { $version }: downloading, { $progress } %
shelly-button-update = ⬆️ Update to { $version }
shelly-confirm = ⬆️ Update <b>{ $name }</b> from { $from } to <b>{ $version }</b>?
    The device downloads the firmware from Shelly and restarts when it is done: for a minute or so it neither reports nor takes commands.
shelly-button-yes = ✅ Yes, update
shelly-asking = ⏳ Asking the device to install { $version }…
shelly-started = ⬆️ { $name } took the update to { $version }: it downloads it from Shelly now.
shelly-no-answer = ⏳ { $name } has not answered yet: it may be offline. The card shows what it says; if nothing comes, the update times out and you can try again.
shelly-refused = ⚠️ { $name } refused the update: { $reason }
notice-shelly-update-done = ✅ <b>{ $name }</b> now runs firmware { $version }.
notice-shelly-update-failed = ⚠️ <b>{ $name }</b> did not update to { $version }: { $reason }
firmware-button-choose = 🎯 Choose devices
firmware-plan-chosen = 🎯 Only the chosen devices: { $names }{ $more ->
        [0] {""}
       *[other] {" "}and { $more } more
    }
firmware-choose = 🎯 <b>Which devices get { $kind } { $version }?</b>
    { $chosen } of { $count } chosen. Press a device to take it in or out.
firmware-button-chosen = ✅ Done ({ $chosen ->
        [0] none chosen: all
       *[other] { $chosen } chosen
    })
firmware-button-all = Every device
