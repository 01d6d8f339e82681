"""Wearable augmentations, applied to a batch of crops on the fly (torch, CPU).

* time warp   : random speed 0.8-1.2 plus a mild smooth (sinusoidal) warp, also giving a random crop
* small 3-D rotation : random axis, angle <= max_deg (full rotations hurt on wrist data: sitting vs
                       standing is told apart by the wrist's orientation)
* scaling     : one global gain and small per-axis gains
* jitter      : additive Gaussian noise
"""
from __future__ import annotations

import math

import torch


def time_warp(crops: torch.Tensor, window: int, gen: torch.Generator, max_speed=0.2, warp_amp=2.0):
    """crops [B, S, C] (S >= 1.25*window) -> [B, window, C] by linear interpolation."""
    B, S, C = crops.shape
    speed = 1.0 + (torch.rand(B, 1, generator=gen) * 2 - 1) * max_speed
    t = torch.arange(window, dtype=torch.float32)[None, :]
    freq = torch.rand(B, 1, generator=gen) * 1.5 + 0.5          # 0.5-2 cycles per window
    phase = torch.rand(B, 1, generator=gen) * 2 * math.pi
    amp = torch.rand(B, 1, generator=gen) * warp_amp
    # keep the warp monotonic: derivative of amp*sin >= -amp*2*pi*freq/window > -1
    amp = torch.minimum(amp, 0.8 * window / (2 * math.pi * freq) * speed)
    pos = speed * t + amp * torch.sin(2 * math.pi * freq * t / window + phase)
    pos = pos - pos.min(dim=1, keepdim=True).values
    room = (S - 1) - pos.max(dim=1, keepdim=True).values
    pos = pos + torch.rand(B, 1, generator=gen) * room.clamp(min=0)
    pos = pos.clamp(0, S - 1)
    i0 = pos.floor().long().clamp(max=S - 2)
    w = (pos - i0)[..., None]
    g0 = torch.gather(crops, 1, i0[..., None].expand(B, window, C))
    g1 = torch.gather(crops, 1, (i0 + 1)[..., None].expand(B, window, C))
    return g0 * (1 - w) + g1 * w


def random_rotation(B: int, gen: torch.Generator, max_deg=15.0) -> torch.Tensor:
    """[B, 3, 3] rotations about random axes by angles uniform in [0, max_deg]."""
    axis = torch.randn(B, 3, generator=gen)
    axis = axis / axis.norm(dim=1, keepdim=True)
    ang = torch.rand(B, generator=gen) * math.radians(max_deg)
    K = torch.zeros(B, 3, 3)
    K[:, 0, 1], K[:, 0, 2] = -axis[:, 2], axis[:, 1]
    K[:, 1, 0], K[:, 1, 2] = axis[:, 2], -axis[:, 0]
    K[:, 2, 0], K[:, 2, 1] = -axis[:, 1], axis[:, 0]
    s, c = torch.sin(ang)[:, None, None], torch.cos(ang)[:, None, None]
    return torch.eye(3)[None] + s * K + (1 - c) * (K @ K)


def augment(crops: torch.Tensor, window: int, gen: torch.Generator, rot_deg=15.0,
            scale_sd=0.07, axis_scale_sd=0.03, jitter_sd=0.1) -> torch.Tensor:
    """crops [B, S, C] in m/s^2 -> augmented windows [B, C, window] (Conv1d layout)."""
    x = time_warp(crops, window, gen)                       # [B, T, C]
    B, T, C = x.shape
    R = random_rotation(B, gen, rot_deg)
    acc = x[..., :3] @ R.transpose(1, 2)
    parts = [acc]
    if C >= 6:                                              # rotate gyro with the same R
        parts.append(x[..., 3:6] @ R.transpose(1, 2))
    x = torch.cat(parts + ([x[..., 6:]] if C > 6 else []), dim=-1)
    gain = (1 + torch.randn(B, 1, 1, generator=gen) * scale_sd).clamp(0.8, 1.2)
    gain = gain * (1 + torch.randn(B, 1, C, generator=gen) * axis_scale_sd)
    x = x * gain + torch.randn(x.shape, generator=gen) * jitter_sd
    return x.transpose(1, 2).contiguous()


def center_crop(crops: torch.Tensor, window: int) -> torch.Tensor:
    S = crops.shape[1]
    a = (S - window) // 2
    return crops[:, a:a + window].transpose(1, 2).contiguous()
