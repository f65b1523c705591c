"""What a question is before what it asks: unsafe, personal, a request for a person.

These are checked before retrieval: an attempt to get someone else's data or to override
the assistant's rules is declined whatever it shares with our pages, and "where is my
application?" is answered from the asker's own records, never from the knowledge base.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

UNSAFE = [
    re.compile(p, _I)
    for p in (
        r"\b(ignore|disregard|forget)\b.{0,40}\b(instruction|rule|prompt|previous)",
        r"\b(abaikan|lupakan)\b.{0,40}\b(instruksi|perintah|aturan)",
        r"\bsystem prompt\b|\bjailbreak\b|\bdeveloper mode\b|\bpretend (you are|to be)\b",
        r"\b(password|kata sandi|sandi|otp|pin|token|kode verifikasi)\b.{0,40}\b(orang|user|pengguna|someone|admin|petugas|lain|other)",
        r"\b(nik|ktp|alamat|nomor paspor|passport number|data|status|telepon|phone|address)\b.{0,30}\b(orang lain|milik orang|someone else|another person|other people|tetangga|mantan|my neighbou?r|my ex|artis|pejabat|celebrity)",
        r"\b(cari|carikan|lihat|bocorkan|tampilkan|find|show|look up|lookup)\b.{0,30}\b(data|nik|alamat|paspor|passport|address)\b.{0,30}\b(orang|atas nama|of|milik|belonging)\b",
        r"\b(hack|retas|bobol|bypass|palsu|fake|forge|memalsukan|suap|bribe|calo)\b",
    )
]

HANDOFF = [
    re.compile(p, _I)
    for p in (
        r"\b(bicara|ngobrol|chat|hubungi|sambungkan|terhubung|bertanya)\b.{0,25}\b(petugas|manusia|orang|operator|cs|admin|agen|staf|staff)\b",
        r"\b(petugas|operator|cs|customer service|admin)\b.{0,10}\b(dong|saja|aja|please|langsung)\b",
        r"\b(talk|speak|chat)\b.{0,20}\b(human|person|agent|someone|officer|staff|operator|representative)\b",
        r"\b(real|live) (person|human|agent)\b|\bhuman agent\b|\bcustomer service\b",
        r"^(petugas|operator|human|agent|cs)\W*$",
    )
]

_MINE = r"(saya|sy|aku|gue|gw|kami|ku|punyaku|my|mine|i|me|our)"
PERSONAL = [
    re.compile(p, _I)
    for p in (
        rf"\b(status|progres|proses|perkembangan)\b.{{0,40}}\b(permohonan|pengajuan|paspor|visa|izin|berkas|application)?.{{0,20}}\b{_MINE}\b",
        rf"\b(permohonan|pengajuan|paspor|visa|berkas|kitas|itas)\b\s+{_MINE}\b.{{0,40}}\b(sudah jadi|udah jadi|sudah selesai|sampai mana|status|disetujui|diproses|approved|di mana|dimana|sudah bisa diambil)",
        rf"\b{_MINE}\b.{{0,15}}\b(application|passport|visa|permit|kitas|itas|extension|booking|appointment)\b.{{0,40}}\b(status|approved|rejected|been approved|been rejected|yet|processed|progress|went through)\b",
        rf"\bcheck\b.{{0,20}}\b(whether|if|on|the status of)\b.{{0,10}}\b{_MINE}\b",
        rf"\b(where|what)('s| is)\b.{{0,10}}\b{_MINE}\b.{{0,10}}\b(application|passport|visa|appointment|booking)",
        rf"\b(jadwal|janji temu|booking|kunjungan|kedatangan|wawancara|antrean)\b.{{0,20}}\b{_MINE}\b",
        rf"\b(when|what time)\b.{{0,15}}\b(is|are)?\s*{_MINE}\b.{{0,10}}\b(appointment|interview|visit|booking)",
        rf"\bkapan\b.{{0,20}}\b(jadwal|wawancara|kunjungan|paspor)\b.{{0,15}}\b{_MINE}\b",
    )
]


def is_unsafe(text: str) -> bool:
    return any(p.search(text) for p in UNSAFE)


def wants_a_person(text: str) -> bool:
    return any(p.search(text) for p in HANDOFF)


def is_personal(text: str) -> bool:
    return any(p.search(text) for p in PERSONAL)


# Masking for storage: the transcript keeps the question's shape, never the identifiers.
MASKS = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<!\d)\d{16}(?!\d)"), "[NIK]"),
    (re.compile(r"(?<![\w])(\+62|62|0)[\s-]?8[\d\s-]{7,13}\d(?!\d)"), "[telepon]"),
    (re.compile(r"\b[A-Za-z]{1,2}\s?\d{6,8}\b"), "[paspor]"),
    (re.compile(r"(?<!\d)\d{9,}(?!\d)"), "[nomor]"),
]


def mask(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text
