#!/usr/bin/env bash
# Checks the monitoring files and the metrics the app really exposes with promtool (Debian
# package `prometheus`): alert rules and their unit tests, both Prometheus configurations, and
# `promtool check metrics` on a live /metrics exposition. Needs DATABASE_URL (a server where a
# scratch database may be created). Run by .ci/run and the CI workflow.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v promtool >/dev/null; then
  echo "promtool not found: install the Debian/Ubuntu package 'prometheus' (apt-get install prometheus)" >&2
  exit 1
fi

promtool check rules deploy/monitoring/alerts.yml
promtool test rules deploy/monitoring/tests/alerts.test.yml
promtool check config deploy/monitoring/prometheus.yml
promtool check config deploy/monitoring/prometheus-kubernetes.yml

sample=$(mktemp)
trap 'rm -f "$sample"' EXIT
node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON -r @swc-node/register scripts/metrics-sample.ts >"$sample"
grep -q '^oracxpred_import_rows_total{' "$sample" || { echo "metrics sample lacks import rows" >&2; exit 1; }
echo "Checking /metrics ($(grep -vc '^#' "$sample") samples)"
# promtool prints each naming problem and exits non-zero when there is one.
promtool check metrics <"$sample"
echo "  SUCCESS: /metrics follows the Prometheus naming conventions"
