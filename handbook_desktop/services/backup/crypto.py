"""Password encryption of backup files: Argon2id turns the password into a key, AES-256-GCM
seals the file in 1 MiB chunks so a large database never has to fit in memory.

Each chunk has its own nonce (a random prefix + the chunk number + a last-chunk flag), and the
header is the associated data of every chunk: a chunk cannot be moved, dropped, repeated or the
file cut short without the tag check failing.
"""

from __future__ import annotations

import base64
import json
import os
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from handbook_desktop.services.errors import UserError

MAGIC = b"HBBACKUP-ENC1\n"
CHUNK = 1024 * 1024
TAG = 16
KDF_MEMORY_KIB = 64 * 1024
KDF_ITERATIONS = 3
KDF_LANES = 4


class WrongPassword(UserError):
    pass


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def derive_key(password: str, salt: bytes, memory: int = KDF_MEMORY_KIB, iterations: int = KDF_ITERATIONS,
               lanes: int = KDF_LANES) -> bytes:
    kdf = Argon2id(salt=salt, length=32, iterations=iterations, lanes=lanes, memory_cost=memory)
    return kdf.derive(password.encode("utf-8"))


def is_encrypted(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


def new_key(password: str) -> dict:
    """A password's key with its salt, to seal files later without asking again (copies to the
    second folder). Anyone with the password can open them; the key itself stays on this PC."""
    salt = os.urandom(16)
    return {"salt": _b64(salt), "m": KDF_MEMORY_KIB, "t": KDF_ITERATIONS, "p": KDF_LANES,
            "key": _b64(derive_key(password, salt))}


def encrypt_file(source: Path, target: Path, password: str | None = None, *, key: dict | None = None) -> None:
    """Write ``target`` (via a .partial file, fsynced, then renamed) holding ``source`` encrypted,
    under ``password`` or a key made earlier by ``new_key``."""
    if key is not None:
        salt, raw_key = base64.b64decode(key["salt"]), base64.b64decode(key["key"])
        memory, iterations, lanes = int(key["m"]), int(key["t"]), int(key["p"])
    else:
        salt = os.urandom(16)
        memory, iterations, lanes = KDF_MEMORY_KIB, KDF_ITERATIONS, KDF_LANES
        raw_key = derive_key(password, salt)
    prefix = os.urandom(7)
    header = json.dumps({
        "kdf": "argon2id", "m": memory, "t": iterations, "p": lanes,
        "salt": _b64(salt), "nonce_prefix": _b64(prefix), "chunk": CHUNK, "cipher": "aes-256-gcm",
    }, sort_keys=True).encode("ascii")
    aead = AESGCM(raw_key)
    partial = target.with_name(target.name + ".partial")
    with open(source, "rb") as src, open(partial, "wb") as dst:
        dst.write(MAGIC)
        dst.write(struct.pack(">I", len(header)))
        dst.write(header)
        counter = 0
        current = src.read(CHUNK)
        while True:
            following = src.read(CHUNK)
            last = not following
            dst.write(aead.encrypt(_nonce(prefix, counter, last), current, header))
            if last:
                break
            current = following
            counter += 1
        dst.flush()
        os.fsync(dst.fileno())
    os.replace(partial, target)


def decrypt_file(source: Path, target: Path, password: str) -> None:
    """Decrypt ``source`` into ``target``; a wrong password or any damage raises, leaving no target."""
    try:
        with open(source, "rb") as src:
            if src.read(len(MAGIC)) != MAGIC:
                raise UserError("Tệp này không phải bản sao lưu được mã hóa của Sổ tay Chi bộ.")
            (length,) = struct.unpack(">I", src.read(4))
            if length > 4096:
                raise UserError("Phần đầu của bản sao lưu mã hóa bị hỏng.")
            header = src.read(length)
            params = json.loads(header)
            salt = base64.b64decode(params["salt"])
            prefix = base64.b64decode(params["nonce_prefix"])
            chunk = int(params["chunk"])
            key = derive_key(password, salt, int(params["m"]), int(params["t"]), int(params["p"]))
            aead = AESGCM(key)
            with open(target, "wb") as dst:
                counter = 0
                current = src.read(chunk + TAG)
                while True:
                    following = src.read(chunk + TAG)
                    last = not following
                    try:
                        dst.write(aead.decrypt(_nonce(prefix, counter, last), current, header))
                    except InvalidTag:
                        if counter == 0:
                            raise WrongPassword(
                                "Mật khẩu không đúng, hoặc bản sao lưu đã bị sửa đổi: không giải mã được."
                            ) from None
                        raise UserError("Bản sao lưu mã hóa bị hỏng (một phần dữ liệu không khớp).") from None
                    if last:
                        break
                    current = following
                    counter += 1
                dst.flush()
                os.fsync(dst.fileno())
    except (ValueError, KeyError, struct.error) as error:
        Path(target).unlink(missing_ok=True)
        raise UserError("Phần đầu của bản sao lưu mã hóa bị hỏng.") from error
    except BaseException:
        Path(target).unlink(missing_ok=True)
        raise
