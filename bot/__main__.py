"""`python -m bot` does what the `electionbot` command does."""

from bot.cli import main

raise SystemExit(main())
