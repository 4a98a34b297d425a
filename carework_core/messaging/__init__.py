"""Updates coming in (the inbox) and messages going out (the outbox), in the core's words."""
