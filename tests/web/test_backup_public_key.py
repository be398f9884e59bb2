"""``depositaire backup FILE --public-key PEM``: a backup only the private key opens.

Through the real command on SQLite, as ``test_backup.py`` does for the passphrase.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa, x25519

from depositaire.web.ops import archive
from depositaire.web.ops.backup import BackupError, load_public_key
from web.live import SQLITE_SUBPROCESSES
from web.test_backup import CLI, PASSPHRASE, SEED, run, sqlite_env, tree_digest

pytestmark = SQLITE_SUBPROCESSES

KEY_PASSWORD = "la phrase qui protège la clé privée"


def _write_pair(folder: Path, name: str, private, *, password: str | None = None) -> None:
    encryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    (folder / f"{name}.pem").write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
    )
    (folder / f"{name}.pub.pem").write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One seeded data folder, backed up to an X25519 key and to an RSA-3072 key."""
    keys = tmp_path_factory.mktemp("keys")
    _write_pair(keys, "x25519", x25519.X25519PrivateKey.generate())
    _write_pair(keys, "other", x25519.X25519PrivateKey.generate())
    _write_pair(
        keys,
        "rsa",
        rsa.generate_private_key(public_exponent=65537, key_size=3072),
        password=KEY_PASSWORD,
    )
    source = tmp_path_factory.mktemp("source")
    seeded = run([sys.executable, "-c", SEED], sqlite_env(source))
    assert seeded.returncode == 0, seeded.stderr
    files = {"keys": keys}
    for kind in ("x25519", "rsa"):
        file = source / f"sauvegarde-{kind}.dep"
        # No passphrase in the environment: none is needed, none is asked.
        made = run(
            [*CLI, "backup", str(file), "--public-key", str(keys / f"{kind}.pub.pem")],
            sqlite_env(source),
        )
        assert made.returncode == 0, made.stdout + made.stderr
        assert "Sauvegarde écrite" in made.stdout
        files[kind] = file
    return files


def test_the_header_names_the_recipient_and_the_archive_holds_no_plaintext(keyed) -> None:
    for kind, name in (("x25519", "x25519"), ("rsa", "rsa-oaep-sha256")):
        raw = keyed[kind].read_bytes()
        for clear in (b"SQLite format 3", b"keyring.json", b"BEGIN PRIVATE KEY"):
            assert clear not in raw
        with keyed[kind].open("rb") as fh:
            header = archive.peek_header(fh)
        public = load_public_key(keyed["keys"] / f"{kind}.pub.pem")
        assert header["kdf"]["name"] == name
        assert header["kdf"]["recipient"] == archive.fingerprint(public)
        assert "salt" not in header["kdf"]  # no passphrase involved


def test_an_x25519_backup_restores_with_its_private_key_and_verifies(keyed, tmp_path) -> None:
    target = tmp_path / "restored"
    restored = run(
        [*CLI, "restore", str(keyed["x25519"]), "--private-key", str(keyed["keys"] / "x25519.pem")],
        sqlite_env(target),
    )
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Journal intact" in restored.stdout and "même empreinte" in restored.stdout
    assert "Champs scellés ouverts avec le trousseau restauré" in restored.stdout


def test_an_rsa_backup_restores_with_its_private_key_protected_by_a_passphrase(
    keyed, tmp_path
) -> None:
    target = tmp_path / "restored"
    restored = run(
        [*CLI, "restore", str(keyed["rsa"]), "--private-key", str(keyed["keys"] / "rsa.pem")],
        sqlite_env(target, DEPOSITAIRE_BACKUP_PASSPHRASE=KEY_PASSWORD),
    )
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Journal intact" in restored.stdout


@pytest.mark.parametrize(
    ("archive_kind", "key", "env", "message"),
    [
        ("x25519", "other.pem", {}, "elle a été chiffrée pour une autre clé"),
        ("rsa", "x25519.pem", {}, "elle a été chiffrée pour une autre clé"),
        ("rsa", "rsa.pem", {"DEPOSITAIRE_BACKUP_PASSPHRASE": "pas la bonne"}, "est chiffrée"),
        ("x25519", None, {"DEPOSITAIRE_BACKUP_PASSPHRASE": PASSPHRASE}, "--private-key"),
    ],
    ids=["another x25519 key", "an x25519 key for rsa", "the key's wrong password", "a passphrase"],
)
def test_a_wrong_key_is_refused_in_french_and_touches_nothing(
    keyed, tmp_path, archive_kind, key, env, message
) -> None:
    target = tmp_path / "target"
    (target / "keys").mkdir(parents=True)  # an empty target, left exactly as it was
    before = tree_digest(target)
    args = [*CLI, "restore", str(keyed[archive_kind])]
    if key:
        args += ["--private-key", str(keyed["keys"] / key)]
    refused = run(args, sqlite_env(target, **env))
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert message in refused.stderr
    assert "rien n'a été restauré" in refused.stderr
    assert "Traceback" not in refused.stderr + refused.stdout
    assert tree_digest(target) == before and sorted(p.name for p in target.iterdir()) == ["keys"]


def test_a_public_key_that_is_too_short_or_not_a_key_is_refused(tmp_path) -> None:
    short = tmp_path / "short.pub.pem"
    short.write_bytes(
        rsa.generate_private_key(public_exponent=65537, key_size=1024)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(BackupError, match="1024 bits : il en faut au moins 2048"):
        load_public_key(short)
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("pas une clé")
    with pytest.raises(BackupError, match="n'est pas une clé publique PEM lisible"):
        load_public_key(garbage)
