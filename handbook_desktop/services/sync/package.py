"""The package file: a zip with exactly manifest.json, manifest.sig and payload.bin.

Reading follows DESIGN.md's order and never extracts anything to disk: size and zip checks
(allow-list of names, no duplicates, no links, size and compression-ratio limits) → manifest →
trusted sender → signature → payload hash → decrypt. Each refusal is one Vietnamese sentence.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from handbook_desktop.services.errors import UserError
from handbook_desktop.services.sync.keys import Keyring, b64, canonical, unb64

FORMAT = "handbook-sync/1"
FORMAT_VERSION = 1
MEMBERS = ("manifest.json", "manifest.sig", "payload.bin")
KINDS = {"changes", "full", "receipt", "decisions", "rules"}
IDENTITY_FIELDS = ("format", "package_id", "kind", "sender", "recipient", "sender_key", "recipient_key",
                   "sequence", "created_at")
SCHEME = "X25519-HKDF-SHA256-AES-256-GCM"

# Limits: a package is at most a few hundred megabytes even for a whole committee.
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_MEMBER_BYTES = {"manifest.json": 1024 * 1024, "manifest.sig": 1024, "payload.bin": 512 * 1024 * 1024}
MAX_RATIO = 20  # a stored member has ratio 1; more than this is a compression bomb
MAX_PLAIN_BYTES = 2 * 1024 * 1024 * 1024
MAX_NUMBER = 2 ** 62  # sequence numbers and record counts
MAX_TABLES = 200
_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


class PackageRefused(UserError):
    """The package was refused before anything was written."""


class PackageFromNewerProgram(PackageRefused):
    pass


@dataclass
class RawPackage:
    manifest: dict
    manifest_bytes: bytes
    signature: bytes
    payload: bytes

    @property
    def manifest_hash(self) -> str:
        return hashlib.sha256(self.manifest_bytes).hexdigest()


def _refuse(message: str) -> PackageRefused:
    return PackageRefused(message)


def _hkdf(shared: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=FORMAT.encode("ascii")).derive(shared)


def identity_aad(manifest: dict) -> bytes:
    return canonical({name: manifest.get(name) for name in IDENTITY_FIELDS})


class Sealer:
    """A package written as it is made (issue 18 §2): the records go through zlib and AES-256-GCM a
    batch at a time, so no whole payload is ever held in the clear. The bytes are the same format
    as one-shot ``AESGCM.encrypt`` (ciphertext then the 16-byte tag) over ``zlib.compress``; the
    manifest's identity fields are fixed first because they are the associated data."""

    def __init__(self, manifest: dict, keyring: Keyring, recipient_box_public: bytes):
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        ephemeral = X25519PrivateKey.generate()
        salt, nonce = os.urandom(16), os.urandom(12)
        key = _hkdf(ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_box_public)), salt)
        self.keyring = keyring
        self.manifest = dict(manifest)
        self.manifest["format"] = FORMAT
        self.manifest["encryption"] = {
            "scheme": SCHEME, "ephemeral_public": b64(ephemeral.public_key().public_bytes(*_RAW)),
            "salt": b64(salt), "nonce": b64(nonce), "compression": "zlib", "aad": list(IDENTITY_FIELDS),
        }
        self._encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
        self._encryptor.authenticate_additional_data(identity_aad(self.manifest))
        self._compressor = zlib.compressobj(6)
        self._digest = hashlib.sha256()
        self._parts: list[bytes] = []  # ciphertext only: compressed, a tenth of the records' size

    def _emit(self, ciphertext: bytes) -> None:
        if ciphertext:
            self._digest.update(ciphertext)
            self._parts.append(ciphertext)

    def write(self, plain: bytes) -> None:
        self._emit(self._encryptor.update(self._compressor.compress(plain)))

    def finish(self, **late_fields) -> tuple[bytes, bytes]:
        """Sign and zip; ``late_fields`` (counts) enter the manifest, not the associated data."""
        self._emit(self._encryptor.update(self._compressor.flush()))
        self._emit(self._encryptor.finalize())
        self._emit(self._encryptor.tag)
        manifest = dict(self.manifest, **late_fields)
        manifest["payload_sha256"] = self._digest.hexdigest()
        manifest_bytes = canonical(manifest)
        signature = self.keyring.signer().sign(manifest_bytes)
        ciphertext = b"".join(self._parts)
        self._parts = []
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for name, data in zip(MEMBERS, (manifest_bytes, signature, ciphertext)):
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o100644 << 16
                archive.writestr(info, data)
        del ciphertext
        return buffer.getvalue(), manifest_bytes


def build(manifest: dict, plain: bytes, keyring: Keyring, recipient_box_public: bytes) -> tuple[bytes, bytes]:
    """Encrypt ``plain`` for the recipient, sign the manifest, return (file bytes, manifest bytes)."""
    sealer = Sealer(manifest, keyring, recipient_box_public)
    sealer.write(plain)
    return sealer.finish()


