# Installs the Debian packages the build and the tests need, only those that are missing.
# Sourced by ./dev; needs root (or sudo) only when something is missing.

# Build: JDK 17+ and Maven. Data plane and its tests: clang/llvm (compile eBPF), libbpf (headers + the .so the
# node agent loads), bpftool (inspect programs), iproute2 (network namespaces, veth), nftables, python3 (the
# stand-in pod processes of the data-plane tests), chromium and chromium-driver (the service graph's browser test),
# nginx-light (the local mesh's nginx pod, between its ingress gateway and hello-svc).
AMBIT_PACKAGES=(maven clang llvm libbpf-dev libbpf1 linux-libc-dev bpftool iproute2 nftables python3 chromium chromium-driver
    nginx-light)

missing_packages() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
    done
}

ensure_prerequisites() {
    local missing
    missing=$(missing_packages "${AMBIT_PACKAGES[@]}")
    if ! command -v javac >/dev/null 2>&1 || ! javac -version 2>&1 | grep -Eq 'javac (1[7-9]|[2-9][0-9])'; then
        missing="$missing openjdk-17-jdk-headless"
    fi
    missing=$(echo $missing)
    [ -z "$missing" ] && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: missing $missing and no apt-get to install them; install them by hand" >&2
        exit 1
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || { echo "error: missing $missing; run as root to install them" >&2; exit 1; }
        sudo="sudo"
    fi
    echo "Installing Debian packages: $missing"
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}
