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

log-title = 📜 <b>Log of { $name }</b> (newest first)
log-empty = Nothing yet.
log-device-provisioned = provisioned
log-device-claimed = claimed the device
log-device-settings = changed settings
log-device-command = sent a command
log-device-transferred = handed over ownership
log-device-removed = removed the device
log-invite-created = created an invitation
log-member-joined = joined
log-member-role = changed a role
log-member-revoked = revoked access
log-member-notifications = switched their alerts
log-access-denied = was refused
log-alert-acknowledged = acknowledged an alert

notice-joined = 👋 { $name } joined <b>{ $device }</b> as { $role }.
notice-joined-by = 👋 { $name } joined <b>{ $device }</b> as { $role }, invited by { $by }.
notice-role = Your role on <b>{ $device }</b> is now { $role }.
notice-revoked = 🚫 Your access to <b>{ $device }</b> was revoked.
notice-owner = 👑 You are now the owner of <b>{ $device }</b>.
notice-removed = 🗑 <b>{ $device }</b> was removed by { $name }.

admin-title = <b>All devices</b> ({ $count }, metadata only)
admin-device = { $mark } <code>{ $uid }</code> · { $name } · { $type } · { $members ->
    [0] no members
    [one] 1 member
   *[other] { $members } members
}
