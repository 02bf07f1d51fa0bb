#!/usr/bin/python3
"""The peers' input for bench/all's side-by-side: the candidates of a make_candidates CSV
as HTML admission tickets (the same fields, the same photo files, the same Chinese font),
one A4 page each. wkhtmltopdf and Chromium get HTML where examdocs gets the CSV; neither
draws the QR code or barcode examdocs adds, so the comparison favours them slightly.
Usage: peer_tickets.py CANDIDATES.csv OUT.html [COUNT]"""
import csv
import html
import sys

source, out_path = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else None
with open(source, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))[:count]

LABELS = {
    "ticketNumber": "准考证号", "candidate/name": "姓名", "candidate/idNumber": "身份证号",
    "occupation/code": "职业编码", "occupation/name": "职业（工种）", "occupation/job": "工种",
    "level": "等级",
}
page = []
for row in rows:
    photo = row["candidate/photo"].lstrip("@")
    fields = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(row[key])}</td></tr>"
        for key, label in LABELS.items())
    sessions = "".join(
        "<tr>" + "".join(f"<td>{html.escape(row[f'sessions/{i}/{k}'])}</td>"
                         for k in ("subject", "date", "time", "room", "seat")) + "</tr>"
        for i in (0, 1) if row.get(f"sessions/{i}/subject"))
    page.append(f"""<section class="ticket">
<h1>职业技能等级认定 准考证</h1>
<img class="photo" src="{html.escape(photo)}">
<table class="fields">{fields}</table>
<table class="sessions"><tr><th>科目</th><th>日期</th><th>时间</th><th>考场</th><th>座号</th></tr>{sessions}</table>
<ol class="notes"><li>考生凭准考证和有效身份证件入场。</li><li>开考30分钟后不得入场，考试结束前不得离场。</li>
<li>严禁携带通讯工具进入考场。</li><li>验证网址：{html.escape(row.get("verificationUrl", ""))}</li></ol>
</section>""")

with open(out_path, "w", encoding="utf-8") as out:
    out.write("""<!doctype html><html lang="zh"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 15mm; }
body { font-family: "WenQuanYi Zen Hei", sans-serif; font-size: 11pt; margin: 0; }
.ticket { page-break-after: always; break-after: page; position: relative; height: 260mm; }
h1 { text-align: center; font-size: 18pt; }
.photo { position: absolute; right: 5mm; top: 25mm; width: 25mm; height: 35mm; }
table { border-collapse: collapse; margin: 4mm 0; }
.fields { width: 140mm; } .sessions { width: 100%; }
th, td { border: 0.5pt solid #444; padding: 1.5mm 2mm; text-align: left; }
</style></head><body>
""" + "\n".join(page) + "\n</body></html>\n")
