"""The research team's report as one self-contained HTML file: its sections, rendered from the core's results."""
