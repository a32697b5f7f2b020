"""The words of be/ru/en: normalisation, transliteration, keyboard layouts, numerals and places."""
