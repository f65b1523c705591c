#!/usr/bin/env python3
"""Draw the Imigrasi Digital app icons (PWA, Apple touch icon, favicon).

An original, deliberately plain mark: a white passport booklet with a globe
and a line of text on a navy (#0b3d6b) square. No government emblems.

Needs Pillow, which is NOT a project dependency. Use a throwaway venv:

    python3 -m venv /tmp/iconvenv && /tmp/iconvenv/bin/pip install pillow
    /tmp/iconvenv/bin/python frontend/make_icons.py

Writes imigrasi/static/icons/{icon-192,icon-512,icon-maskable-512,
apple-touch-icon,favicon-32}.png and favicon.svg.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

NAVY = (0x0B, 0x3D, 0x6B, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)

OUT = Path(__file__).resolve().parent.parent / "imigrasi" / "static" / "icons"

# Work at a large size and downsample: Pillow's shapes are not anti-aliased.
WORK = 2048


def draw_icon(size: int, *, full_bleed: bool, content_scale: float = 1.0) -> Image.Image:
    """Return a size x size RGBA icon.

    full_bleed: square navy background to the edges (maskable / Apple icons);
      otherwise a rounded square with transparent corners.
    content_scale: shrinks the booklet about the centre (maskable safe zone).
    """
    img = Image.new("RGBA", (WORK, WORK), CLEAR)
    d = ImageDraw.Draw(img)

    if full_bleed:
        d.rectangle((0, 0, WORK, WORK), fill=NAVY)
    else:
        d.rounded_rectangle((0, 0, WORK - 1, WORK - 1), radius=round(0.18 * WORK), fill=NAVY)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        """Unit-square box (0..1) -> pixels, scaled about the centre."""
        return tuple(round((0.5 + (v - 0.5) * content_scale) * WORK) for v in (x0, y0, x1, y1))  # type: ignore[return-value]

    def px(v: float) -> int:
        return max(1, round(v * content_scale * WORK))

    # Booklet: a portrait card, its spine marked by a navy rule on the left.
    d.rounded_rectangle(box(0.28, 0.20, 0.72, 0.80), radius=px(0.05), fill=WHITE)
    d.rectangle(box(0.325, 0.20, 0.345, 0.80), fill=NAVY)

    # Globe on the cover: a ring, its equator and one meridian.
    stroke = px(0.032)
    cx, cy, r = 0.53, 0.44, 0.125
    d.ellipse(box(cx - r, cy - r, cx + r, cy + r), outline=NAVY, width=stroke)
    d.ellipse(box(cx - r * 0.45, cy - r, cx + r * 0.45, cy + r), outline=NAVY, width=stroke)
    d.rectangle(box(cx - r, cy - 0.016, cx + r, cy + 0.016), fill=NAVY)

    # A line of "text" under the globe.
    d.rounded_rectangle(box(0.42, 0.66, 0.64, 0.70), radius=px(0.02), fill=NAVY)

    return img.resize((size, size), Image.Resampling.LANCZOS)


def save_png(img: Image.Image, name: str, *, opaque: bool = False) -> None:
    if opaque:
        img = img.convert("RGB")
    path = OUT / name
    img.save(path, optimize=True)
    print(f"{path.relative_to(OUT.parent.parent.parent)}  {img.size[0]}x{img.size[1]}  {path.stat().st_size} bytes")


# Hand-written SVG of the same mark (unit coordinates x 100).
FAVICON_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
<rect width="100" height="100" rx="18" fill="#0b3d6b"/>
<rect x="28" y="20" width="44" height="60" rx="5" fill="#fff"/>
<rect x="32.5" y="20" width="2" height="60" fill="#0b3d6b"/>
<g fill="none" stroke="#0b3d6b" stroke-width="3.2">
<circle cx="53" cy="44" r="10.9"/>
<ellipse cx="53" cy="44" rx="4" ry="10.9"/>
<path d="M40.5 44h25"/>
</g>
<rect x="42" y="66" width="22" height="4" rx="2" fill="#0b3d6b"/>
</svg>
"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    save_png(draw_icon(192, full_bleed=False), "icon-192.png")
    save_png(draw_icon(512, full_bleed=False), "icon-512.png")
    # Maskable: background to the edges; the booklet's corners reach 0.34 of
    # the width from the centre, inside the 0.40 radius safe zone.
    save_png(draw_icon(512, full_bleed=True, content_scale=0.9), "icon-maskable-512.png")
    # iOS rounds the corners itself and shows transparency as black.
    save_png(draw_icon(180, full_bleed=True), "apple-touch-icon.png", opaque=True)
    # Tiny: enlarge the booklet so the globe still reads at 32px.
    save_png(draw_icon(32, full_bleed=False, content_scale=1.2), "favicon-32.png")
    svg = OUT / "favicon.svg"
    svg.write_text(FAVICON_SVG, encoding="utf-8")
    print(f"{svg.relative_to(OUT.parent.parent.parent)}  {svg.stat().st_size} bytes")


if __name__ == "__main__":
    main()
