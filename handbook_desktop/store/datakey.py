"""Encryption at rest (issue 13 §3): the data key, its keyring beside the database, keyed connections.

A SQLite database is encrypted by SQLCipher (``sqlcipher3``) under a random 256-bit data key, given
to every connection as a raw key (no key derivation per connection). The key never touches the disk
in clear. Beside the database, ``<name>.khoa.json`` (the keyring) holds it wrapped (AES-256-GCM)
once per active account and once per recovery code. The wrapping key of an account is derived
from the Argon2id digest of its password: the salt and cost are in the keyring (``hash``), the
digest itself is only inside the encrypted database (``app_user.password_hash``). So the keyring
is a function of the data key and the accounts: it is rebuilt from the accounts after every change
to them (``refresh``), a conversion needs nobody's password, and a guess costs an Argon2id run.

Before any password: the keyring also keeps the failed attempts at the door (the database cannot
be opened to count them) and their audit lines until the next sign-in writes them to the log.

A new database has no account yet: its keyring holds the key in clear (``pending``) until setup
makes the first account. Such a file holds no member (setup comes first), and the clear key goes
the moment there is an account to wrap it for.

Keys known to this process are kept by their id (a hash of the key) in memory: a backup (its
manifest names the key id) or a copy of the same database opens without asking again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

PLAIN_MAGIC = b"SQLite format 3\x00"
KEYRING_SUFFIX = ".khoa.json"
FORMAT = "handbook-keyring/1"
_WRAP_INFO = b"handbook-datakey-wrap/1"
_KEYS: dict[str, bytes] = {}  # key id -> data key, for this process only
_PROVEN: set[tuple[str, str, str, bytes]] = set()  # (key id, account, its salt, password tag) unlocked here
_TAG_SECRET = secrets.token_bytes(32)
MAX_LOG = 200
_QUIET = False


class KeyNeeded(Exception):
    """An encrypted file whose key this process does not hold: sign in first."""

    def __init__(self, path: Path | str | None = None):
        where = f" '{Path(path).name}'" if path else ""
        super().__init__(f"Tệp dữ liệu{where} được mã hóa: cần đăng nhập bằng một tài khoản của nó "
                         "(hoặc mã khôi phục) mới mở được.")


class KeyringMissing(KeyNeeded):
    def __init__(self, path: Path | str):
        name = Path(path).name
        Exception.__init__(self, f"Không đọc được tệp dữ liệu '{name}': tệp đã hỏng, hoặc là tệp đã mã hóa mà "
                                 f"thiếu tệp khóa đi kèm ('{name + KEYRING_SUFFIX}'). Hãy chép cả hai tệp cùng "
                                 "nhau, hoặc khôi phục một bản sao lưu (handbook-desktop backup restore).")


def cipher_module():
    """``sqlcipher3``'s DB-API module, or ``None`` when it is not installed (then databases stay plain)."""
    global _QUIET
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        return None
    if not _QUIET:
        # SQLCipher writes every failed page check to stderr (a wrong key tried, a damaged page): the
        # program says what happened in its own words instead.
        with closing(dbapi2.connect(":memory:")) as connection:
            connection.execute("PRAGMA cipher_log_level = NONE")
        _QUIET = True
    return dbapi2


def cipher_available() -> bool:
    return cipher_module() is not None


def database_errors() -> tuple[type[BaseException], ...]:
    """The DB-API errors of both drivers, for ``except`` around raw connections."""
    module = cipher_module()
    return (sqlite3.DatabaseError,) + ((module.DatabaseError,) if module else ())


