"""Item sets: lists loaded directly, and synthesis of examples into items (its workbook, checks and clusters)."""
