"""Writes book.xls, the legacy-Excel fixture for fangxian-formats' xls test.

Source: synthetic values written by this script with xlwt 1.3.0 (PyPI), 2026-11-24.
Rust has no .xls writer, so this one binary fixture is committed; rerun with
`PYTHONPATH=<xlwt> python3 make_xls.py` to regenerate it.
"""

import xlwt

book = xlwt.Workbook(encoding="utf-8")
users = book.add_sheet("客户")
for col, name in enumerate(["姓名", "手机", "身份证"]):
    users.write(0, col, name)
rows = [
    ("张三", "13800138000", "11010519491231002X"),
    ("李四", "13900139000", "110105194912310037"),
]
for r, row in enumerate(rows, start=1):
    for col, value in enumerate(row):
        users.write(r, col, value)
raw = book.add_sheet("raw")
raw.write(0, 0, "x")
raw.write(0, 1, 1)
raw.write(1, 0, "y")
raw.write(1, 1, 2)
book.save("book.xls")
