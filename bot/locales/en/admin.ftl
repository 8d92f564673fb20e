# Platform admins (ADMIN_USER_IDS): the admin's menu, /users, /all_devices, /security.
cmd-admin = Platform overview
cmd-users = Everyone using the bot
cmd-all_devices = Every device (metadata only)
cmd-security = Refused attempts of strangers
cmd-firmware = Firmware images and rollouts
admin-overview = <b>Platform</b>
    👥 { $users ->
        [one] 1 person
       *[other] { $users } people
    }, { $blocked } of them blocked the bot
    📟 { $devices ->
        [one] 1 device
       *[other] { $devices } devices
    }, { $online } online
admin-button-users = 👥 Users
admin-button-devices = 📟 Devices
admin-button-security = 🛡 Security log
admin-button-search = 🔍 Search
admin-button-clear = ✖ { $search }
admin-button-all-kinds = All kinds
admin-button-any-state = Any state
admin-button-online = 🟢 Online
admin-button-offline = 🔴 Offline
admin-page = Page { $page } of { $pages }
admin-users-title = <b>Users</b>: { $total }
admin-users-found = <b>Users</b> matching “{ $search }”: { $total }
admin-users-none = Nobody matches.
admin-user = { $mark } <b>{ $name }</b>{ $username } · <code>{ $id }</code> · { $language }
    { $owned ->
        [0] owns nothing
        [one] owns 1
       *[other] owns { $owned }
    } · { $shared ->
        [0] no shared devices
        [one] 1 shared with them
       *[other] { $shared } shared with them
    } · { $seen }
admin-user-seen = seen { $when }
admin-user-never-seen = not seen since this was recorded
admin-devices-title = <b>All devices</b>: { $total } (metadata only)
admin-devices-found = <b>Devices</b> matching “{ $search }”: { $total } (metadata only)
admin-devices-none = No device matches.
admin-devices-filter = Showing: { $what }
admin-device = { $mark } <code>{ $uid }</code> · { $name } · { $type } · { $members ->
    [0] no members
    [one] 1 member
   *[other] { $members } members
}
admin-search-users = Send part of a name, a @username or a Telegram id.
admin-search-devices = Send part of a uid or of a name.
admin-search-empty = Send some text to search for, or /cancel.
admin-security-title = <b>Security log</b>: refused attempts of people who are not members (newest { $count })
admin-security-line = { $time } · user <code>{ $user }</code> · { $action } · device { $device }
admin-security-empty = The security log is empty: nobody tried what they may not.
# /health and the admins' messages when a link goes down or comes back.
cmd-health = Links and figures of the platform
health-link-mqtt = MQTT broker
health-link-postgresql = PostgreSQL
health-link-redis = Redis
health-link-influx = InfluxDB
health-link-telegram = Telegram long poll
health-link-processor = Processor
health-link-panels = Alarm panels
health-link-quarantine = Quarantine
health-down = 🔴 <b>{ $link }</b> is down: { $detail }
health-back = 🟢 <b>{ $link }</b> is back (it was down for { $duration }).
health-down-mqtt = the processor lost the broker; devices cannot be heard or commanded.
health-down-postgresql = the bot cannot reach the database.
health-down-postgresql-processor = the processor cannot reach the database; readings wait unacknowledged in the broker.
health-down-redis = the bot cannot reach Redis; live views, commands and button confirmations stop.
health-down-influx = writes are failing; raw points wait in the processor's buffer.
health-down-telegram-conflict = another instance polls the same bot token (409 Conflict); this one gets no updates.
health-down-telegram-stalled = no answer to the long poll for { $seconds } s.
health-down-processor = no processor has reported for { $seconds } s.
health-down-panels = taken by another client (DloadX, GUARDX or another integration): { $panels }.
health-down-quarantine = { $count } messages rejected in the last minute.
health-down-unknown = no details.
health-title = <b>Health</b>
health-up-since = 🟢 { $link } · since { $since }
health-down-since = 🔴 { $link } · down since { $since }: { $detail }
health-unknown = ⚪ { $link } · { $why }
health-not-configured = not configured
health-no-reports = no processor has reported yet
health-not-known = not known while Redis is down
health-no-panels = no panels
health-panels = Alarm panels: { $connected } connected of { $total }
health-shelly = Shelly devices on the HTTP fallback: { $count }
health-outbox = Outbox: { $pending } waiting · delivery lag { $mean } s on average, { $longest } s at most (last 5 min)
health-outbox-unknown = Outbox: not known while PostgreSQL is down
health-ingest = Ingest: { $rate } msg/s · rejected { $rejected } a minute ({ $total } since start)
