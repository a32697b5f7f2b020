"""Running the bot for operators: settings, start-up checks, HTTP client, health, metrics, load."""
