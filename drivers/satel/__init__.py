"""SATEL INTEGRA alarm panels over ETHM-1: the integration protocol codec and its TCP link."""
