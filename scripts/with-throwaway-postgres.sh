#!/usr/bin/env bash
# Runs a command with TEST_DATABASE_URL pointing at a throwaway PostgreSQL cluster: initdb in a temp
# folder, a free port on 127.0.0.1, trust authentication, durability off (fsync, synchronous_commit:
# the data is thrown away). The cluster is stopped and removed when the command ends, also on failure.
# With TEST_DATABASE_URL already set, the command runs against that server instead.
#   scripts/with-throwaway-postgres.sh npx vitest run --config vitest.pg.config.ts
set -euo pipefail
if [ -n "${TEST_DATABASE_URL:-}" ]; then exec "$@"; fi

bin=""
if command -v initdb >/dev/null 2>&1; then bin="$(dirname "$(command -v initdb)")"
else bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"; fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL is not installed (no initdb): apt-get install postgresql, or set TEST_DATABASE_URL" >&2
  exit 1
fi

dir="$(mktemp -d -t arshjul-pg-XXXXXX)"
# initdb refuses to run as root: as root, the cluster belongs to the postgres user (Debian's package makes it).
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi
port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"

stop() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }

export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "throwaway PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at $TEST_DATABASE_URL (TEST_DATABASE_URL)" >&2
"$@"
