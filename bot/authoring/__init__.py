"""Tools for the people who write the content: maintainers (`kb`) and translators (`locales`)."""
