start-welcome =
    👋 Hello, { $name }! I am Dozor: I show your sensors, warn you when something is wrong and let you share devices with family and colleagues.

    To add a device, send /add with the claim code from its label or from whoever set it up. Everything I can do: /help
bot-description =
    Dozor watches your sensors, relays and alarm panels: live readings, alerts that reach everyone who should know (once), charts, and sharing with family and colleagues. Your own server, your data.

    Send /start, then /add with a device's claim code.
bot-short-description = Your devices and their alerts, in Telegram: readings, relays, alarm panels, charts.
start-unknown-link = This link is not valid any more. Ask for a new one, or send /add with a claim code.
help-text =
    <b>What I can do</b>
    /devices — your devices; tap one to open its card (settings, commands, sharing, members)
    /status — current readings of all your devices
    /alerts — recent alerts of your devices, open ones first
    /history — charts of your readings (ranges, custom dates, several devices at once, CSV)
    /select — choose the device that /live uses
    /live — watch the selected device update in this message
    /stop — stop watching
    /add — add a device with its claim code, or join one with an invitation code
    /share — invite someone to one of your devices
    /settings — your language, timezone and quiet hours
    /cancel — cancel what you started
    /help — this help
cmd-start = Start and register
cmd-devices = My devices
cmd-status = Current readings
cmd-select = Choose the current device
cmd-live = Watch a device live
cmd-stop = Stop watching
cmd-add = Add a device by claim code
cmd-alerts = Recent alerts
cmd-cancel = Cancel
cmd-help = Help
cancel-done = Cancelled.
cancel-back = ⬅️ Back to where I was
cancel-nothing = Nothing to cancel.
prompt-closed = This prompt is closed: it was answered or cancelled already.
