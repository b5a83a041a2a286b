"""Every bad package is refused with one Vietnamese sentence and nothing written."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from sync_sites import ACTOR, COMMITTEE, PASSWORD, checksum
from handbook_desktop.services.sync.keys import canonical
from handbook_desktop.services.sync.package import MEMBERS, PackageFromNewerProgram, PackageRefused
from test_sync_roundtrip import add_members


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(entries, *, compression=zipfile.ZIP_STORED, modes=None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = compression
            info.external_attr = ((modes or {}).get(name, 0o100644)) << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def flip(content: bytes, at: int | None = None) -> bytes:
    at = len(content) // 2 if at is None else at
    return content[:at] + bytes([content[at] ^ 0x01]) + content[at + 1:]


@pytest.fixture
def package(branch_a):
    add_members(branch_a, ["Nguyễn Văn An", "Trần Thị Bình"])
    return branch_a.send(COMMITTEE)


def _resigned(branch_a, data: bytes, **changes) -> bytes:
    parts = members_of(data)
    manifest = json.loads(parts["manifest.json"])
    manifest.update(changes)
    raw = canonical(manifest)
    return rezip([("manifest.json", raw), ("manifest.sig", branch_a.keyring.signer().sign(raw)),
                  ("payload.bin", parts["payload.bin"])])


def _cases(branch_a, data: bytes):
    parts = members_of(data)
    entries = [(name, parts[name]) for name in MEMBERS]
    manifest = json.loads(parts["manifest.json"])
    edited = dict(manifest, counts={"member": 99})
    yield "lật một byte của manifest.json (CRC)", _raw_flip(data, parts["manifest.json"]), "hỏng"
    yield "lật một byte của manifest.sig (CRC)", _raw_flip(data, parts["manifest.sig"]), "hỏng"
    yield "lật một byte của payload.bin (CRC)", _raw_flip(data, parts["payload.bin"]), "hỏng"
    yield "manifest.json sửa một byte", rezip([("manifest.json", parts["manifest.json"].replace(b'"kind":"changes"', b'"kind":"chang3s"'))] + entries[1:]), "manifest"
    yield "manifest.sig sửa một byte", rezip([entries[0], ("manifest.sig", flip(parts["manifest.sig"])), entries[2]]), "Chữ ký"
    yield "payload.bin sửa một byte", rezip(entries[:2] + [("payload.bin", flip(parts["payload.bin"]))]), "mã băm"
    yield "manifest sửa nội dung", rezip([("manifest.json", canonical(edited))] + entries[1:]), "Chữ ký"
    yield "../", rezip(entries + [("../payload.bin", b"x")]), "trỏ ra ngoài"
    yield "tên tuyệt đối", rezip(entries + [("/etc/passwd", b"x")]), "tuyệt đối"
    yield "trùng tên", _duplicate(entries), "trùng tên"
    yield "liên kết", rezip(entries[:2] + [("payload.bin", b"/etc/passwd")], modes={"payload.bin": 0o120777}), "liên kết"
    yield "thành phần thừa", rezip(entries + [("ghichu.txt", b"xin chao")]), "thành phần lạ"
    yield "thành phần quá lớn", rezip([("manifest.json", b" " * (2 * 1024 * 1024))] + entries[1:]), "quá lớn"
    yield "bom nén", rezip(entries[:2] + [("payload.bin", b"\0" * (50 * 1024 * 1024))],
                           compression=zipfile.ZIP_DEFLATED), "bom nén"
    yield "cắt cụt", data[: len(data) * 2 // 3], "cắt cụt"
    yield "không phải zip", b"hello world" * 10, "không phải gói"
    yield "định dạng mới hơn", _resigned(branch_a, data, format="handbook-sync/2"), "cập nhật"
    yield "cấu trúc dữ liệu mới hơn", _resigned(branch_a, data, schema="0099"), "cập nhật"


def _raw_flip(data: bytes, content: bytes) -> bytes:
    at = data.index(content) + len(content) // 2
    return flip(data, at)


def _duplicate(entries) -> bytes:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rezip(entries + [entries[2]])


def test_bad_packages_are_refused_with_a_message_and_nothing_written(branch_a, committee, package):
    before = checksum(committee.path, skip=())
    for label, data, words in _cases(branch_a, package):
        for attempt in (committee.preview, committee.receive):
            with pytest.raises(PackageRefused) as refused:
                attempt(data)
            message = str(refused.value)
            assert words in message, (label, message)
            assert message.endswith(".") and not message.startswith("Traceback"), label
        assert checksum(committee.path, skip=()) == before, label
    # The good package still goes in afterwards.
    assert committee.receive(package).status == "applied"


def test_a_newer_format_asks_to_update_the_program(branch_a, committee, package):
    with pytest.raises(PackageFromNewerProgram, match="cập nhật Sổ tay Chi bộ"):
        committee.receive(_resigned(branch_a, package, format="handbook-sync/2"))


def test_a_package_for_another_unit_is_refused(branch_a, branch_b, package):
    before = checksum(branch_b.path, skip=())
    with pytest.raises(PackageRefused, match="gửi cho đơn vị DU-TEST, không phải đơn vị CB-B"):
        branch_b.receive(package)
    assert checksum(branch_b.path, skip=()) == before


def test_a_package_signed_with_an_untrusted_key_is_refused_and_old_packages_stay_verifiable(branch_a, committee,
                                                                                               package):
    from handbook_desktop.services.sync.keys import (
        read_identity_card, rotate_keys, trust_card, unlock, write_identity_card)

    rotate_keys(branch_a.database, ACTOR, PASSWORD)
    branch_a.keyring = unlock(branch_a.database, PASSWORD)
    add_members(branch_a, ["Lê Văn Cường"])
    newer = branch_a.send(COMMITTEE)
    before = checksum(committee.path, skip=())
    with pytest.raises(PackageRefused, match="khóa chưa được tin cậy"):
        committee.receive(newer)
    assert checksum(committee.path, skip=()) == before
    # The package signed with the old key still verifies after the rotation.
    assert committee.receive(package).status == "applied"
    card_file = committee.path.parent / "a-new.card"
    card = write_identity_card(branch_a.database, branch_a.keyring, card_file)
    with pytest.raises(Exception, match="không khớp"):
        trust_card(committee.database, ACTOR, read_identity_card(card_file), "12345 67890")
    trust_card(committee.database, ACTOR, read_identity_card(card_file), card["fingerprint"].replace(" ", "-"))
    assert committee.receive(newer).status == "applied"


def test_a_wrong_password_does_not_open_the_keys(branch_a):
    from handbook_desktop.services.errors import UserError
    from handbook_desktop.services.sync.keys import unlock

    with pytest.raises(UserError, match="Mật khẩu quản trị viên không đúng"):
        unlock(branch_a.database, "sai-mat-khau")
