"""The MuJo Edge model family: a small int8-friendly IMU encoder and a text projection.

The IMU encoder uses only ops the MuJo Edge runtime runs natively in int8
(docs/int8-spec.md): Conv1d (stride/dilation/padding/groups), BatchNorm1d (folded
into the conv at export), Linear, ReLU, GELU (exact erf), LayerNorm over channels,
residual Add, mean over time, attention with separate q/k/v Linear layers, and a
final L2 normalisation.

Input  : [B, C, T] (Conv1d layout), accelerometer x,y,z in m/s^2 (Android sign, gravity in)
Output : [B, D] L2-normalised embedding
"""
from __future__ import annotations

import copy
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class EncoderConfig:
    in_channels: int = 3          # 3 = accel only (default); 6 = accel + gyro
    window: int = 100
    stem_channels: int = 32
    stem_kernel: int = 5          # 'valid' conv (no padding) so input normalisation folds exactly
    stage_channels: tuple = (64, 128)
    stage_dilations: tuple = ((1, 2), (1, 2, 4))
    dw_kernel: int = 5
    heads: int = 4
    ffn_mult: int = 2
    embed_dim: int = 64

    def to_dict(self):
        d = asdict(self)
        d["stage_channels"] = list(self.stage_channels)
        d["stage_dilations"] = [list(x) for x in self.stage_dilations]
        return d

    @staticmethod
    def from_dict(d):
        d = dict(d)
        d["stage_channels"] = tuple(d["stage_channels"])
        d["stage_dilations"] = tuple(tuple(x) for x in d["stage_dilations"])
        return EncoderConfig(**d)


class ConvBN(nn.Module):
    """Conv1d + BatchNorm1d (+ ReLU). `fuse()` folds the BN into the conv."""

    def __init__(self, cin, cout, k, stride=1, dilation=1, padding=0, groups=1, relu=True):
        super().__init__()
        self.conv = nn.Conv1d(cin, cout, k, stride=stride, dilation=dilation,
                              padding=padding, groups=groups, bias=False)
        self.bn = nn.BatchNorm1d(cout)
        self.relu = relu

    def forward(self, x):
        x = self.bn(self.conv(x))
        return F.relu(x) if self.relu else x

    def fuse(self):
        if isinstance(self.bn, nn.BatchNorm1d):
            self.conv = torch.nn.utils.fusion.fuse_conv_bn_eval(self.conv.eval(), self.bn.eval())
            self.bn = nn.Identity()


class DSResBlock(nn.Module):
    """Depthwise-separable residual block: dw conv (dilated) -> ReLU -> pw conv -> + x -> ReLU."""

    def __init__(self, c, k, dilation):
        super().__init__()
        pad = dilation * (k - 1) // 2
        self.dw = ConvBN(c, c, k, dilation=dilation, padding=pad, groups=c, relu=True)
        self.pw = ConvBN(c, c, 1, relu=False)

    def forward(self, x):
        return F.relu(x + self.pw(self.dw(x)))


class Attention(nn.Module):
    """Multi-head self-attention with SEPARATE q/k/v Linear layers (no fused in_proj)."""

    def __init__(self, c, heads):
        super().__init__()
        assert c % heads == 0
        self.h, self.d = heads, c // heads
        self.q = nn.Linear(c, c)
        self.k = nn.Linear(c, c)
        self.v = nn.Linear(c, c)
        self.o = nn.Linear(c, c)
        self.scale = 1.0 / math.sqrt(self.d)   # folded into q at export -> 1.0

    def forward(self, x):                       # x [B, T, C]
        B, T, C = x.shape
        q = self.q(x)
        if self.scale != 1.0:
            q = q * self.scale
        q = q.reshape(B, T, self.h, self.d).transpose(1, 2)      # [B, H, T, D]
        k = self.k(x).reshape(B, T, self.h, self.d).transpose(1, 2)
        v = self.v(x).reshape(B, T, self.h, self.d).transpose(1, 2)
        a = torch.softmax(torch.matmul(q, k.transpose(2, 3)), dim=-1)
        y = torch.matmul(a, v).transpose(1, 2).reshape(B, T, C)
        return self.o(y)

    def fold_scale(self):
        if self.scale != 1.0:
            with torch.no_grad():
                self.q.weight.mul_(self.scale)
                self.q.bias.mul_(self.scale)
            self.scale = 1.0


class TransformerBlock(nn.Module):
    def __init__(self, c, heads, ffn_mult):
        super().__init__()
        self.ln1 = nn.LayerNorm(c)
        self.attn = Attention(c, heads)
        self.ln2 = nn.LayerNorm(c)
        self.ff1 = nn.Linear(c, c * ffn_mult)
        self.ff2 = nn.Linear(c * ffn_mult, c)

    def forward(self, x):                       # [B, T, C]
        x = x + self.attn(self.ln1(x))
        return x + self.ff2(F.gelu(self.ff1(self.ln2(x))))


