"""Password hashing: argon2id with OWASP's parameters, a bounded number at once."""

from __future__ import annotations

import threading

from django.contrib.auth.hashers import Argon2PasswordHasher

from depositaire.web.ops import hashers


def test_passwords_are_hashed_with_argon2id_at_owasp_parameters(settings) -> None:
    settings.PASSWORD_HASHERS = ["depositaire.web.ops.hashers.BoundedArgon2PasswordHasher"]
    from django.contrib.auth.hashers import check_password, make_password

    encoded = make_password("une phrase de passe assez longue")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("une phrase de passe assez longue", encoded)
    assert not check_password("une autre", encoded)


def test_a_hash_made_with_the_old_parameters_still_opens_and_is_renewed(settings) -> None:
    settings.PASSWORD_HASHERS = ["depositaire.web.ops.hashers.BoundedArgon2PasswordHasher"]
    old = Argon2PasswordHasher().encode("ancien mot de passe long", "saltsaltsaltsalt")
    assert "m=102400,t=2,p=8" in old
    hasher = hashers.BoundedArgon2PasswordHasher()
    assert hasher.verify("ancien mot de passe long", old)
    assert hasher.must_update(old)
    assert not hasher.must_update(hasher.encode("ancien mot de passe long", hasher.salt()))


def test_no_more_hashes_run_at_once_than_the_slots_allow(settings) -> None:
    hasher = hashers.BoundedArgon2PasswordHasher()
    encoded = hasher.encode("une phrase de passe assez longue", "saltsaltsaltsalt")
    for slots in (1, 2):
        settings.PASSWORD_HASHING_SLOTS = slots
        hashers.most_at_once = 0
        results: list[bool] = []
        threads = [
            threading.Thread(
                target=lambda: results.append(
                    hasher.verify("une phrase de passe assez longue", encoded)
                )
            )
            for _ in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == [True] * 6
        assert 1 <= hashers.most_at_once <= slots
    assert hashers.running == 0
