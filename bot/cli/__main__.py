"""`python -m bot.cli`: the same as the `carework` command."""

from bot.cli.main import main

main()