class IMUEncoder(nn.Module):
    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        self.cfg = cfg
        # per-channel input normalisation; folded into the stem conv at export
        self.register_buffer("in_mean", torch.zeros(cfg.in_channels))
        self.register_buffer("in_std", torch.ones(cfg.in_channels))
        self.normalize_input = True
        self.stem = ConvBN(cfg.in_channels, cfg.stem_channels, cfg.stem_kernel, padding=0)
        layers = []
        cin = cfg.stem_channels
        for cout, dils in zip(cfg.stage_channels, cfg.stage_dilations):
            layers.append(ConvBN(cin, cout, 3, stride=2, padding=1))
            layers += [DSResBlock(cout, cfg.dw_kernel, d) for d in dils]
            cin = cout
        self.stages = nn.Sequential(*layers)
        self.block = TransformerBlock(cin, cfg.heads, cfg.ffn_mult)
        self.ln_out = nn.LayerNorm(cin)
        self.proj1 = nn.Linear(cin, cin)
        self.proj2 = nn.Linear(cin, cfg.embed_dim)
        self.feat_dim = cin

    def features(self, x):                      # x [B, C, T] raw m/s^2
        if self.normalize_input:
            x = (x - self.in_mean[None, :, None]) / self.in_std[None, :, None]
        h = self.stages(self.stem(x))           # [B, C, T']
        h = self.block(h.transpose(1, 2))       # [B, T', C]
        return self.ln_out(h).mean(dim=1)       # [B, C]

    def embed(self, f):
        return F.normalize(self.proj2(F.gelu(self.proj1(f))), dim=-1)

    def forward(self, x):
        return self.embed(self.features(x))

    # ---------------------------------------------------------------- export helpers
    def export_copy(self) -> "IMUEncoder":
        """A copy with BN folded into convs, input normalisation folded into the stem
        (exact, since the stem has no padding) and the attention scale folded into q."""
        m = copy.deepcopy(self).eval()
        for mod in m.modules():
            if isinstance(mod, ConvBN):
                mod.fuse()
            if isinstance(mod, Attention):
                mod.fold_scale()
        if m.normalize_input:
            conv = m.stem.conv
            with torch.no_grad():
                inv = 1.0 / m.in_std
                w = conv.weight * inv[None, :, None]
                b = conv.bias - (w * m.in_mean[None, :, None]).sum(dim=(1, 2))
                conv.weight.copy_(w)
                conv.bias.copy_(b)
            m.normalize_input = False
        return m


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def count_macs(enc: IMUEncoder, T=None) -> dict:
    """Multiply-accumulates of one window (convs, linears, the two attention matmuls)."""
    T = T or enc.cfg.window
    macs = {"conv": 0, "linear": 0, "attention_matmul": 0}
    hooks = []

    def conv_hook(mod, inp, out):
        macs["conv"] += out.numel() * (mod.in_channels // mod.groups) * mod.kernel_size[0]

    def lin_hook(mod, inp, out):
        macs["linear"] += out.numel() * mod.in_features

    def attn_hook(mod, inp, out):
        B, Tq, C = inp[0].shape
        macs["attention_matmul"] += 2 * Tq * Tq * C

    for mod in enc.modules():
        if isinstance(mod, nn.Conv1d):
            hooks.append(mod.register_forward_hook(conv_hook))
        elif isinstance(mod, nn.Linear):
            hooks.append(mod.register_forward_hook(lin_hook))
        elif isinstance(mod, Attention):
            hooks.append(mod.register_forward_hook(attn_hook))
    was = enc.training
    enc.eval()
    with torch.no_grad():
        enc(torch.zeros(1, enc.cfg.in_channels, T))
    enc.train(was)
    for h in hooks:
        h.remove()
    macs["total"] = sum(macs.values())
    return macs


class TextProjection(nn.Module):
    """Learned linear projection of frozen MiniLM (384-d) sentence embeddings into the joint space."""

    def __init__(self, text_dim=384, embed_dim=64):
        super().__init__()
        self.lin = nn.Linear(text_dim, embed_dim)

    def forward(self, t):
        return F.normalize(self.lin(t), dim=-1)


class MuJoStyle(nn.Module):
    """IMU encoder + text projection + multitask classification heads (one per training set)."""

    def __init__(self, cfg: EncoderConfig, head_sizes: dict, text_dim=384):
        super().__init__()
        self.encoder = IMUEncoder(cfg)
        self.text_proj = TextProjection(text_dim, cfg.embed_dim)
        self.heads = nn.ModuleDict({k: nn.Linear(self.encoder.feat_dim, n) for k, n in head_sizes.items()})
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
