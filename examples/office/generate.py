"""Writes the office example's messy inputs, as a community office exports them.

The same 14 activities, three ways: ``records-gbk.csv`` (GBK, what Excel and WPS
save in China), ``records-utf8.csv`` (UTF-8 with a byte-order mark) and
``records.xlsx`` (its dates real Excel date cells). Chinese headers, four date
forms, 是/否/Y/√, "2小时", and names typed with stray and full-width spaces.
``book.yaml``'s ``input:`` section reads all three as they are.

Standard library only (an .xlsx is a zip of XML parts):
``python3 examples/office/generate.py``
"""

from __future__ import annotations

import datetime
import pathlib
import zipfile
from xml.sax.saxutils import escape

HERE = pathlib.Path(__file__).parent
HEADER = ["序号", "姓名", "活动类型", "日期", "时长", "是否核实", "备注"]

# (id, name as typed, kind, date as typed in the CSV, the date, hours, verified)
ROWS = [
    ("1", "张伟", "志愿服务", "2026/1/5", (2026, 1, 5), "2小时", "是"),
    ("2", "张伟 ", "志愿服务", "2026-1-12", (2026, 1, 12), "1.5小时", "Y"),
    ("3", " 张伟", "月行一善", "2026年1月20日", (2026, 1, 20), "", "√"),
    ("4", "张 伟", "志愿服务", "2026-02-03", (2026, 2, 3), "3h", "是"),
    ("5", "张伟\u3000", "微心愿", "46070", (2026, 2, 17), "", "是"),
    ("6", "李娜", "志愿服务", "2026/1/8", (2026, 1, 8), "4小时", "否"),
    ("7", "李娜", "志愿服务", "2026/1/15", (2026, 1, 15), " 2 小时 ", "已核实"),
    ("8", "李  娜", "月行一善", "2026年2月1日", (2026, 2, 1), "", "是"),
    ("9", "王芳", "志愿服务", "2026-2-10", (2026, 2, 10), "2", "N"),
    ("10", "王芳", "微心愿", "2026/2/14", (2026, 2, 14), "", "√"),
    ("11", "王芳", "志愿服务", "2026年3月2日", (2026, 3, 2), "6小时", "是"),
    ("12", "王芳", "志愿服务", "46087", (2026, 3, 6), "5小时", "已核实"),
    ("13", "刘洋", "月行一善", "2026-3-9", (2026, 3, 9), "", "未核实"),
    ("14", "刘洋", "志愿服务", "2026/3/20", (2026, 3, 20), "2.5小时", "×"),
]


def csv_text() -> str:
    lines = [",".join(HEADER)]
    for id_, name, kind, date, _, hours, verified in ROWS:
        lines.append(",".join([id_, name, kind, date, hours, verified, ""]))
    return "\r\n".join(lines) + "\r\n"


def serial(year: int, month: int, day: int) -> int:
    """Excel's serial day number (1900 system)."""
    return (datetime.date(year, month, day) - datetime.date(1899, 12, 30)).days


def cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def sheet_xml() -> str:
    cols = "ABCDEFG"
    rows = ['<row r="1">' + "".join(cell(f"{cols[i]}1", h) for i, h in enumerate(HEADER)) + "</row>"]
    for n, (id_, name, kind, _, date, hours, verified) in enumerate(ROWS, start=2):
        cells = [
            f'<c r="A{n}"><v>{id_}</v></c>',
            cell(f"B{n}", name),
            cell(f"C{n}", kind),
            f'<c r="D{n}" s="1"><v>{serial(*date)}</v></c>',
        ]
        if hours:
            cells.append(cell(f"E{n}", hours))
        cells.append(cell(f"F{n}", verified))
        rows.append(f'<row r="{n}">' + "".join(cells) + "</row>")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>" + "".join(rows) + "</sheetData></worksheet>"
    )


PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="活动记录" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
        "</styleSheet>"
    ),
}


def main() -> None:
    text = csv_text()
    (HERE / "records-gbk.csv").write_bytes(text.encode("gbk"))
    (HERE / "records-utf8.csv").write_bytes("\ufeff".encode() + text.encode("utf-8"))
    # A fixed timestamp keeps the file byte-identical from run to run.
    with zipfile.ZipFile(HERE / "records.xlsx", "w", zipfile.ZIP_DEFLATED) as book:
        for name, xml in [*PARTS.items(), ("xl/worksheets/sheet1.xml", sheet_xml())]:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            book.writestr(info, xml)


if __name__ == "__main__":
    main()
