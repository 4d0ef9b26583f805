"""A tiny PNG reader and writer (zlib only) for screenshot checks: no imaging library."""

from __future__ import annotations

import struct
import zlib


def read_png(data: bytes, max_rows: int | None = None
             ) -> tuple[int, int, int, list[bytearray]]:
    """(width, height, channels, rows) of an 8-bit greyscale/RGB/RGBA, non-interlaced PNG
    (only the first ``max_rows`` rows decoded, when given)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0, "only 8-bit non-interlaced PNGs"
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytearray] = []
    prev = bytearray(stride)
    for y in range(height if max_rows is None else min(height, max_rows)):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pred) & 255
        rows.append(line)
        prev = line
    return width, height, channels, rows


def non_white_fraction(data: bytes, step: int = 4, max_rows: int | None = None) -> float:
    """Share of sampled pixels that are not (near) white (in the first ``max_rows`` rows)."""
    w, h, ch, rows = read_png(data, max_rows)
    total = dark = 0
    for y in range(0, len(rows), step):
        row = rows[y]
        for x in range(0, w, step):
            px = row[x * ch:x * ch + min(ch, 3)]
            total += 1
            if min(px) < 235:
                dark += 1
    return dark / max(total, 1)


def write_png(path: str, width: int, channels: int, rows: list[bytearray]) -> None:
    ctype = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    raw = b"".join(b"\x00" + bytes(r) for r in rows)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    with open(path, "wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n")
        fh.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, len(rows), 8, ctype, 0, 0, 0)))
        fh.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        fh.write(chunk(b"IEND", b""))


def crop(src: str, dst: str, top: int, bottom: int) -> None:
    with open(src, "rb") as fh:
        w, h, ch, rows = read_png(fh.read())
    write_png(dst, w, ch, rows[top:min(bottom, h)])
