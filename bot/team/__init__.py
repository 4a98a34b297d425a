"""What the consultation team does in Telegram: its commands, the team itself, announcements, and who may use them."""
