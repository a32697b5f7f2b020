"""`python -m bot` does what the `electionbot` command does."""

from bot.cli.main import main

raise SystemExit(main())
