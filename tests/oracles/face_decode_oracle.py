"""Independent reference for face-detector output decoding + non-max suppression (docs/faces.md), from the formats'
definitions, not from the C# code. Reads the model's raw outputs (.npy files written by the test) and prints the kept
boxes, one per line: "score x1 y1 x2 y2" in frame pixels.

usage: face_decode_oracle.py ultraface SCORES.npy BOXES.npy FRAME_W FRAME_H THRESHOLD IOU
       face_decode_oracle.py blazeface LOGITS.npy REGRESSORS.npy FRAME_W FRAME_H THRESHOLD IOU INPUT_SIZE

UltraFace: scores [N, 2] softmax (column 1 = face), boxes [N, 4] = x1, y1, x2, y2 as fractions of the input; a box in
frame pixels is the fractions times the frame's width/height.
BlazeFace: 896 anchors, 16x16 cells x 2 then 8x8 cells x 6, anchor centre ((col + .5)/cells, (row + .5)/cells) of the
square input; regressors (dx, dy, w, h, ...) in input pixels; score = sigmoid(clip(logit, -100, 100)); the frame was
letterboxed: scale = S / max(W, H), resized to round(W * scale) x round(H * scale), centred with integer padding.
NMS: by score, descending (ties in index order); drop a box whose IoU with a kept one exceeds IOU.
"""
import sys
import numpy as np


def iou(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    area = lambda r: max(0.0, r[2] - r[0]) * max(0.0, r[3] - r[1])
    return inter / (area(a) + area(b) - inter)


def nms(boxes, scores, limit):
    order = np.argsort(-scores, kind="stable")
    kept = []
    for i in order:
        if all(iou(boxes[i], boxes[k]) <= limit for k in kept):
            kept.append(i)
    return kept


def main():
    kind = sys.argv[1]
    a, b = np.load(sys.argv[2]).astype(np.float64), np.load(sys.argv[3]).astype(np.float64)
    W, H, thr, limit = float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
    if kind == "ultraface":
        scores = a.reshape(-1, 2)[:, 1]
        boxes = b.reshape(-1, 4) * np.array([W, H, W, H])
    else:
        S = int(sys.argv[8])
        anchors = []
        for cells, per in ((16, 2), (8, 6)):
            for row in range(cells):
                for col in range(cells):
                    anchors += [((col + 0.5) / cells, (row + 0.5) / cells)] * per
        anchors = np.array(anchors)
        logits = np.clip(a.reshape(-1), -100, 100)
        scores = 1 / (1 + np.exp(-logits))
        r = b.reshape(-1, 16)
        scale = S / max(W, H)
        rw, rh = min(max(int(np.floor(W * scale + 0.5)), 1), S), min(max(int(np.floor(H * scale + 0.5)), 1), S)
        px, py = (S - rw) // 2, (S - rh) // 2
        cx, cy = anchors[:, 0] * S + r[:, 0], anchors[:, 1] * S + r[:, 1]
        boxes = np.stack([(cx - r[:, 2] / 2 - px) / scale, (cy - r[:, 3] / 2 - py) / scale,
                          (cx + r[:, 2] / 2 - px) / scale, (cy + r[:, 3] / 2 - py) / scale], axis=1)
    keep = np.nonzero(scores >= thr)[0]
    boxes, scores = boxes[keep], scores[keep]
    for i in nms(boxes, scores, limit):
        print(f"{scores[i]:.7f} {boxes[i][0]:.4f} {boxes[i][1]:.4f} {boxes[i][2]:.4f} {boxes[i][3]:.4f}")


if __name__ == "__main__":
    main()
