"""What a round found: figures, summaries and each person's digest, statistics, scrubbed excerpts, tallies."""
