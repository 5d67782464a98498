#!/usr/bin/env bash
# End-to-end tests on kind: builds the images, makes a kind cluster (1 control plane + 2 workers), loads the images,
# installs Ambit with the ambit CLI, deploys the local demo's sample apps and runs `mvn -Pkind verify -pl kind-tests`,
# which asserts the demo's outcomes (kind-tests/src/main/java/dev/ambit/e2e/DemoOutcomes.java) and a rolling
# restart of the node agents with requests flowing.
#
# Needs docker (with a daemon), kind and kubectl, and the Gateway API standard CRDs (v1.1 or newer) as a file or
# URL in GATEWAY_API_CRDS (the Gateway API project's standard-install.yaml). Without docker or kind it says so and
# exits 0: those are absent on CI machines.
#
#   GATEWAY_API_CRDS=./standard-install.yaml kind-tests/run.sh      # KEEP_CLUSTER=1 keeps it afterwards
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER=${KIND_CLUSTER:-ambit}
CONTEXT=kind-$CLUSTER
REGISTRY=ambit.local
TAG=dev
IMAGES=(controller node-agent waypoint samples)

skip() {
    echo "skipped: no Docker/kind ($1)"
    exit 0
}
command -v docker >/dev/null 2>&1 || skip "docker is not installed"
docker info >/dev/null 2>&1 || skip "no Docker daemon is running"
command -v kind >/dev/null 2>&1 || skip "kind is not installed"
command -v kubectl >/dev/null 2>&1 || { echo "kubectl is needed to deploy the sample apps" >&2; exit 1; }
: "${GATEWAY_API_CRDS:?set GATEWAY_API_CRDS to the Gateway API standard-install.yaml (a file or URL): waypoints are Gateway API Gateways}"

echo "== build jars and images"
mvn -B -q -DskipTests install
mvn -B -q dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib \
    -pl control,node-agent,waypoint-l7
for image in "${IMAGES[@]}"; do
    docker build -q -f "images/$image/Dockerfile" -t "$REGISTRY/$image:$TAG" . >/dev/null
done

echo "== kind cluster $CLUSTER"
if ! kind get clusters | grep -qx "$CLUSTER"; then
    kind create cluster --name "$CLUSTER" --config kind-tests/kind-cluster.yaml --wait 180s
fi
if [ -z "${KEEP_CLUSTER:-}" ]; then
    trap 'kind delete cluster --name "$CLUSTER"' EXIT
fi
for image in "${IMAGES[@]}"; do
    kind load docker-image --name "$CLUSTER" "$REGISTRY/$image:$TAG"
done
kubectl --context "$CONTEXT" apply -f "$GATEWAY_API_CRDS"

echo "== install Ambit"
ambit() {
    java -jar cli/target/ambit-cli-*[0-9T].jar --context "$CONTEXT" "$@"
}
ambit install --set image.registry=$REGISTRY --set image.tag=$TAG --set image.pullPolicy=Never --wait --timeout 300
ambit check

echo "== sample apps"
kubectl --context "$CONTEXT" apply -f kind-tests/manifests/
kubectl --context "$CONTEXT" -n demo wait --for=condition=Available deployment --all --timeout=180s
kubectl --context "$CONTEXT" -n legacy wait --for=condition=Available deployment --all --timeout=180s
ambit waypoint list -n demo

echo "== end-to-end tests"
mvn -B -Pkind verify -pl kind-tests -Dambit.kind.context="$CONTEXT"
ambit status
