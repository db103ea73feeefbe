"""Python PyTorch's 3x3 convolutions against float64, as `keypoints bench onednn` checks libtorch's.

The same shapes as ConvolutionCheck.java (batch 2, 58 x 78 input, 32 filters, no padding) for 1,
8, 12, 16, 24, 32, 40 and 64 input channels, in the default layout and channels-last; an output is
wrong when it is not finite or differs from the float64 result by more than 1e-3. Prints one line
per convolution and the total. Usage: python3 bench/conv_check.py (ONEDNN_MAX_CPU_ISA as you like).
"""
import torch
import torch.nn.functional as F


def main():
    torch.manual_seed(5)
    wrong_total = 0
    checked_total = 0
    for channels in (1, 8, 12, 16, 24, 32, 40, 64):
        for channels_last in (False, True):
            x = torch.rand(2, channels, 58, 78) * 2 - 1
            w = (torch.rand(32, channels, 3, 3) * 2 - 1) / (channels * 9) ** 0.5
            xs, ws = x, w
            if channels_last:
                xs = x.contiguous(memory_format=torch.channels_last)
                ws = w.contiguous(memory_format=torch.channels_last)
            y = F.conv2d(xs, ws).double()
            ref = F.conv2d(x.double(), w.double())
            wrong = int((~torch.isfinite(y) | ((y - ref).abs() > 1e-3)).sum())
            wrong_total += wrong
            checked_total += y.numel()
            print("%2d channels, channels-last %-5s: %d wrong of %d" % (
                channels, channels_last, wrong, y.numel()))
    print("torch %s, %s: %d wrong of %d convolution outputs" % (
        torch.__version__, torch.backends.mkldnn.is_available() and "oneDNN" or "no oneDNN",
        wrong_total, checked_total))


if __name__ == "__main__":
    main()
