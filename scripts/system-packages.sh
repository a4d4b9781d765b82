#!/usr/bin/env bash
# Installs the Debian packages fb15 needs outside Python, if any are missing.
# Pango/HarfBuzz for WeasyPrint, gettext for translations, Chromium for browser tests,
# poppler-utils to look at PDFs; headers to build python-ldap, and slapd + ldap-utils for the
# LDAP login tests (the tests start their own slapd; the system one is not used), clamav-daemon
# for the virus scan test (it starts its own clamd with a test signature).
# Runs apt-get when root; otherwise prints what to install.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext
          chromium libatomic1 poppler-utils python3-venv
          gcc python3-dev libldap2-dev libsasl2-dev slapd ldap-utils clamav-daemon)
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
