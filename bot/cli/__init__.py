"""The `electionbot` command: one entry that dispatches to a module per command group."""
