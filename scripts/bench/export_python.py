"""The usual scripting alternative to Roster's download, for the export benchmark: read the same
rows from the same SQLite file and write them with XlsxWriter (constant-memory mode) or the csv
module, with the same columns, date cells, BOM and formula guard.
Usage: python3 export_python.py xlsx|csv DB OUT"""
import csv
import datetime
import sqlite3
import sys

QUERY = """
SELECT u.first_name, u.last_name, u.email, u.phone,
       CASE WHEN u.is_super_user THEN 'Super-user' ELSE (
         SELECT group_concat(r.name, ', ') FROM user_roles ur JOIN roles r ON r.id = ur.role_id
         WHERE ur.user_id = u.id) END,
       upper(substr(u.status, 1, 1)) || substr(u.status, 2), u.created_at, u.last_sign_in_at
FROM users u ORDER BY u.name_key, u.id
"""
COLUMNS = ["First name", "Last name", "Email", "Phone", "Role", "Status", "Added on", "Last sign-in"]


def when(text):
    return datetime.datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S") if text else None


def guard(value):
    if value[:1] in ("\t", "\r") or value.lstrip()[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def main(fmt, db, out):
    rows = sqlite3.connect(db).execute(QUERY)
    if fmt == "csv":
        with open(out, "w", newline="", encoding="utf-8-sig") as f:
            w = csv.writer(f)
            w.writerow(COLUMNS)
            # Text dates need no parsing: "2026-11-30T08:15:00.000Z" -> "2026-11-30 08:15:00".
            for r in rows:
                w.writerow([guard(v or "") for v in r[:6]] + [
                    r[6][:19].replace("T", " "), r[7][:19].replace("T", " ") if r[7] else ""])
        return
    import xlsxwriter
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet("Users")
    bold, date = book.add_format({"bold": True}), book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.freeze_panes(1, 0)
    for c, title in enumerate(COLUMNS):
        sheet.write_string(0, c, title, bold)
    n = 0
    for n, r in enumerate(rows, start=1):
        for c in range(6):
            sheet.write_string(n, c, r[c] or "")
        sheet.write_datetime(n, 6, when(r[6]), date)
        if r[7]:
            sheet.write_datetime(n, 7, when(r[7]), date)
    sheet.autofilter(0, 0, n, 7)
    book.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
