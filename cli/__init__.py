"""The `dozor` command."""
