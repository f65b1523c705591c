"""Immigration offices that ``generate_history`` may add to the catalog, in the order it adds
them: first the Kantor Imigrasi outside the 22 demo offices, then passport service units (ULP),
Public Service Mall counters (MPP) and work units (UKK) at ports and land borders.

Places, classes and coordinates follow the real offices closely enough for a national
dashboard (province, time zone, rough location); they are not an authoritative directory, and
the address is just the city and province. Codes come from the kind and the place
(``kanim-tanjung-pinang``, ``ulp-bsd``), so they never change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from imigrasi.catalog.models import Office

# Every province's time zone (WIB, WITA, WIT), spelled as in catalog/data/offices.json.
_ZONES = {
    "Asia/Jakarta": (
        "Aceh, Sumatera Utara, Sumatera Barat, Riau, Kepulauan Riau, Jambi, Sumatera Selatan, "
        "Kepulauan Bangka Belitung, Bengkulu, Lampung, DKI Jakarta, Jawa Barat, Banten, "
        "Jawa Tengah, DI Yogyakarta, Jawa Timur, Kalimantan Barat, Kalimantan Tengah"
    ),
    "Asia/Makassar": (
        "Bali, Nusa Tenggara Barat, Nusa Tenggara Timur, Kalimantan Selatan, Kalimantan Timur, "
        "Kalimantan Utara, Sulawesi Utara, Gorontalo, Sulawesi Tengah, Sulawesi Barat, "
        "Sulawesi Selatan, Sulawesi Tenggara"
    ),
    "Asia/Jayapura": (
        "Maluku, Maluku Utara, Papua, Papua Barat, Papua Barat Daya, Papua Tengah, "
        "Papua Pegunungan, Papua Selatan"
    ),
}
PROVINCE_TIMEZONES: dict[str, str] = {
    province.strip(): zone for zone, names in _ZONES.items() for province in names.split(",")
}

# kind code in the table below: (OfficeKind value, code prefix, name before the place)
_KINDS = {
    "IK": ("kanim_i_khusus", "kanim", "Kantor Imigrasi Kelas I Khusus"),
    "I": ("kanim_i", "kanim", "Kantor Imigrasi Kelas I"),
    "II": ("kanim_ii", "kanim", "Kantor Imigrasi Kelas II"),
    "III": ("kanim_iii", "kanim", "Kantor Imigrasi Kelas III"),
    "ULP": ("ulp", "ulp", "Unit Layanan Paspor"),
    "MPP": ("mpp", "mpp", "Layanan Paspor Mal Pelayanan Publik"),
    "UKK": ("ukk", "ukk", "Unit Kerja Kantor Imigrasi"),
}

# kind, TPI (the office also staffs a border checkpoint) or -, place in the name | city (empty:
# the place) | province | latitude | longitude
_TABLE = """
IK  TPI Soekarno-Hatta       | Tangerang           | Banten                   |  -6.1256 | 106.6559
I   -   Jakarta Barat        |                     | DKI Jakarta              |  -6.1683 | 106.7588
I   -   Jakarta Timur        |                     | DKI Jakarta              |  -6.2250 | 106.9004
I   TPI Jakarta Utara        |                     | DKI Jakarta              |  -6.1385 | 106.8636
I   -   Tangerang            |                     | Banten                   |  -6.1783 | 106.6319
I   -   Bogor                |                     | Jawa Barat               |  -6.5950 | 106.8167
I   -   Bekasi               |                     | Jawa Barat               |  -6.2383 | 106.9756
I   TPI Tanjung Perak        | Surabaya            | Jawa Timur               |  -7.2100 | 112.7330
I   TPI Malang               |                     | Jawa Timur               |  -7.9666 | 112.6326
I   TPI Surakarta            |                     | Jawa Tengah              |  -7.5755 | 110.8243
I   TPI Palembang            |                     | Sumatera Selatan         |  -2.9761 | 104.7754
I   TPI Pekanbaru            |                     | Riau                     |   0.5071 | 101.4478
I   TPI Padang               |                     | Sumatera Barat           |  -0.9471 | 100.4172
I   TPI Banda Aceh           |                     | Aceh                     |   5.5483 |  95.3238
I   TPI Bandar Lampung       |                     | Lampung                  |  -5.3971 | 105.2668
I   TPI Jambi                |                     | Jambi                    |  -1.6101 | 103.6131
I   TPI Bengkulu             |                     | Bengkulu                 |  -3.7928 | 102.2608
I   TPI Tanjung Pinang       |                     | Kepulauan Riau           |   0.9186 | 104.4554
I   TPI Pangkal Pinang       |                     | Kepulauan Bangka Belitung|  -2.1291 | 106.1138
I   TPI Belawan              | Medan               | Sumatera Utara           |   3.7755 |  98.6832
I   TPI Polonia              | Medan               | Sumatera Utara           |   3.5600 |  98.6720
I   TPI Serang               |                     | Banten                   |  -6.1200 | 106.1503
I   TPI Banjarmasin          |                     | Kalimantan Selatan       |  -3.3186 | 114.5944
I   TPI Samarinda            |                     | Kalimantan Timur         |  -0.5022 | 117.1536
I   TPI Palangka Raya        |                     | Kalimantan Tengah        |  -2.2096 | 113.9108
I   TPI Palu                 |                     | Sulawesi Tengah          |  -0.8917 | 119.8707
I   TPI Kendari              |                     | Sulawesi Tenggara        |  -3.9985 | 122.5129
I   TPI Gorontalo            |                     | Gorontalo                |   0.5435 | 123.0568
II  -   Depok                |                     | Jawa Barat               |  -6.4025 | 106.7942
II  -   Karawang             |                     | Jawa Barat               |  -6.3227 | 107.3376
II  TPI Cirebon              |                     | Jawa Barat               |  -6.7320 | 108.5523
II  -   Tasikmalaya          |                     | Jawa Barat               |  -7.3274 | 108.2207
II  -   Sukabumi             |                     | Jawa Barat               |  -6.9277 | 106.9300
II  TPI Cilacap              |                     | Jawa Tengah              |  -7.7267 | 109.0094
II  -   Pati                 |                     | Jawa Tengah              |  -6.7559 | 111.0380
II  -   Pemalang             |                     | Jawa Tengah              |  -6.8900 | 109.3800
II  -   Wonosobo             |                     | Jawa Tengah              |  -7.3600 | 109.9000
II  -   Kediri               |                     | Jawa Timur               |  -7.8480 | 112.0178
II  -   Madiun               |                     | Jawa Timur               |  -7.6298 | 111.5239
II  -   Blitar               |                     | Jawa Timur               |  -8.0983 | 112.1681
II  -   Jember               |                     | Jawa Timur               |  -8.1724 | 113.6873
II  -   Ponorogo             |                     | Jawa Timur               |  -7.8651 | 111.4696
II  -   Pamekasan            |                     | Jawa Timur               |  -7.1568 | 113.4746
II  TPI Banyuwangi           |                     | Jawa Timur               |  -8.2191 | 114.3691
II  TPI Singaraja            | Buleleng            | Bali                     |  -8.1120 | 115.0882
II  TPI Atambua              | Belu                | Nusa Tenggara Timur      |  -9.1061 | 124.8925
II  TPI Lhokseumawe          |                     | Aceh                     |   5.1801 |  97.1507
II  TPI Langsa               |                     | Aceh                     |   4.4683 |  97.9683
II  TPI Meulaboh             | Aceh Barat          | Aceh                     |   4.1363 |  96.1285
II  TPI Pematang Siantar     |                     | Sumatera Utara           |   2.9595 |  99.0687
II  TPI Sibolga              |                     | Sumatera Utara           |   1.7427 |  98.7792
II  TPI Tanjung Balai Asahan | Tanjung Balai       | Sumatera Utara           |   2.9667 |  99.8000
II  -   Agam                 | Bukittinggi         | Sumatera Barat           |  -0.3050 | 100.3692
II  TPI Dumai                |                     | Riau                     |   1.6664 | 101.4002
II  TPI Bengkalis            |                     | Riau                     |   1.4650 | 102.1050
II  TPI Tanjung Uban         | Bintan              | Kepulauan Riau           |   1.0650 | 104.2150
II  TPI Tanjung Balai Karimun| Karimun             | Kepulauan Riau           |   0.9950 | 103.4200
II  TPI Tanjung Pandan       | Belitung            | Kepulauan Bangka Belitung|  -2.7390 | 107.6330
II  TPI Singkawang           |                     | Kalimantan Barat         |   0.9060 | 108.9850
II  TPI Entikong             | Sanggau             | Kalimantan Barat         |   1.0400 | 110.3500
II  TPI Sampit               | Kotawaringin Timur  | Kalimantan Tengah        |  -2.5333 | 112.9500
II  TPI Tarakan              |                     | Kalimantan Utara         |   3.3000 | 117.6333
II  TPI Nunukan              |                     | Kalimantan Utara         |   4.1333 | 117.6667
II  TPI Tanjung Redeb        | Berau               | Kalimantan Timur         |   2.1500 | 117.4833
II  TPI Bitung               |                     | Sulawesi Utara           |   1.4406 | 125.1217
II  TPI Luwuk                | Banggai             | Sulawesi Tengah          |  -0.9516 | 122.7875
II  TPI Mamuju               |                     | Sulawesi Barat           |  -2.6786 | 118.8933
II  TPI Parepare             |                     | Sulawesi Selatan         |  -4.0135 | 119.6255
II  -   Palopo               |                     | Sulawesi Selatan         |  -2.9925 | 120.1969
II  TPI Baubau               |                     | Sulawesi Tenggara        |  -5.4700 | 122.6000
II  TPI Tual                 |                     | Maluku                   |  -5.6300 | 132.7500
II  TPI Biak                 | Biak Numfor         | Papua                    |  -1.1833 | 136.0833
II  TPI Mimika               | Timika              | Papua Tengah             |  -4.5460 | 136.8880
II  TPI Manokwari            |                     | Papua Barat              |  -0.8615 | 134.0620
III TPI Batulicin            | Tanah Bumbu         | Kalimantan Selatan       |  -3.4500 | 116.0000
III TPI Sumbawa Besar        | Sumbawa             | Nusa Tenggara Barat      |  -8.4930 | 117.4200
III TPI Bima                 |                     | Nusa Tenggara Barat      |  -8.4606 | 118.7278
III TPI Maumere              | Sikka               | Nusa Tenggara Timur      |  -8.6199 | 122.2111
III TPI Labuan Bajo          | Manggarai Barat     | Nusa Tenggara Timur      |  -8.4964 | 119.8877
III TPI Waingapu             | Sumba Timur         | Nusa Tenggara Timur      |  -9.6567 | 120.2641
III TPI Sabang               |                     | Aceh                     |   5.8946 |  95.3192
III -   Takengon             | Aceh Tengah         | Aceh                     |   4.6260 |  96.8430
III TPI Bagansiapiapi        | Rokan Hilir         | Riau                     |   2.1500 | 100.8167
III TPI Selatpanjang         | Kepulauan Meranti   | Riau                     |   1.0100 | 102.7200
III TPI Tembilahan           | Indragiri Hilir     | Riau                     |  -0.3200 | 103.1600
III TPI Ranai                | Natuna              | Kepulauan Riau           |   3.9400 | 108.3800
III TPI Dabo Singkep         | Lingga              | Kepulauan Riau           |  -0.4900 | 104.5700
III TPI Kuala Tungkal        | Tanjung Jabung Barat| Jambi                    |  -0.8200 | 103.4600
III -   Kerinci              | Sungai Penuh        | Jambi                    |  -2.0600 | 101.3900
III -   Muara Enim           |                     | Sumatera Selatan         |  -3.6500 | 103.7700
III -   Lubuklinggau         |                     | Sumatera Selatan         |  -3.2950 | 102.8620
III -   Kotabumi             | Lampung Utara       | Lampung                  |  -4.8300 | 104.8800
III -   Rantau Prapat        | Labuhanbatu         | Sumatera Utara           |   2.1000 |  99.8300
III -   Padang Sidempuan     |                     | Sumatera Utara           |   1.3800 |  99.2700
III -   Payakumbuh           |                     | Sumatera Barat           |  -0.2200 | 100.6300
III -   Cianjur              |                     | Jawa Barat               |  -6.8200 | 107.1400
III -   Cikarang             | Bekasi              | Jawa Barat               |  -6.2600 | 107.1500
III -   Kudus                |                     | Jawa Tengah              |  -6.8048 | 110.8405
III TPI Putussibau           | Kapuas Hulu         | Kalimantan Barat         |   0.8400 | 112.9300
III TPI Ketapang             |                     | Kalimantan Barat         |  -1.8500 | 109.9800
III -   Sintang              |                     | Kalimantan Barat         |   0.0700 | 111.5000
III TPI Pangkalan Bun        | Kotawaringin Barat  | Kalimantan Tengah        |  -2.6800 | 111.6200
III TPI Tahuna               | Kepulauan Sangihe   | Sulawesi Utara           |   3.6100 | 125.4900
III -   Kotamobagu           |                     | Sulawesi Utara           |   0.7333 | 124.3167
III -   Poso                 |                     | Sulawesi Tengah          |  -1.3960 | 120.7520
III -   Watampone            | Bone                | Sulawesi Selatan         |  -4.5386 | 120.3279
III TPI Saumlaki             | Kepulauan Tanimbar  | Maluku                   |  -7.9800 | 131.3000
III TPI Tobelo               | Halmahera Utara     | Maluku Utara             |   1.7300 | 128.0100
III TPI Fakfak               |                     | Papua Barat              |  -2.9200 | 132.3000
III TPI Nabire               |                     | Papua Tengah             |  -3.3600 | 135.5000
III -   Wamena               | Jayawijaya          | Papua Pegunungan         |  -4.0950 | 138.9450