def read(data: bytes) -> RawPackage:
    """Zip and manifest checks; nothing touches the disk or the database."""
    if len(data) > MAX_FILE_BYTES:
        raise _refuse("Tệp gói quá lớn so với giới hạn cho phép; không nhập.")
    if len(data) < 22 or not data.startswith(b"PK"):
        raise _refuse("Tệp này không phải gói đồng bộ (.hbsync) hoặc đã bị hỏng, cắt cụt; không nhập.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise _refuse("Tệp gói bị hỏng hoặc không trọn vẹn (có thể bị cắt cụt khi chép); hãy xin gửi lại.") from None
    names = [info.filename for info in infos]
    for name in names:
        if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
            raise _refuse(f"Gói có thành phần mang đường dẫn tuyệt đối ('{name}'): gói không an toàn, không nhập.")
        if ".." in name.replace("\\", "/").split("/"):
            raise _refuse(f"Gói có thành phần trỏ ra ngoài ('{name}'): gói không an toàn, không nhập.")
    if len(set(names)) != len(names):
        raise _refuse("Gói có thành phần trùng tên: gói không an toàn, không nhập.")
    extra = sorted(set(names) - set(MEMBERS))
    if extra:
        raise _refuse(f"Gói có thành phần lạ ({', '.join(extra)}): gói không đúng định dạng, không nhập.")
    missing = [name for name in MEMBERS if name not in names]
    if missing:
        raise _refuse(f"Gói thiếu thành phần {', '.join(missing)}: gói không đúng định dạng, không nhập.")
    members: dict[str, bytes] = {}
    for info in infos:
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode) or info.is_dir():
            raise _refuse(f"Gói có liên kết hoặc thư mục ('{info.filename}'): gói không an toàn, không nhập.")
        if info.flag_bits & 0x1:
            raise _refuse("Gói có thành phần được mã hóa kiểu zip: gói không đúng định dạng, không nhập.")
        limit = MAX_MEMBER_BYTES[info.filename]
        if info.file_size > limit:
            raise _refuse(f"Thành phần {info.filename} của gói quá lớn; không nhập.")
        if info.compress_type != zipfile.ZIP_STORED and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refuse("Gói có tỉ lệ nén bất thường (nghi là 'bom nén'): gói không an toàn, không nhập.")
        try:
            with archive.open(info) as handle:
                content = handle.read(limit + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError):
            raise _refuse(f"Thành phần {info.filename} của gói bị hỏng (sai mã kiểm tra); hãy xin gửi lại.") from None
        if len(content) > limit or len(content) != info.file_size:
            raise _refuse(f"Thành phần {info.filename} của gói có kích thước không đúng; không nhập.")
        members[info.filename] = content
    manifest = parse_manifest(members["manifest.json"])
    return RawPackage(manifest, members["manifest.json"], members["manifest.sig"], members["payload.bin"])


def parse_manifest(raw: bytes) -> dict:
    import json

    bad = _refuse("Tệp mô tả (manifest.json) của gói bị hỏng hoặc đã bị sửa; không nhập.")
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise bad from None
    if not isinstance(manifest, dict):
        raise bad
    text = manifest.get("format")
    if not isinstance(text, str) or not text.startswith("handbook-sync/"):
        raise bad
    try:
        version = int(text.split("/", 1)[1])
    except ValueError:
        raise bad from None
    if version > FORMAT_VERSION:
        raise PackageFromNewerProgram(
            "Gói được tạo bằng phiên bản chương trình mới hơn (định dạng gói mới); hãy cập nhật Sổ tay Chi bộ "
            "lên phiên bản mới nhất rồi nhập lại."
        )
    if canonical(manifest) != raw:
        raise bad
    required = {"package_id": str, "kind": str, "sender": str, "recipient": str, "sender_key": str,
                "recipient_key": str, "sequence": int, "schema": str, "created_at": str, "counts": dict,
                "payload_sha256": str, "encryption": dict}
    for name, kind in required.items():
        if not isinstance(manifest.get(name), kind):
            raise bad
    if manifest["kind"] not in KINDS:
        raise bad
    # Nothing downstream may grow with a number a sender wrote: numbers and counts are bounded here.
    if isinstance(manifest["sequence"], bool) or not 0 <= manifest["sequence"] < MAX_NUMBER:
        raise bad
    counts = manifest["counts"]
    if len(counts) > MAX_TABLES or not all(
            isinstance(name, str) and len(name) <= 60 and isinstance(count, int) and not isinstance(count, bool)
            and 0 <= count < MAX_NUMBER for name, count in counts.items()):
        raise bad
    return manifest


