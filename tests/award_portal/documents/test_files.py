"""Uploads: Office files are accepted only without code (issue 7, point 17).

Every file here is a real one, built byte by byte (``tests.factories.office``): OLE2
compound files that olefile reads, OOXML packages as Office writes them, and a workbook
written by openpyxl.
"""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from applications.models import DossierFile
from award_portal.audit.enums import Action
from award_portal.audit.models import AuditEvent
from award_portal.documents.files import inspect_upload
from tests.factories import office as made

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
MACROS = "含有宏"
EMBEDDED = "内嵌了程序或打包文件"
NOT_ACCEPTED = "不是PDF"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        inspect_upload(upload(name, data))
    return " ".join(caught.value.messages)


def openpyxl_workbook() -> bytes:
    book = Workbook()
    book.active["A1"] = "营业收入"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "data", "content_type", "extension"),
    [
        ("申报书.doc", made.word_doc(), "application/msword", ".doc"),
        ("公式.doc", made.word_doc(equation=True), "application/msword", ".doc"),
        ("财务.xls", made.excel_xls(), "application/vnd.ms-excel", ".xls"),
        ("汇报.ppt", made.powerpoint_ppt(), "application/vnd.ms-powerpoint", ".ppt"),
        ("申报书.docx", made.ooxml("word"), DOCX, ".docx"),
        ("财务.xlsx", openpyxl_workbook(), XLSX, ".xlsx"),
        ("汇报.pptx", made.ooxml("ppt"), PPTX, ".pptx"),
        (
            "带图表.docx",
            made.ooxml(parts={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": made.ooxml("xl")}),
            DOCX,
            ".docx",
        ),
        (
            "带公式.docx",
            made.ooxml(parts={"word/embeddings/oleObject1.bin": made.word_doc(equation=True)}),
            DOCX,
            ".docx",
        ),
        ("named.exe", made.word_doc(), "application/msword", ".doc"),
    ],
)
def test_office_files_without_code_are_accepted_as_what_their_content_is(
    name, data, content_type, extension
):
    inspected = inspect_upload(upload(name, data))
    assert (inspected.content_type, inspected.extension) == (content_type, extension)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("宏.doc", made.word_doc(macros=True)),
        ("宏.xls", made.excel_xls(vba=True)),
        ("宏表.xls", made.excel_xls(macro_sheet=True)),  # Excel 4.0 (XLM) macros
        ("宏.ppt", made.powerpoint_ppt(vba=True)),
        ("宏.docm", made.ooxml("word", macro_enabled=True)),
        ("宏.xlsm", made.ooxml("xl", macro_enabled=True)),
        ("宏.pptm", made.ooxml("ppt", macro_enabled=True)),
        # the name and main type say .docx, but the VBA project is there
        (
            "伪装.docx",
            made.ooxml(parts={"word/vbaProject.bin": made.compound_file(made._vba_project())}),
        ),
        (
            "宏表.xlsx",
            made.ooxml(
                "xl",
                parts={"xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"},
                overrides={"xl/macrosheets/sheet1.xml": "application/vnd.ms-excel.macrosheet+xml"},
            ),
        ),
        # a .docm inside a .docx
        (
            "套娃.docx",
            made.ooxml(
                parts={
                    "word/embeddings/Microsoft_Word_Document.docm": made.ooxml(
                        "word", macro_enabled=True
                    )
                }
            ),
        ),
    ],
)
def test_office_files_with_macros_are_refused(name, data):
    message = refusal(name, data)
    assert MACROS in message and name in message


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("带程序.doc", made.word_doc(packaged_exe=True)),
        ("带程序.ppt", made.powerpoint_ppt(packaged_exe=True)),
        (
            "带程序.docx",
            made.ooxml(
                parts={
                    "word/embeddings/oleObject1.bin": made.compound_file(
                        {"\x01Ole10Native": made._packaged_exe()}
                    )
                }
            ),
        ),
        (
            "带程序.xlsx",
            made.ooxml("xl", parts={"xl/embeddings/tool.exe": b"MZ\x90\x00" + b"\0" * 60}),
        ),
        (
            "控件.docx",
            made.ooxml(
                parts={"word/activeX/activeX1.bin": b"\0" * 16},
                overrides={"word/activeX/activeX1.bin": "application/vnd.ms-office.activeX"},
            ),
        ),
        (
            "带安装包.pptx",
            made.ooxml("ppt", parts={"ppt/embeddings/setup.msi": made.msi_like()}),
        ),
    ],
)
def test_office_files_with_embedded_programs_or_packages_are_refused(name, data):
    message = refusal(name, data)
    assert EMBEDDED in message and name in message


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("安装包.doc", made.msi_like()),
        ("邮件.doc", made.outlook_msg()),
        ("流程图.doc", made.visio_vsd()),
        ("损坏.doc", made.word_doc()[:1024]),
        ("损坏.docx", made.ooxml()[:200]),
        ("不是文档.docx", made.ooxml().replace(b"[Content_Types].xml", b"[Content_Typez].xml")),
        (
            "模板.docx",
            made.ooxml(
                main_type="application/vnd.openxmlformats-officedocument."
                "wordprocessingml.template.main+xml"
            ),
        ),
    ],
)
def test_other_compound_files_and_damaged_packages_are_not_office_documents(name, data):
    assert NOT_ACCEPTED in refusal(name, data)


