"""Real Office files for upload tests, built byte by byte.

``compound_file`` writes an OLE2 compound file ([MS-CFB] version 3, 512-byte sectors)
from a tree of storages (dicts) and streams (bytes), as the specification lays it out
(header, FAT, directory as a tree of siblings, streams); olefile reads it, and the
`file` command names the results Microsoft Word and Microsoft Excel.
Every stream is padded to the 4096-byte mini-stream cutoff so that no mini stream is
needed. The builders below give each kind the streams its application writes: the
``WordDocument`` stream with a File Information Block, a BIFF8 ``Workbook`` with its
sheets, a ``PowerPoint Document`` record stream, an installer's and an Outlook message's
streams, and the OOXML packages of Word, Excel and PowerPoint.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

SECTOR = 512
FREE, END, FAT_SECTOR, NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
MINI_CUTOFF = 4096

MSI_CLSID = bytes.fromhex("84100c0000000000c000000000000046")  # {000C1084-...-46}


def _pad(data: bytes, size: int = MINI_CUTOFF) -> bytes:
    return data + b"\0" * max(0, size - len(data))


def compound_file(tree: dict, *, clsid: bytes = b"\0" * 16) -> bytes:
    entries = []  # [name, type, data, children]

    def add(name, node):
        index = len(entries)
        if isinstance(node, dict):
            entries.append([name, 1, b"", []])
            entries[index][3] = [add(child, sub) for child, sub in node.items()]
        else:
            assert len(node) >= MINI_CUTOFF, f"{name!r}: pad streams with _pad()"
            entries.append([name, 2, node, []])
        return index

    entries.append(["Root Entry", 5, b"", []])
    entries[0][3] = [add(name, node) for name, node in tree.items()]

    def key(index):  # [MS-CFB] 2.6.4: shorter names first, then upper-case comparison
        name = entries[index][0]
        return (len(name), name.upper())

    left = [NONE] * len(entries)
    right = [NONE] * len(entries)
    child = [NONE] * len(entries)

    def balanced(indices):
        if not indices:
            return NONE
        middle = len(indices) // 2
        root = indices[middle]
        left[root] = balanced(indices[:middle])
        right[root] = balanced(indices[middle + 1 :])
        return root

    for index, entry in enumerate(entries):
        if entry[1] in (1, 5):
            child[index] = balanced(sorted(entry[3], key=key))

    dir_sectors = -(-len(entries) * 128 // SECTOR)
    stream_sectors = [-(-len(e[2]) // SECTOR) if e[1] == 2 else 0 for e in entries]
    data_sectors = dir_sectors + sum(stream_sectors)
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + data_sectors:
        fat_sectors += 1
    assert fat_sectors <= 109

    fat = [FAT_SECTOR] * fat_sectors
    first_dir = len(fat)
    fat += [*range(first_dir + 1, first_dir + dir_sectors), END]
    starts = []
    for count in stream_sectors:
        if count == 0:
            starts.append(END)
            continue
        start = len(fat)
        starts.append(start)
        fat += [*range(start + 1, start + count), END]
    fat += [FREE] * (fat_sectors * 128 - len(fat))

    header = bytearray(SECTOR)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<III", header, 40, 0, fat_sectors, first_dir)
    struct.pack_into("<IIIII", header, 52, 0, MINI_CUTOFF, END, 0, END)
    struct.pack_into("<I", header, 72, 0)
    difat = list(range(fat_sectors)) + [FREE] * (109 - fat_sectors)
    struct.pack_into("<109I", header, 76, *difat)

    directory = bytearray()
    for index, (name, kind, data, _children) in enumerate(entries):
        raw = bytearray(128)
        encoded = name.encode("utf-16-le")
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded) + 2, kind, 1)
        struct.pack_into("<III", raw, 68, left[index], right[index], child[index])
        if kind == 5:
            raw[80:96] = clsid
        struct.pack_into("<II", raw, 116, starts[index] if kind == 2 else END, len(data))
        directory += raw
    directory += b"\0" * (dir_sectors * SECTOR - len(directory))
    for offset in range(len(entries) * 128, len(directory), 128):  # unused: no siblings
        struct.pack_into("<III", directory, offset + 68, NONE, NONE, NONE)

    body = bytearray(header)
    body += struct.pack(f"<{len(fat)}I", *fat)
    body += directory
    for (_name, kind, data, _children), count in zip(entries, stream_sectors, strict=True):
        if kind == 2:
            body += data + b"\0" * (count * SECTOR - len(data))
    return bytes(body)


# --- OLE2 documents -------------------------------------------------------------------


def _vba_project() -> dict:
    return {
        "VBA": {
            "_VBA_PROJECT": _pad(b"\xcc\x61\xff\xff\x00\x00\x00"),
            "dir": _pad(b"\x01"),
            "ThisDocument": _pad(b'Attribute VB_Name = "ThisDocument"\r\nSub AutoOpen()'),
        },
        "PROJECT": _pad(b'ID="{00000000-0000-0000-0000-000000000000}"\r\nDocument=ThisDocument'),
    }


def _packaged_exe() -> bytes:
    """The Packager's \\x01Ole10Native stream around a Windows program."""
    program = b"MZ\x90\x00" + b"\0" * 60 + b"PE\0\0"
    native = b"\x02\x00" + b"tool.exe\0" + b"C:\\tool.exe\0" + b"\0\0\x03\x00"
    native += struct.pack("<I", 12) + b"C:\\tool.exe\0"
    native += struct.pack("<I", len(program)) + program
    return _pad(struct.pack("<I", len(native)) + native)


