#!/usr/bin/env bash
# Restores an OracXPred backup made by scripts/backup.sh into DATABASE_URL, replacing what is
# there, in one transaction (a failed restore changes nothing).
#
#   DATABASE_URL=postgres://... scripts/restore.sh BACKUP.dump --yes
#
# Checks the archive against its .sha256 first. Stop the api and worker (or scale them to 0)
# before restoring, and start them again after: see docs/DEPLOYMENT.md, "Backups and restore".
set -euo pipefail

file=""
confirmed=no
for arg in "$@"; do
  case "$arg" in
    --yes) confirmed=yes ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    -*) echo "restore.sh: unknown option $arg" >&2; exit 2 ;;
    *)
      # Two files would restore only the last one named: refuse rather than guess.
      [ -z "$file" ] || { echo "restore.sh: name one backup file (got $file and $arg)" >&2; exit 2; }
      file="$arg" ;;
  esac
done
: "${DATABASE_URL:?restore.sh: set DATABASE_URL}"
[ -n "$file" ] || { echo "restore.sh: name the backup file" >&2; exit 2; }
[ -f "$file" ] || { echo "restore.sh: $file does not exist" >&2; exit 2; }
if [ "$confirmed" != yes ]; then
  echo "restore.sh: this replaces every table of the target database; add --yes to go on" >&2
  exit 2
fi

if [ -f "$file.sha256" ]; then
  (cd "$(dirname "$file")" && sha256sum --check --quiet "$(basename "$file").sha256") \
    || { echo "restore.sh: $file does not match its checksum; nothing restored" >&2; exit 1; }
else
  echo "restore.sh: no $file.sha256; restoring without a checksum check" >&2
fi

pg_restore --dbname="$DATABASE_URL" --clean --if-exists --no-owner --no-privileges \
  --single-transaction --exit-on-error "$file"
echo "restore.sh: restored $file" >&2
