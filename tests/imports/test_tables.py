import datetime
import io

import pytest

from tests.imports.files import table_bytes
from yanxiu.imports.tables import UnreadableFile, cell_text, read_table, write_table

HEADER = ["姓名", "学校"]
ROWS = [["张三", "实验小学"], ["李四", "第二中学"]]


def read_back(data: bytes, name: str) -> tuple[list[str], list[list[str]]]:
    table = read_table(io.BytesIO(data), name)
    return table.header, list(table.rows)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_written_tables_read_back_the_same(fmt):
    assert read_back(table_bytes(HEADER, ROWS, fmt), f"t.{fmt}") == (HEADER, ROWS)


def test_csv_is_written_with_a_bom_so_excel_reads_chinese():
    assert table_bytes(HEADER, ROWS, "csv").startswith("\ufeff姓名".encode())


def test_gbk_csv_is_decoded():
    data = "姓名,学校\r\n张三,实验小学\r\n".encode("gbk")
    assert read_back(data, "t.csv") == (HEADER, [ROWS[0]])


def test_gb18030_only_characters_are_decoded():
    data = "姓名\r\n㐀明\r\n".encode("gb18030")
    assert read_back(data, "t.csv")[1] == [["㐀明"]]


def test_unknown_suffix_is_refused_in_chinese():
    with pytest.raises(UnreadableFile, match=r"只能导入 \.xlsx 或 \.csv 文件"):
        read_table(io.BytesIO(b""), "roster.pdf")


def test_broken_excel_file_is_refused_in_chinese():
    with pytest.raises(UnreadableFile, match="无法读取该 Excel 文件"):
        read_table(io.BytesIO(b"not a zip"), "roster.xlsx")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2010.0, "2010"),
        (1.5, "1.5"),
        # A spreadsheet's date cell has no time zone: it reads as a naive datetime.
        (datetime.datetime(1985, 3, 14), "1985-03-14"),  # noqa: DTZ001
        (datetime.date(1985, 3, 14), "1985-03-14"),
        ("  张三\u3000", "张三"),
        (None, ""),
        (True, "是"),
        (330302198806011234.0, "3.30302198806011E+17"),
    ],
)
def test_cells_read_as_the_text_people_see(value, shown):
    assert cell_text(value) == shown


def test_excel_number_and_date_cells_become_plain_text():
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["参加工作年份", "出生日期"])
    sheet.write_number(1, 0, 2010)
    # Excel stores dates without a time zone; xlsxwriter refuses an aware datetime.
    birth = datetime.datetime(1985, 3, 14)  # noqa: DTZ001
    sheet.write_datetime(1, 1, birth, workbook.add_format({"num_format": "yyyy-mm-dd"}))
    workbook.close()
    assert read_back(out.getvalue(), "t.xlsx")[1] == [["2010", "1985-03-14"]]


def test_xlsx_rows_are_numbered_from_the_sheet_row():
    data = table_bytes(HEADER, ROWS)
    assert read_table(io.BytesIO(data), "t.xlsx").first_row_number == 2


def test_unknown_write_format_is_an_error():
    with pytest.raises(ValueError, match="pdf"):
        write_table(io.BytesIO(), "pdf", HEADER, ROWS)
