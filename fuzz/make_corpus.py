#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus into fuzz/corpus/<target>/: small valid files of each format, and
a few near-misses, so that libFuzzer starts from the interesting paths rather than from nothing.
Deterministic; run it again after changing it and commit the result. The JPEG seeds in corpus/png
(gray.jpg, rgb.jpg, exif-orientation-6.jpg, truncated.jpg) are not written here: Python's standard
library has no JPEG encoder, so they were written once by Descent's own (GrayImage.jpegEncoded) and
are kept as they are."""
import base64, gzip, json, os, struct, zlib

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

# JPEG: the JPEG seeds of the png target (written by Descent's encoder, see the header).
for name in sorted(os.listdir(os.path.join(HERE, "corpus", "png"))):
    if name.endswith(".jpg"):
        with open(os.path.join(HERE, "corpus", "png", name), "rb") as f:
            put("jpeg", name, f.read())

# CSV: the first byte picks whether the classes come from the file (even) or are given (odd).
put("csv", "rings.csv", b"\x00x,y,label\n0.25,-1.5,inner\n1.75,0.5,outer\n-0.5,2e-3,inner\n")
put("csv", "numbers-crlf.csv", b"\x00a,label,b\r\n1,0,2\r\n3,1,4\r\n\r\n")
put("csv", "quoted.csv", b'\x00"x, first",label\n"1.5","inner"\n" 2 ",outer\n')
put("csv", "known-classes.csv", b"\x01x,label\n1,outer\n2,inner\n")
put("csv", "unknown-label.csv", b"\x01x,label\n1,middle\n")
put("csv", "ragged.csv", b"\x00x,y,label\n1,2\n")
put("csv", "not-finite.csv", b"\x00x,label\ninf,0\nnan,1\n")
put("csv", "open-quote.csv", b'\x00x,label\n"1,0\n')

# Checkpoints: a 4-3-2 run in the middle of its second epoch, with SGD's velocity and with Adam's
# moments, as TrainingCheckpoint writes them (Sources/DescentTraining/TrainingCheckpoint.swift).
def checkpoint(optimizer):
    def tensor(dtype, shape, data):
        return (dtype, shape, data)
    network = {
        "layers.0.weight": tensor("F32", [3, 4], floats(12)), "layers.0.bias": tensor("F32", [3], floats(3)),
        "layers.1.weight": tensor("F32", [2, 3], floats(6)), "layers.1.bias": tensor("F32", [2], floats(2)),
    }
    tensors = {"order": tensor("I32", [6], struct.pack("<6i", 3, 1, 4, 0, 5, 2)),
               "reports": tensor("F64", [1, 5], struct.pack("<5d", 1, 0.5, 0.5, 0.5, 0.01))}
    for prefix in ["network.", "last_good."]:
        tensors.update({prefix + name: value for name, value in network.items()})
    meta = {"format": "descent-checkpoint/1", "layers": "4,3,2", "hidden_activation": "sigmoid",
            "output_activation": "sigmoid", "cost": "quadratic", "seed": "7", "init": "normal",
            "learning_rate": "0.5", "momentum": "0.0", "weight_decay": "0.0", "batch_size": "2", "epochs": "3",
            "preprocessing": "none", "epoch": "2", "batch": "1", "correct": "1", "cost_sum": "0.25",
            "epoch_seconds": "0.01", "generator": "12345"}
    if optimizer == "adam":
        meta.update({"optimizer": "adam", "adam_steps": "4", "schedule": "cosine", "warmup_epochs": "1"})
        for moment in ["first_moment", "second_moment"]:
            for index, (rows, columns) in enumerate([(3, 4), (2, 3)]):
                tensors["optimizer.%s.%d.weight" % (moment, index)] = tensor("F32", [rows, columns], floats(rows * columns, 0.01))
                tensors["optimizer.%s.%d.bias" % (moment, index)] = tensor("F32", [rows], floats(rows, 0.01))
    else:
        meta.update({"optimizer": "sgd", "momentum": "0.9", "patience": "2"})
        for index, (rows, columns) in enumerate([(3, 4), (2, 3)]):
            tensors["optimizer.velocity.%d.weight" % index] = tensor("F32", [rows, columns], floats(rows * columns, 0.01))
            tensors["optimizer.velocity.%d.bias" % index] = tensor("F32", [rows], floats(rows, 0.01))
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        dtype, shape, data = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = meta
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)

put("checkpoint", "sgd.safetensors", checkpoint("sgd"))
put("checkpoint", "adam.safetensors", checkpoint("adam"))
put("checkpoint", "model-not-checkpoint.safetensors", safetensors(model, meta))

# Bodies of POST /api/train (first byte 0), /api/step (1) and /api/fine-tune (2), see FuzzBodies/main.swift.
put("bodies", "train-preset.json", b"\x00" + b'{"preset": "fast98", "epochs": 1}')
put("bodies", "train-full.json", b"\x00" + json.dumps({
    "layers": [784, 30, 10], "activation": "relu", "output": "softmax", "cost": "cross-entropy", "init": "he",
    "optimizer": "sgd", "learningRate": 0.1, "momentum": 0.9, "weightDecay": 1e-4, "batchSize": 32, "epochs": 2,
    "seed": 3, "schedule": "step", "warmupEpochs": 1, "stepEvery": 1, "stepFactor": 0.5, "patience": 2,
    "dropout": 0.1, "shift": 2, "rotation": 10, "scaling": 0.1, "elasticAlpha": 30, "elasticSigma": 4,
    "preprocessing": "deskew", "trainingLimit": 1000}).encode())
put("bodies", "train-too-wide.json", b"\x00" + b'{"layers": [784, 100000, 100000, 10], "epochs": 101}')
put("bodies", "step-pixels.json", b"\x01" + ('{"pixels": [' + ",".join(pixels) + '], "label": 1, "learningRate": 0.5, "session": "abc"}').encode())
drawing = base64.b64encode(png(28, 28, 0, 8, digit_rows(28, 28, 1))).decode()
put("bodies", "step-drawing.json", b"\x01" + ('{"drawing": "data:image/png;base64,' + drawing + '", "label": 7, "learningRate": 100}').encode())
put("bodies", "step-both.json", b"\x01" + b'{"pixels": [0], "drawing": "", "label": 11, "learningRate": 1e-300}')
put("bodies", "fine-tune.json", b"\x02" + b'{"epochs": 2, "share": 0.25, "learningRate": 0.001}')
put("bodies", "fine-tune-empty", b"\x02")
put("bodies", "fine-tune-bad.json", b"\x02" + b'{"epochs": 11, "share": 1, "learningRate": -1}')
