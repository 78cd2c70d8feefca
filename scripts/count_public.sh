#!/usr/bin/env bash
# Counts the lines that declare something `public` (or `open`) in each Swift module under Sources/,
# and their total: a rough measure of the API a user of the package can see. Comment lines and
# `public import` lines are not counted.
#
#   scripts/count_public.sh            # from the package root
set -euo pipefail
cd "$(dirname "$0")/.."

total=0
printf '%-24s %s\n' "module" "public lines"
for module in Sources/*/; do
    name=$(basename "$module")
    files=$(find "$module" -name '*.swift' -not -path '*/Site/*')
    [ -n "$files" ] || continue
    # A declaration's modifiers come first, perhaps after attributes: `@inlinable public func`, `public private(set) var`.
    count=$(cat $files | grep -Ev '^[[:space:]]*//' \
        | grep -E '^[[:space:]]*(@[A-Za-z_]+(\([^)]*\))?[[:space:]]+)*(public|open)[[:space:]]' \
        | grep -Evc '^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*(public|open)[[:space:]]+import[[:space:]]' || true)
    printf '%-24s %d\n' "$name" "$count"
    total=$((total + count))
done
printf '%-24s %d\n' "total" "$total"
