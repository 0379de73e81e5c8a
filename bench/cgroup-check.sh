#!/bin/bash
# Issue 13: the bot serves a 10,000-program catalog in a 256 MB container. Runs `npm start`'s
# local console (the bot without Slack tokens: the same engine, index and warm-up) inside a
# cgroup v1 memory group limited to 256 MB, on the bench's cached 10,000-program catalog and
# index, and answers the tuning list's 144 queries three times from a pipe. Reports the
# process's peak RSS, the group's peak charge (page cache included) and whether the limit was
# ever hit (failcnt) or the kernel killed it (oom_kill). Needs root and a writable
# /sys/fs/cgroup/memory (cgroup v1); run `npm run bench` first for the cache.
#   bash bench/cgroup-check.sh <bench cache dir> [limit MB]
set -euo pipefail
CACHE=${1:?bench cache dir (npm run bench -- --cache-dir <dir>)}
LIMIT_MB=${2:-256}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CG=/sys/fs/cgroup/memory/shien-check-$$
catalog=$(ls -d "$CACHE"/10000-*.catalog | head -1)
export SHIEN_CATALOG_DIR=$catalog SHIEN_INDEX_FILE=${catalog%.catalog}.json
questions=$(mktemp)
out=$(mktemp)
trap 'rm -f "$questions" "$out"; rmdir "$CG" 2>/dev/null || true' EXIT
cd "$ROOT"
node -e "const y=require('yaml');const l=((d)=>Array.isArray(d)?d:d.queries)(y.parse(require('fs').readFileSync('tests/fixtures/queries.yaml','utf8'))).map(q=>q.query);for(let i=0;i<3;i++)console.log(l.join('\n'))" > "$questions"
npm run -s build >&2
mkdir "$CG"
echo $((LIMIT_MB * 1024 * 1024)) > "$CG/memory.limit_in_bytes"
# The shell joins the group, then becomes the bot: nothing else is charged to it.
sh -c "echo \$\$ > $CG/cgroup.procs; exec /usr/bin/time -f 'process peak RSS %M KiB, %e s' node scripts/start.mjs" < "$questions" > "$out"
echo "questions asked: $(wc -l < "$questions"), answered: $(grep -cE '^「.*」 ' "$out")"
echo "group limit ${LIMIT_MB} MB, peak charge $(( $(cat "$CG/memory.max_usage_in_bytes") / 1048576 )) MiB (page cache included), times the limit was hit: $(cat "$CG/memory.failcnt"), $(grep oom_kill "$CG/memory.oom_control" | tail -1)"
