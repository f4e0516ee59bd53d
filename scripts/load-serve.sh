#!/usr/bin/env bash
# The dev server's load test (README, "Robustness runs"): `wrk -t2 -c200 -d30s` on a lesson page of
# the shipped site against `kennisbank serve`, with the server's resident memory and thread count
# before, at the peak (sampled every 0.2 s) and after (each second for 15 s once wrk is done).
# Usage: scripts/load-serve.sh [BINARY] [DURATION]   (defaults: target/release/kennisbank, 30s)
# Needs wrk (apt-get install -y wrk). Linux only (/proc).
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-target/release/kennisbank}
duration=${2:-30s}
page=/lessen/bezint-eer-ge-begint/

out=$(mktemp)
"$binary" serve --port 0 >"$out" 2>/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 1 600); do
  grep -q "http://" "$out" && break
  sleep 0.1
done
url=$(grep -o 'http://[^ ]*' "$out" | head -1)
url=${url%/}$page

stat() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status"; }
echo "server: $binary (pid $pid), $url"
echo "before: resident $(($(stat VmRSS) / 1024)) MB, $(stat Threads) threads"
peak_rss=0 peak_threads=0
wrk -t2 -c200 -d"$duration" --latency "$url" &
load=$!
while kill -0 "$load" 2>/dev/null; do
  rss=$(stat VmRSS) threads=$(stat Threads)
  ((rss > peak_rss)) && peak_rss=$rss
  ((threads > peak_threads)) && peak_threads=$threads
  sleep 0.2
done
wait "$load"
echo "peak: resident $((peak_rss / 1024)) MB, $peak_threads threads"
printf 'after wrk, threads each second:'
for _ in $(seq 1 15); do
  sleep 1
  printf ' %s' "$(stat Threads)"
done
echo
echo "after: resident $(($(stat VmRSS) / 1024)) MB, $(stat Threads) threads"
