#!/usr/bin/env bash
# Installs the Debian packages fb15 needs outside Python, if any are missing.
# Pango/HarfBuzz for WeasyPrint, gettext for translations, Chromium for browser tests,
# poppler-utils to look at PDFs. Runs apt-get when root; otherwise prints what to install.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext
          chromium libatomic1 poppler-utils python3-venv)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Bitte als root installieren: apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
