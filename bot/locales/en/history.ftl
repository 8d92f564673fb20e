cmd-history = Charts of your readings
history-pick =
    📈 <b>History</b>
    Pick a device, or a metric to compare all devices that measure it.
history-pick-device = 📈 { $name }
history-pick-shared = 📊 { $metric } · { $count ->
    [2] both devices
   *[other] all { $count } devices
}
history-nothing = 📭 There are no readings to draw yet: a device appears here once it has reported.
history-all-devices = All devices
history-some-devices = Devices { $first }–{ $last } of { $total }
history-devices-previous = ◀ Devices { $first }–{ $last }
history-devices-next = Devices { $first }–{ $last } ▶
history-title = { $device } · { $metric } · { $range }
history-y-label = { $metric }, { $unit }
history-y-label-plain = { $metric }
history-empty = No readings in this range
history-mean = mean
history-band = min–max
history-limit-threshold_high = high { $value }
history-limit-threshold_low = low { $value }
history-caption = 📈 <b>{ $device }</b> · { $metric }
history-caption-range = { $range }
history-caption-figures = min <b>{ $min }</b> · mean <b>{ $mean }</b> · max <b>{ $max }</b>{ $unit } ({ $count ->
    [one] one reading
   *[other] { $count } readings
})
history-caption-device = { $device }: min { $min } · mean { $mean } · max { $max }
history-caption-empty = No readings in this range.
history-caption-hours = Hourly figures.
history-caption-episodes = { $count ->
    [one] One alert episode shaded.
   *[other] { $count } alert episodes shaded.
}
history-span-6h = 6 h
history-span-24h = 24 h
history-span-7d = 7 d
history-span-30d = 30 d
history-dates = 📅 Dates…
history-metrics = 📊 Metric…
history-csv = ⬇️ CSV
history-card = ⬅️ Card
history-back = ↩️ Back to the chart
history-dates-ask =
    📅 Send the dates to draw, for example <code>2026-11-01 2026-11-15</code> or <code>1.11 15.11</code>; one date draws that day. Words work too: <code>yesterday</code>, <code>last week</code>, <code>this month</code>.
    Up to two years, not in the future.
history-dates-invalid = ❌ I could not read those dates. Send one date or two (first, last), like <code>2026-11-01 2026-11-15</code>, not in the future and at most two years apart.
history-dates-backwards = ❌ The last day comes before the first. Send them the other way round, like <code>2026-11-01 2026-11-15</code>.
history-dates-future = ❌ That starts in the future: there is nothing to draw yet. Send days up to today.
history-dates-too-long = ❌ A chart covers at most two years. Send a shorter range.
history-dates-done = ✅ The chart above now shows { $range }.
history-csv-caption = { $device } · { $metric } · { $range }
history-csv-empty = No readings in this range, so there is nothing to export.
# The file name of an export of every device (no spaces).
history-csv-all = all
