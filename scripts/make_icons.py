"""Draw StimDiary's home-screen icons: a crescent moon over a stimulation pulse, on night blue.

Our own drawing, no third-party artwork. Run `.venv/bin/python scripts/make_icons.py` after
changing it; the PNGs in static/icons/ are committed.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
NIGHT_BLUE = (16, 32, 64)
MOON = (250, 214, 120)
PULSE = (120, 200, 255)
SUPERSAMPLE = 4


def draw_icon(size: int, *, maskable: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        # A maskable icon fills the square; the launcher crops it to its own shape.
        draw.rectangle((0, 0, big, big), fill=NIGHT_BLUE)
        inset = big * 0.2
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=NIGHT_BLUE)
        inset = big * 0.12
    span = big - 2 * inset

    # Crescent: a full moon with a night-blue disc bitten out of it.
    radius = span * 0.30
    cx, cy = inset + span * 0.50, inset + span * 0.36
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=MOON)
    bite = radius * 0.85
    bx, by = cx + radius * 0.45, cy - radius * 0.30
    draw.ellipse((bx - bite, by - bite, bx + bite, by + bite), fill=NIGHT_BLUE)

    # A square-wave pulse train underneath: the stimulator.
    base = inset + span * 0.86
    high = inset + span * 0.72
    x0, x1 = inset + span * 0.06, inset + span * 0.94
    step = (x1 - x0) / 7
    points = [(x0, base)]
    for i in range(1, 7, 2):
        left, right = x0 + step * i, x0 + step * (i + 1)
        points += [(left, base), (left, high), (right, high), (right, base)]
    points.append((x1, base))
    draw.line(points, fill=PULSE, width=max(2, int(span * 0.045)), joint="curve")
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    outputs = {
        "icon-192.png": (192, False),
        "icon-512.png": (512, False),
        "icon-maskable-512.png": (512, True),
        "apple-touch-icon.png": (180, True),
        "favicon-32.png": (32, False),
    }
    for name, (size, maskable) in outputs.items():
        draw_icon(size, maskable=maskable).save(ICONS / name, optimize=True)
        print(f"wrote static/icons/{name}")


if __name__ == "__main__":
    main()
