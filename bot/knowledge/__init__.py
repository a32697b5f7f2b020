"""What maintainers and translators write, read and checked: the FAQ base and its catalogs."""
