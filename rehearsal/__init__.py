"""Rehearsals: the real bot against the emulator, with virtual participants."""
