#!/usr/bin/env bash
# Scores each logic package from the PIT reports that `./dev mutation` leaves in <module>/target/pit-reports/:
# killed / covered, where "killed" is every mutation a test detected (killed, timed out, out of memory) and "covered"
# every mutation some test ran over. Exits non-zero when a package scores under the threshold or has no report.
set -euo pipefail
cd "$(dirname "$0")/.."

threshold=${MUTATION_THRESHOLD:-80}

# module package: every Java package where logic lives that the issue asks to measure (subpackages are scored apart).
packages="
api dev.ambit.api.identity
api dev.ambit.api.model
api dev.ambit.api.model.policy
api dev.ambit.api.model.route
api dev.ambit.api.model.traffic
api dev.ambit.api.model.workload
api dev.ambit.api.config
ztunnel-l4 dev.ambit.ztunnel.outbound
ztunnel-l4 dev.ambit.ztunnel.authz
waypoint-l7 dev.ambit.waypoint.route
waypoint-l7 dev.ambit.waypoint.lb
waypoint-l7 dev.ambit.waypoint.resilience
waypoint-l7 dev.ambit.waypoint.authz
waypoint-l7 dev.ambit.waypoint.jwt
control dev.ambit.control.model
control dev.ambit.control.model.convert
"

failed=0
printf '%-36s %7s %8s %6s %7s\n' package killed covered total score
while read -r module package; do
    [ -n "$module" ] || continue
    report=$module/target/pit-reports/mutations.xml
    if [ ! -f "$report" ]; then
        printf '%-36s no report at %s\n' "$package" "$report"
        failed=1
        continue
    fi
    # One <mutation> element per line; its class is in <mutatedClass>, nested classes after a '$'.
    read -r killed covered total < <(awk -v pkg="$package" '
        /<mutation / {
            if (!match($0, /<mutatedClass>[^<]*<\/mutatedClass>/)) next
            class = substr($0, RSTART + 14, RLENGTH - 29)
            sub(/\$.*/, "", class)
            p = class; sub(/\.[^.]*$/, "", p)
            if (p != pkg) next
            total++
            if ($0 ~ /status=.NO_COVERAGE./) next
            covered++
            if ($0 ~ /detected=.true./) killed++
        }
        END { printf "%d %d %d\n", killed, covered, total }' "$report")
    if [ "$covered" -eq 0 ]; then
        printf '%-36s %7d %8d %6d %7s\n' "$package" "$killed" "$covered" "$total" "n/a"
        failed=1
        continue
    fi
    score=$(awk -v k="$killed" -v c="$covered" 'BEGIN { printf "%.1f", 100 * k / c }')
    mark=""
    if [ $((100 * killed)) -lt $((threshold * covered)) ]; then
        mark="  < ${threshold}%"
        failed=1
    fi
    printf '%-36s %7d %8d %6d %6s%%%s\n' "$package" "$killed" "$covered" "$total" "$score" "$mark"
done <<< "$packages"

if [ "$failed" -ne 0 ]; then
    echo "mutation: a package scores under ${threshold}% (killed / covered) or has no report" >&2
    exit 1
fi
echo "mutation: every package scores at least ${threshold}% (killed / covered)"