ULP -   Kota Kasablanka      | Jakarta Selatan     | DKI Jakarta              |  -6.2240 | 106.8420
ULP -   Sunter               | Jakarta Utara       | DKI Jakarta              |  -6.1380 | 106.8700
ULP -   BSD                  | Tangerang Selatan   | Banten                   |  -6.3010 | 106.6520
ULP -   Summarecon Bekasi    | Bekasi              | Jawa Barat               |  -6.2250 | 107.0000
ULP -   Cibinong             | Bogor               | Jawa Barat               |  -6.4810 | 106.8540
ULP -   Garut                |                     | Jawa Barat               |  -7.2120 | 107.9070
ULP -   Subang               |                     | Jawa Barat               |  -6.5710 | 107.7580
ULP -   Indramayu            |                     | Jawa Barat               |  -6.3270 | 108.3240
ULP -   Purwakarta           |                     | Jawa Barat               |  -6.5560 | 107.4430
ULP -   Magelang             |                     | Jawa Tengah              |  -7.4700 | 110.2180
ULP -   Klaten               |                     | Jawa Tengah              |  -7.7060 | 110.6060
ULP -   Purwokerto           | Banyumas            | Jawa Tengah              |  -7.4240 | 109.2340
ULP -   Tegal                |                     | Jawa Tengah              |  -6.8690 | 109.1400
ULP -   Kendal               |                     | Jawa Tengah              |  -6.9200 | 110.2030
ULP -   Gresik               |                     | Jawa Timur               |  -7.1570 | 112.6560
ULP -   Mojokerto            |                     | Jawa Timur               |  -7.4720 | 112.4340
ULP -   Lamongan             |                     | Jawa Timur               |  -7.1180 | 112.4160
ULP -   Tulungagung          |                     | Jawa Timur               |  -8.0660 | 111.9020
ULP -   Bojonegoro           |                     | Jawa Timur               |  -7.1500 | 111.8820
ULP -   Probolinggo          |                     | Jawa Timur               |  -7.7540 | 113.2160
ULP -   Bantul               |                     | DI Yogyakarta            |  -7.8880 | 110.3290
ULP -   Gianyar              |                     | Bali                     |  -8.5440 | 115.3250
ULP -   Lombok Timur         | Selong              | Nusa Tenggara Barat      |  -8.6500 | 116.5330
ULP -   Deli Serdang         | Lubuk Pakam         | Sumatera Utara           |   3.5530 |  98.8740
ULP -   Ogan Komering Ilir   | Kayu Agung          | Sumatera Selatan         |  -3.3940 | 104.8320
ULP -   Metro                |                     | Lampung                  |  -5.1130 | 105.3070
ULP -   Bone Bolango         | Suwawa              | Gorontalo                |   0.5300 | 123.1500
ULP -   Gowa                 | Sungguminasa        | Sulawesi Selatan         |  -5.2050 | 119.4520
ULP -   Minahasa             | Tondano             | Sulawesi Utara           |   1.3040 | 124.9130
ULP -   Kutai Kartanegara    | Tenggarong          | Kalimantan Timur         |  -0.4180 | 116.9880
MPP -   DKI Jakarta          | Jakarta Selatan     | DKI Jakarta              |  -6.2360 | 106.8290
MPP -   Surabaya             |                     | Jawa Timur               |  -7.2630 | 112.7390
MPP -   Bandung              |                     | Jawa Barat               |  -6.9140 | 107.6090
MPP -   Semarang             |                     | Jawa Tengah              |  -6.9830 | 110.4100
MPP -   Sidoarjo             |                     | Jawa Timur               |  -7.4470 | 112.7180
MPP -   Banyumas             | Purwokerto          | Jawa Tengah              |  -7.4310 | 109.2480
MPP -   Badung               | Mangupura           | Bali                     |  -8.5800 | 115.1770
MPP -   Makassar             |                     | Sulawesi Selatan         |  -5.1470 | 119.4320
MPP -   Pekanbaru            |                     | Riau                     |   0.5330 | 101.4500
MPP -   Padang               |                     | Sumatera Barat           |  -0.9500 | 100.3540
MPP -   Balikpapan           |                     | Kalimantan Timur         |  -1.2390 | 116.8590
MPP -   Kupang               |                     | Nusa Tenggara Timur      | -10.1700 | 123.6070
MPP -   Manado               |                     | Sulawesi Utara           |   1.4870 | 124.8410
MPP -   Jayapura             |                     | Papua                    |  -2.5330 | 140.7170
MPP -   Ambon                |                     | Maluku                   |  -3.6950 | 128.1810
UKK TPI Tanjung Priok        | Jakarta Utara       | DKI Jakarta              |  -6.1040 | 106.8830
UKK TPI Kijang               | Bintan              | Kepulauan Riau           |   0.8500 | 104.6000
UKK TPI Tanjung Batu         | Karimun             | Kepulauan Riau           |   0.8500 | 103.3000
UKK TPI Benoa                | Denpasar            | Bali                     |  -8.7450 | 115.2100
UKK TPI Skouw                | Jayapura            | Papua                    |  -2.6200 | 140.9600
UKK TPI Motaain              | Belu                | Nusa Tenggara Timur      |  -9.0000 | 124.9500
UKK TPI Aruk                 | Sambas              | Kalimantan Barat         |   1.6500 | 109.3500
"""


@dataclass(frozen=True)
class ExtraOffice:
    code: str
    kind: str  # an OfficeKind value
    name: str
    has_checkpoint: bool
    city: str
    province: str
    latitude: Decimal
    longitude: Decimal

    @property
    def timezone(self) -> str:
        return PROVINCE_TIMEZONES[self.province]

    def defaults(self) -> dict[str, Any]:
        """The ``catalog.Office`` fields besides the code (for ``update_or_create``)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "has_checkpoint": self.has_checkpoint,
            "address": f"{self.city}, {self.province}",
            "city": self.city,
            "province": self.province,
            "timezone": self.timezone,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "is_active": True,
        }


