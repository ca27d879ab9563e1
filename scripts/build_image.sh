#!/usr/bin/env bash
# `make image`: build the newsbrief image with the Docker engine where one runs, otherwise with
# podman from Debian's packages, which needs no daemon and no image registry:
#   - the base image is made once from Debian's own packages (debootstrap) and imported as
#     localhost/newsbrief-base:3.11, since no registry may be reachable to pull python:3.11-slim;
#   - the CPU torch wheel comes from the folder pip already finds it in (its find-links),
#     mounted into the build at /wheels, since the PyTorch index may not be reachable;
#   - pip in the build trusts the CA bundle pip on the host trusts (mounted, PIP_CERT).
# The build time is recorded in .image/build.json for `make image-test`.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/newsbrief:latest}
BASE_IMAGE=${BASE_IMAGE:-localhost/newsbrief-base:3.11}
DEBIAN_SUITE=bookworm # Debian 12: its python3 is 3.11, as pyproject.toml requires
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
RECORD=.image/build.json

log() { printf 'make image: %s\n' "$*" >&2; }

# The first folder among pip's find-links that holds the pinned torch wheel (empty if none).
torch_wheels_dir() {
    local dir
    for dir in $(python3 -m pip config list 2>/dev/null |
        sed -n "s/^[^=]*find-links='\(.*\)'$/\1/p") ${PIP_FIND_LINKS:-}; do
        if compgen -G "$dir/torch-2.13.0*.whl" >/dev/null; then
            echo "$dir"
            return
        fi
    done
}

# The CA bundle pip on this host trusts (empty if pip uses its own).
pip_ca_bundle() {
    local cert
    cert=$(python3 -m pip config list 2>/dev/null | sed -n "s/^[^=]*\.cert='\(.*\)'$/\1/p" | head -1)
    cert=${PIP_CERT:-$cert}
    if [[ -n $cert && -f $cert ]]; then echo "$cert"; fi
}

ensure_podman() {
    local missing=()
    for tool in podman runc debootstrap; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    if ((${#missing[@]})); then
        log "installing ${missing[*]} from Debian"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >/dev/null
    fi
}

# Debian 12 minbase with Python 3.11 and venv; documentation, locales and apt's lists are cut
# (nothing in the image reads them or installs Debian packages later).
ensure_base_image() {
    if podman image exists "$BASE_IMAGE"; then
        return
    fi
    log "making $BASE_IMAGE from Debian $DEBIAN_SUITE (once; a few minutes)"
    local root
    root=$(mktemp -d)
    trap 'rm -rf "$root"; trap - RETURN' RETURN
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
        "$DEBIAN_SUITE" "$root" "$DEBIAN_MIRROR" >/dev/null
    rm -rf "$root"/usr/share/{doc,man,info,locale} "$root"/var/lib/apt/lists/* \
        "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old "$root"/var/log/*.log
    tar -C "$root" -c . | podman import --change 'CMD ["python3"]' - "$BASE_IMAGE" >/dev/null
}

build_with_podman() {
    local args=(--isolation=chroot --format docker # the OCI format would drop HEALTHCHECK
        --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg PYTHON=python3)
    local wheels ca
    wheels=$(torch_wheels_dir)
    if [[ -n $wheels ]]; then
        log "torch from $wheels"
        args+=(-v "$wheels:/wheels:ro" --build-arg TORCH_WHEELS=/wheels)
    fi
    ca=$(pip_ca_bundle)
    if [[ -n $ca ]]; then
        args+=(-v "$ca:/run/pip-ca.pem:ro" --build-arg PIP_CERT=/run/pip-ca.pem)
    fi
    podman build "${args[@]}" -t "$IMAGE" .
}

if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    engine=docker
    started=$(date +%s)
    docker build -t "$IMAGE" .
else
    engine=podman
    ensure_podman
    ensure_base_image
    started=$(date +%s)
    build_with_podman
fi
seconds=$(($(date +%s) - started)) # the image's build alone, without making the base
mkdir -p "$(dirname "$RECORD")"
printf '{"engine": "%s", "image": "%s", "build_seconds": %d, "built_at": "%s"}\n' \
    "$engine" "$IMAGE" "$seconds" "$(date -u +%FT%TZ)" >"$RECORD"
log "built $IMAGE with $engine in ${seconds} s"
