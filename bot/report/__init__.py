"""The research team's report as one self-contained HTML page (carework_core/report/ computes what it says)."""
