"""Running it for real: what an operator's tools ask of the bot (metrics)."""
