"""What the bot keeps on disk (SQLite), for how long, and how it is deleted."""
