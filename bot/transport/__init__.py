"""Talking to Telegram: the intake of updates, each person's update order, the sender (outbox drain), HTTP."""
