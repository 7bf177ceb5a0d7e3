#!/usr/bin/env bash
# Installs the Debian packages alliance needs when they are missing: OpenBLAS and LAPACKE (build),
# NLopt (BOBYQA/NEWUOA for the iterative fits), pkg-config (locates OpenBLAS's and NLopt's headers),
# libssl-dev (SHA-256 for provenance), librsvg2-bin (tests render every SVG with rsvg-convert),
# libreadstat-dev (SPSS, Stata and SAS files), librsvg2-dev (PDF and PNG figures through librsvg and cairo, opened at run time),
# zlib1g-dev (ZIPFoundation, which writes .docx), libreoffice-writer-nogui and poppler-utils (tests read the .docx
# files with LibreOffice and render the PDF figures with pdftoppm).
set -euo pipefail
packages=(libopenblas-dev liblapacke-dev libnlopt-dev pkg-config libssl-dev librsvg2-bin libreadstat-dev librsvg2-dev
          zlib1g-dev libreoffice-writer-nogui poppler-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
