"""The research team's report: who took part, the ideas ranked, where they came from (data only)."""
