"""Alert rules, episodes and what members are told about them."""
