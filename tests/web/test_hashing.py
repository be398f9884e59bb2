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


def test_the_machine_bound_holds_between_processes_and_a_dead_holder_frees_its_slot(
    settings, tmp_path, monkeypatch
) -> None:
    """Under ``serve`` the workers share the machine's slots (lock files): with one slot,
    another process holding it makes a hash wait; when that process dies (killed while
    hashing), the kernel releases the lock and the hash runs."""
    import multiprocessing
    import time

    monkeypatch.setattr(hashers, "_machine", None)
    hashers.share_between_processes(tmp_path / "run", 1)
    settings.PASSWORD_HASHING_SLOTS = 4  # the process's own bound is not what holds here
    hasher = hashers.BoundedArgon2PasswordHasher()
    encoded = hasher.encode("une phrase de passe assez longue", "saltsaltsaltsalt")

    context = multiprocessing.get_context("fork")
    holding = context.Event()

    def hold() -> None:  # another worker: takes the slot and never gives it back
        hashers._machine_slot()
        holding.set()
        time.sleep(60)

    other = context.Process(target=hold, daemon=True)
    other.start()
    assert holding.wait(10)
    done: list[bool] = []
    waiting = threading.Thread(
        target=lambda: done.append(hasher.verify("une phrase de passe assez longue", encoded))
    )
    waiting.start()
    waiting.join(1.0)
    assert waiting.is_alive() and done == []  # the machine's one slot is taken
    other.kill()
    other.join(10)
    waiting.join(10)
    assert done == [True]  # freed by the kernel when its holder died
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["hash-slot-0.lock"]
    assert oct((tmp_path / "run").stat().st_mode & 0o777) == "0o700"


def test_without_serve_there_is_no_bound_between_processes(monkeypatch) -> None:
    monkeypatch.setattr(hashers, "_machine", None)
    assert hashers._machine_slot() is None
