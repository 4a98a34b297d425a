"""The `carework` command: thin commands, one service call each."""
