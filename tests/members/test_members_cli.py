"""`handbook-desktop members …` as a script would call it: exit codes, JSON, files."""

from __future__ import annotations

import json

from openpyxl import Workbook


def test_list_json_has_stable_codes_and_iso_dates(demo_db, run):
    from handbook_desktop.services.members import MemberFilter, count_members

    with demo_db.read() as session:
        everyone = count_members(session, MemberFilter())
    path = str(demo_db.file)
    demo_db.close()
    code, out, _ = run("--db", path, "members", "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == everyone >= 120
    keys = {"uuid", "full_name", "date_of_birth", "gender", "status", "party_card_number", "decision_date",
            "ceremony_date", "official_date", "unit_code"}
    assert keys <= set(rows[0])
    assert {r["status"] for r in rows} <= {"candidate", "probationary", "official", "exempt", "temporarily_away",
                                          "visiting", "transferred_out", "removed", "expelled", "deceased"}
    assert all(len(r["date_of_birth"]) == 10 and r["date_of_birth"][4] == "-" for r in rows)
    code, out, _ = run("--db", path, "members", "list", "--status", "probationary", "--json")
    assert code == 0 and all(r["status"] == "probationary" for r in json.loads(out))
    code, out, _ = run("--db", path, "members", "list", "--search", "Đức", "--json")
    found = json.loads(out)
    from handbook_desktop.domain.text import fold

    assert found and all("duc" in fold(r["full_name"]) for r in found)
    code, out, _ = run("--db", path, "members", "show", rows[0]["uuid"], "--json")
    detail = json.loads(out)
    assert code == 0 and detail["uuid"] == rows[0]["uuid"] and "events" in detail and "history" in detail
    code, _, err = run("--db", path, "members", "show", "khong-co")
    assert code == 1 and "Không tìm thấy" in err


def test_import_dry_run_then_apply_then_again(db, run, tmp_path):
    path = str(db.file)
    db.close()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Ngày sinh", "Số CCCD", "Trạng thái"])
    sheet.append(["Nguyễn Văn An", "01/02/1970", "001070000001", "Quần chúng ưu tú"])
    sheet.append(["Lê Thị Bình", "30/02/1971", "001171000002", "Quần chúng ưu tú"])
    sheet.append(["Trần Văn Công", "03/04/1972", "1072000003", "Quần chúng ưu tú"])
    xlsx = tmp_path / "ds.xlsx"
    workbook.save(xlsx)
    code, out, _ = run("--db", path, "members", "import", str(xlsx), "--dry-run", "--json")
    result = json.loads(out)
    assert code == 0
    assert (result["created"], result["updated"], result["unchanged"], result["rejected"]) == (1, 0, 0, 2)
    rejected = {r["row"]: r["reason"] for r in result["rejected_rows"]}
    assert set(rejected) == {3, 4} and "không có thật" in rejected[3] and "12 chữ số" in rejected[4]
    code, out, _ = run("--db", path, "members", "list", "--json")
    assert json.loads(out) == []  # the dry run wrote nothing
    report = tmp_path / "kq.xlsx"
    code, out, _ = run("--db", path, "members", "import", str(xlsx), "--report", str(report), "--json")
    assert code == 0 and json.loads(out)["created"] == 1 and report.exists()
    code, out, _ = run("--db", path, "members", "import", str(xlsx), "--dry-run", "--json")
    again = json.loads(out)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)


def test_export_and_template(demo_db, run, tmp_path):
    from openpyxl import load_workbook

    path = str(demo_db.file)
    demo_db.close()
    out_file = tmp_path / "ds.xlsx"
    code, out, _ = run("--db", path, "members", "export", str(out_file), "--json")
    assert code == 0 and json.loads(out)["rows"] >= 120
    assert "dữ liệu cá nhân" in load_workbook(out_file).active.cell(row=1, column=1).value
    plain = tmp_path / "plain.xlsx"
    code, _, _ = run("--db", path, "members", "export", str(plain), "--no-personal")
    header = [c.value for c in load_workbook(plain).active[3]]
    assert code == 0 and "Số CCCD" not in header and "Điện thoại" not in header and "Họ và tên" in header
    code, _, _ = run("--db", path, "members", "template", str(tmp_path / "mau.xlsx"))
    assert code == 0 and (tmp_path / "mau.xlsx").exists()


def test_import_of_a_missing_file_fails_cleanly(db, run):
    path = str(db.file)
    db.close()
    code, _, err = run("--db", path, "members", "import", "/khong/co/tep.xlsx")
    assert code == 1 and "Không tìm thấy tệp" in err
