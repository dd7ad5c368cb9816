#!/usr/bin/python3
"""Independent reference for the extraction tests (Debian python3-pil, python3-numpy, python3-skimage).

Usage: extraction_pil_oracle.py OUT_DIR MEANIMAGE_ONNX
Writes into OUT_DIR:
  fixtures made from real sample photographs of skimage's data folder:
    grey.jpg   camera.png (grey) saved as a one-component JPEG
    cmyk.jpg   chelsea.png converted to CMYK and saved as a four-component JPEG
    small.png  coffee.png shrunk to 150x100 (smaller than a 224 crop)
    rgba.png   astronaut.png with an alpha channel (alpha must be ignored, as PIL's convert("RGB"))
  for every test image NAME and resize size S (shorter side) the centre crop C=224 of
  torchvision.transforms.Resize(S) + CenterCrop(C) applied to PIL.Image.open(NAME).convert("RGB"):
    NAME.S.rgb  C*C*3 bytes, HWC, RGB
  meanimage.f32  the MeanImage initializer of the given ONNX file (3*224*224 float32, raw protobuf parse)
  list.txt       one line per image: NAME<TAB>absolute path<TAB>width<TAB>height
"""
import os
import struct
import sys

import numpy as np
import skimage
from PIL import Image

out = sys.argv[1]
onnx_path = sys.argv[2]
data = os.path.join(os.path.dirname(skimage.__file__), "data")
C = 224
SIZES = (256, 224, 300)


def resize_shorter(im, s):
    # torchvision.transforms.functional.resize with an int size on a PIL image.
    w, h = im.size
    if w <= h:
        nw, nh = s, int(s * h / w)
    else:
        nw, nh = int(s * w / h), s
    return im.resize((nw, nh), Image.BILINEAR)


def center_crop(a, c):
    h, w = a.shape[:2]
    top = int(round((h - c) / 2.0))
    left = int(round((w - c) / 2.0))
    return a[top:top + c, left:left + c]


Image.open(os.path.join(data, "camera.png")).convert("L").save(os.path.join(out, "grey.jpg"), quality=92)
Image.open(os.path.join(data, "chelsea.png")).convert("RGB").convert("CMYK").save(os.path.join(out, "cmyk.jpg"), quality=92)
Image.open(os.path.join(data, "coffee.png")).convert("RGB").resize((150, 100), Image.BILINEAR).save(os.path.join(out, "small.png"))
rgba = Image.open(os.path.join(data, "astronaut.png")).convert("RGBA")
alpha = np.tile(np.linspace(0, 255, rgba.size[0]).astype(np.uint8), (rgba.size[1], 1))
rgba.putalpha(Image.fromarray(alpha))
rgba.save(os.path.join(out, "rgba.png"))

images = {
    "astronaut.png": os.path.join(data, "astronaut.png"),   # colour PNG 512x512
    "camera.png": os.path.join(data, "camera.png"),         # grey-scale PNG 512x512
    "chelsea.png": os.path.join(data, "chelsea.png"),       # colour PNG 451x300
    "coffee.png": os.path.join(data, "coffee.png"),         # colour PNG 600x400
    "rocket.jpg": os.path.join(data, "rocket.jpg"),         # colour JPEG 427x640
    "retina.jpg": os.path.join(data, "retina.jpg"),         # colour JPEG 1411x1411
    "grey.jpg": os.path.join(out, "grey.jpg"),              # grey JPEG
    "small.png": os.path.join(out, "small.png"),            # smaller than the crop (upscaled)
    "rgba.png": os.path.join(out, "rgba.png"),              # RGBA PNG
}
with open(os.path.join(out, "list.txt"), "w") as lst:
    for name, path in images.items():
        im = Image.open(path)
        im.load()
        rgb = im.convert("RGB")
        lst.write(f"{name}\t{os.path.abspath(path)}\t{rgb.size[0]}\t{rgb.size[1]}\n")
        for s in SIZES:
            a = np.asarray(resize_shorter(rgb, s), dtype=np.uint8)
            crop = np.ascontiguousarray(center_crop(a, C))
            assert crop.shape == (C, C, 3), (name, s, crop.shape)
            crop.tofile(os.path.join(out, f"{name}.{s}.rgb"))


# MeanImage of the ML.NET preprocessing model, read with a minimal protobuf walk (no onnx package needed).
def varint(b, i):
    r = s = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return r, i


def fields(b):
    i = 0
    while i < len(b):
        k, i = varint(b, i)
        f, t = k >> 3, k & 7
        if t == 0:
            v, i = varint(b, i)
        elif t == 1:
            v, i = b[i:i + 8], i + 8
        elif t == 5:
            v, i = b[i:i + 4], i + 4
        elif t == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        else:
            raise ValueError(t)
        yield f, t, v


model = open(onnx_path, "rb").read()
graph = [v for f, t, v in fields(model) if f == 7][0]
for f, t, v in fields(graph):
    if f != 5:
        continue
    name, arr = None, None
    for ff, tt, vv in fields(v):
        if ff == 8:
            name = vv.decode()
        elif ff in (4, 9) and tt == 2:
            arr = np.frombuffer(vv, "<f4")
    if name == "MeanImage":
        assert arr.size == 3 * C * C
        arr.astype("<f4").tofile(os.path.join(out, "meanimage.f32"))
print("ok")