def file_state(path: Path | str) -> str:
    """'missing', 'empty', 'plain' (a SQLite file) or 'encrypted' (anything else: SQLCipher's pages are random)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(PLAIN_MAGIC))
    except FileNotFoundError:
        return "missing"
    if not head:
        return "empty"
    return "plain" if head == PLAIN_MAGIC else "encrypted"


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"handbook-datakey-id/1" + key).hexdigest()[:32]


def remember(key: bytes) -> str:
    ident = key_id(key)
    _KEYS[ident] = key
    return ident


def known(ident: str | None) -> bytes | None:
    return _KEYS.get(ident) if ident else None


def known_keys() -> list[bytes]:
    return list(_KEYS.values())


def forget_all() -> None:
    """Tests: act as a new process that knows no key."""
    _KEYS.clear()
    _PROVEN.clear()


def new_key() -> bytes:
    return secrets.token_bytes(32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


# --- keyed connections -------------------------------------------------------------------------

def apply_key(connection, key: bytes) -> None:
    """The first statement on a SQLCipher connection; temporary tables and sorts stay in memory."""
    connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    connection.execute("PRAGMA temp_store = MEMORY")


def opens_with(path: Path, key: bytes) -> bool:
    """``key`` opens ``path`` (its first page decrypts and its schema reads)."""
    return _opens_with(path, key)


def _opens_with(path: Path, key: bytes) -> bool:
    module = cipher_module()
    try:
        connection = module.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True)
    except module.DatabaseError:
        return False
    try:
        apply_key(connection, key)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except module.DatabaseError:
        return False
    finally:
        connection.close()


def key_for_file(path: Path | str) -> bytes | None:
    """The key of an encrypted file, if this process holds it: by the keyring beside a database, by
    the manifest beside a backup, else any key held that opens it (a copy, a temporary file)."""
    path = Path(path)
    ring = load_keyring(path)
    if ring and known(ring.get("key_id")):
        return known(ring["key_id"])
    if ring and ring.get("pending"):
        key = _unb64(ring["pending"])
        remember(key)
        return key
    manifest = _manifest_of(path)
    if manifest and known(manifest.get("key_id")):
        return known(manifest["key_id"])
    for key in list(_KEYS.values()):
        if _opens_with(path, key):
            return key
    return None


def _manifest_of(path: Path) -> dict | None:
    name = path.name
    for suffix in (".sqlite3.enc", ".sqlite3"):
        if name.endswith(suffix):
            candidate = path.with_name(name[: -len(suffix)] + ".manifest.json")
            try:
                return json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
    return None


def connect(path: Path | str, *, readonly: bool = False, key: bytes | None = None, timeout: float = 5.0,
            create: bool = False):
    """A raw DB-API connection to a SQLite file, keyed when the file is encrypted (or ``create`` with a
    ``key``: a new encrypted file). Plain files go through the standard ``sqlite3`` module."""
    path = Path(path)
    state = file_state(path)
    if key is None and state == "encrypted":
        key = key_for_file(path)
        if key is None:
            raise KeyNeeded(path)
    target = f"file:{path.as_posix()}?mode=ro" if readonly else str(path)
    if key is None or (state == "plain" and not create):
        return sqlite3.connect(target, uri=readonly, timeout=timeout)
    module = cipher_module()
    if module is None:
        raise KeyNeeded(path)
    connection = module.connect(target, uri=readonly, timeout=timeout)
    apply_key(connection, key)
    return connection


def scratch_connection():
    """(connection, folder): a private SQLite file for a long job's scratch (the sync import's), removed
    with ``folder`` by its owner. With SQLCipher, a named file in a private folder under a key made
    for it and held only in memory: SQLCipher leaves SQLite's nameless temporary file in clear, and a
    scratch holds rows' fields (names, CCCD) past its cache. Without it, SQLite's nameless file (the
    database itself is plain then)."""
    module = cipher_module()
    if module is None:
        return sqlite3.connect("", isolation_level=None, check_same_thread=False), None
    import tempfile

    folder = tempfile.mkdtemp(prefix="handbook-scratch-")
    connection = module.connect(str(Path(folder) / "scratch.db"), isolation_level=None, check_same_thread=False)
    apply_key(connection, new_key())
    return connection, folder


def is_encrypted(path: Path | str) -> bool:
    return file_state(path) == "encrypted"


# --- the keyring -------------------------------------------------------------------------------

def keyring_path(database_file: Path | str) -> Path:
    database_file = Path(database_file)
    return database_file.with_name(database_file.name + KEYRING_SUFFIX)


def load_keyring(database_file: Path | str) -> dict | None:
    try:
        data = json.loads(keyring_path(database_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def write_keyring(database_file: Path | str, data: dict) -> None:
    target = keyring_path(database_file)
    partial = target.with_name(target.name + ".partial")
    if os.name == "posix":
        os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump({**data, "format": FORMAT}, handle, ensure_ascii=False, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, target)


def copy_database(source: Path | str, target: Path | str) -> None:
    """Copy a closed SQLite database with its keyring (tests, fixtures, hand copies)."""
    import shutil

    shutil.copyfile(source, target)
    ring = keyring_path(source)
    if ring.exists():
        shutil.copyfile(ring, keyring_path(target))


def new_database_key(database_file: Path) -> bytes:
    """The key of a new, empty database; kept in the keyring in clear until setup makes an account."""
    ring = load_keyring(database_file)
    if ring and ring.get("pending") and not ring.get("accounts"):
        key = _unb64(ring["pending"])
        remember(key)
        return key
    key = new_key()
    write_keyring(database_file, {"key_id": remember(key), "pending": _b64(key), "accounts": {}, "recovery": {},
                                  "attempts": {}, "cipher": "sqlcipher4"})
    return key


# Argon2id hashes as services.auth writes them: argon2id$m=…,t=…,p=…$salt$digest

def _split_hash(stored: str) -> tuple[str, bytes]:
    scheme, params, salt, digest = stored.split("$")
    if scheme != "argon2id":
        raise ValueError(scheme)
    return f"{scheme}${params}${salt}", _unb64(digest)


def _digest(secret: str, public: str) -> bytes:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    _scheme, params, salt = public.split("$")
    values = dict(item.split("=") for item in params.split(","))
    kdf = Argon2id(salt=_unb64(salt), length=32, iterations=int(values["t"]), lanes=int(values["p"]),
                   memory_cost=int(values["m"]))
    return kdf.derive(secret.encode("utf-8"))


def _kek(digest: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_WRAP_INFO).derive(digest)


def _wrap(key: bytes, stored_hash: str, label: str) -> dict:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    public, digest = _split_hash(stored_hash)
    nonce = os.urandom(12)
    return {"hash": public, "nonce": _b64(nonce),
            "wrapped": _b64(AESGCM(_kek(digest)).encrypt(nonce, key, label.encode("utf-8")))}


def _unwrap(entry: dict, secret: str, label: str) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        kek = _kek(_digest(secret, entry["hash"]))
        return AESGCM(kek).decrypt(_unb64(entry["nonce"]), _unb64(entry["wrapped"]), label.encode("utf-8"))
    except (InvalidTag, KeyError, ValueError, TypeError):
        return None


def wraps_for(key: bytes, users) -> tuple[dict, dict]:
    """(accounts, recovery) entries for the given user rows: active accounts only."""
    accounts, recovery = {}, {}
    for user in users:
        if not user.active:
            continue
        try:
            accounts[user.username] = {**_wrap(key, user.password_hash, "account:" + user.username),
                                       "role": user.role}
            if user.recovery_hash:
                recovery[user.username] = _wrap(key, user.recovery_hash, "recovery:" + user.username)
        except ValueError:
            continue
    return accounts, recovery


def refresh(database_file: Path, key: bytes, users, *, keep_old: bool = False, legacy: set[str] | None = None) -> None:
    """Rewrite the keyring from the accounts (``keep_old``: also keep the entries already there, for the
    moment before a commit, so that either state of the accounts opens the file)."""
    ring = load_keyring(database_file) or {}
    accounts, recovery = wraps_for(key, users)
    if keep_old and ring.get("key_id") == key_id(key):
        accounts = {**ring.get("accounts", {}), **accounts}
        recovery = {**ring.get("recovery", {}), **recovery}
    data = {"key_id": key_id(key), "accounts": accounts, "recovery": recovery, "cipher": "sqlcipher4",
            "attempts": ring.get("attempts", {}), "log": ring.get("log", []),
            "legacy": _legacy(ring, accounts, recovery, legacy)}
    if not accounts and ring.get("pending"):
        data["pending"] = ring["pending"]
    if "label" in ring:
        data["label"] = ring["label"]
    write_keyring(database_file, data)


def _legacy(ring: dict, accounts: dict, recovery: dict, marked: set[str] | None) -> list[str]:
    """Entries whose Argon2id digest was once stored in clear (a database converted from plain:
    an old plain copy holds it). Each stays legacy until its password or code is hashed anew."""
    if marked is not None:
        return sorted(marked)
    old = {**{"account:" + k: v for k, v in ring.get("accounts", {}).items()},
           **{"recovery:" + k: v for k, v in ring.get("recovery", {}).items()}}
    new = {**{"account:" + k: v for k, v in accounts.items()}, **{"recovery:" + k: v for k, v in recovery.items()}}
    return sorted(name for name in ring.get("legacy", [])
                  if name in new and name in old and new[name]["hash"] == old[name]["hash"])


def is_legacy(database_file: Path | None, entry: str) -> bool:
    ring = load_keyring(database_file) if database_file else None
    return bool(ring) and entry in ring.get("legacy", [])


def set_label(database_file: Path, label: str) -> None:
    """The unit's name, shown by the login before the data can be read (no personal data)."""
    ring = load_keyring(database_file)
    if ring is not None and ring.get("label") != label:
        write_keyring(database_file, {**ring, "label": label})


