#!/bin/sh
# HEALTHCHECK of the image: the agent's /api/health must answer "ok" (degraded
# when nginx is not running or a certificate failed).
port="${AGENT_LISTEN:-0.0.0.0:8100}"
port="${port##*:}"
body=$(curl -fsS --max-time 5 "http://127.0.0.1:${port}/api/health") || exit 1
case "$body" in *'"status":"ok"'*) exit 0 ;; *) echo "$body"; exit 1 ;; esac
