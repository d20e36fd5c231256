#!/usr/bin/env bash
# Install the Debian packages the test suite needs, when missing: Chromium and its driver for the browser
# tests, PostgreSQL for the store tests, wrk for the HTTP benchmark (python -m bench --http), nginx and openssl for
# the production test (deploy/nginx.conf checked by `nginx -t` and served over TLS: tests/test_production.py).
# Idempotent; without root it says what is missing and goes on.
set -euo pipefail
packages=(chromium chromium-driver postgresql wrk nginx openssl)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Paquets Debian manquants pour les tests : ${missing[*]} (installez-les en root : apt-get install ${missing[*]})" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installé : ${missing[*]}"
