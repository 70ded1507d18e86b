#!/usr/bin/env bash
# RecBole 1.2.1, the peer of benchmarks/quality/sequence.py, in its own environment: it needs
# NumPy 1.x, which the project's environment (NumPy 2) cannot give it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python3 -m venv "$here/.venv"
pip="$here/.venv/bin/pip"
"$pip" install --quiet torch==2.13.0
echo "numpy<2" > "$here/.venv/constraints.txt"
# recbole's declared requirements pull in ray, plotly, lightgbm, xgboost for hyper-tuning
# and other models; the sequential models need only what it imports at top level.
"$pip" install --quiet --no-deps recbole==1.2.1
"$pip" install --quiet -c "$here/.venv/constraints.txt" "numpy<2" scipy "pandas<2.3" scikit-learn pyyaml \
    colorlog==4.7.2 colorama==0.4.4 tqdm texttable tensorboard tabulate psutil thop
"$here/.venv/bin/python" -c "import numpy, torch, recbole; print('recbole', recbole.__version__, 'numpy', numpy.__version__, 'torch', torch.__version__)"
