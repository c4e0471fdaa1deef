#!/usr/bin/env python3
"""Checks a Teams app package (reference section 6): exactly manifest.json, color.png and
outline.png at the root; manifest.json valid against the vendored 1.17 schema with the expected
app id; color.png 192 x 192; outline.png 32 x 32, white on transparent.

usage: check_package.py PACKAGE.zip APP_ID
Prints one line per finding and exits 1 when anything is wrong."""

import json
import os
import struct
import sys
import zipfile
import zlib

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
problems = []


def png_pixels(data):
    """(width, height, colour type, rows of RGBA tuples) of an 8-bit RGBA PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if zlib.crc32(kind + body) != crc:
            raise ValueError("bad CRC in " + kind.decode())
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = header[0], header[1], header[2], header[3]
    if depth != 8 or colour != 6:
        return width, height, colour, None
    raw = zlib.decompress(idat)
    stride = width * 4
    rows, prev = [], bytearray(stride)
    for y in range(height):
        filt = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 4] if i >= 4 else 0
            b = prev[i]
            c = prev[i - 4] if i >= 4 else 0
            if filt == 1:
                line[i] = (line[i] + a) & 0xFF
            elif filt == 2:
                line[i] = (line[i] + b) & 0xFF
            elif filt == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif filt == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        rows.append([tuple(line[x * 4:x * 4 + 4]) for x in range(width)])
        prev = line
    return width, height, colour, rows


def main():
    package, app_id = sys.argv[1], sys.argv[2]
    with zipfile.ZipFile(package) as z:
        names = sorted(z.namelist())
        if names != ["color.png", "manifest.json", "outline.png"]:
            problems.append("package files: %s" % names)
            return
        manifest = json.loads(z.read("manifest.json").decode("utf-8"))
        color, outline = z.read("color.png"), z.read("outline.png")

    with open(os.path.join(HERE, "MicrosoftTeams.schema.v1.17.json"), encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    for error in sorted(validator.iter_errors(manifest), key=str):
        problems.append("schema: %s at %s" % (error.message, "/".join(map(str, error.path))))
    print("manifest.json: %d schema errors" % len(problems))

    if manifest.get("manifestVersion") != "1.17" or "v1.17" not in manifest.get("$schema", ""):
        problems.append("manifestVersion/$schema not 1.17")
    if manifest.get("id") != app_id or manifest["bots"][0]["botId"] != app_id:
        problems.append("id/botId is not the configured app id")
    if sorted(manifest["bots"][0]["scopes"]) != ["groupChat", "personal", "team"]:
        problems.append("scopes: %s" % manifest["bots"][0]["scopes"])

    for name, data, size in (("color.png", color, 192), ("outline.png", outline, 32)):
        width, height, colour, rows = png_pixels(data)
        print("%s: %d x %d" % (name, width, height))
        if (width, height) != (size, size):
            problems.append("%s is %d x %d, not %d x %d" % (name, width, height, size, size))
        if name == "outline.png":
            if rows is None:
                problems.append("outline.png is not RGBA")
                continue
            pixels = [p for row in rows for p in row]
            transparent = sum(1 for p in pixels if p[3] == 0)
            white = sum(1 for p in pixels if p[3] > 0)
            other = [p for p in pixels if p[3] > 0 and p[:3] != (255, 255, 255)]
            print("outline.png: %d transparent, %d white, %d other" % (transparent, white, len(other)))
            if other or transparent == 0 or white == 0:
                problems.append("outline.png is not white on transparent")


main()
for p in problems:
    print("problem: " + p)
sys.exit(1 if problems else 0)
