#!/usr/bin/env bash
# Page latency of a running `storyfold serve`: the story list (three filters) and the story
# pages of the 8 largest stories and 8 small ones, each fetched cold and then warm, with the
# load average first. Reads the story ids from the index file with the sqlite3 CLI.
#
#   storyfold serve --db big.db --listen 127.0.0.1:18080 &
#   bash scripts/serve_pages.sh big.db http://127.0.0.1:18080
set -euo pipefail
db=${1:?usage: serve_pages.sh INDEX.db URL}
base=${2:?usage: serve_pages.sh INDEX.db URL}
t() { curl -s -o /dev/null -w "%{http_code} %{time_total}s" "$base$1"; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for u in "/" "/?min_size=3" "/?q=trump" "/v1/stories?limit=50"; do
  echo "list $u: cold $(t "$u"), warm $(t "$u")"
done
for id in $(sqlite3 "$db" "SELECT id FROM stories ORDER BY size DESC LIMIT 8") \
          $(sqlite3 "$db" "SELECT id FROM stories WHERE size BETWEEN 3 AND 10 ORDER BY id LIMIT 8"); do
  size=$(sqlite3 "$db" "SELECT size FROM stories WHERE id = $id")
  echo "story $id ($size articles): cold $(t "/stories/$id"), warm $(t "/stories/$id")"
done
