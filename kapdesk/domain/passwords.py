"""The password rules (NIST SP 800-63B style): long enough, not on a blocklist, no composition rules.

A blocklisted password is one an attacker tries first: common words and keyboard walks dressed up with
digits and symbols, the clinic's own words, the user's name, or one character repeated.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MIN_LENGTH = 12
MAX_LENGTH = 256  # long passphrases are welcome; the cap only keeps hashing bounded

# Words people build passwords from. Matched after stripping the digits and symbols people wrap around them.
_BLOCKED_CORES = frozenset(
    """
    password passw0rd p@ssword passwort motdepasse contrasena letmein welcome iloveyou trustno1 changeme
    secret default admin administrator root master login access sunshine princess football baseball
    soccer hockey dragon monkey shadow superman batman starwars pokemon michael jennifer jessica charlie
    qwerty qwertyuiop asdfghjkl zxcvbnm azerty qwertz abc abcdef abcdefgh abcdefghijkl
    kapdesk ketamine esketamine spravato clinic therapy doctor nurse reception frontdesk health medical
    summer winter spring autumn monday friday january december hello helloworld whatever freedom
    """.split()
)
_KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class PasswordProblem:
    message: str


def check_password(password: str, *, username: str = "", full_name: str = "") -> PasswordProblem | None:
    """Why this password is refused, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return PasswordProblem(
            f"Use at least {MIN_LENGTH} characters (this has {len(password)}). A few unrelated words make a good one."
        )
    if len(password) > MAX_LENGTH:
        return PasswordProblem(f"Use at most {MAX_LENGTH} characters.")
    folded = _fold(password)
    if len(set(folded)) <= 2:
        return PasswordProblem("That password repeats the same characters; choose something less predictable.")
    core = folded.strip("0123456789!@#$%^&*()-_=+.,?~;:'\" ")
    plain = re.sub(r"[^0-9a-z]", "", folded)  # keyboard runs with punctuation sprinkled in
    walks = (folded, core, plain, plain.strip("0123456789"))
    if _repeats_a_short_word(plain):
        return PasswordProblem("That password is a short word said again; choose a longer phrase.")
    if not core or core in _BLOCKED_CORES or any(_is_keyboard_walk(text) for text in walks):
        return PasswordProblem("That password is among the first an attacker would try; choose another.")
    for personal in (username, *full_name.split()):
        token = _fold(personal)
        if len(token) >= 4 and token in folded:
            return PasswordProblem("The password must not contain your name or username.")
    return None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def _repeats_a_short_word(text: str) -> bool:
    """ "passwordpassword", "Welcome1Welcome1": the length comes from saying one short thing twice."""
    size = len(text)
    return any(size % n == 0 and text == text[:n] * (size // n) for n in range(1, min(size // 2, MIN_LENGTH - 1) + 1))


def _is_keyboard_walk(text: str) -> bool:
    """A run along one keyboard row or the alphabet, forwards or backwards, perhaps repeated ("123412341234")."""
    squeezed = re.sub(r"\s+", "", text)
    if len(squeezed) < 4:
        return False
    for row in _KEYBOARD_ROWS:
        for line in (row, row[::-1]):
            for start in range(len(line)):
                period = line[start:]
                for length in range(4, len(period) + 1):
                    unit = period[:length]
                    if squeezed == (unit * (len(squeezed) // length + 1))[: len(squeezed)]:
                        return True
    return False
