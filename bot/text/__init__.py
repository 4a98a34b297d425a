"""Everything a person reads: the catalogue (gettext) and the renderers from core results to words, buttons and charts."""
