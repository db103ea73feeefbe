#!/usr/bin/env python3
"""Writes the TorchScript archive that bench/TorchScriptPrepack.java times (issue 12, item 5).

A module of landmark-cnn's shape at 64x64 (five 3x3 convolutions with bias, 1 -> 32 -> 64 -> 128
-> 256 -> 512 channels, each followed by ReLU and 2x2 max pooling; dense 2048 -> 1024 with ReLU,
then 1024 -> 136) whose forward takes the input and every weight, prepacks the convolution weights
for oneDNN on its first call (mkldnn._reorder_convolution_weight, kept in a List[Tensor]
attribute) and runs each convolution with its ReLU as mkldnn._convolution_pointwise. Debian's
torch 1.13 has neither operator, so the module is scripted with stand-ins (mkldnn_reorder_conv2d_weight,
conv2d and relu), and the saved code is then rewritten to call the two operators, which libtorch
2.7.1 (DJL 0.36's PyTorch) has. The debug files, whose source ranges would no longer match, are
left out; the archive is a stored zip as torch writes it.

Usage: python3 bench/torchscript_prepack.py OUT.pt
"""
import io
import os
import re
import sys
import zipfile
from typing import List

import torch
import torch.nn.functional as F


class Net(torch.nn.Module):
    packed: List[torch.Tensor]

    def __init__(self):
        super().__init__()
        self.packed = []

    def forward(self, x: torch.Tensor, w1: torch.Tensor, b1: torch.Tensor, w2: torch.Tensor,
                b2: torch.Tensor, w3: torch.Tensor, b3: torch.Tensor, w4: torch.Tensor,
                b4: torch.Tensor, w5: torch.Tensor, b5: torch.Tensor, f1w: torch.Tensor,
                f1b: torch.Tensor, f2w: torch.Tensor, f2b: torch.Tensor) -> torch.Tensor:
        if len(self.packed) == 0:
            ws = [w1, w2, w3, w4, w5]
            p: List[torch.Tensor] = []
            for w in ws:
                p.append(torch.ops.aten.mkldnn_reorder_conv2d_weight(w, [1, 1], [1, 1], [1, 1], 1))
            self.packed = p
        bs = [b1, b2, b3, b4, b5]
        y = x
        for i in range(5):
            y = torch.relu(torch.conv2d(y, self.packed[i], bs[i], [1, 1], [1, 1], [1, 1], 1))
            y = F.max_pool2d(y, 2, 2)
        y = torch.flatten(y, 1)
        y = torch.relu(F.linear(y, f1w, f1b))
        return F.linear(y, f2w, f2b)


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    buf = io.BytesIO()
    torch.jit.save(torch.jit.script(Net()), buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    code_name = next(n for n in src.namelist() if n.endswith("code/__torch__.py"))
    code = src.read(code_name).decode()
    pack = "torch.mkldnn_reorder_conv2d_weight(w, [1, 1], [1, 1], [1, 1])"
    conv = (r"(\w+) = torch\.conv2d\(y, packed0\[i\], bs\[i\], \[1, 1\], \[1, 1\], \[1, 1\]\)\n"
            r"(\s*)(\w+) = torch\.relu\(\1\)")
    if pack not in code or not re.search(conv, code):
        raise SystemExit("the scripted code is not the expected one; torch " + torch.__version__)
    code = code.replace(pack, "ops.mkldnn._reorder_convolution_weight(w, [1, 1], [1, 1], [1, 1], 1, None)")
    code = re.sub(conv, r'\3 = ops.mkldnn._convolution_pointwise(y, packed0[i], bs[i], [1, 1], '
                  r'[1, 1], [1, 1], 1, "relu", annotate(List[Optional[number]], []), None)', code)
    tmp = sys.argv[1] + ".part"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as out:
        for name in src.namelist():
            if name.endswith(".debug_pkl"):
                continue
            out.writestr(name, code if name == code_name else src.read(name))
    os.replace(tmp, sys.argv[1])
    print("wrote", sys.argv[1])


if __name__ == "__main__":
    main()
