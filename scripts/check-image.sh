#!/usr/bin/env bash
# Builds the image's application tree exactly as the Dockerfile's build stage does (tsc, then
# scripts/bundle.mjs) into a temporary folder outside the repository (so nothing resolves from
# the repository's node_modules), then checks it:
#   - size: the tree plus the Node binary plus the distroless base must stay under 200 MB;
#   - it runs from that tree alone, in production mode, against PostgreSQL and Redis: the
#     migration step (dist/cli.js migrate) applies every migration, role `all` answers
#     /health/ready with 200 and serves the Swagger UI, a training run succeeds in its worker
#     thread (dist/training-thread.js), and SIGTERM stops it with exit code 0.
# Needs DATABASE_URL (a server where a scratch database may be created), REDIS_URL, psql and
# redis-cli. Run by .ci/run and the CI workflow.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL is needed (a server where a scratch database may be created)}"
: "${REDIS_URL:?REDIS_URL is needed}"

# gcr.io/distroless/cc-debian12:nonroot, unpacked: its stand-in from the same Debian packages
# measured 22.8 MB (docs/DEPLOYMENT.md, "Image size").
BASE_IMAGE_BYTES=$((24 * 1000 * 1000))
LIMIT_BYTES=$((200 * 1000 * 1000))

work=$(mktemp -d)
tree="$work/app"
database="oracxpred_image_check_$$"
database_url="${DATABASE_URL%/*}/$database"
queue_prefix="oracxpred-image-check-$$"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null || true
  psql -q "$DATABASE_URL" -c "drop database if exists $database" >/dev/null 2>&1 || true
  redis-cli -u "$REDIS_URL" --scan --pattern "$queue_prefix*" | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  # What is not an info line (errors go to stderr, before the info lines' buffer is flushed).
  [ -f "$work/server.log" ] && grep -v '"level":30' "$work/server.log" | tail -20 >&2
  exit 1
}

echo "== building the image's application tree"
npm run -s build
node scripts/bundle.mjs "$tree"

echo "== size"
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }
node_bytes=$(stat -L -c %s "$(command -v node)")
tree_bytes=$(du -sb "$tree" | cut -f1)
modules_bytes=$(du -sb "$tree/node_modules" | cut -f1)
total=$((BASE_IMAGE_BYTES + node_bytes + tree_bytes))
printf '  %-44s %s\n' "base (distroless cc-debian12, budgeted)" "$(mb "$BASE_IMAGE_BYTES")" \
  "Node binary ($(node --version))" "$(mb "$node_bytes")" \
  "application: dist/ (bundles)" "$(mb $((tree_bytes - modules_bytes)))" \
  "application: node_modules/" "$(mb "$modules_bytes")" \
  "total (unpacked)" "$(mb "$total")"
[ "$total" -lt "$LIMIT_BYTES" ] || fail "the image would be $(mb "$total"), over $(mb "$LIMIT_BYTES")"

echo "== running it from $tree (NODE_ENV=production)"
psql -q "$DATABASE_URL" -c "create database $database" >/dev/null
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
admin_password="Pw-$(node -p "require('crypto').randomBytes(12).toString('hex')")"
empty_data="$work/no-shared-data"
mkdir -p "$empty_data"
run_env=(
  env -i "PATH=$PATH" NODE_ENV=production NO_COLOR=1
  "DATABASE_URL=$database_url" "REDIS_URL=$REDIS_URL" "QUEUE_PREFIX=$queue_prefix"
  "JWT_SECRET=$(node -p "require('crypto').randomBytes(32).toString('base64url')")"
  "SHARED_DATA_DIR=$empty_data" HOST=127.0.0.1 "PORT=$port" ORACXPRED_ROLE=all
)
# The service creates the first admin (the CLI runs before the schema exists).
server_env=("${run_env[@]}" "ADMIN_EMAIL=image-check@example.com" "ADMIN_PASSWORD=$admin_password")
cd "$tree"

migrations=$(find "$OLDPWD/migrations" -name 'Migration*.ts' | wc -l)
applied() { grep -q "^$1 migration(s) applied; the schema is up to date$" <<<"$2"; }
out=$("${run_env[@]}" node dist/cli.js migrate 2>&1) || fail "migrate: $out"
applied "$migrations" "$out" || fail "expected $migrations migrations applied: $out"
out=$("${run_env[@]}" node dist/cli.js migrate 2>&1) || fail "migrate again: $out"
applied 0 "$out" || fail "a second migrate applied something: $out"
echo "  dist/cli.js migrate: $migrations migration(s) applied, then 0"
"${run_env[@]}" node dist/cli.js demo >/dev/null || fail "the CLI could not load the demo league"

"${server_env[@]}" node dist/main.js >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
status() { curl -s -o /dev/null -w '%{http_code}' "$@" || true; }
for _ in $(seq 1 120); do
  [ "$(status "$base/health/ready")" = 200 ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "the service exited while starting"
  sleep 0.5
done
[ "$(status "$base/health/ready")" = 200 ] || fail "/health/ready never answered 200"
echo "  role all: /health/ready 200"
[ "$(status "$base/docs")" = 200 ] || fail "/docs does not answer 200"
[ "$(status "$base/docs/swagger-ui-bundle.js")" = 200 ] || fail "the Swagger UI's files are missing"
echo "  Swagger UI: /docs and its files 200"

json() { node -e "let s='';process.stdin.on('data',c=>s+=c).on('end',()=>console.log(JSON.parse(s)$1))"; }
token=$(curl -sf -H 'content-type: application/json' \
  -d "{\"email\":\"image-check@example.com\",\"password\":\"$admin_password\"}" \
  "$base/v1/auth/login" | json .accessToken) || fail "the bootstrap admin cannot sign in"
# `cli demo` queued a first model on the demo data, as the quick start does, and this process took
# it over: one run per scope, so wait for it (it must succeed too) before asking for another.
for _ in $(seq 1 120); do
  active=$(curl -sf -H "authorization: Bearer $token" "$base/v1/training-runs?pageSize=100" |
    json ".filter((r) => r.status === 'queued' || r.status === 'running').length")
  [ "$active" = 0 ] && break
  sleep 0.5
done
[ "$active" = 0 ] || fail "the demo data's training run did not finish"
failed=$(curl -sf -H "authorization: Bearer $token" "$base/v1/training-runs?pageSize=100" |
  json ".filter((r) => r.status !== 'succeeded').map((r) => r.id + ' ' + r.status).join(', ')")
[ -z "$failed" ] || fail "training runs that did not succeed: $failed"
earlier=$(curl -sf -H "authorization: Bearer $token" "$base/v1/training-runs?pageSize=100" | json .length)
echo "  the demo data's first model: $earlier run(s), succeeded"
run=$(curl -sf -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"modelType":"elo"}' "$base/v1/training-runs" | json .id) || fail "POST /v1/training-runs"
for _ in $(seq 1 120); do
  run_status=$(curl -sf -H "authorization: Bearer $token" "$base/v1/training-runs/$run" | json .status)
  [[ "$run_status" =~ ^(succeeded|failed|cancelled)$ ]] && break
  sleep 0.5
done
[ "$run_status" = succeeded ] || fail "training run $run: $run_status"
echo "  training run (elo, worker thread): succeeded"

kill -TERM "$server_pid"
code=0
wait "$server_pid" || code=$?
server_pid=""
[ "$code" = 0 ] || fail "SIGTERM: exit code $code"
echo "  SIGTERM: exit code 0"
echo "image check passed"
