cmd-share = Share a device
share-choose-device = Which device do you want to share?
share-nothing = You have no device you may share. Owners and admins can share.
share-choose-role = 🔗 <b>Share { $name }</b>
    What may the person do?
share-as-admin = 🛠 Admin: sees, controls and changes settings
share-as-viewer = 👁 Viewer: sees readings and gets alerts
share-invite =
    🔗 Invitation to <b>{ $name }</b> as { $role }.
    Forward this to the person, or tap 📤 Share. They open
    { $link }
    or send me <code>/add { $code }</code>.
    It works once, until { $until }.
share-button = 📤 Share
share-invite-short = Join { $name } on Dozor (the link works once):
invite-joined = ✅ You can now see <b>{ $name }</b> as { $role }. Send /devices.
invite-wrong = This invitation code is not valid. Check it, or ask for a new invitation.
invite-used = This invitation was used already. Ask for a new one.
invite-expired = This invitation has expired. Ask for a new one.
invite-already-member = You are already a member of this device (as { $role }).
member-gone = This person is no longer a member, so this button is out of date.

members-title = 👥 <b>Members of { $name }</b>
members-help = Tap a member to change their role, revoke their access or hand over the device.
members-back = ⬅️ Members
member-title = 👤 <b>{ $member }</b> — { $role } of { $name }
member-make-admin = 🛠 Make admin
member-make-viewer = 👁 Make viewer
member-revoke = 🚫 Revoke access
member-transfer = 👑 Make owner
confirm-revoke = 🚫 Yes, revoke
confirm-transfer = 👑 Yes, make them the owner
confirm-remove = 🗑 Yes, remove it
revoke-confirm = Revoke the access of <b>{ $member }</b> to { $name }? They are told and lose access at once.
transfer-confirm = Make <b>{ $member }</b> the owner of { $name }? You stay on as an admin.
remove-confirm = Remove <b>{ $name }</b>? Its history, settings and alerts are deleted and every member loses access. This cannot be undone.
revoke-done = 🚫 { $member } no longer has access.
transfer-done = 👑 { $member } is the owner now; you are an admin.
remove-done = 🗑 { $name } was removed.

log-title = 📜 <b>Log of { $name }</b> (newest first{ $pages ->
    [1] {""}
   *[other] , page { $page } of { $pages }
})
log-empty = Nothing yet.
log-someone = someone
log-older = ◀ Older
log-newer = Newer ▶
log-device-provisioned = The device was set up on the server.
log-device-claimed = { $who } claimed the device and became its owner.
log-device-settings = { $who } changed settings: { $change }.
log-device-attributes = { $who } changed the device's details: { $change }.
log-device-command = { $who } sent the command “{ $command }”.
log-device-transferred = { $who } handed ownership to { $target } and stayed on as admin.
log-device-removed = { $who } removed the device.
log-invite-created = { $who } created an invitation as { $role }.
log-member-joined = { $who } joined as { $role }.
log-member-role = { $who } made { $target } { $role }.
log-member-revoked = { $who } revoked the access of { $target } ({ $role }).
log-member-notifications = { $who } switched their alerts { $on ->
    [on] on
   *[other] off
}.
log-access-denied = { $who } was refused an action.
log-alert-acknowledged = { $who } acknowledged an alert.
log-panel-arm = { $who } armed the panel ({ $result }).
log-panel-disarm = { $who } disarmed the panel ({ $result }).
log-panel-clear = { $who } cleared the alarm ({ $result }).
log-panel-code-stored = { $who } stored their panel code.
log-panel-code-forgotten = { $who } forgot their panel code.

notice-joined = 👋 { $name } joined <b>{ $device }</b> as { $role }.
notice-joined-by = 👋 { $name } joined <b>{ $device }</b> as { $role }, invited by { $by }.
notice-role = Your role on <b>{ $device }</b> is now { $role }.
notice-revoked = 🚫 Your access to <b>{ $device }</b> was revoked.
notice-owner = 👑 You are now the owner of <b>{ $device }</b>.
notice-removed = 🗑 <b>{ $device }</b> was removed by { $name }.
notice-removed-by-operator = 🗑 <b>{ $device }</b> was removed by the platform's operator.