def portable(ring: dict | None) -> dict | None:
    """What a backup's manifest carries: the wraps, not the attempts or the clear key."""
    if not ring:
        return None
    return {"format": FORMAT, "key_id": ring.get("key_id"), "accounts": ring.get("accounts", {}),
            "recovery": ring.get("recovery", {})}


def _tag(password: str) -> bytes:
    import hmac

    return hmac.new(_TAG_SECRET, password.encode("utf-8"), "sha256").digest()


def unlock(ring: dict, username: str, secret: str) -> bytes | None:
    """The data key opened with an account's password (``username`` given) or with any account's
    password or a recovery code (``username`` None: a backup from elsewhere). ``None``: wrong."""
    candidates = []
    accounts = ring.get("accounts", {})
    if username is not None:
        if username in accounts:
            candidates.append((accounts[username], "account:" + username, secret))
    else:
        candidates += [(entry, "account:" + name, secret) for name, entry in accounts.items()]
    for name, entry in ring.get("recovery", {}).items():
        if username is None or name == username:
            candidates.append((entry, "recovery:" + name, _dashed(secret)))
    for entry, label, typed in candidates:
        key = _unwrap(entry, typed, label)
        if key is not None and key_id(key) == ring.get("key_id"):
            remember(key)
            if label.startswith("account:"):
                _PROVEN.add((ring["key_id"], label[len("account:"):], entry.get("hash", ""), _tag(secret)))
            return key
    return None


