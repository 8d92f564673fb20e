"""Who may do what to which device."""