def word_doc(*, macros: bool = False, packaged_exe: bool = False, equation: bool = False):
    """A Word 97-2003 document: the WordDocument stream opens with the FIB's wIdent
    0xA5EC; the text tables are in 1Table."""
    fib = struct.pack("<HH", 0xA5EC, 0x00C1) + b"\0" * 28
    tree: dict = {
        "WordDocument": _pad(fib + "申报材料".encode("utf-16-le")),
        "1Table": _pad(b"\0"),
        "\x05SummaryInformation": _pad(b"\xfe\xff"),
    }
    if macros:
        tree["Macros"] = _vba_project()
    objects = {}
    if packaged_exe:
        objects["_1234567890"] = {
            "\x01Ole10Native": _packaged_exe(),
            "\x01CompObj": _pad(b"Package"),
        }
    if equation:
        objects["_1234567891"] = {
            "Equation Native": _pad(b"\x1c\x00\x00\x00"),
            "\x01CompObj": _pad(b"Microsoft Equation 3.0"),
        }
    if objects:
        tree["ObjectPool"] = objects
    return compound_file(tree)


def _biff(record: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", record, len(data)) + data


def _boundsheet(name: str, sheet_type: int) -> bytes:
    encoded = name.encode("latin-1")
    return _biff(0x0085, struct.pack("<IBBBB", 0, 0, sheet_type, len(encoded), 0) + encoded)


def excel_xls(*, macro_sheet: bool = False, vba: bool = False) -> bytes:
    """A BIFF8 workbook: BOF, the sheets' BoundSheet records, EOF (then the sheets)."""
    globals_ = _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
    globals_ += _boundsheet("Sheet1", 0x00)
    if macro_sheet:
        globals_ += _boundsheet("Macro1", 0x01)  # an Excel 4.0 macro sheet
    globals_ += _biff(0x000A)
    tree: dict = {"Workbook": _pad(globals_)}
    if vba:
        tree["_VBA_PROJECT_CUR"] = _vba_project()
    return compound_file(tree)


def _ppt_record(record: int, data: bytes, *, instance: int = 0, version: int = 0) -> bytes:
    return struct.pack("<HHI", (instance << 4) | version, record, len(data)) + data


def powerpoint_ppt(*, vba: bool = False, packaged_exe: bool = False) -> bytes:
    """A PowerPoint 97-2003 presentation: a DocumentContainer (0x03E8) and, as
    PowerPoint stores them, VBA projects and embedded objects as zlib-compressed
    ExOleObjStg records (0x1011) of their own."""
    document_atom = _ppt_record(0x03E9, b"\0" * 40, version=1)
    children = document_atom
    stored = b""
    if vba:
        info = struct.pack("<III", 2, 1, 2)  # persistIdRef, fHasMacros=1, version
        children += _ppt_record(0x03FF, _ppt_record(0x0400, info, version=2), version=0xF)
        project = compound_file(_vba_project())
        stored += _ppt_record(
            0x1011, struct.pack("<I", len(project)) + zlib.compress(project), instance=1
        )
    if packaged_exe:
        package = compound_file({"\x01Ole10Native": _packaged_exe()})
        stored += _ppt_record(
            0x1011, struct.pack("<I", len(package)) + zlib.compress(package), instance=1
        )
    stream = _ppt_record(0x03E8, children, version=0xF) + stored
    filler = MINI_CUTOFF - len(stream) - 8
    stream += _ppt_record(0x0FF5, b"\0" * max(filler, 0))  # a UserEditAtom-sized pad
    return compound_file({"PowerPoint Document": _pad(stream), "Current User": _pad(b"\0")})


def msi_like() -> bytes:
    """An installer: the MSI CLSID on the root, its summary and mangled-name tables."""
    return compound_file(
        {
            "\x05SummaryInformation": _pad(b"\xfe\xff"),
            "\u4840\u3f3f\u4577\u446c\u3e6a\u44b2\u482f": _pad(b"\0"),
            "\u4840\u3b3f\u43f2\u4438\u45b1": _pad(b"\0"),
        },
        clsid=MSI_CLSID,
    )


def outlook_msg() -> bytes:
    return compound_file(
        {
            "__properties_version1.0": _pad(b"\0"),
            "__substg1.0_0037001F": _pad("关于申报的邮件".encode("utf-16-le")),
        }
    )


def visio_vsd() -> bytes:
    return compound_file({"VisioDocument": _pad(b"Visio (TM) Drawing\r\n")})


# --- OOXML packages -------------------------------------------------------------------

MAIN_TYPES = {
    "word": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
    ),
    "xl": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ),
    "ppt": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    ),
}


def ooxml(
    app: str = "word",
    *,
    macro_enabled: bool = False,
    parts: dict[str, bytes] | None = None,
    overrides: dict[str, str] | None = None,
    main_type: str = "",
) -> bytes:
    """A package as Office writes it: content types, the package relationships, the
    main part, and any ``parts`` (with their ``overrides`` content types)."""
    main, plain_type, macro_type = MAIN_TYPES[app]
    types = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
        '<Default Extension="xml" ContentType="application/xml"/>',
        '<Default Extension="bin" '
        'ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>',
        f'<Override PartName="/{main}" '
        f'ContentType="{main_type or (macro_type if macro_enabled else plain_type)}"/>',
    ]
    types += [
        f'<Override PartName="/{part}" ContentType="{kind}"/>'
        for part, kind in (overrides or {}).items()
    ]
    types.append("</Types>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "".join(types))
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'officeDocument" Target="{main}"/></Relationships>',
        )
        package.writestr(main, "<document>申报材料</document>")
        for name, data in (parts or {}).items():
            package.writestr(name, data)
    return buffer.getvalue()
