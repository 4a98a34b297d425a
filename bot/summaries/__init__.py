"""Between-round summaries as people read them: the first screen, each idea's page, the digest, the reasons chosen, and their sending."""
