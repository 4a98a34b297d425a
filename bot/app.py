"""The app factory: one visible order of handlers around the core's services."""

from __future__ import annotations

from telegram.ext import Application, ContextTypes

from bot.context import BotData, CareworkApp, CareworkContext
from bot.errors import on_error
from bot.handlers import (
    answering,
    consents,
    fallback,
    followups,
    guards,
    item_cards,
    languages,
    notifications,
    onboarding,
    review,
    summaries,
    their_data,
)
from bot.settings import Settings
from bot.team import commands, members
from bot.transport.http import use_client
from bot.transport.update_order import PersonalOrder
from carework_core.bootstrap import Services


def build_application(settings: Settings, services: Services) -> CareworkApp:
    """Builds the python-telegram-bot Application; updates come from our durable intake."""
    api = settings.telegram_api_url
    app = (
        use_client(Application.builder(), settings.http_client)
        .token(settings.telegram_token.get_secret_value())
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .updater(None)
        .concurrent_updates(PersonalOrder())  # different people at once, each person's in order
        .context_types(ContextTypes(context=CareworkContext, bot_data=BotData))
        .build()
    )
    app.bot_data.services = services
    app.bot_data.team = settings.roster()
    app.bot_data.survey = settings.survey
    # Group -1 runs first: updates from groups, channels and bots stop here (a group is told, once,
    # to message the bot in private).
    app.add_handlers(guards.GUARDS, group=-1)
    # Group 0: the team's commands, so /status never reaches the participant fallback; a handled
    # update stops here, anything else (a participant's /start or text) goes on to group 1.
    # A coordinator's /help lists the team's commands; anyone else's goes on to the participants' /help.
    app.add_handlers(summaries.TEAM_HANDLERS + commands.HANDLERS + members.HANDLERS + fallback.TEAM_HANDLERS, group=0)
    # Then one feature handles each update: onboarding, answering, and the fallbacks last.
    handlers = (
        onboarding.HANDLERS
        + consents.HANDLERS
        + answering.HANDLERS
        + followups.HANDLERS
        + item_cards.HANDLERS
        + summaries.PARTICIPANT_HANDLERS
        + fallback.HANDLERS
    )
    handlers = notifications.HANDLERS + handlers  # /pause and /resume before the fallback's /help
    handlers = their_data.HANDLERS + handlers  # /mydata and /withdraw, before the fallback takes any command
    handlers = review.HANDLERS + handlers  # /review and its Change buttons, before the fallback
    handlers = languages.HANDLERS + handlers  # /language, before the fallback takes any command
    app.add_handlers(handlers, group=1)
    app.add_error_handler(on_error)
    return app
