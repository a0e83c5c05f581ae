#!/bin/sh
# Entrypoint of the Switchyard image: prepares the volumes (state, the nginx
# directory, certificates), writes nginx.conf when there is none, then execs the
# agent so it is PID 1; with AGENT_SUPERVISE_NGINX it runs nginx as its child in
# the foreground and restarts it when it exits.
#
# SWITCHYARD_ROOT prefixes every path (empty in the image; a temporary root in
# the test, which runs this same script on the bundle it copies).
set -eu

ROOT="${SWITCHYARD_ROOT:-}"
AGENT_JS="${AGENT_JS:-/opt/switchyard/agent.js}"
DENO="${DENO:-/usr/local/bin/deno}"
SHARE="${SWITCHYARD_SHARE:-/opt/switchyard}"

export AGENT_CONFIG="${AGENT_CONFIG:-$ROOT/etc/agent/config.toml}"
export AGENT_DATA_DIR="${AGENT_DATA_DIR:-$ROOT/var/lib/agent}"
export AGENT_TEMPLATE_DIR="${AGENT_TEMPLATE_DIR:-$ROOT/etc/agent/templates}"
export AGENT_NGINX_CONF="${AGENT_NGINX_CONF:-$ROOT/etc/nginx/nginx.conf}"
export AGENT_NGINX_DIR="${AGENT_NGINX_DIR:-$ROOT/etc/nginx/switchyard}"
export AGENT_NGINX_PID_FILE="${AGENT_NGINX_PID_FILE:-$ROOT/run/nginx.pid}"
export AGENT_NGINX_ERROR_LOG="${AGENT_NGINX_ERROR_LOG:-$ROOT/var/log/nginx/error.log}"
export AGENT_NGINX_PREFIX="${AGENT_NGINX_PREFIX:-$ROOT/etc/nginx/}"
export AGENT_SUPERVISE_NGINX="${AGENT_SUPERVISE_NGINX:-true}"
# In a container the API must be reachable from outside it (publish the port
# only where you mean to, or keep the default loopback and use docker exec).
export AGENT_LISTEN="${AGENT_LISTEN:-0.0.0.0:8100}"

mkdir -p "$ROOT/etc/agent" "$ROOT/etc/nginx/switchyard" "$ROOT/run" \
  "$ROOT/var/log/nginx" "$ROOT/var/cache/nginx" "$AGENT_DATA_DIR"
chmod 700 "$AGENT_DATA_DIR"
if [ ! -e "$AGENT_NGINX_CONF" ]; then
  sed "s|@ROOT@|$ROOT|g" "$SHARE/nginx.conf.in" >"$AGENT_NGINX_CONF"
fi
if [ ! -e "$ROOT/etc/nginx/mime.types.switchyard" ]; then
  if [ -e /etc/nginx/mime.types ]; then
    cp /etc/nginx/mime.types "$ROOT/etc/nginx/mime.types.switchyard"
  else
    echo 'types { text/html html; }' >"$ROOT/etc/nginx/mime.types.switchyard"
  fi
fi

# V8 collects garbage when its heap has grown 30 % past what lived after the last collection
# (README "Memory"): the default lets it grow to several times that.
exec "$DENO" run -A --unstable-kv --unstable-raw-imports --v8-flags=--heap-growing-percent=30 \
  "$AGENT_JS" serve "$@"
