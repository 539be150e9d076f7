#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: `scripts/postgres.sh start NAME` starts
# a server on a free loopback port with its data under target/postgres/NAME
# and prints its URL; `stop NAME` stops it (immediate: a crash, the data kept),
# `restart NAME` starts it again on the same port, `remove NAME` stops it and
# deletes the data. The server refuses to run as root, so as root it runs
# as the `postgres` user (Debian's package creates it).
set -euo pipefail
cmd=${1:?usage: postgres.sh start|stop|restart NAME}
name=${2:-default}
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/target/postgres/$name"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed: make test installs Debian's postgresql" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$*"
  else
    sh -c "$*"
  fi
}

case "$cmd" in
  start)
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_owner "'$bin/initdb' -D '$dir/data' -U postgres --auth=trust -E UTF8 >/dev/null"
    as_owner "'$bin/pg_ctl' -D '$dir/data' -l '$dir/log' -w -o \"-p $port -k '$dir/data' -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null"
    echo "$port" > "$dir/port"
    as_owner "'$bin/psql' -h 127.0.0.1 -p $port -U postgres -q -c 'CREATE DATABASE cardwire_test'"
    echo "postgresql://postgres@127.0.0.1:$port/cardwire_test"
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "'$bin/pg_ctl' -D '$dir/data' -m immediate stop >/dev/null" || true
    ;;
  restart)
    port=$(cat "$dir/port")
    as_owner "'$bin/pg_ctl' -D '$dir/data' -l '$dir/log' -w -o \"-p $port -k '$dir/data' -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null"
    ;;
  remove)
    [ -d "$dir/data" ] && as_owner "'$bin/pg_ctl' -D '$dir/data' -m immediate stop >/dev/null 2>&1" || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgres.sh start|stop|restart|remove NAME" >&2
    exit 2
    ;;
esac
