"""What the research team gets: the workbook and its codebook, the export and its csv form."""
