#!/usr/bin/env bash
# Prove the GPU path on a machine with an NVIDIA GPU: the whole test suite and a real
# autograde of the demo class, with CUDA visible. The checks loop over every device
# PyTorch sees (workbook.checks.DEVICES), so on such a machine every hidden test also
# runs on `cuda`. Usage: scripts/gpu_check.sh   (after `make setup`, or with VENV=...)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
[ -x "$PY" ] || make setup VENV="$VENV"

"$PY" - <<'PY'
import torch
import workbook.checks as C
print("torch", torch.__version__, "| CUDA available:", torch.cuda.is_available())
if not torch.cuda.is_available():
    raise SystemExit("no CUDA device visible: this script proves the GPU path only on a GPU machine")
print("GPU:", torch.cuda.get_device_name(0), "| devices the checks use:", [str(d) for d in C.DEVICES])
PY

echo "== test suite (CUDA visible)"
"$PY" -m pytest -q -p no:cacheprovider
echo "== autograde of the demo class (notebooks' checks run on cpu and cuda)"
"$VENV/bin/workbook" demo --dir "${DEMO_DIR:-/tmp/workbook-gpu-demo}"
