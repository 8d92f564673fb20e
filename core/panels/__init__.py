"""SATEL INTEGRA panels: their profile, state, codes, events, leases and the actions on them."""
