"""Writes a small raster MBTiles file for the console's end-to-end basemap test.

One solid-colour 256x256 PNG per zoom level 0-18, at the tile holding the point given, plus
its eight neighbours (so whatever view the console opens over the site, some tiles exist).
Rows follow the MBTiles (TMS) convention: y counted from the south.

Usage: python3 make-mbtiles.py OUT.mbtiles LAT LON
"""
import math
import os
import sqlite3
import struct
import sys
import zlib


def png(rgb, size=256):
    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def main(out, lat, lon):
    if os.path.exists(out):
        os.remove(out)
    db = sqlite3.connect(out)
    db.execute("create table metadata (name text, value text)")
    db.execute("create table tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
    db.execute("create unique index tile_index on tiles (zoom_level, tile_column, tile_row)")
    for k, v in [("name", "e2e"), ("format", "png"), ("minzoom", "0"), ("maxzoom", "18")]:
        db.execute("insert into metadata values (?, ?)", (k, v))
    tile = png((40, 90, 60))
    for z in range(19):
        n = 2 ** z
        x = int((lon + 180.0) / 360.0 * n)
        y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                tx, ty = x + dx, y + dy
                if 0 <= tx < n and 0 <= ty < n:
                    db.execute("insert or ignore into tiles values (?, ?, ?, ?)", (z, tx, n - 1 - ty, tile))
    db.commit()


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), float(sys.argv[3]))
