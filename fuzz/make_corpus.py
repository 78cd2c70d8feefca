#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus into fuzz/corpus/<target>/: small valid files of each format, and
a few near-misses, so that libFuzzer starts from the interesting paths rather than from nothing.
Deterministic; run it again after changing it and commit the result. The JPEG seeds in corpus/png
(gray.jpg, rgb.jpg, exif-orientation-6.jpg, truncated.jpg) are not written here: Python's standard
library has no JPEG encoder, so they were written once by Descent's own (GrayImage.jpegEncoded) and
are kept as they are."""
import gzip, json, os, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))

def put(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)

def idx(dims, payload=None, type_code=0x08):
    head = bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)
    n = 1
    for d in dims:
        n *= d
    return head + (payload if payload is not None else bytes(i % 251 for i in range(n)))

def gz(data):
    return gzip.compress(data, mtime=0)

# IDX: labels (rank 1), images (rank 3), both raw and gzip; a few near-misses.
images = idx([3, 28, 28])
labels = idx([3], bytes([7, 2, 1]))
put("idx", "labels.idx", labels)
put("idx", "labels.idx.gz", gz(labels))
put("idx", "images.idx", images)
put("idx", "images.idx.gz", gz(images))
put("idx", "small-rank2.idx", idx([2, 3]))
put("idx", "float-type.idx", idx([2], b"", 0x0D))
put("idx", "claims-2^31-images.idx", idx([1 << 31, 28, 28], b"\0" * 80))
put("idx", "truncated.idx.gz", gz(images)[:60])

# safetensors: a tiny Descent model (2-3-2, sigmoid, quadratic) and a bare file with metadata only.
def safetensors(tensors, metadata):
    header, blobs, offset = {}, [], 0
    for name, (shape, data) in tensors.items():
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)

def floats(n, scale=0.1):
    return struct.pack("<%df" % n, *[scale * (i - n / 2) for i in range(n)])

model = {
    "layers.0.weight": ([3, 2], floats(6)), "layers.0.bias": ([3], floats(3)),
    "layers.1.weight": ([2, 3], floats(6)), "layers.1.bias": ([2], floats(2)),
}
meta = {"format": "descent/1", "layers": "2,3,2", "activations": "sigmoid,sigmoid", "cost": "quadratic"}
put("safetensors", "model.safetensors", safetensors(model, meta))
put("safetensors", "softmax.safetensors", safetensors(model, dict(meta, activations="relu,softmax", cost="cross-entropy")))
put("safetensors", "metadata-only.safetensors", safetensors({}, {"a": "b"}))
put("safetensors", "escapes.safetensors", safetensors({"x\u00e9\\\"": ([1], floats(1))}, {"k": "\ud83d\ude00 \\u0041"}))
put("safetensors", "nested.safetensors", struct.pack("<Q", 24) + b'{"a":[[[[[{"b":1e5}]]]]]}'[:24])

# Images: PNGs of several colour types and bit depths, interlaced too, and PGMs.
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)

def png(width, height, color_type, depth, rows, interlace=0, extra=b""):
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, interlace)
    raw = b"".join(b"\0" + row for row in rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

def digit_rows(width, height, channels, ink=0, paper=255):
    rows = []
    for y in range(height):
        row = bytearray()
        for x in range(width):
            v = ink if abs(x - width // 2) <= max(1, width // 10) and height // 5 <= y < 4 * height // 5 else paper
            row += bytes([v] * channels)
        rows.append(bytes(row))
    return rows

put("png", "gray8.png", png(28, 28, 0, 8, digit_rows(28, 28, 1)))
put("png", "rgb8.png", png(20, 16, 2, 8, digit_rows(20, 16, 3)))
put("png", "rgba8.png", png(16, 16, 6, 8, [bytes([0, 0, 0, 255 if i % 3 else 0] * 16) for i in range(16)]))
put("png", "gray-alpha8.png", png(8, 8, 4, 8, [bytes([0, 200] * 8)] * 8))
put("png", "gray16.png", png(8, 8, 0, 16, [bytes([0x12, 0x34] * 8)] * 8))
put("png", "gray1.png", png(16, 4, 0, 1, [b"\xf0\x0f"] * 4))
put("png", "palette.png", png(4, 4, 3, 8, [bytes([0, 1, 2, 1])] * 4,
                              extra=chunk(b"PLTE", bytes([0, 0, 0, 255, 255, 255, 128, 0, 0])) + chunk(b"tRNS", bytes([255, 0]))))
put("png", "interlaced.png", png(9, 9, 0, 8, digit_rows(9, 9, 1), interlace=1))
put("png", "digit.pgm", b"P5\n28 28\n255\n" + b"".join(digit_rows(28, 28, 1)))
put("png", "plain.pgm", b"P2\n# a comment\n3 2\n15\n0 1 2\n3 4 15\n")

# Predict bodies: the first byte picks the Content-Type (see FuzzPredict/main.swift).
pixels = ["0"] * 784
for y in range(6, 22):
    pixels[y * 28 + 14] = "1"
put("predict", "pixels.json", b"\x01" + ('{"pixels": [' + ",".join(pixels) + "]}").encode())
put("predict", "pixels-fractions.json", b"\x00" + ('{"pixels":[' + ",".join(["0.5", "1e-3", "0.25E+0"] * 261 + ["0"]) + "]}").encode())
put("predict", "pixels-escaped-key.json", b"\x01" + ('{"pi\\u0078els": [' + ",".join(pixels) + "], \"other\": null}").encode())
put("predict", "nested.json", b"\x01" + b'{"pixels": [[[[[[[[1]]]]]]]]}')
put("predict", "drawing.png", b"\x02" + png(28, 28, 0, 8, digit_rows(28, 28, 1)))
put("predict", "text.txt", b"\x04hello")
