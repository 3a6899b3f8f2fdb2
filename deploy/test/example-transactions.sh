#!/usr/bin/env bash
# The README's "Use it on your own table" commands, as CI runs them, then checks of what they wrote:
# one model trained on the 28-day window and reused; each date's rows in the score table exactly once;
# each date's share flagged within [0.5x, 2x] of the 1% target; each date's report rendered without labels.
# Usage: deploy/test/example-transactions.sh [OUTPUT_DIR]   (default target/example-warehouse)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="${1:-target/example-warehouse}"
CONF=conf/example-transactions.conf
# shellcheck source=deploy/test/short-jvm.sh
source deploy/test/short-jvm.sh # C1 alone for the deploy/vigil JVMs (JAVA_OPTS)
rm -rf "$OUT"

deploy/vigil prepare --conf "$CONF" --output "$OUT"
deploy/vigil nightly --conf "$CONF" --output "$OUT" --date 2026-03-29 --until 2026-03-31
deploy/vigil sql --output "$OUT" "SELECT run_date, detector, count(*) AS n_rows, count(DISTINCT txn_id) AS n_ids,
  round(avg(prediction), 4) AS share_flagged FROM vigil.transactions_scores GROUP BY run_date, detector
  ORDER BY run_date, detector" | tee "$OUT/scores-by-date.txt"

fail() { echo "example-transactions: $*" >&2; exit 1; }
rows=$(grep -cE '^\|2026-03-(29|30|31)\|' "$OUT/scores-by-date.txt" || true)
[[ $rows == 6 ]] || fail "expected 3 dates x 2 detectors in the score table, got $rows rows"
while IFS='|' read -r _ date detector n ids share _; do
  [[ $n == 2000 && $ids == 2000 ]] || fail "$date $detector: $n rows, $ids distinct ids (want 2000 each)"
  awk -v s="$share" 'BEGIN { exit !(s >= 0.005 && s <= 0.02) }' \
    || fail "$date $detector: share flagged $share outside [0.005, 0.02]"
done < <(grep -E '^\|2026-03-' "$OUT/scores-by-date.txt" | tr -d ' ')
for detector in iforest pca; do
  versions=$(find "$OUT/models/transactions_example/$detector" -mindepth 1 -maxdepth 1 -type d | wc -l)
  [[ $versions == 1 ]] || fail "$detector: $versions model versions (one training, reused on later dates)"
done
for d in 2026-03-29 2026-03-30 2026-03-31; do
  grep -q 'id="no-labels"' "$OUT/reports/$d/transactions_example/report.html" || fail "$d: report missing"
done
echo "example-transactions: OK (3 nights, one model per detector, each date's 2000 rows once)"
