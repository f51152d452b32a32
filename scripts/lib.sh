# shellcheck shell=bash
# Shared helpers for scripts/run and scripts/test (sourced, not executed).
# Target machine: Debian 12 with Debian's Python 3.11, run as root for apt.

OQU_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OQU_VENV="$OQU_ROOT/.venv"
# uv installs the locked requirements about ten times faster than pip; it is the only tool pinned here,
# every library is pinned in requirements/*.lock.
OQU_UV_VERSION="0.13.9"

export DEBIAN_FRONTEND=noninteractive
export PYTHONUNBUFFERED=1
export PIP_DISABLE_PIP_VERSION_CHECK=1

log() { printf '\033[1m[%s %s]\033[0m %s\n' "$(basename "$0")" "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Stage timing: `stage <name> <command...>` runs the command and records its wall time for the summary.
# Call it plainly (never inside `if`, `||` or `&&`): then `set -e` stays in force inside the command, and a
# failure ends the script, whose EXIT trap can name OQU_CURRENT_STAGE.
OQU_STAGE_NAMES=()
OQU_STAGE_SECONDS=()
OQU_CURRENT_STAGE=""
OQU_STAGE_STARTED=""
elapsed_since() {
    local now="${EPOCHREALTIME//[.,]/}" then="${1//[.,]/}" us
    us=$((now - then))
    printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000))
}
stage() {
    OQU_CURRENT_STAGE="$1"
    shift
    log "── $OQU_CURRENT_STAGE"
    OQU_STAGE_STARTED="$EPOCHREALTIME"
    "$@"
    OQU_STAGE_NAMES+=("$OQU_CURRENT_STAGE")
    OQU_STAGE_SECONDS+=("$(elapsed_since "$OQU_STAGE_STARTED")")
    OQU_CURRENT_STAGE=""
}
print_stage_times() {
    local i
    for i in "${!OQU_STAGE_NAMES[@]}"; do
        printf '  %-36s %7ss\n' "${OQU_STAGE_NAMES[$i]}" "${OQU_STAGE_SECONDS[$i]}" >&2
    done
    if [ -n "$OQU_CURRENT_STAGE" ]; then
        printf '  %-36s %7ss  FAILED\n' "$OQU_CURRENT_STAGE" "$(elapsed_since "$OQU_STAGE_STARTED")" >&2
    fi
}

# What WeasyPrint opens at run time (PDF export of documents, STACK-NOTES §7) and fonts with Kazakh letters.
OQU_PDF_APT_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 libglib2.0-0 fonts-noto-core)

# Install Debian packages that are missing (checked with dpkg -s); `apt-get update` once, only if needed.
apt_ensure() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing Debian packages: ${missing[*]} (run as root, or install them first)"
    log "apt-get install ${missing[*]}"
    if [ -z "${OQU_APT_UPDATED:-}" ]; then
        apt-get update -qq
        OQU_APT_UPDATED=1
    fi
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The interpreter the virtual environment is built from: Debian's Python 3.11 unless OQU_PYTHON says otherwise.
base_python() {
    if [ -n "${OQU_PYTHON:-}" ]; then
        echo "$OQU_PYTHON"
    elif [ -x /usr/bin/python3 ]; then
        echo /usr/bin/python3
    else
        command -v python3 || die "python3 not found"
    fi
}

is_py311() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; }

# uv does not read pip's configuration; hand it the index, find-links, certificate and proxy that pip
# would use on this machine, so both tools install from the same place.
uv_args_from_pip() {
    "$OQU_VENV/bin/python" - <<'PY'
from pip._internal.commands import create_command

options, _ = create_command("install").parse_args([])
args = []
if options.no_index:
    args.append("--no-index")
if options.index_url:
    args += ["--index-url", options.index_url]
for url in options.extra_index_urls or []:
    args += ["--extra-index-url", url]
for link in options.find_links or []:
    args += ["--find-links", link]
if options.extra_index_urls or options.find_links:
    # pip picks the best match across all sources; uv's default would stop at the first index.
    args += ["--index-strategy", "unsafe-best-match"]
for host in options.trusted_hosts or []:
    args += ["--allow-insecure-host", host]
print("\n".join(args))
PY
}

pip_option() {
    "$OQU_VENV/bin/python" -c "
from pip._internal.commands import create_command
options, _ = create_command('install').parse_args([])
print(getattr(options, '$1', None) or '')"
}

# Create .venv (Debian's python3 -m venv) and install requirements/dev.lock into it with uv.
venv_install() {
    local python uv_args=() cert proxy
    if [ -x "$OQU_VENV/bin/python" ] && ! is_py311 "$OQU_VENV/bin/python"; then
        log ".venv is broken or not Python 3.11: recreating it"
        rm -rf "$OQU_VENV"
    fi
    if [ ! -x "$OQU_VENV/bin/python" ]; then
        python="$(base_python)"
        is_py311 "$python" || die "$python is not Python 3.11 (set OQU_PYTHON to a Python 3.11 interpreter)"
        log "creating .venv with $python"
        "$python" -m venv "$OQU_VENV"
    fi
    if [ "$("$OQU_VENV/bin/uv" --version 2>/dev/null)" != "uv $OQU_UV_VERSION" ]; then
        "$OQU_VENV/bin/python" -m pip install -q "uv==$OQU_UV_VERSION"
    fi
    mapfile -t uv_args < <(uv_args_from_pip)
    cert="$(pip_option cert)"
    proxy="$(pip_option proxy)"
    if ! (
        if [ -n "$cert" ]; then export SSL_CERT_FILE="$cert"; fi
        if [ -n "$proxy" ]; then export HTTPS_PROXY="$proxy" HTTP_PROXY="$proxy"; fi
        "$OQU_VENV/bin/uv" pip install -q -p "$OQU_VENV/bin/python" "${uv_args[@]}" \
            -r "$OQU_ROOT/requirements/dev.lock"
    ); then
        log "uv could not install requirements/dev.lock; falling back to pip"
        "$OQU_VENV/bin/python" -m pip install -q -r "$OQU_ROOT/requirements/dev.lock"
    fi
}

# Compile the kk/ru catalogs; a locale directory without .po files is fine.
compile_messages() {
    (cd "$OQU_ROOT" && "$OQU_VENV/bin/python" manage.py compilemessages --ignore=.venv -v 0)
}

# Is something already listening on 127.0.0.1:<port>?
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
