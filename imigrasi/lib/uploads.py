"""Inspect an applicant's upload by its content and hand back a clean copy that is safe to store.

Applicants upload scans of identity papers (e-KTP, birth certificates, passports, police
reports). Everything about an upload except its bytes is attacker-controlled and therefore not
an input here: the file name and the declared content type are ignored, and the type is decided
by magic bytes alone. An upload is either refused with an `UploadRejected` carrying a
machine-readable `code` (the caller turns it into a translated, field-specific message), or
accepted as a `CleanFile` whose `content` is what we store:

* images (JPEG, PNG) are decoded and re-encoded by Pillow, so EXIF (including GPS), ICC, XMP,
  comments and PNG text chunks are gone, and no byte of the upload survives verbatim;
* PDFs are re-written page by page by pypdf (see `_rewrite_pdf` for why re-writing was chosen
  over keeping the original bytes).

Defence in depth: the structural checks (polyglots, active content, bombs) refuse hostile files
early with a precise code, and the re-encoding/re-writing means that whatever a check missed is
unlikely to reach storage in its original form.

This module is framework-free (no Django) so that it can run in a worker, a management command
or a test without settings.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import warnings
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal, get_args

import pypdf
from PIL import Image, ImageFile, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.errors import DependencyError, LimitReachedError
from pypdf.filters import decode_stream_data
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

__all__ = [
    "CODES",
    "CleanFile",
    "RejectionCode",
    "UploadLimits",
    "UploadRejected",
    "inspect_upload",
]

RejectionCode = Literal[
    "empty",
    "too_large",
    "unsupported_type",
    "image_unreadable",
    "image_too_small",
    "image_too_large",
    "pdf_unreadable",
    "pdf_encrypted",
    "pdf_too_many_pages",
    "pdf_active_content",
    "pdf_too_large",
    "polyglot",
]
CODES: Final[frozenset[str]] = frozenset(get_args(RejectionCode))


@dataclass(frozen=True)
class UploadLimits:
    """Resource limits for one upload; the defaults suit a phone photo or a 600-dpi A4 scan."""

    max_bytes: int = 5 * 1024 * 1024
    max_pixels: int = 40_000_000  # width*height
    max_side: int = 10_000  # px
    min_side: int = 200  # px: anything smaller is not a legible scan
    max_pdf_pages: int = 20
    max_pdf_stream_bytes: int = 50 * 1024 * 1024  # total decompressed, stops PDF zip bombs


class UploadRejected(Exception):
    """The upload is refused. `code` is for the caller (translated message), `detail` for logs.

    `detail` is English and may quote offsets or sizes; it is never shown to users because it
    can reveal how the check works and is not translated.
    """

    code: RejectionCode
    detail: str

    def __init__(self, code: RejectionCode, detail: str) -> None:
        if code not in CODES:  # a typo here would silently break the caller's message lookup
            raise ValueError(f"unknown rejection code {code!r}")
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class CleanFile:
    """What to store: cleaned bytes plus the facts the caller needs to record about them.

    `content` is never the upload itself: images are re-encoded by Pillow, PDFs re-written by
    pypdf (why re-writing rather than keeping the original: see `_rewrite_pdf`). It can be a
    little larger than the upload (JPEG quality 90), so storage quotas should not assume
    `len(content) <= max_bytes`.
    """

    content: bytes
    media_type: str  # "image/jpeg" | "image/png" | "application/pdf"
    extension: str  # ".jpg" | ".png" | ".pdf"
    width: int | None
    height: int | None
    pages: int | None
    sha256: str  # of `content`


def inspect_upload(data: bytes, limits: UploadLimits = UploadLimits()) -> CleanFile:
    """Decide by content whether `data` may be stored and return the cleaned file.

    Raises `UploadRejected` (and nothing else for any input bytes) when the upload is refused.
    The order of checks goes from cheapest to most expensive so that a hostile file costs as
    little as possible: size, magic bytes, byte-level structure, then the real parsers.
    """
    if not data:
        raise UploadRejected("empty", "zero-byte upload")
    if len(data) > limits.max_bytes:
        raise UploadRejected("too_large", f"{len(data)} bytes > {limits.max_bytes}")
    if data.startswith(_JPEG_MAGIC):
        return _inspect_jpeg(data, limits)
    if data.startswith(_PNG_MAGIC):
        return _inspect_png(data, limits)
    header_at = data.find(_PDF_MAGIC, 0, _PDF_HEADER_WINDOW + len(_PDF_MAGIC) - 1)
    if header_at >= 0:
        return _inspect_pdf(data, header_at, limits)
    late_header = data.find(_PDF_MAGIC)
    if late_header >= 0:
        # Readers that hunt for the header would still open this as a PDF: two formats at once.
        raise UploadRejected("polyglot", f"PDF header at offset {late_header} (> 1024)")
    raise UploadRejected("unsupported_type", f"magic bytes look like {_guess_format(data)}")


# --- format signatures ---------------------------------------------------------------------

_JPEG_MAGIC: Final = b"\xff\xd8\xff"
_PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"
_PDF_MAGIC: Final = b"%PDF-"
# Acrobat (and the PDF spec's implementation notes) accept the header within the first 1024
# bytes; anything that needs more leading room is some other file wearing a PDF.
_PDF_HEADER_WINDOW: Final = 1024

# Leading bytes of formats we refuse; only used to name the format in the log detail and to
# recognise a foreign file in front of a PDF header or behind an image.
_KNOWN_MAGIC: Final[tuple[tuple[bytes, str], ...]] = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"MZ", "Windows executable"),
    (b"\x7fELF", "ELF executable"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"\x1f\x8b", "gzip"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
    (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE/MS Office"),
    (b"{\\rtf", "RTF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"%PDF-", "PDF"),
)

# Found anywhere in an image's metadata segments, behind an image, or in front of a PDF header,
# these mean a second format rides along. Short signatures (e.g. "MZ") are only meaningful at a
# known position and are matched with `_KNOWN_MAGIC` instead.
_FOREIGN_SIGNATURES: Final[tuple[tuple[bytes, str], ...]] = (
    (b"%PDF-", "PDF header"),
    (b"PK\x03\x04", "ZIP local file header"),
    (b"PK\x01\x02", "ZIP central directory"),
    (b"PK\x05\x06", "ZIP end of central directory"),
    (b"PK\x06\x06", "ZIP64 end of central directory"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x7fELF", "ELF executable"),
)
# Markup a browser would sniff as HTML/SVG, matched case-insensitively.
_MARKUP: Final = re.compile(
    rb"<(?:script|html|!doctype|iframe|svg|\?php|body|head|object|embed)\b", re.IGNORECASE
)
# Matched across the whole of an image, including compressed pixel data. Kept to patterns of
# five or more bytes so that the chance of a random hit in a 5 MB scan stays around 1e-5.
_ANYWHERE_IN_IMAGE: Final = re.compile(rb"%PDF-|<\?php|<script", re.IGNORECASE)
# A ZIP reader looks for its end record in the last 64 KiB + 22 bytes of a file.
_ZIP_EOCD_WINDOW: Final = 65_535 + 22
# Bytes a scanner or an uploader may leave after the end marker without meaning anything.
_PADDING_BYTES: Final = b"\x00\t\n\r\x0c "
_MAX_PADDING: Final = 1024


def _guess_format(data: bytes) -> str:
    """Name the format for the log only; the refusal does not depend on the guess."""
    for magic, name in _KNOWN_MAGIC:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if data[4:8] == b"ftyp":
        return f"ISO media ({data[8:12].decode('latin-1')!r}, e.g. HEIC/MP4)"
    head = data[:512].lstrip().lower()
    if _MARKUP.search(head) or head.startswith(b"<?xml"):
        return "HTML/SVG/XML"
    return "unknown"


def _is_trivial_padding(tail: bytes) -> bool:
    return len(tail) <= _MAX_PADDING and not tail.strip(_PADDING_BYTES)


def _describe_foreign(blob: bytes) -> str | None:
    """Name a second format found inside `blob`, or None."""
    for signature, name in _FOREIGN_SIGNATURES:
        at = blob.find(signature)
        if at >= 0:
            return f"{name} at offset {at}"
    match = _MARKUP.search(blob)
    if match:
        return f"markup {match.group(0)!r} at offset {match.start()}"
    return None


def _reject_trailer(tail: bytes, where: str, *, allow_opaque: bool = False) -> None:
    """Refuse bytes after the format's end marker unless they are trivial padding.

    ``allow_opaque`` (JPEG only): phone cameras append vendor data after EOI (Samsung's "SEFT"
    block with capture details is on most Samsung photos, the best-selling phones in
    Indonesia). Such a trailer is accepted when it is no file format we know and carries no
    foreign signature or markup anywhere; the re-encode drops it. An appended video, archive,
    PDF or page is still a polyglot.
    """
    if _is_trivial_padding(tail):
        return
    guess = _guess_format(tail.lstrip(_PADDING_BYTES))
    # An ISO media box ("ftyp": MP4 motion photos, HEIC) starts 4 bytes in; padding strips
    # its NUL size bytes, so look at the raw start as well.
    iso_media = b"ftyp" in tail[:64]
    if allow_opaque and guess == "unknown" and not iso_media and _describe_foreign(tail) is None:
        return
    raise UploadRejected("polyglot", f"{len(tail)} bytes after {where} (looks like {guess})")


def _reject_zip_end_record(data: bytes) -> None:
    """A ZIP end record near the end makes any file open as an archive as well."""
    window = data[-_ZIP_EOCD_WINDOW:]
    for signature in (b"PK\x05\x06", b"PK\x06\x06"):
        at = window.find(signature)
        if at >= 0:
            offset = len(data) - len(window) + at
            raise UploadRejected("polyglot", f"ZIP end record at offset {offset}")


# --- images ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ImageStructure:
    """What the byte-level walk learned before any decoder ran."""

    width: int
    height: int
    end: int  # offset just past the end marker (JPEG EOI / PNG IEND)
    metadata: tuple[bytes, ...]  # non-pixel segments/chunks: where a payload would hide
    has_mpf: bool = False  # JPEG Multi-Picture Format (Ultra HDR gain maps, stereo pairs)


# JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic); C4/C8/CC are not.
_JPEG_SOF: Final = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)


def _walk_jpeg(data: bytes, start: int) -> _ImageStructure:
    """Walk JPEG markers from SOI at `start` to EOI without decoding pixels.

    The walk finds where the image really ends (so appended files are visible), reads the
    dimensions from the frame header before any decoder allocates memory, and collects the
    metadata segments (APPn, COM, tables) that are searched for a second format. Entropy-coded
    data is skipped by the marker rules (0xFF00 stuffing and RSTn markers do not end a scan).
    """
    size = len(data)
    pos = start + 2
    width = height = 0
    metadata: list[bytes] = []
    has_mpf = False
    while True:
        if pos >= size or data[pos] != 0xFF:
            raise UploadRejected("image_unreadable", f"JPEG: no marker at offset {pos}")
        while pos < size and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= size:
            raise UploadRejected("image_unreadable", "JPEG: truncated before EOI")
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # standalone markers
            continue
        if marker in (0x00, 0xD8):
            raise UploadRejected("image_unreadable", f"JPEG: bad marker {marker:#x} at {pos}")
        if pos + 2 > size:
            raise UploadRejected("image_unreadable", "JPEG: truncated segment header")
        (length,) = struct.unpack_from(">H", data, pos)
        if length < 2 or pos + length > size:
            raise UploadRejected("image_unreadable", f"JPEG: segment overruns file at {pos}")
        payload = data[pos + 2 : pos + length]
        pos += length
        if marker in _JPEG_SOF:
            if len(payload) < 5:
                raise UploadRejected("image_unreadable", "JPEG: short frame header")
            height, width = struct.unpack_from(">HH", payload, 1)
        elif marker == 0xDA:  # SOS: skip entropy-coded data up to the next real marker
            pos = _skip_entropy_coded(data, pos)
        else:
            metadata.append(payload)
            if marker == 0xE2 and payload.startswith(b"MPF\x00"):
                has_mpf = True
    if width == 0 or height == 0:
        raise UploadRejected("image_unreadable", "JPEG: no frame header with a size")
    return _ImageStructure(width, height, pos, tuple(metadata), has_mpf)


def _skip_entropy_coded(data: bytes, pos: int) -> int:
    size = len(data)
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= size:
            raise UploadRejected("image_unreadable", "JPEG: truncated scan data")
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            pos += 2
        elif following == 0xFF:
            pos += 1
        else:
            return pos


def _walk_png(data: bytes) -> _ImageStructure:
    """Walk PNG chunks from the signature to IEND, checking lengths and CRCs.

    Like the JPEG walk this finds the true end of the image and the dimensions (IHDR) before
    Pillow is involved; non-pixel chunks (tEXt, zTXt, iTXt, eXIf, iCCP, private chunks) are
    collected for the polyglot search.
    """
    size = len(data)
    pos = len(_PNG_MAGIC)
    width = height = 0
    metadata: list[bytes] = []
    first = True
    while True:
        if pos + 12 > size:
            raise UploadRejected("image_unreadable", "PNG: truncated before IEND")
        length, kind = struct.unpack_from(">I4s", data, pos)
        if length > 0x7FFFFFFF or pos + 12 + length > size:
            raise UploadRejected("image_unreadable", f"PNG: chunk overruns file at {pos}")
        if not kind.isalpha():
            raise UploadRejected("image_unreadable", f"PNG: bad chunk type {kind!r}")
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack_from(">I", data, pos + 8 + length)
        if zlib.crc32(body, zlib.crc32(kind)) != crc:
            raise UploadRejected("image_unreadable", f"PNG: CRC mismatch in {kind!r}")
        pos += 12 + length
        if first:
            if kind != b"IHDR" or length != 13:
                raise UploadRejected("image_unreadable", "PNG: first chunk is not IHDR")
            width, height = struct.unpack_from(">II", body)
            first = False
        elif kind == b"IEND":
            break
        elif kind not in (b"IDAT", b"fdAT"):
            metadata.append(body)
    if width == 0 or height == 0:
        raise UploadRejected("image_unreadable", "PNG: zero dimension")
    return _ImageStructure(width, height, pos, tuple(metadata))


def _reject_polyglot_image(data: bytes, structure: _ImageStructure, kind: str) -> None:
    """Refuse an image that is also something else (PDF, ZIP, HTML, executable)."""
    for blob in structure.metadata:
        found = _describe_foreign(blob)
        if found:
            raise UploadRejected("polyglot", f"{kind} metadata segment holds {found}")
    match = _ANYWHERE_IN_IMAGE.search(data)
    if match:
        raise UploadRejected("polyglot", f"{match.group(0)!r} inside {kind} at {match.start()}")
    _reject_zip_end_record(data)


def _check_dimensions(width: int, height: int, limits: UploadLimits) -> None:
    if width > limits.max_side or height > limits.max_side:
        raise UploadRejected("image_too_large", f"{width}x{height}: side > {limits.max_side}")
    if width * height > limits.max_pixels:
        raise UploadRejected("image_too_large", f"{width}x{height} > {limits.max_pixels} px")
    if min(width, height) < limits.min_side:
        raise UploadRejected("image_too_small", f"{width}x{height}: side < {limits.min_side}")


def _inspect_jpeg(data: bytes, limits: UploadLimits) -> CleanFile:
    structure = _walk_jpeg(data, 0)
    tail_start = structure.end
    extra_metadata: list[bytes] = []
    if structure.has_mpf:
        # Multi-Picture Format (CIPA DC-007) appends further complete JPEGs after the first EOI:
        # Ultra HDR gain maps on current Android phones, stereo pairs. They are walked with the
        # same rules and then dropped by the re-encode. Anything else behind them is refused.
        while data.startswith(_JPEG_MAGIC, tail_start):
            extra = _walk_jpeg(data, tail_start)
            extra_metadata.extend(extra.metadata)
            tail_start = extra.end
    _reject_trailer(data[tail_start:], "JPEG end of image", allow_opaque=True)
    combined = _ImageStructure(
        structure.width,
        structure.height,
        structure.end,
        structure.metadata + tuple(extra_metadata),
    )
    _reject_polyglot_image(data, combined, "JPEG")
    _check_dimensions(structure.width, structure.height, limits)
    return _reencode(data, "JPEG", structure, limits)


def _inspect_png(data: bytes, limits: UploadLimits) -> CleanFile:
    structure = _walk_png(data)
    _reject_trailer(data[structure.end :], "PNG IEND")
    _reject_polyglot_image(data, structure, "PNG")
    _check_dimensions(structure.width, structure.height, limits)
    return _reencode(data, "PNG", structure, limits)


def _reencode(
    data: bytes, fmt: Literal["JPEG", "PNG"], structure: _ImageStructure, limits: UploadLimits
) -> CleanFile:
    """Decode with Pillow and encode a fresh file that carries pixels and nothing else.

    Pillow's own bomb check (`Image.MAX_IMAGE_PIXELS`) stays in force, and its warning is
    turned into an error: a caller's global warning filters (ignore, or -W error) must not
    change the outcome. `warnings.catch_warnings()` changes process-global state and is not
    thread-safe before Python 3.14; correctness does not depend on it, because our own pixel
    limits are checked from the header first and are below Pillow's default.
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Some libraries (WeasyPrint, on import) switch this Pillow global on for everyone; a
        # truncated scan must fail here whatever else the process has imported.
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. "Corrupt EXIF data" must not become an error
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[fmt]) as probe:
                # Image.open is lazy: it has read the header only, nothing is decoded yet.
                if probe.size != (structure.width, structure.height):
                    raise UploadRejected("image_unreadable", "decoder disagrees on the size")
                _check_dimensions(probe.width, probe.height, limits)
                probe.verify()
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                image.load()
                upright = _apply_orientation(image)
                clean = _normalise_mode(upright, fmt)
                clean.info = {}  # Pillow's PNG writer would copy an ICC profile from info
                out = io.BytesIO()
                if fmt == "JPEG":
                    clean.save(out, "JPEG", quality=90, optimize=True)
                else:
                    clean.save(out, "PNG", optimize=False, compress_level=6)
                width, height = clean.size
        except UploadRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UploadRejected("image_too_large", f"Pillow bomb check: {exc}") from exc
        except Exception as exc:  # any decoder failure is a corrupt or truncated image
            raise UploadRejected("image_unreadable", f"{type(exc).__name__}: {exc}") from exc
    content = out.getvalue()
    media_type, extension = ("image/jpeg", ".jpg") if fmt == "JPEG" else ("image/png", ".png")
    return CleanFile(
        content=content,
        media_type=media_type,
        extension=extension,
        width=width,
        height=height,
        pages=None,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _apply_orientation(image: Image.Image) -> Image.Image:
    """Turn a phone photo upright; the orientation tag itself is dropped with all metadata.

    A malformed EXIF block is not a reason to refuse a legible scan, so failures here keep the
    image as stored.
    """
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # orientation is a nicety; the pixels are already decoded
        return image.copy()


def _normalise_mode(image: Image.Image, fmt: Literal["JPEG", "PNG"]) -> Image.Image:
    """Convert to a mode the target format stores directly, flattening nothing needlessly."""
    mode = image.mode
    if fmt == "JPEG":
        return image if mode in ("L", "RGB") else image.convert("RGB")
    if "transparency" in image.info:  # palette/colour-key transparency: make it an alpha channel
        return image.convert("LA" if mode in ("1", "L") else "RGBA")
    if mode in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
        return image
    return image.convert("RGBA" if "A" in mode else "RGB")


# --- PDF ---------------------------------------------------------------------------------

# Keys that only exist to run something, fetch something or carry another file.
_ACTIVE_KEYS: Final = frozenset(
    {
        "/JS",
        "/JavaScript",  # the document-level JavaScript name tree
        "/AA",  # additional actions: run on page open/close, field focus, etc.
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/EF",  # file specification with embedded file streams
        "/RichMedia",
        "/RichMediaContent",
        "/RichMediaSettings",
        "/XFA",  # XML forms carry their own scripting
        "/SubmitForm",
        "/ImportData",
    }
)
# Action types (/S) that execute code, reach the network/file system or open embedded files.
_ACTIVE_ACTIONS: Final = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/RichMediaExecute",
        "/GoToE",
        "/Rendition",
    }
)
_ACTIVE_TYPES: Final = frozenset({"/EmbeddedFile", "/FileAttachment", "/RichMedia"})
# Dropped from every dictionary reachable from the pages before re-writing: XMP packets,
# application private data (Illustrator can hide an entire document in /PieceInfo) and
# thumbnails, which may show an earlier version of the page.
_METADATA_KEYS: Final = ("/Metadata", "/PieceInfo", "/Thumb")
# More indirect objects than any scan needs; parsing that many is itself a resource attack.
_MAX_PDF_OBJECTS: Final = 50_000
# Link targets that run code or reach local files instead of opening a web page.
_ACTIVE_URI: Final = re.compile(r"\s*(?:javascript|vbscript|data|file):", re.IGNORECASE)
_PDF_VERSION: Final = re.compile(rb"%PDF-[12]\.[0-9]")


