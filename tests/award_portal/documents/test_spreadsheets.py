"""The shared spreadsheet writers keep typed text from turning into formulas."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from award_portal.documents.spreadsheets import (
    XLSX_TYPE,
    csv_cell,
    csv_response,
    xlsx_append,
    xlsx_response,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "text", ["=1+1", "+86 479", "-2+3", "@SUM(A1)", "\tx", "\rx", "＝1+1", "＠x"]
)
def test_csv_cell_defuses_a_formula_start(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["二连浩特", "a=b", "2026-Z-003", ""])
def test_csv_cell_leaves_ordinary_text_alone(text):
    assert csv_cell(text) == text


def test_csv_cell_writes_aware_times_in_beijing_time_and_none_as_empty():
    moment = datetime(2026, 6, 2, 2, 0, tzinfo=ZoneInfo("UTC"))
    assert csv_cell(moment) == "2026-06-02 10:00:00"
    assert csv_cell(None) == ""
    assert csv_cell(3) == "3"


def test_csv_response_has_a_bom_and_defused_cells_in_header_and_rows():
    response = csv_response(filename="x.csv", header=["名称", "=h"], rows=[["=cmd|x", "@a"]])
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    raw = response.content.decode("utf-8")
    assert raw.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(raw[1:]))) == [["名称", "'=h"], ["'=cmd|x", "'@a"]]


def test_xlsx_append_stores_text_starting_with_equals_as_text():
    book = Workbook()
    sheet = book.active
    xlsx_append(sheet, ["=1+1", "@SUM(A1)", 5, date(2026, 6, 2), None])
    buffer = io.BytesIO()
    book.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert read["A1"].value == "=1+1" and read["A1"].data_type == "s"
    assert read["B1"].value == "@SUM(A1)" and read["B1"].data_type == "s"
    assert read["C1"].value == 5 and read["C1"].data_type == "n"
    assert read["D1"].value == datetime(2026, 6, 2)
    assert read["E1"].value is None


def test_xlsx_response_writes_each_sheet_with_a_bold_header():
    response = xlsx_response(
        filename="plan.xlsx",
        sheets=[("一个很长很长的工作表标题" * 4, ["名称", "日期"], [["=x", date(2026, 6, 2)]])],
        widths={},
    )
    assert response["Content-Type"] == XLSX_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert len(sheet.title) == 31
    assert sheet["A1"].value == "名称" and sheet["A1"].font.bold
    assert sheet["A2"].value == "=x" and sheet["A2"].data_type == "s"


def test_xlsx_append_gives_formula_like_text_the_quote_prefix_and_leaves_other_text_alone():
    book = Workbook()
    sheet = book.active
    xlsx_append(sheet, ["=1+1", "-2", "二连浩特", "a=b"])
    buffer = io.BytesIO()
    book.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [cell.quotePrefix for cell in read[1]] == [True, True, False, False]
