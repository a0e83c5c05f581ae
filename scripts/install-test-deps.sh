#!/bin/sh
# Installs what the test suite needs (Debian packages), prints what it installs,
# and fails with a clear message when it cannot. Safe to run again: packages
# already present are skipped. npm packages are fetched by Deno itself.
set -eu

# command -> Debian package
NEEDED="nginx:nginx certbot:certbot pebble:pebble chromium:chromium openssl:openssl python3:python3 curl:curl unshare:util-linux nsenter:util-linux rclone:rclone testssl:testssl.sh etcd:etcd-server etcdctl:etcd-client"
[ -x /lib/systemd/systemd ] || NEEDED="$NEEDED /lib/systemd/systemd:systemd"
# Packages without a command: a file they install (reload-free upstreams' Lua module).
[ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] ||
  NEEDED="$NEEDED /usr/lib/nginx/modules/ngx_http_lua_module.so:libnginx-mod-http-lua"
[ -f /usr/share/lua/5.1/resty/core.lua ] ||
  NEEDED="$NEEDED /usr/share/lua/5.1/resty/core.lua:lua-resty-core"

missing=""
for pair in $NEEDED; do
  cmd=${pair%%:*}
  pkg=${pair##*:}
  if [ "${cmd#/}" != "$cmd" ]; then
    [ -e "$cmd" ] && continue
  elif command -v "$cmd" >/dev/null 2>&1; then
    continue
  fi
  case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done

if [ -z "$missing" ]; then
  echo "test dependencies: all present"
  exit 0
fi

echo "test dependencies: installing${missing}"
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: missing${missing}; install them as root with apt-get (Debian 12), then run the tests again" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -q >/tmp/switchyard-apt.log 2>&1 ||
  ! apt-get install -y -q --no-install-recommends $missing >>/tmp/switchyard-apt.log 2>&1; then
  echo "error: apt-get could not install${missing}; see /tmp/switchyard-apt.log:" >&2
  tail -n 20 /tmp/switchyard-apt.log >&2
  exit 1
fi
echo "test dependencies: installed${missing}"
