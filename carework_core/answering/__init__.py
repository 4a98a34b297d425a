"""Answering a round: the next step, follow-ups, review and change, carry-forward, voice, what answers mean."""
