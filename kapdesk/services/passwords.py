"""Password hashing with argon2id, stored as PHC strings ($argon2id$v=19$m=…,t=…,p=…$salt$hash)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


@dataclass(frozen=True)
class HashPolicy:
    time_cost: int
    memory_kib: int
    parallelism: int


OWASP_MINIMUM = HashPolicy(time_cost=2, memory_kib=19 * 1024, parallelism=1)
_RFC = profiles.RFC_9106_LOW_MEMORY  # argon2-cffi's default: t=3, 64 MiB, p=4 (~0.12 s here)
DEFAULT_POLICY = HashPolicy(_RFC.time_cost, _RFC.memory_cost, _RFC.parallelism)
TEST_POLICY = HashPolicy(time_cost=1, memory_kib=8, parallelism=1)  # only with allow_weak, for tests


class Passwords:
    def __init__(self, policy: HashPolicy = DEFAULT_POLICY, *, allow_weak: bool = False) -> None:
        weaker = (
            policy.time_cost < OWASP_MINIMUM.time_cost
            or policy.memory_kib < OWASP_MINIMUM.memory_kib
            or policy.parallelism < OWASP_MINIMUM.parallelism
        )
        if weaker and not allow_weak:
            raise ValueError("argon2id parameters below OWASP's minimum (m=19 MiB, t=2, p=1) are for tests only")
        self.policy = policy
        self._hasher = PasswordHasher(
            time_cost=policy.time_cost, memory_cost=policy.memory_kib, parallelism=policy.parallelism
        )

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        """True if the password matches. An account with no usable hash is checked against a stand-in hash
        of the same cost, so it takes as long as a real one and fails."""
        try:
            matched = self._hasher.verify(stored or self._stand_in, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            matched = False
        return matched and bool(stored)

    def needs_rehash(self, stored: str) -> bool:
        """True when the stored hash was made with parameters other than today's policy."""
        try:
            return self._hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True

    def warm_up(self) -> None:
        """Make the stand-in hash now, so that no sign-in attempt pays for it and stands out by its timing."""
        _ = self._stand_in

    @cached_property
    def _stand_in(self) -> str:
        return self._hasher.hash("kapdesk stand-in password for unknown accounts")
