#!/usr/bin/env bash
# Smoke test of a deployed OracXPred through its public URL: the API answers with JSON and
# request ids, errors are problem+json, the docs are served, and /metrics is not public.
#   scripts/smoke-test.sh https://api.staging.oracxpred.example.org
# Retries for up to SMOKE_TIMEOUT seconds (default 120) while the new pods settle.
set -euo pipefail
base="${1:?usage: smoke-test.sh BASE_URL}"
deadline=$(( $(date +%s) + ${SMOKE_TIMEOUT:-120} ))

check() { # name, path, expected status, grep pattern on headers+body
  local name="$1" path="$2" status="$3" pattern="$4" out code
  while :; do
    out=$(curl --silent --show-error --include --max-time 10 "$base$path" 2>&1) || true
    code=$(printf '%s' "$out" | head -1 | awk '{print $2}')
    if [ "$code" = "$status" ] && printf '%s' "$out" | grep -qiE "$pattern"; then
      echo "ok   $name ($path -> $code)"
      return 0
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "FAIL $name ($path -> ${code:-no answer}); last answer:" >&2
      printf '%s\n' "$out" | head -20 >&2
      return 1
    fi
    sleep 5
  done
}

check 'competitions list' /v1/competitions 200 '^x-request-id: '
check 'matches page' '/v1/matches?pageSize=1' 200 '"pageSize":1'
check 'not found is problem+json' /v1/matches/999999999 404 'application/problem\+json'
check 'OpenAPI document' /docs-json 200 '"openapi"'
check 'metrics not public' /metrics 404 '.'
echo "smoke test passed: $base"
