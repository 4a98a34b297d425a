"""Reading level: how hard a text is to read on a phone, measured against a definition's limits (pure)."""
