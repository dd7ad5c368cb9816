"""Independent reference for the face crop rule (docs/faces.md), written from the rule, not from the C# code.

usage: face_crop_oracle.py IMAGE BOXES.txt MARGIN SIZE OUT_PREFIX
  BOXES.txt: one box per line, "x1 y1 x2 y2" in frame pixels (continuous coordinates; pixel i spans [i, i+1)).
  Writes OUT_PREFIX.<k>.rgb (SIZE x SIZE x 3 bytes) for box k.

Rule: a square centred on the box, side = max(w, h) * margin, resampled to SIZE x SIZE; output pixel (i, j) samples
the frame at x = x0 + (j + 0.5) * side / SIZE - 0.5, y likewise (x0, y0: the square's top-left corner); bilinear over
the four nearest pixels; pixels outside the frame are black; rounded half up.
"""
import sys
import numpy as np
from PIL import Image


def crop(img, box, margin, size):
    h, w, _ = img.shape
    x1, y1, x2, y2 = box
    side = max(x2 - x1, y2 - y1) * margin
    x0 = (x1 + x2) / 2.0 - side / 2.0
    y0 = (y1 + y2) / 2.0 - side / 2.0
    # Pad with a black border wide enough for every sample, then index with plain integer arithmetic.
    coords = (np.arange(size, dtype=np.float64) + 0.5) * (side / size) - 0.5
    sx, sy = x0 + coords, y0 + coords
    fx, fy = np.floor(sx).astype(np.int64), np.floor(sy).astype(np.int64)
    ax, ay = sx - fx, sy - fy
    pad = int(max(0, -fx.min(), -fy.min(), fx.max() + 2 - w, fy.max() + 2 - h)) + 1
    big = np.zeros((h + 2 * pad, w + 2 * pad, 3), dtype=np.float64)
    big[pad:pad + h, pad:pad + w] = img
    X0, Y0 = fx + pad, fy + pad
    p00 = big[Y0[:, None], X0[None, :]]
    p01 = big[Y0[:, None], X0[None, :] + 1]
    p10 = big[Y0[:, None] + 1, X0[None, :]]
    p11 = big[Y0[:, None] + 1, X0[None, :] + 1]
    wx, wy = ax[None, :, None], ay[:, None, None]
    v = p00 * (1 - wx) * (1 - wy) + p01 * wx * (1 - wy) + p10 * (1 - wx) * wy + p11 * wx * wy
    return np.clip(np.floor(v + 0.5), 0, 255).astype(np.uint8)


def main():
    image, boxes_path, margin, size, prefix = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    img = np.asarray(Image.open(image).convert("RGB"), dtype=np.float64)
    for k, line in enumerate(l for l in open(boxes_path) if l.strip()):
        box = [float(t) for t in line.split()]
        open(f"{prefix}.{k}.rgb", "wb").write(crop(img, box, margin, size).tobytes())
    print("ok")


if __name__ == "__main__":
    main()
