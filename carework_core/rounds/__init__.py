"""Rounds over time: their lifecycle, the pure schedule, plans per group, recorded effects, progress."""
