"""What the research team gets: the workbook and codebook, exports, synthesis of examples into items."""
