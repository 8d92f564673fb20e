panel-partition = Partition { $number }
panel-zone = Zone { $number }
panel-output = Output { $number }
panel-connected = 🟢 connected · confirmed by the panel at { $time }
panel-disconnected = 🔌 <b>not connected</b> · last confirmed at { $time }
panel-never = 🔌 not connected yet
panel-reason-refused = ⛔ Nothing accepts connections at that address: check the host and port (<code>panel set --host … --port …</code>) and that the ETHM module is on.
panel-reason-silent = ⛔ The module took the connection but never answered: its integration may be encrypted (give Dozor the key: <code>panel set … --key …</code>), or the port belongs to another service.
panel-reason-key = ⛔ The module took the connection but never answered Dozor's encrypted messages: check the integration key (<code>panel set … --key …</code>) and that encryption is on in DLOADX.
panel-reason-busy = ⛔ The module is taken by another program (it answered “Busy!”): it serves one integration client at a time. Dozor asks again every 2 s.
panel-stale = ⚠️ <b>no news from the panel for { $seconds } s</b> · last confirmed at { $time }
panel-state-disarmed = 🔓 disarmed
panel-state-armed = 🔒 <b>armed</b> ({ $mode })
panel-state-exit = ⏳ exit time — arming, more than 10 s left
panel-state-exit-short = ⏳ exit time — arming in less than 10 s
panel-state-entry = ⏳ <b>entry time</b> — disarm now
panel-state-alarm = 🚨 <b>ALARM</b>
panel-state-fire = 🔥 <b>FIRE ALARM</b>
panel-state-memory = {" "}· ⚠️ alarm memory
panel-mode-0 = full
panel-mode-1 = partial 1 (home)
panel-mode-2 = partial 2 (night)
panel-mode-3 = partial 3
panel-line = <b>{ $name }</b>: { $state }
panel-violated = 👣 Violated: { $zones }
panel-tampered = 🛠 Tampered: { $zones }
panel-bypassed = 🚫 Bypassed: { $zones }
panel-outputs-on = 💡 On: { $outputs }
panel-temperature = 🌡 { $zone }: { $value }
panel-log-latest = 📋 Latest in the panel's log:
panel-log-line = { $time } { $text }
panel-log-title = 📋 Event log of <b>{ $device }</b> (page { $page } of { $pages }), in the panel's own words:
panel-log-empty = The panel's log has nothing yet.
panel-log-older = ◀ Older
panel-log-newer = Newer ▶
metric-zone-temperature = Zone { $number } temperature
panel-masked = 🙈 Masked (detector covered): { $zones }
panel-alarm-memory = ⚠️ Alarm memory: { $zones }
panel-tamper-memory = ⚠️ Tamper memory: { $zones }
panel-troubles = 🟠 Troubles: { $troubles }
panel-trouble-ac = mains power lost
panel-trouble-battery = battery low
panel-trouble-expander-power = expander power supply
panel-trouble-keypad-power = keypad power supply
panel-trouble-other = trouble { $code }
panel-trouble-service-mode = service mode (an installer is at the panel)
panel-trouble-technical-zone = technical zone { $number }{ $where }
panel-trouble-expander-ac = expander { $number }: mains power lost
panel-trouble-expander-battery = expander { $number }: battery low
panel-trouble-wireless-battery = wireless zone { $number }{ $where }: battery low
panel-trouble-wireless-nocomm = wireless zone { $number }{ $where }: no communication
panel-trouble-output-nocomm = wireless output { $number }{ $where }: no communication
panel-trouble-expander-nocomm = expander { $number }: no communication
panel-trouble-keypad-nocomm = keypad { $number }: no communication
panel-trouble-lan = ETHM module { $number }: network cable unplugged
panel-trouble-expander-tamper = expander { $number }: tamper
panel-trouble-keypad-tamper = keypad { $number }: tamper
panel-trouble-memory = 🕘 Trouble memory: { $troubles }
panel-service-mode = 🛠 Service mode: an installer is at the panel.
panel-clock-behind = 🕒 The panel's clock is { $minutes } min behind.
panel-clock-ahead = 🕒 The panel's clock is { $minutes } min ahead.
panel-button-clear-troubles = 🧹 Clear trouble memory
panel-action-clear_troubles = Clear trouble memory
panel-target-panel = of the panel
panel-no-trouble-memory = ℹ️ The trouble memory holds nothing that is over.
panel-your-code = 🔑 Your code: { $stored ->
    [yes] stored
   *[no] not stored (asked at each action)
}
panel-button-arm = 🔒 Arm
panel-button-disarm = 🔓 Disarm
panel-button-clear = 🔕 Clear alarm
panel-button-code = 🔑 My code
panel-button-forget = 🗑 Forget my code
panel-button-outputs = 💡 Outputs
panel-button-log = 📋 Panel log
panel-button-zones = 🚫 Bypass zones
panel-button-force = ⚠️ Force arm, ignoring them
panel-button-all = All partitions
panel-button-mode = { $mode ->
    [0] Full
    [1] Partial 1 (home)
    [2] Partial 2 (night)
   *[other] Partial 3
}
panel-button-confirm = ✅ { $action }
panel-button-bypass = ✅ { $action }, bypassing { $count ->
    [one] that zone
   *[other] those zones
}
panel-action-arm = Arm
panel-action-disarm = Disarm
panel-action-clear = Clear alarm
panel-action-output_on = Switch on
panel-action-output_off = Switch off
panel-action-bypass = Bypass
panel-action-unbypass = Unbypass
panel-pick-partition = { $action } — which partition of <b>{ $device }</b>?
panel-pick-mode = Arm <b>{ $partitions }</b> — in which mode?
panel-confirm = { $action } <b>{ $partitions }</b> on { $device }{ $mode }? This question is valid for 30 s.
panel-confirm-force = Force arming arms anyway and leaves { $zones } out until they close: while open, they raise no alarm.
panel-confirm-bypass = While bypassed, the zone raises no alarm, armed or not, until it is unbypassed.
panel-pick-output = 💡 Outputs of <b>{ $device }</b>: press one to switch it (⚠️ asks first).
panel-output-on = { $state } { $name } · switch on
panel-output-off = { $state } { $name } · switch off
panel-output-pulse = ▶ { $name } · pulse
panel-pick-zone = 🚫 Zones of <b>{ $device }</b> (page { $page } of { $pages }): press one to bypass or unbypass it.
panel-zone-bypass = { $violated ->
    [yes] 👣 { $name } · bypass
   *[no] { $name } · bypass
}
panel-zone-unbypass = 🚫 { $name } · unbypass
panel-confirm-mode = {" "}(mode: { $mode })
panel-confirm-violated = ⚠️ Violated now: { $zones }. Arming will fail unless they are bypassed for this arming.
panel-ask-code = 🔑 Send your code for <b>{ $device }</b>. Your message is deleted at once and the code is used for this action only.
panel-ask-store = 🔑 Send the code you use at <b>{ $device }</b>'s keypad. Your message is deleted at once and the code is stored encrypted.
panel-code-stored = 🔑 Your code for <b>{ $device }</b> is stored (encrypted). Your message was deleted.
panel-code-forgotten = 🗑 Your code for <b>{ $device }</b> is forgotten.
panel-working = ⏳ <b>{ $device }</b>: { $action } { $partitions }…
panel-result-ok = ✅ Done: { $action } { $partitions } — confirmed by the panel in { $seconds } s
panel-result-user_code_not_found = ❌ Wrong code. { $left ->
    [0] Actions on this panel are locked for you for 5 minutes.
    [one] One more try before a 5-minute lock.
   *[other] { $left } tries left.
}
panel-result-wrong_code = { panel-result-user_code_not_found }
panel-result-no_access = ❌ This code may not do that in { $partitions }.
panel-result-cannot_arm_force_possible = ❌ Not armed: zones are violated. Bypass them or close them and try again.
panel-result-cannot_arm = ❌ The panel cannot arm { $partitions } now (a trouble, or the partition is blocked).
panel-result-not_confirmed = ⌛ The panel took the command, but does not report the new state yet.
panel-result-unreachable = 📴 The panel is not connected right now; nothing was sent.
panel-result-timeout = ⌛ No answer from the panel in { $seconds } s.
panel-result-other_error = ❌ The panel refused the command.
panel-bad-code = ❌ A panel code is 4 to 16 digits. Nothing was stored or sent — send the code again, or /cancel.
panel-code-needed = 🔑 Send your code first.
panel-already-armed = ℹ️ Already armed in that mode; nothing was sent.
panel-not-armed = ℹ️ Nothing is armed there; nothing was sent.
panel-no-alarm = ℹ️ There is no alarm to clear there.
panel-bad-names = ❌ Names are NUMBER=NAME, separated by commas.
alert-panel-alarm = 🚨 <b>ALARM in { $target }</b> — { $device }
alert-panel-zones = { $count ->
    [one] Zone: { $zones }
   *[other] Zones: { $zones }
}
alert-panel-alarm-back = ✅ <b>Alarm over in { $target }</b> — { $device }
alert-panel-fire = 🔥 <b>FIRE ALARM in { $target }</b> — { $device }
alert-panel-fire-back = ✅ <b>Fire alarm over in { $target }</b> — { $device }
alert-panel-tamper = 🔴 <b>Tamper: { $target }</b> — { $device }
alert-panel-tamper-back = ✅ <b>Tamper over: { $target }</b> — { $device }
alert-panel-trouble = 🟠 <b>Trouble: { $target }</b> — { $device }
alert-panel-trouble-back = ✅ <b>Trouble over: { $target }</b> — { $device }
alert-panel-armed = 🔒 <b>{ $target } armed</b> ({ $mode }){ $by } — { $device }
alert-panel-disarmed = 🔓 <b>{ $target } disarmed</b>{ $by } — { $device }
alert-panel-by = {" "}by { $name }
notice-panel-unreachable = 🔌 <b>Dozor cannot reach the panel { $device }.</b> { $reason ->
    [refused] Nothing accepts connections at its address: check the host and port (<code>panel set --host … --port …</code>) and that the ETHM module is on.
    [silent] The module takes the connection but never answers: its integration may be encrypted (give Dozor the key: <code>panel set … --key …</code>), or the port belongs to another service.
    [key] The module takes the connection but never answers Dozor's encrypted messages: check the integration key (<code>panel set … --key …</code>) and that encryption is on in DLOADX.
    [busy] Another program holds the module (it answered “Busy!”); it serves one integration client at a time.
   *[other] It does not answer.
}
