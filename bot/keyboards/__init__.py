"""Pure keyboard builders."""