def _inspect_pdf(data: bytes, header_at: int, limits: UploadLimits) -> CleanFile:
    _reject_polyglot_pdf(data, header_at)
    # Never start a subprocess for attacker data (pypdf would run jbig2dec for JBIG2 images).
    # No byte-by-byte "recovery" of damaged Flate streams: it is a slow Python loop an
    # attacker could repeat per stream, and a damaged stream means a malformed file anyway.
    # Every decode during parsing (object and xref streams) is bounded by our budget too.
    budget_limit = limits.max_pdf_stream_bytes + 1
    configuration = pypdf.get_configuration().with_overwrites(
        jbig2dec_binary=None,
        zlib_maximum_recovery_input_length=0,
        zlib_maximum_output_length=budget_limit,
        lzw_maximum_output_length=budget_limit,
        run_length_maximum_output_length=budget_limit,
        brotli_maximum_output_length=budget_limit,
    )
    with warnings.catch_warnings(), pypdf.apply_configuration(configuration):
        warnings.simplefilter("ignore")  # pypdf reports robustness fixes as warnings/logs
        try:
            # Offsets in a PDF count from its header (as Acrobat reads a prefixed file).
            reader = PdfReader(io.BytesIO(data[header_at:]), strict=True)
            if reader.is_encrypted:
                raise UploadRejected("pdf_encrypted", "document has an /Encrypt dictionary")
            pages = len(reader.pages)
            if pages == 0:
                raise UploadRejected("pdf_unreadable", "document has no pages")
            if pages > limits.max_pdf_pages:
                raise UploadRejected(
                    "pdf_too_many_pages", f"{pages} pages > {limits.max_pdf_pages}"
                )
            streams = _reject_active_content(reader)
            _check_stream_sizes(streams, limits.max_pdf_stream_bytes)
            content = _rewrite_pdf(reader, pages)
        except UploadRejected:
            raise
        except RecursionError as exc:
            raise UploadRejected("pdf_unreadable", "nesting too deep") from exc
        except Exception as exc:  # pypdf raises many types for broken files; all mean "broken"
            raise UploadRejected("pdf_unreadable", f"{type(exc).__name__}: {exc}") from exc
    return CleanFile(
        content=content,
        media_type="application/pdf",
        extension=".pdf",
        width=None,
        height=None,
        pages=pages,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _reject_polyglot_pdf(data: bytes, header_at: int) -> None:
    """Refuse a PDF that is also another file: foreign prefix, HTML up front, data after EOF.

    Browsers and some tools sniff the first bytes of a file, so HTML/script in the first KB
    could make a stored "PDF" render as a web page; archives and executables appended after
    %%EOF (or placed before the header) make the same bytes a valid ZIP/EXE too.
    """
    prefix = data[:header_at]
    if prefix:
        for magic, name in _KNOWN_MAGIC:
            if prefix.startswith(magic):
                raise UploadRejected("polyglot", f"{name} data before the PDF header")
        found = _describe_foreign(prefix)
        if found:
            raise UploadRejected("polyglot", f"before the PDF header: {found}")
    markup = _MARKUP.search(data, 0, header_at + 1024)
    if markup:
        raise UploadRejected("polyglot", f"markup {markup.group(0)!r} in the first KB of a PDF")
    eof = data.rfind(b"%%EOF")
    if eof < 0:
        raise UploadRejected("pdf_unreadable", "no %%EOF marker")
    _reject_trailer(data[eof + 5 :], "%%EOF")
    _reject_zip_end_record(data)


def _reject_active_content(reader: PdfReader) -> list[StreamObject]:
    """Walk every object once and refuse scripts, actions, attachments and XFA.

    Starts from the trailer (catalog, Names tree, pages, annotations, AcroForm) and also visits
    every object the cross-reference table lists, because JavaScript can sit in an object that
    nothing references yet (a later incremental update or another reader could wire it up).
    Names are compared after pypdf decodes #xx escapes, so /J#61vaScript is /JavaScript.
    Returns the streams seen, for the decompression check.
    """
    pending: list[PdfObject] = [reader.trailer]
    for generation, table in reader.xref.items():
        pending.extend(IndirectObject(number, generation, reader) for number in table)
    pending.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    seen: set[tuple[int, int]] = set()
    streams: list[StreamObject] = []
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > _MAX_PDF_OBJECTS:
                raise UploadRejected("pdf_too_large", f"more than {_MAX_PDF_OBJECTS} objects")
            resolved = item.get_object()
            if resolved is None:
                continue
            item = resolved
        if isinstance(item, DictionaryObject):
            _reject_active_dictionary(item)
            pending.extend(value for _, value in dict.items(item))
            if isinstance(item, StreamObject):
                streams.append(item)
        elif isinstance(item, ArrayObject):
            pending.extend(list.__iter__(item))
    return streams


def _reject_active_dictionary(dictionary: DictionaryObject) -> None:
    for key, raw in dict.items(dictionary):
        if key in _ACTIVE_KEYS:
            raise UploadRejected("pdf_active_content", f"{key} entry")
        value = raw.get_object() if isinstance(raw, IndirectObject) else raw
        if key == "/S" and isinstance(value, NameObject) and value in _ACTIVE_ACTIONS:
            raise UploadRejected("pdf_active_content", f"{value} action")
        if (
            key in ("/Type", "/Subtype")
            and isinstance(value, NameObject)
            and value in _ACTIVE_TYPES
        ):
            raise UploadRejected("pdf_active_content", f"{key} {value}")
        if key == "/URI" and isinstance(value, (str, bytes)):
            uri = value if isinstance(value, str) else value.decode("latin-1")
            if _ACTIVE_URI.match(uri):
                raise UploadRejected("pdf_active_content", f"/URI {uri[:40]!r}")
        if key == "/OpenAction" and isinstance(value, DictionaryObject):
            # A destination array (open at page 1, fit width) is harmless and common; an action
            # other than GoTo on open is not something a scan needs.
            action = value.get("/S")
            if action != "/GoTo":
                raise UploadRejected("pdf_active_content", f"/OpenAction {action}")


def _check_stream_sizes(streams: Iterable[StreamObject], budget: int) -> None:
    """Sum decoded stream sizes and stop as soon as the total passes `budget`.

    Each stream is decoded with pypdf's output limits set to what is left of the budget, so a
    zip bomb stops inside zlib after `budget` bytes instead of inflating to gigabytes first.
    Image codecs (DCT, JPX, CCITT) pass through undecoded and count with their encoded size;
    JBIG2 is not decoded at all here (that would need an external program).
    """
    total = 0
    for stream in streams:
        remaining = budget - total
        limit = remaining + 1  # pypdf treats 0 as "no limit"
        configuration = pypdf.get_configuration().with_overwrites(
            zlib_maximum_output_length=limit,
            lzw_maximum_output_length=limit,
            run_length_maximum_output_length=limit,
            brotli_maximum_output_length=limit,
        )
        with pypdf.apply_configuration(configuration):
            try:
                if "/Filter" in stream:
                    size = len(decode_stream_data(stream))
                else:
                    size = len(stream.get_data())
            except DependencyError:  # JBIG2 without jbig2dec: count the encoded bytes
                size = len(stream._data)
            except LimitReachedError as exc:
                # pypdf signals a damaged stream (recovery disabled above) with the same type.
                if "Recovery limit" in str(exc):
                    raise UploadRejected("pdf_unreadable", f"damaged stream: {exc}") from exc
                raise UploadRejected(
                    "pdf_too_large", f"decoded streams exceed {budget} bytes"
                ) from exc
        total += size
        if total > budget:
            raise UploadRejected("pdf_too_large", f"decoded streams exceed {budget} bytes")


def _rewrite_pdf(reader: PdfReader, pages: int) -> bytes:
    """Copy the pages into a new document and return its bytes.

    Decision: re-write rather than keep the original bytes. Only what the pages reference is
    copied (an allow-list): the document information dictionary (/Info: author, producer,
    often the scanner owner's name), XMP packets, /PieceInfo, thumbnails, the Names tree,
    outlines, AcroForm, unreferenced objects and earlier revisions kept by incremental
    updates (which can still contain text the applicant thought was deleted) are all left
    behind, as are any bytes a polyglot check could not see. Streams are copied in their
    encoded form, so nothing is re-compressed and the pages look exactly as uploaded.
    Costs, accepted knowingly: a digital signature in the upload no longer validates (this
    platform does not verify PDF signatures; officers check originals), bookmarks, tagged
    structure and interactive form fields are dropped (their appearance stays on the page).
    The output must reopen in strict mode with the same page count, otherwise the upload is
    refused rather than stored half-copied.
    """
    for page in reader.pages:
        _strip_metadata(page)
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.metadata = None  # not even a /Producer entry
    header = reader.pdf_header.encode("latin-1", "replace")
    writer.pdf_header = header if _PDF_VERSION.fullmatch(header) else b"%PDF-1.7"
    out = io.BytesIO()
    writer.write(out)
    content = out.getvalue()
    check = PdfReader(io.BytesIO(content), strict=True)
    if check.is_encrypted or len(check.pages) != pages:
        raise UploadRejected("pdf_unreadable", "re-written document does not reopen the same")
    return content


def _strip_metadata(root: PdfObject) -> None:
    """Delete metadata keys from every dictionary reachable from `root` (the reader's copy).

    Done on the parsed objects before cloning so the writer never copies the streams they
    point to (deleting them afterwards would leave orphans that are still written out).
    """
    pending: list[PdfObject] = [root]
    seen: set[tuple[int, int]] = set()
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            resolved = item.get_object()
            if resolved is None:
                continue
            item = resolved
        if isinstance(item, DictionaryObject):
            for name in _METADATA_KEYS:
                if name in item:
                    del item[name]
            pending.extend(value for key, value in dict.items(item) if key not in ("/Parent", "/P"))
        elif isinstance(item, ArrayObject):
            pending.extend(list.__iter__(item))
