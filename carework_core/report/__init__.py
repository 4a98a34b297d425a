"""The research team's report of a consultation, as data: who took part, the ideas ranked, what changed between rounds."""
