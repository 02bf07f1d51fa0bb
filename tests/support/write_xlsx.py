#!/usr/bin/env python3
"""Writes the .xlsx workbooks the spreadsheet tests read, with two real writers from
Debian: openpyxl (python3-openpyxl, writes inline strings) and XlsxWriter
(python3-xlsxwriter, writes a shared-strings table as Excel does).

    write_xlsx.py CANDIDATES_CSV OUT_DIR

Writes into OUT_DIR:
  candidates.xlsx      (openpyxl) the CSV's rows as an office types them: ticket numbers as text
                       ("000123" stays), levels and seats as numbers, session dates as real
                       dates (date serials in a date format), a second sheet "补考", the
                       exam centre's name in a column merged down over three rows, an
                       empty cell
  shared.xlsx          (XlsxWriter) every cell text from the shared strings, dates typed
  minimal.xlsx         the least a package can be: no styles, no shared strings, the
                       sheet named by an absolute target
  bad-number.xlsx      candidates.xlsx with cell C17 marked a number but holding text
  broken-xml.xlsx      candidates.xlsx with its sheet cut off mid-element
  doctype.xlsx         a sheet that declares entities (the "billion laughs")
  bomb.xlsx            a sheet that inflates past every limit
  clerk.xlsx           (openpyxl) what the clerk's page test uploads: 12 candidates as an
                       office types them, the sixth with an ID number whose check character
                       is wrong (refused, row 7), nothing the form's defaults give
"""
import csv
import datetime
import re
import sys
import zipfile

import openpyxl
import xlsxwriter


def typed(header, value):
    if value == "":
        return None
    if header.endswith("/date"):
        return datetime.date.fromisoformat(value)
    if header in ("level",) or header.endswith("/seat"):
        return int(value)
    return value


def write_candidates(rows, path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "考生"
    header = rows[0] + ["centre/name"]
    sheet.append(header)
    for i, row in enumerate(rows[1:21]):
        values = [typed(h, v) for h, v in zip(rows[0], row)]
        if i == 0:
            values[0] = "000123"  # a ticket number with leading zeros, typed as text
        if i == 2:
            values[header.index("occupation/job")] = None  # an empty cell
        centre = "天津市第一考点" if i < 3 else "天津市第二考点"
        sheet.append(values + [centre if i in (0, 3) or i >= 6 else None])
    for cell in sheet[1]:
        cell.number_format = "@"
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy/m/d"
    column = openpyxl.utils.get_column_letter(len(header))
    sheet.merge_cells(f"{column}2:{column}4")  # rows 2-4: the first centre
    sheet.merge_cells(f"{column}5:{column}7")  # rows 5-7: the second
    makeup = book.create_sheet("补考")
    makeup.append(rows[0])
    makeup.append([typed(h, v) for h, v in zip(rows[0], rows[21])])
    book.save(path)


def write_clerk(rows, path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "考生名单"
    sheet.append(rows[0])
    for i, row in enumerate(rows[1:13]):
        values = [typed(h, v) for h, v in zip(rows[0], row)]
        if i == 5:
            column = rows[0].index("candidate/idNumber")
            good = values[column]
            values[column] = good[:-1] + ("0" if good[-1] != "0" else "1")
        sheet.append(values)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    book.save(path)


def write_shared(rows, path):
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    date_format = book.add_format({"num_format": "yyyy\"年\"m\"月\"d\"日\""})
    for r, row in enumerate(rows[:6]):
        for c, value in enumerate(row):
            if r > 0 and rows[0][c].endswith("/date"):
                sheet.write_datetime(r, c, datetime.datetime.fromisoformat(value), date_format)
            else:
                sheet.write_string(r, c, value)
    book.close()


def rewrite_sheet(source, target, change):
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            zout.writestr(item, data)


def write_minimal(rows, path):
    def esc(text):
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def column(i):
        name = ""
        i += 1
        while i:
            i, r = divmod(i - 1, 26)
            name = chr(65 + r) + name
        return name

    sheet_rows = []
    for r, row in enumerate(rows[:6], start=1):
        cells = "".join(
            f'<c r="{column(c)}{r}" t="inlineStr"><is><t>{esc(v)}</t></is></c>'
            for c, v in enumerate(row) if v != "")
        sheet_rows.append(f'<row r="{r}">{cells}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '</Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="/xl/worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>'
            + "".join(sheet_rows) + "</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return parts


def main():
    candidates_csv, out = sys.argv[1], sys.argv[2]
    with open(candidates_csv, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    write_candidates(rows, f"{out}/candidates.xlsx")
    write_shared(rows, f"{out}/shared.xlsx")
    write_clerk(rows, f"{out}/clerk.xlsx")
    parts = write_minimal(rows, f"{out}/minimal.xlsx")

    def bad_number(xml):
        changed, n = re.subn(r'<c r="C17"[^>]*>.*?</c>', '<c r="C17" t="n"><v>十二</v></c>', xml, count=1)
        assert n == 1, "no cell C17"
        return changed
    rewrite_sheet(f"{out}/candidates.xlsx", f"{out}/bad-number.xlsx", bad_number)
    rewrite_sheet(f"{out}/candidates.xlsx", f"{out}/broken-xml.xlsx",
                  lambda xml: xml[: xml.index('<row r="9"') + 12])

    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                        for i in range(1, 10))
              + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
                '</sheetData></worksheet>')
    with zipfile.ZipFile(f"{out}/doctype.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, laughs if name == "xl/worksheets/sheet1.xml" else text)

    with zipfile.ZipFile(f"{out}/bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(parts["xl/worksheets/sheet1.xml"][:-len("</sheetData></worksheet>")].encode())
            block = b"<row/>" * (1 << 16)
            for _ in range(512):  # 200 MB of empty rows, about 200 KB compressed
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")


if __name__ == "__main__":
    main()
