#!/usr/bin/env bash
# Fetches the three NAB series Vigil's conf/nab.conf reads, and NAB's labelled windows, into DEST and
# checks their md5 (numenta/NAB, MIT licence, at the commit below):
#   machine_temperature_system_failure.csv, nyc_taxi.csv, ambient_temperature_system_failure.csv
#   (data/realKnownCause/), combined_windows.json (labels/)
#
#   data/fetch-nab.sh DEST                 download from GitHub
#   data/fetch-nab.sh DEST --mirror DIR    copy from a local mirror with the same layout (e.g. ../shared/data/nab)
#
# Then point the config at DEST: VIGIL_SHARED_DATA=<parent of DEST> or --set prepare.source=DEST.
set -euo pipefail

NAB=https://raw.githubusercontent.com/numenta/NAB/ea702d75cc2258d9d7dd35ca8e5e2539d71f3140
declare -A MD5=(
  [machine_temperature_system_failure.csv]=5ba758686356bda5f63e7b10093394c7
  [nyc_taxi.csv]=0c71fc23265dfa34ce7ff6c8459cd018
  [ambient_temperature_system_failure.csv]=985aecd214508bf394810d74406e983b
  [combined_windows.json]=d2ec0ef3652beca9e4847fe4f3815529
)

NAME=fetch-nab
# shellcheck source=data/fetch-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/fetch-lib.sh"
parse_args "$@"

for series in machine_temperature_system_failure nyc_taxi ambient_temperature_system_failure; do
  get "$series.csv" "$NAB/data/realKnownCause/$series.csv"
done
get combined_windows.json "$NAB/labels/combined_windows.json"

check_md5
exit $STATUS