def verify(package: RawPackage, peer_keys: dict) -> None:
    """Signature and payload hash, with the sender's trusted key named in the manifest."""
    key = peer_keys.get(package.manifest["sender_key"])
    if key is None:
        raise _refuse(
            f"Gói được ký bằng một khóa chưa được tin cậy của đơn vị {package.manifest['sender']}; không nhập. "
            "Nếu đơn vị đó vừa đổi khóa, hãy nhận thẻ định danh mới và xác nhận dấu vân tay."
        )
    try:
        Ed25519PublicKey.from_public_bytes(key.sign_public).verify(package.signature, package.manifest_bytes)
    except (InvalidSignature, ValueError):
        raise _refuse("Chữ ký của gói không hợp lệ: gói đã bị sửa hoặc giả mạo; không nhập.") from None
    if hashlib.sha256(package.payload).hexdigest() != package.manifest["payload_sha256"]:
        raise _refuse("Nội dung gói (payload.bin) không khớp với mã băm trong tệp mô tả: gói bị hỏng hoặc bị sửa; "
                      "không nhập.")


def decrypt(package: RawPackage, keyring: Keyring) -> bytes:
    manifest = package.manifest
    private = keyring.box.get(manifest["recipient_key"])
    if private is None:
        raise _refuse("Gói được mã hóa cho một khóa không có ở máy này; hãy gửi thẻ định danh hiện tại cho đơn vị "
                      "gửi rồi xin gửi lại gói.")
    params = manifest["encryption"]
    try:
        if params.get("scheme") != SCHEME or params.get("compression") != "zlib":
            raise ValueError("scheme")
        ephemeral = X25519PublicKey.from_public_bytes(unb64(params["ephemeral_public"]))
        key = _hkdf(private.exchange(ephemeral), unb64(params["salt"]))
        compressed = AESGCM(key).decrypt(unb64(params["nonce"]), package.payload, identity_aad(manifest))
    except (InvalidTag, ValueError, KeyError, TypeError):
        raise _refuse("Không giải mã được gói: gói bị hỏng, bị sửa, hoặc không gửi cho đơn vị này.") from None
    inflater = zlib.decompressobj()
    try:
        plain = inflater.decompress(compressed, MAX_PLAIN_BYTES)
    except zlib.error:
        raise _refuse("Nội dung gói bị hỏng (không giải nén được); không nhập.") from None
    if inflater.unconsumed_tail or not inflater.eof:
        raise _refuse("Nội dung gói quá lớn sau khi giải nén hoặc bị cắt cụt; không nhập.")
    return plain


def iter_plain(package: RawPackage, keyring: Keyring, chunk: int = 1 << 20):
    """The payload decrypted and inflated a piece at a time (issue 18 §2), for a package whose
    signature and payload hash ``verify`` has checked. The GCM tag is checked when the last piece
    has been given out: a caller reads the whole stream once before it writes anything."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    manifest = package.manifest
    private = keyring.box.get(manifest["recipient_key"])
    if private is None:
        raise _refuse("Gói được mã hóa cho một khóa không có ở máy này; hãy gửi thẻ định danh hiện tại cho đơn vị "
                      "gửi rồi xin gửi lại gói.")
    params = manifest["encryption"]
    failed = _refuse("Không giải mã được gói: gói bị hỏng, bị sửa, hoặc không gửi cho đơn vị này.")
    payload = memoryview(package.payload)
    try:
        if params.get("scheme") != SCHEME or params.get("compression") != "zlib" or len(payload) < 16:
            raise ValueError("scheme")
        ephemeral = X25519PublicKey.from_public_bytes(unb64(params["ephemeral_public"]))
        key = _hkdf(private.exchange(ephemeral), unb64(params["salt"]))
        decryptor = Cipher(algorithms.AES(key), modes.GCM(unb64(params["nonce"]), bytes(payload[-16:]))).decryptor()
        decryptor.authenticate_additional_data(identity_aad(manifest))
    except (ValueError, KeyError, TypeError):
        raise failed from None
    inflater = zlib.decompressobj()
    given = 0
    body = payload[:-16]
    for start in range(0, len(body), chunk):
        try:
            plain = inflater.decompress(decryptor.update(body[start:start + chunk]), MAX_PLAIN_BYTES - given + 1)
        except zlib.error:
            raise _refuse("Nội dung gói bị hỏng (không giải nén được); không nhập.") from None
        given += len(plain)
        if given > MAX_PLAIN_BYTES or inflater.unconsumed_tail:
            raise _refuse("Nội dung gói quá lớn sau khi giải nén hoặc bị cắt cụt; không nhập.")
        if plain:
            yield plain
    try:
        decryptor.finalize()
    except InvalidTag:
        raise failed from None
    if not inflater.eof:
        raise _refuse("Nội dung gói quá lớn sau khi giải nén hoặc bị cắt cụt; không nhập.")
    tail = inflater.flush()
    if tail:
        yield tail
