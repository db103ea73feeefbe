"""The memory layout keypoints-models gives some networks on PyTorch, for the Python references.

On the PyTorch engine NoseTipNet, Imm58Net and ResNet18 start by laying their input out
channels-last and keep their convolution weights channels-last (ChannelsLast.java): libtorch then
runs every convolution on oneDNN's nhwc kernels and skips the reorders into and out of its blocked
layout (docs/performance-training.md, docs/performance-inference.md). The references do the same
for the same networks, so that both sides run the same kernels: their parameters are converted
once with `net.to(memory_format=torch.channels_last)` (a Python user's idiom), and their input
goes through `ChannelsLast`, which gives even a one-channel input channels-last strides
(`x.contiguous(memory_format=torch.channels_last)` leaves a one-channel tensor as it is, so the
first convolution would stay in the default layout).
"""
import torch
import torch.nn as nn


class ChannelsLast(nn.Module):
    """Returns its N x C x H x W input with channels-last strides: the same values and shape."""

    def forward(self, x):
        n, c, h, w = x.shape
        # Flattening first makes the strides new (a copy when c > 1), as ChannelsLast.java does.
        return x.permute(0, 2, 3, 1).reshape(-1).view(n, h, w, c).permute(0, 3, 1, 2)


def channels_last(net):
    """`net` (a network's layers in an nn.Sequential) with its input and parameters laid out
    channels-last."""
    return nn.Sequential(ChannelsLast(), *net).to(memory_format=torch.channels_last)
