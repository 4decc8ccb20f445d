"""Search keys: names folded so "Núñez", "nunez" and "NUNEZ" sort and match alike."""

from __future__ import annotations

import unicodedata

# Letters that carry no combining mark in Unicode, so NFKD alone leaves them alone.
_SPECIAL = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ŀ": "l"})


def fold(text: str) -> str:
    """Lower-case, accent-free, letters and digits only.

    Punctuation and spaces are dropped, so "O'Brien" is found by "obr" and "de la Cruz" by "delac".
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


KEY_LENGTH = 80  # the key columns' width; a folded name can be longer than the name ("ß" -> "ss")


def search_key(text: str) -> str:
    return fold(text)[:KEY_LENGTH]


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string that starts with `prefix` (binary order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