def _dashed(code: str) -> str:
    """A recovery code as printed (groups of four joined by dashes), however it was typed."""
    bare = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return "-".join(bare[i:i + 4] for i in range(0, len(bare), 4)) if len(bare) == 20 else bare


def proven(database_file: Path | None, username: str, password: str) -> bool:
    """This process has just opened ``database_file``'s key with this account's password: the same
    Argon2id digest as its password hash, so the login need not run it a second time."""
    if database_file is None:
        return False
    ring = load_keyring(database_file)
    entry = (ring or {}).get("accounts", {}).get(username)
    # The entry's salt is part of it: a changed or reset password has a new one, so the old password
    # proven earlier proves nothing any more.
    return bool(entry) and (ring.get("key_id"), username, entry.get("hash", ""), _tag(password)) in _PROVEN


# --- failed attempts at the door (before the database can be read) ------------------------------

def attempts(database_file: Path, account: str) -> tuple[int, datetime | None]:
    ring = load_keyring(database_file) or {}
    value = ring.get("attempts", {}).get(account) or {}
    last = value.get("last")
    return int(value.get("failed", 0)), datetime.fromisoformat(last) if last else None


def set_attempts(database_file: Path, account: str, failed: int, last: datetime | None,
                 log_line: dict | None = None) -> None:
    ring = load_keyring(database_file)
    if ring is None:
        return
    table = dict(ring.get("attempts", {}))
    if failed or last:
        table[account] = {"failed": failed, "last": last.isoformat() if last else None}
    else:
        table.pop(account, None)
    log = list(ring.get("log", []))
    if log_line is not None:
        log = (log + [{**log_line, "at": datetime.now(timezone.utc).isoformat()}])[-MAX_LOG:]
    write_keyring(database_file, {**ring, "attempts": table, "log": log})


def take_log(database_file: Path) -> list[dict]:
    """The failures written while the database was shut, for the audit log (and removed here)."""
    ring = load_keyring(database_file)
    if not ring or not ring.get("log"):
        return []
    write_keyring(database_file, {**ring, "log": []})
    return list(ring["log"])
