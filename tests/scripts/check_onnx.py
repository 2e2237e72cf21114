"""Validates an ONNX file with the official checker (full_check also runs strict shape inference).

Usage: /usr/bin/python3 tests/scripts/check_onnx.py MODEL.onnx   (needs Debian's python3-onnx)
Prints "ok" and exits 0 when the model is valid.
"""
import sys

import onnx

model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
print("ok")
