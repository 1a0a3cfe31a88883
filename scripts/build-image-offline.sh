#!/usr/bin/env bash
# Builds the real image where Docker Hub and gcr.io cannot be reached (only Debian's and npm's
# registries): the Dockerfile's two FROM images are replaced, through its build arguments, by
# stand-ins made from Debian bookworm packages, then the image is built and measured.
#   - NODE_IMAGE stand-in: `debootstrap --variant=minbase bookworm` with this machine's Node
#     binary (the official one) in /usr/local/bin and its npm;
#   - RUNTIME_IMAGE stand-in: what distroless cc-debian12:nonroot holds, unpacked from the same
#     Debian packages, with the users root, nobody and nonroot (65532).
# Needs root, a running Docker engine (Debian: apt-get install docker.io debootstrap; then
# `dockerd --iptables=false --bridge=none &` where the sandbox has no iptables), Node 24.
# Registry traffic through a TLS-intercepting proxy works when this machine's CA bundle
# (/etc/ssl/certs/ca-certificates.crt) trusts it: the build stage gets the same bundle.
#   scripts/build-image-offline.sh [tag]      (default oracxpred:local)
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:-oracxpred:local}"
node_image=oracxpred-local/node:24-bookworm-slim
runtime_image=oracxpred-local/distroless-cc-debian12:nonroot
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

have() { docker image inspect "$1" >/dev/null 2>&1; }

if ! have "$node_image"; then
  echo "== $node_image: debootstrap bookworm (minbase), Node $(node --version), npm $(npm --version)"
  debootstrap --variant=minbase bookworm "$work/debian" http://deb.debian.org/debian >/dev/null
  rm -rf "$work/debian/var/cache/apt/archives/"*.deb "$work/debian/var/lib/apt/lists/"*
  mkdir -p "$work/node"
  cp "$(command -v node)" "$work/node/node"
  cp -r "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")" "$work/node/npm"
  cp /etc/ssl/certs/ca-certificates.crt "$work/node/"
  cat >"$work/node/Dockerfile" <<'EOF'
FROM scratch
ADD debian.tar /
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
CMD ["node"]
EOF
  tar -C "$work/debian" -cf "$work/node/debian.tar" .
  DOCKER_BUILDKIT=0 docker build -q -t "$node_image" "$work/node" >/dev/null
fi

if ! have "$runtime_image"; then
  echo "== $runtime_image: Debian packages as distroless cc-debian12 has them"
  mkdir -p "$work/debs" "$work/rootfs"
  (cd "$work/debs" && apt-get download -qq base-files netbase tzdata libc6 libssl3 libgcc-s1 \
    libgomp1 libstdc++6 2>/dev/null)
  for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/rootfs"; done
  root="$work/rootfs"
  mkdir -p "$root/etc/ssl/certs" "$root/tmp" "$root/home/nonroot" "$root/root"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  chmod 1777 "$root/tmp"
  chmod 700 "$root/root"
  chown 65532:65532 "$root/home/nonroot"
  printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' \
    'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'nonroot:x:65532:' >"$root/etc/group"
  echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
  rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/info" \
    "$root/usr/share/lintian" "$root/usr/share/locale"
  tar -C "$root" --numeric-owner -c . | docker import --change 'USER 65532' \
    --change 'WORKDIR /home/nonroot' \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' - "$runtime_image" >/dev/null
fi

echo "== building $tag"
DOCKER_BUILDKIT=0 docker build --network host -q \
  --build-arg NODE_IMAGE="$node_image" --build-arg RUNTIME_IMAGE="$runtime_image" \
  --build-arg VERSION="$(git rev-parse --short HEAD 2>/dev/null || echo dev)" -t "$tag" . >/dev/null
size=$(docker image inspect --format '{{.Size}}' "$tag")
base=$(docker image inspect --format '{{.Size}}' "$runtime_image")
compressed=$(docker save "$tag" | gzip -6 | wc -c)
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }
echo "$tag: $(mb "$size") unpacked (base $(mb "$base")), $(mb "$compressed") compressed"
docker history --format '{{.Size}}\t{{.CreatedBy}}' "$tag" | grep -v '^0B' | cut -c1-110
