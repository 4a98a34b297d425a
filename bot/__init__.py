"""The imperative shell: everything that talks to Telegram, the clock and the terminal."""

import warnings

from telegram.warnings import PTBDeprecationWarning, PTBUserWarning

# The intake asks for getUpdates through do_api_request to keep each update's raw JSON (one the
# library cannot parse must not sink its batch), and the sender replays queued calls generically.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.", category=PTBUserWarning)
# retry_after may be seconds or a timedelta; bot.transport.sender.retry_seconds reads either.
warnings.filterwarnings("ignore", message=r".*retry_after", category=PTBDeprecationWarning)
# A voice note's duration may be seconds or a timedelta; bot.handlers.answering.spoken reads either.
warnings.filterwarnings("ignore", message=r".*attribute `duration`", category=PTBDeprecationWarning)
