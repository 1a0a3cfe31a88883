#!/usr/bin/env bash
# Backs up the OracXPred database: a pg_dump custom-format archive (compressed, restorable
# table by table), written atomically with a .sha256 beside it, then old backups pruned.
#
#   DATABASE_URL=postgres://... scripts/backup.sh [--dir DIR] [--keep N] [--max-age-days D]
#
#   --dir            where backups go (default $BACKUP_DIR, else ./backups)
#   --keep           keep at most the N newest backups (default $BACKUP_KEEP, else 14)
#   --max-age-days   also delete backups older than D days (default $BACKUP_MAX_AGE_DAYS, else off)
#
# pg_dump must be the server's major version or newer (on Kubernetes: run it in the
# postgres:<major> image). Prints the path of the new backup on stdout.
set -euo pipefail

dir="${BACKUP_DIR:-./backups}"
keep="${BACKUP_KEEP:-14}"
max_age_days="${BACKUP_MAX_AGE_DAYS:-}"
# The value of option $1 (in $2): a missing one is named, not a bash "unbound variable".
value_of() {
  [ $# -ge 2 ] && [ -n "$2" ] && [[ "$2" != --* ]] \
    || { echo "backup.sh: $1 needs a value" >&2; exit 2; }
  printf '%s' "$2"
}
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$(value_of "$@")"; shift 2 ;;
    --keep) keep="$(value_of "$@")"; shift 2 ;;
    --max-age-days) max_age_days="$(value_of "$@")"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "backup.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
: "${DATABASE_URL:?backup.sh: set DATABASE_URL}"
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || { echo "backup.sh: --keep must be a positive integer" >&2; exit 2; }
[ -z "$max_age_days" ] || [[ "$max_age_days" =~ ^[1-9][0-9]*$ ]] \
  || { echo "backup.sh: --max-age-days must be a positive integer" >&2; exit 2; }

mkdir -p "$dir"
name="oracxpred-$(date -u +%Y%m%dT%H%M%S%3NZ).dump"
partial="$dir/.$name.partial"
trap 'rm -f "$partial"' EXIT

# Custom format, compression level 9; owners and grants are left to the target database.
pg_dump --dbname="$DATABASE_URL" --format=custom --compress=9 --no-owner --no-privileges \
  --file="$partial"
# A truncated or unreadable archive fails here rather than on the day it is needed.
pg_restore --list "$partial" >/dev/null
mv "$partial" "$dir/$name"
(cd "$dir" && sha256sum "$name" >"$name.sha256")
echo "backup.sh: wrote $dir/$name ($(du -h "$dir/$name" | cut -f1))" >&2

# Retention: the newest $keep backups (names sort by time), then the age limit.
mapfile -t backups < <(find "$dir" -maxdepth 1 -name 'oracxpred-*.dump' -printf '%f\n' | sort -r)
for old in "${backups[@]:$keep}"; do
  rm -f "$dir/$old" "$dir/$old.sha256"
  echo "backup.sh: removed $old (keeping the newest $keep)" >&2
done
if [ -n "$max_age_days" ]; then
  find "$dir" -maxdepth 1 -name 'oracxpred-*.dump' -mtime "+$((max_age_days - 1))" -print0 \
    | while IFS= read -r -d '' old; do
        [ "$old" = "$dir/$name" ] && continue # never the backup just written
        rm -f "$old" "$old.sha256"
        echo "backup.sh: removed $(basename "$old") (older than $max_age_days days)" >&2
      done
fi
echo "$dir/$name"
