"""The machinery of words: the catalogue (gettext), Telegram HTML, replies and charts."""
