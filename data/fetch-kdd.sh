#!/usr/bin/env bash
# Fetches the KDD Cup 1999 files Vigil's KDD configs need into DEST and checks their md5:
#   kddcup.data_10_percent.gz, corrected.gz, training_attack_types.txt  (UCI KDD archive)
#   deepad_8020/{test,val}_{inliers,outliers}.csv                         (fastforwardlabs/deepad, Apache-2.0)
#
#   data/fetch-kdd.sh DEST                 download from the original sources
#   data/fetch-kdd.sh DEST --mirror DIR    copy from a local mirror with the same layout (e.g. ../shared/data/kdd)
#
# Then point the configs at DEST: VIGIL_SHARED_DATA=<parent of DEST> or --set prepare.source=DEST.
set -euo pipefail

UCI=http://kdd.ics.uci.edu/databases/kddcup99
DEEPAD=https://raw.githubusercontent.com/fastforwardlabs/deepad/master/data/kdd
declare -A MD5=(
  [kddcup.data_10_percent.gz]=aef2e2f207a408ad7a36323a511f195f
  [corrected.gz]=eda94feeebfb21637338f599c1bf18be
)

NAME=fetch-kdd
# shellcheck source=data/fetch-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/fetch-lib.sh"
parse_args "$@"
mkdir -p "$DEST/deepad_8020"

get kddcup.data_10_percent.gz "$UCI/kddcup.data_10_percent.gz"
get corrected.gz "$UCI/corrected.gz"
get training_attack_types.txt "$UCI/training_attack_types"
for f in test_inliers test_outliers val_inliers val_outliers; do
  get "deepad_8020/$f.csv" "$DEEPAD/8020/$f.csv"
done

check_md5
status=$STATUS
grep -q '^smurf dos' "$DEST/training_attack_types.txt" || { echo "fetch-kdd: training_attack_types.txt looks wrong" >&2; status=1; }
exit $status
