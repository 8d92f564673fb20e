claim-ask = Send me the claim code of the device (looks like <code>7KQ2M-XR9DA</code>), or /cancel.
claim-done = ✅ { $name } is yours now. You are its owner. Open it: /devices
claim-wrong = ❌ That code does not match any device. { $left ->
    [0] That was the last try for now: wait 15 minutes before the next one.
    [one] Check it: one more try before a 15-minute pause. Or /cancel.
   *[other] Check it and try again ({ $left } tries left), or /cancel.
}
claim-malformed = ❌ A code has 10 letters and digits, like <code>7KQ2M-XR9DA</code> (the dash is optional). Check it and try again, or /cancel.
claim-used = ❌ That code has been used already. Each code works once; ask whoever set up the device for a new one.
claim-expired = ❌ That code has expired. Ask whoever set up the device for a new one.
error-too-many-attempts = ⏳ Too many wrong codes. Try again in { $minutes ->
    [one] a minute
   *[other] { $minutes } minutes
}.
