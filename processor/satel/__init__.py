"""SATEL INTEGRA panels: the lease supervisor and one worker per panel held."""
