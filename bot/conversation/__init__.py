"""The conversation core: a question in, a reply out, for every transport; no Telegram here."""
