#!/usr/bin/env bash
# Validates deploy/docker-compose.yml with Docker Compose itself (no daemon needed): the
# `docker compose` plugin when present, else the standalone `docker-compose`.
set -euo pipefail
cd "$(dirname "$0")/../deploy"
# A placeholder only for interpolation: the file refuses to render without JWT_SECRET.
export JWT_SECRET="${JWT_SECRET:-compose-config-check-placeholder-secret}"
if docker compose version >/dev/null 2>&1; then
  docker compose -p oracxpred config --quiet
elif command -v docker-compose >/dev/null; then
  docker-compose -p oracxpred config --quiet
else
  echo "neither 'docker compose' nor 'docker-compose' is installed" >&2
  exit 1
fi
echo "deploy/docker-compose.yml: valid"
