from __future__ import annotations

from typing import Any

import pytest

from imigrasi.assistant.models import KnowledgeEntry


@pytest.fixture
def knowledge(catalog: None) -> list[Any]:
    """The catalog plus a few curated answers of our own (tests never depend on faq.json)."""
    entries = [
        KnowledgeEntry(
            slug="paspor-hilang-denda",
            topic="passport",
            questions_id="Paspor hilang kena denda?\nBerapa biaya beban paspor hilang?",
            questions_en="Is there a fine for a lost passport?\nLost passport surcharge",
            keywords="denda, biaya beban, surcharge, hilang, lost",
            answer_id="Ya, biaya beban Rp1.000.000 + biaya buku {fee:paspor-hilang:biasa-5}.",
            answer_en="Yes, a Rp1,000,000 surcharge plus the book fee {fee:paspor-hilang:biasa-5}.",
            source="/layanan/paspor-hilang/",
        ),
        KnowledgeEntry(
            slug="batas-bayar-billing",
            topic="payment",
            questions_id="Batas waktu bayar kode billing?\nKode billing hangus kalau telat bayar?",
            questions_en="How long do I have to pay the billing code?",
            keywords="billing, bayar, kedaluwarsa, expire",
            answer_id="Kode billing berlaku 2 jam; lewat dari itu, ajukan ulang.",
            answer_en="A billing code is valid for 2 hours; after that, apply again.",
            source="/asisten/tanya-jawab/#batas-bayar-billing",
        ),
        KnowledgeEntry(
            slug="jam-layanan",
            topic="offices",
            questions_id="Jam buka kantor imigrasi?\nKantor imigrasi buka jam berapa?",
            questions_en="What are the office opening hours?",
            keywords="jam, buka, tutup, hours, open",
            answer_id="Umumnya Senin–Jumat 08.00–16.00 dengan istirahat siang.",
            answer_en="Usually Monday to Friday 08:00–16:00 with a lunch break.",
            source="/asisten/tanya-jawab/#jam-layanan",
        ),
    ]
    KnowledgeEntry.objects.bulk_create(entries)
    return entries
