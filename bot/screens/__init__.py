"""What each screen says: pure renderers from core results to the words and buttons a person reads."""
