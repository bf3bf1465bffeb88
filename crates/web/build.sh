#!/usr/bin/env bash
# Rebuilds the page's WebAssembly into crates/web/page/pkg/ (committed, so that `cargo build` embeds the
# page without a WebAssembly toolchain). Needs the wasm32-unknown-unknown target; installs the
# wasm-bindgen-cli matching the wasm-bindgen crate when missing.
#   crates/web/build.sh           rebuild
#   crates/web/build.sh --check   rebuild into a temporary folder: fail if the JavaScript glue differs from the
#                                 committed one (the page would call an API the wasm lacks), warn if the wasm does
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' crates/web/Cargo.toml)
if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$version" ]; then
    rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
    cargo install wasm-bindgen-cli --version "=$version" --locked --quiet 2>/dev/null ||
        cargo install wasm-bindgen-cli --version "=$version" --quiet
fi
cargo build --quiet --target wasm32-unknown-unknown --profile wasm -p hepkey-web --no-default-features
out=crates/web/page/pkg
[ "${1:-}" = --check ] && out=$(mktemp -d)
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$out" \
    target/wasm32-unknown-unknown/wasm/hepkey_web.wasm
ls -l "$out"
if [ "${1:-}" = --check ]; then
    diff "$out/hepkey_web.js" crates/web/page/pkg/hepkey_web.js || {
        echo "crates/web/page/pkg/hepkey_web.js is not what crates/web/build.sh builds: run it and commit" >&2
        exit 1
    }
    cmp -s "$out/hepkey_web_bg.wasm" crates/web/page/pkg/hepkey_web_bg.wasm ||
        echo "warning: the committed hepkey_web_bg.wasm differs from this build: run crates/web/build.sh and commit" >&2
    rm -r "$out"
fi
