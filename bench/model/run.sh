#!/usr/bin/env bash
# Model benchmark: installs Debian's python3-xgboost / python3-sklearn / python3-pandas when they are
# missing (needs root), then runs bench/model/run.ts. Arguments are passed on to run.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c "import xgboost, sklearn, pandas" 2>/dev/null; then
  echo "installing python3-xgboost, python3-sklearn and python3-pandas..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-sklearn python3-xgboost python3-pandas
fi
exec npx tsx bench/model/run.ts "$@"
