# Shared by scripts/run and scripts/test: installs what is missing, idempotently.
# Source it; do not run it.  Needs bash, a Debian/Ubuntu machine (for the system
# packages) and Python 3.11+.
#
# Environment:
#   PYTHON    the interpreter that creates the virtualenv (default: python3)
#   VENV      where the virtualenv lives (default: .venv in the project)
#   NO_APT=1  never call apt-get, even as root (only report what is missing)

set -euo pipefail

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$PROJECT_DIR"

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
VENV_PY="$VENV/bin/python"

# Bytecode is cached (some machines set PYTHONDONTWRITEBYTECODE): without it every
# process (each pytest-xdist worker, each Celery worker a test starts) compiles the
# project again and pytest rewrites every test module again. Measured on 2 CPUs:
# collecting the suite took 23 s in each worker, 7 s with the cache.
unset PYTHONDONTWRITEBYTECODE

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[33mwarning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# --- System packages ---------------------------------------------------------

# Packages every mode needs: CJK fonts (Noto Serif CJK SC, the Song face of
# the certificates; WenQuanYi Micro Hei for reports),
# HarfBuzz subsetting (without it one A4 page with a CJK font takes seconds) and
# Pango for WeasyPrint.
SYSTEM_PACKAGES=(fonts-wqy-microhei fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0)
# Nice to have: msgfmt compiles changed translations (the .mo files are committed).
OPTIONAL_PACKAGES=(gettext)

_dpkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

_apt_install() {
    say "apt-get install $*"
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine may have empty package lists; update once, then install.
    if ! apt-get install -y -q "$@"; then
        apt-get update -q
        apt-get install -y -q "$@"
    fi
}

# ensure_system_packages PKG...: installs the missing ones as root; otherwise
# names them and fails.  The OPTIONAL_PACKAGES are installed along as root and
# only mentioned when not root.
ensure_system_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        warn "not a Debian/Ubuntu system: make sure these are installed:" \
             "$* ${OPTIONAL_PACKAGES[*]} (CJK font, HarfBuzz subset, Pango, gettext)"
        return 0
    fi
    local missing=() optional=() pkg
    for pkg in "$@"; do _dpkg_installed "$pkg" || missing+=("$pkg"); done
    for pkg in "${OPTIONAL_PACKAGES[@]}"; do _dpkg_installed "$pkg" || optional+=("$pkg"); done
    if [ ${#missing[@]} -eq 0 ] && [ ${#optional[@]} -eq 0 ]; then
        return 0
    fi
    if [ "$(id -u)" -eq 0 ] && [ "${NO_APT:-0}" != 1 ]; then
        _apt_install "${missing[@]}" "${optional[@]}"
        return 0
    fi
    if [ ${#optional[@]} -gt 0 ]; then
        warn "optional system packages missing: ${optional[*]}" \
             "(install with: sudo apt-get install -y ${optional[*]})"
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        die "system packages missing: ${missing[*]}
       install them, then run this again:
           sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    fi
}

# --- Python --------------------------------------------------------------------

_python_ok() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null
}

ensure_venv() {
    command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found: install Python 3.11 or newer
       (Debian/Ubuntu: sudo apt-get install -y python3 python3-venv), or set PYTHON=/path/to/python3.11"
    _python_ok "$PYTHON" || die "$PYTHON is $("$PYTHON" --version 2>&1); the portal needs Python 3.11 or newer
       (set PYTHON=/path/to/python3.11 or newer)"
    if [ -x "$VENV_PY" ] && _python_ok "$VENV_PY" && "$VENV_PY" -m pip --version >/dev/null 2>&1; then
        return 0
    fi
    [ -e "$VENV" ] && { warn "$VENV is broken or too old; recreating it"; rm -rf "$VENV"; }
    say "creating the virtualenv $VENV"
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        # Debian's python3 ships venv/ensurepip in a separate package.
        local venv_pkg
        venv_pkg="python3-venv"
        if [ "$(id -u)" -eq 0 ] && [ "${NO_APT:-0}" != 1 ] && command -v apt-get >/dev/null; then
            _apt_install "$venv_pkg"
            "$PYTHON" -m venv "$VENV"
        else
            die "$PYTHON cannot create a virtualenv: sudo apt-get install -y $venv_pkg"
        fi
    fi
}

# The dependencies are listed once, in pyproject.toml; this prints them
# (plus the named optional groups) one per line.
_requirements() {
    "$VENV_PY" - "$@" <<'EOF'
import sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
requirements = list(project["dependencies"])
for extra in sys.argv[1:]:
    requirements += project.get("optional-dependencies", {})[extra]
print("\n".join(requirements))
EOF
}

# _pip_install ARGS...: uv (from PyPI, into the venv) installs the same packages as
# pip about ten times faster: 7 s instead of 1m43s for the test extras from a warm
# cache. pip does it where uv cannot be had.
_pip_install() {
    if [ -x "$VENV/bin/uv" ] \
            || "$VENV_PY" -m pip install --disable-pip-version-check -qq uv 2>/dev/null; then
        "$VENV/bin/uv" pip install --quiet --python "$VENV_PY" "$@" && return 0
        warn "uv could not install the packages; trying pip"
    fi
    "$VENV_PY" -m pip install --disable-pip-version-check -qq "$@"
}

# ensure_python_packages [EXTRA...]: pip-installs pyproject's dependencies and
# the given extras; skipped when pyproject.toml has not changed since the last
# successful install (a stamp file in the venv holds its hash).
ensure_python_packages() {
    local label stamp hash requirements
    ensure_node_packages  # both commands come through here
    label="base${*:+-$(IFS=-; echo "$*")}"
    stamp="$VENV/.portal-$label.sha256"
    hash="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
        return 0
    fi
    say "installing Python packages ($label) into $VENV"
    requirements="$(mktemp)"
    _requirements "$@" >"$requirements"
    _pip_install -r "$requirements"
    rm -f "$requirements"
    echo "$hash" >"$stamp"
}

# --- Front-end packages (ECharts) ------------------------------------------------

# ensure_node_packages: npm ci from package-lock.json when node_modules is missing
# or the lock changed (a stamp in node_modules holds its hash); Debian's npm is
# installed as root when absent, like the system packages above.
ensure_node_packages() {
    local stamp hash
    [ -f package-lock.json ] || return 0
    stamp="node_modules/.portal-lock.sha256"
    hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        if [ "$(id -u)" -eq 0 ] && [ "${NO_APT:-0}" != 1 ] && command -v apt-get >/dev/null; then
            _apt_install nodejs npm
        else
            die "npm is missing (it installs ECharts from package-lock.json):
       sudo apt-get update && sudo apt-get install -y nodejs npm"
        fi
    fi
    say "installing the front-end packages (npm ci)"
    npm ci --omit=dev --no-audit --no-fund --loglevel=error
    echo "$hash" >"$stamp"
}

# Compiles translations when there are .po files and msgfmt; Django skips
# catalogues whose .mo is already newer.
compile_translations() {
    if ! find . -path "./$VENV" -prune -o -path ./node_modules -prune -o -name '*.po' -print \
            -quit | grep -q .; then
        return 0
    fi
    if ! command -v msgfmt >/dev/null 2>&1; then
        warn "msgfmt not found (apt-get install gettext): using the committed .mo files"
        return 0
    fi
    DEBUG="${DEBUG:-true}" "$VENV_PY" manage.py compilemessages --ignore "$VENV" --ignore node_modules --ignore var \
        --verbosity 0
}