def _parse(line: str) -> ExtraOffice:
    head, city, province, latitude, longitude = (part.strip() for part in line.split("|"))
    kind_code, checkpoint, place = head.split(maxsplit=2)
    kind, prefix, title = _KINDS[kind_code]
    has_checkpoint = checkpoint == "TPI"
    if prefix == "kanim":
        title += " TPI" if has_checkpoint else " Non TPI"
    return ExtraOffice(
        code=f"{prefix}-{re.sub(r'[^a-z0-9]+', '-', place.lower()).strip('-')}",
        kind=kind,
        name=f"{title} {place}",
        has_checkpoint=has_checkpoint,
        city=city or place,
        province=province,
        latitude=Decimal(latitude).quantize(Decimal("0.000001")),
        longitude=Decimal(longitude).quantize(Decimal("0.000001")),
    )


EXTRA_OFFICES: tuple[ExtraOffice, ...] = tuple(
    _parse(line) for line in _TABLE.splitlines() if line.strip()
)


@dataclass(frozen=True)
class OfficeProfile:
    """What the generator needs to know about an office."""

    code: str
    kind: str
    timezone: str
    province: str

    @classmethod
    def of(cls, office: Office) -> OfficeProfile:
        return cls(office.code, office.kind, office.timezone, office.province)


@transaction.atomic
def ensure_offices(count: int) -> tuple[list[Office], int]:
    """The first ``count`` active offices (all of them for 0), oldest first; when fewer are
    active, the missing ones are created from history_offices (same count, same codes)."""
    active = list(Office.objects.filter(is_active=True).order_by("pk"))
    if count <= len(active):
        return (active if count == 0 else active[:count]), 0
    taken = {office.code for office in active}
    addable = [spec for spec in EXTRA_OFFICES if spec.code not in taken]
    if count > len(active) + len(addable):
        raise ValueError(
            f"at most {len(active) + len(addable)} offices: {len(active)} active and "
            f"{len(addable)} more from history_offices.py"
        )
    created = 0
    for spec in addable[: count - len(active)]:
        _, made = Office.objects.update_or_create(code=spec.code, defaults=spec.defaults())
        created += int(made)
    return list(Office.objects.filter(is_active=True).order_by("pk"))[:count], created
