#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: `scripts/postgres.sh start NAME` starts
# a server on a free loopback port with its data under target/postgres/NAME
# and prints its URL; `stop NAME` stops it (immediate: a crash, the data kept),
# `restart NAME` starts it again on the same port, `remove NAME` stops it and
# deletes the data. The server refuses to run as root, so as root it runs
# as the `postgres` user (Debian's package creates it). Where that user cannot
# reach the clone (a checkout under a private home directory), the data goes
# to a private directory under /tmp instead, linked from target/postgres/NAME.
set -euo pipefail
cmd=${1:?usage: postgres.sh start|stop|restart|remove NAME}
name=${2:-default}
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/target/postgres/$name"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed: make test installs Debian's postgresql" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "cd / && $*"
  else
    sh -c "$*"
  fi
}

server_start() {
  local data=$1 port=$2
  as_owner "'$bin/pg_ctl' -D '$data/data' -l '$data/log' -w -o \"-p $port -k '$data/data' -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null"
}

case "$cmd" in
  start)
    [ -f "$dir/datadir" ] && "$0" remove "$name"
    rm -rf "$dir"
    mkdir -p "$dir"
    data="$dir"
    if [ "$(id -u)" = 0 ]; then
      chown postgres "$dir"
      if ! su postgres -s /bin/sh -c "cd / && test -w '$dir'" 2>/dev/null; then
        data=$(mktemp -d /tmp/cardwire-postgres-XXXXXX)
        chown postgres "$data"
        ln -sfn "$data" "$dir/data-elsewhere"
      fi
    fi
    echo "$data" > "$dir/datadir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    echo "$port" > "$dir/port"
    as_owner "'$bin/initdb' -D '$data/data' -U postgres --auth=trust -E UTF8 >/dev/null"
    server_start "$data" "$port"
    as_owner "'$bin/psql' -h 127.0.0.1 -p $port -U postgres -q -c 'CREATE DATABASE cardwire_test'"
    echo "postgresql://postgres@127.0.0.1:$port/cardwire_test"
    ;;
  stop)
    data=$(cat "$dir/datadir")
    as_owner "'$bin/pg_ctl' -D '$data/data' -m immediate stop >/dev/null" || true
    ;;
  restart)
    server_start "$(cat "$dir/datadir")" "$(cat "$dir/port")"
    ;;
  remove)
    if [ -f "$dir/datadir" ]; then
      data=$(cat "$dir/datadir")
      as_owner "'$bin/pg_ctl' -D '$data/data' -m immediate stop >/dev/null 2>&1" || true
      [ "$data" != "$dir" ] && rm -rf "$data"
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgres.sh start|stop|restart|remove NAME" >&2
    exit 2
    ;;
esac
