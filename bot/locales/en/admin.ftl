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
