#!/usr/bin/env bash
# Rebuild the vendored, rebranded GOV.UK Frontend assets in imigrasi/static/govuk/.
# Needs Node >= 20 and npm; only run by developers, never at deploy/run time.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="$root/imigrasi/static/govuk"
pkg="$here/node_modules/govuk-frontend"

cd "$here"
# --ignore-scripts: the only install script is @parcel/watcher's (sass --watch),
# which this build does not use.
npm ci --ignore-scripts --no-audit --no-fund

rm -rf "$out"
mkdir -p "$out"

# GOV.UK Frontend 5 is written with @import, so src/ has to @import it (the
# `@use ... with` form cannot see our image-url function): silence that one
# deprecation, and dependencies' own warnings. Anything else in src/ still warns.
npx --no-install sass \
  --pkg-importer=node \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  --silence-deprecation=import \
  src/imigrasi.scss "$out/imigrasi.min.css"

cp "$pkg/dist/govuk/govuk-frontend.min.js" "$out/govuk-frontend.min.js"

# No assets are copied: the only fonts are GDS Transport and the only images are
# the crown, crest, GOV.UK icons and favicons, all GOV.UK branded. Our icons live
# in imigrasi/static/icons/ (frontend/make_icons.py).

node -p 'require("govuk-frontend/package.json").version' > "$out/VERSION"

# The npm package ships no licence file; this is the upstream LICENSE.txt
# (package.json "license": "MIT").
cat > "$out/LICENSE.txt" <<'LICENCE'
GOV.UK Frontend (https://github.com/alphagov/govuk-frontend)
Files in this directory are built from the govuk-frontend npm package.

The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENCE

# Refuse to ship anything GOV.UK branded: the font, or a url() to a crest,
# crown, GOV.UK icon, favicon or font file. (The `.govuk-footer__crown` class
# name is harmless and stays.)
if grep -Eiq 'GDS Transport|url\([^)]*(govuk-|crest|crown|favicon|\.woff)' "$out/imigrasi.min.css"; then
  echo "build.sh: branded GOV.UK reference found in imigrasi.min.css" >&2
  exit 1
fi

echo "Built GOV.UK Frontend $(cat "$out/VERSION") into ${out#"$root"/}:"
ls -l "$out"