@pytest.mark.unit
def test_a_compressed_object_too_large_to_unpack_is_refused(monkeypatch):
    from award_portal.documents import files

    monkeypatch.setattr(files, "MAX_UNPACKED", 1024)
    message = refusal("大对象.ppt", made.powerpoint_ppt(packaged_exe=True))
    assert EMBEDDED in message
    big = made.ooxml(parts={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": b"\0" * 4096})
    assert NOT_ACCEPTED in refusal("大对象.docx", big)


@pytest.mark.unit
def test_the_built_files_are_real_compound_files():
    """The factory's OLE2 files are read by olefile with the streams they were given."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(made.word_doc(macros=True))) as ole:
        assert ole.exists("WordDocument") and ole.exists("Macros/VBA/_VBA_PROJECT")
        assert ole.openstream("WordDocument").read(2) == b"\xec\xa5"
    with olefile.OleFileIO(io.BytesIO(made.msi_like())) as ole:
        assert ole.root.clsid == "000C1084-0000-0000-C000-000000000046"
    with zipfile.ZipFile(io.BytesIO(made.ooxml())) as package:
        assert package.testzip() is None


@pytest.mark.integration
@pytest.mark.django_db
def test_the_upload_page_refuses_a_macro_document_and_stores_nothing(
    client, applicant, org_dossier
):
    client.force_login(applicant)
    before = (
        DossierFile.objects.count(),
        AuditEvent.objects.filter(action=Action.FILE_UPLOADED).count(),
        sorted(default_storage.listdir(f"dossiers/{org_dossier.pk}")[1]),
    )
    page = client.post(
        f"/dossiers/{org_dossier.pk}/files/",
        {
            "kind": "evidence",
            "title": "自评报告",
            "upload": upload("自评报告.docx", made.ooxml(macro_enabled=True)),
        },
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "“自评报告.docx”含有宏" in body and "另存为" in body
    assert (
        DossierFile.objects.count(),
        AuditEvent.objects.filter(action=Action.FILE_UPLOADED).count(),
        sorted(default_storage.listdir(f"dossiers/{org_dossier.pk}")[1]),
    ) == before


@pytest.mark.integration
@pytest.mark.django_db
def test_a_legacy_workbook_is_stored_and_downloaded_as_xls(client, applicant, org_dossier):
    """OLE2 files were all called .doc; an Excel 97-2003 workbook is now an .xls."""
    client.force_login(applicant)
    response = client.post(
        f"/dossiers/{org_dossier.pk}/files/",
        {"kind": "evidence", "title": "财务报表", "upload": upload("财务报表", made.excel_xls())},
    )
    assert response.status_code == 302
    stored = DossierFile.objects.get(title="财务报表")
    assert stored.content_type == "application/vnd.ms-excel"
    download = client.get(f"/dossiers/{org_dossier.pk}/files/{stored.pk}/")
    assert b"".join(download.streaming_content) == made.excel_xls()
    assert download["Content-Type"] == "application/vnd.ms-excel"
    assert 'filename="财务报表.xls"' in download["Content-Disposition"] or (
        "filename*=utf-8''%E8%B4%A2%E5%8A%A1%E6%8A%A5%E8%A1%A8.xls"
        in download["Content-Disposition"]
    )
