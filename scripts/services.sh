#!/usr/bin/env bash
# Runs polystore's five real servers (PostgreSQL, Redis, MinIO, FerretDB, Neo4j) as plain processes
# on 127.0.0.1 for tests and CI, and writes their connection settings to <state>/env.
#
#   scripts/services.sh up [name...]     install what is missing, start, wait for a real answer
#   scripts/services.sh down [name...]   stop (all by default); no process is left behind
#   scripts/services.sh status           one line per server
#   scripts/services.sh env              print the env file
#   scripts/services.sh reset            down, then delete the state folder (data, logs, env)
#   scripts/services.sh run-private NAME PORT DIR [PORT2]
#                                        run one more server in the foreground on PORT with its data
#                                        in DIR (PORT2: MinIO console, Neo4j HTTP; default PORT+1),
#                                        apart from the shared set: for tests that stop a server
#
# names: postgres redis minio ferretdb neo4j. State lives in $POLYSTORE_SERVICES_DIR (default
# <repo>/.services); built binaries and downloaded jars in $POLYSTORE_CACHE_DIR (default
# ~/.cache/polystore) so another clone on the same machine reuses them.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/services/versions.env
. "$ROOT/scripts/services/versions.env"

SVC=${POLYSTORE_SERVICES_DIR:-$ROOT/.services}
CACHE=${POLYSTORE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/polystore}
ENV_FILE=$SVC/env
LOGS=$SVC/logs
RUN=$SVC/run

ALL=(postgres redis minio ferretdb neo4j)

# Fixed ports that tests, .env.example and compose.yaml agree on. The overrides exist only to run a
# second, separate set (another POLYSTORE_SERVICES_DIR) beside the first, e.g. to time a cold start.
PG_PORT=${POLYSTORE_PG_PORT:-55432}
REDIS_PORT=${POLYSTORE_REDIS_PORT:-56379}
FERRETDB_PORT=${POLYSTORE_FERRETDB_PORT:-57017}
NEO4J_BOLT_PORT=${POLYSTORE_NEO4J_BOLT_PORT:-57687}
NEO4J_HTTP_PORT=${POLYSTORE_NEO4J_HTTP_PORT:-57474}
MINIO_PORT=${POLYSTORE_MINIO_PORT:-59000}
MINIO_CONSOLE_PORT=${POLYSTORE_MINIO_CONSOLE_PORT:-59001}

# Fixed development credentials: every server listens on loopback only.
PG_USER=polystore
PG_PASSWORD=polystore
PG_DB=polystore
NEO4J_USER=neo4j
NEO4J_PASSWORD=polystore-dev-neo4j
S3_ACCESS_KEY=polystore
S3_SECRET_KEY=polystore-dev-secret
S3_REGION=us-east-1
JWT_SECRET=polystore-dev-jwt-secret-for-local-servers-only-0001
DATABASE_URL="postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"

# Timeouts (seconds) for a server to answer after its process started.
WAIT_POSTGRES=60 WAIT_REDIS=20 WAIT_MINIO=90 WAIT_FERRETDB=60 WAIT_NEO4J=240

log() { printf '[services %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

is_root() { [ "$(id -u)" = 0 ]; }

# Runs a command as root (directly, or through sudo when available).
as_root() {
  if is_root; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $* (install it by hand, or run as root)"
  fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install by hand: $*"
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

# True when something accepts TCP connections on 127.0.0.1:<port>.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_of() { [ -s "$RUN/$1.pid" ] && tr -d ' \n' <"$RUN/$1.pid"; }

# True when <pid> runs. A zombie counts as gone: our servers are orphans once `up` exits, and the
# init process here may take seconds to reap them.
proc_alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(sed -n 's/^[0-9]* (.*) \([A-Z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 0
  [ "$state" != Z ]
}

pid_alive() {
  local pid
  pid=$(pid_of "$1") || return 1
  [ -n "$pid" ] && proc_alive "$pid"
}

# The pid listening on 127.0.0.1:<port>, if `ss` can tell.
listener_pid() { ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1; }

# The state folder of the services.sh that started <pid>: every server gets a marker in its
# environment, except that redis-server overwrites its own, so for it the working folder tells.
owner_of() {
  local owner cwd
  owner=$(tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null | sed -n 's/^POLYSTORE_SERVICES_OWNER=//p' | head -n 1)
  if [ -z "$owner" ]; then
    cwd=$(readlink "/proc/$1/cwd" 2>/dev/null) || cwd=""
    if [ "${cwd##*/}" = redis ] && [ -f "${cwd%/redis}/run/redis.pid" ]; then owner=${cwd%/redis}; fi
  fi
  printf '%s\n' "$owner"
}

# Fails with a clear message when a port we need is taken. A server left behind by another state
# folder (say a previous clone on this machine) is stopped instead when POLYSTORE_SERVICES_TAKEOVER=1.
port_free_or_die() {
  local name=$1 port=$2 pid owner sig=TERM
  port_open "$port" || return 0
  pid=$(listener_pid "$port")
  owner=""
  [ -z "$pid" ] || owner=$(owner_of "$pid")
  [ -n "$owner" ] ||
    die "$name: port 127.0.0.1:$port is already in use by another process (not started by this script)"
  if [ "${POLYSTORE_SERVICES_TAKEOVER:-0}" != 1 ]; then
    die "$name: port 127.0.0.1:$port is held by the polystore servers of $owner; stop them with" \
      "'POLYSTORE_SERVICES_DIR=$owner scripts/services.sh down', or set POLYSTORE_SERVICES_TAKEOVER=1"
  fi
  log "$name: port $port is held by pid $pid of $owner; stopping it (POLYSTORE_SERVICES_TAKEOVER=1)"
  # SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for its clients to leave.
  [ "$name" != postgres ] || sig=INT
  kill -"$sig" "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 40))
  while proc_alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  if proc_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  deadline=$((SECONDS + 10))
  while port_open "$port" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  if port_open "$port"; then die "$name: port 127.0.0.1:$port still in use after stopping pid $pid"; fi
}

# Starts "$@" in the background with its output in $LOGS/<name>.log and records its pid.
spawn() {
  local name=$1
  shift
  : >"$LOGS/$name.log"
  # fd 9 holds the lock of this script; a server must not inherit it.
  (
    export POLYSTORE_SERVICES_OWNER=$SVC
    exec nohup "$@" </dev/null >>"$LOGS/$name.log" 2>&1 9>&-
  ) &
  echo $! >"$RUN/$name.pid"
}

# Polls `check` until it succeeds; fails early when the server's process has died.
wait_until() {
  local name=$1 timeout=$2 check=$3 deadline=$((SECONDS + $2))
  until $check >/dev/null 2>&1; do
    if [ "$name" != postgres ] && ! pid_alive "$name"; then
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name: process exited before answering (log: $LOGS/$name.log)"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name: no answer within ${timeout}s (log: $LOGS/$name.log)"
    fi
    sleep 0.5
  done
}

# Stops the process of <name> by pid file: TERM, then KILL after <grace> seconds.
stop_pid() {
  local name=$1 grace=${2:-20} pid
  pid=$(pid_of "$name") || {
    rm -f "$RUN/$name.pid"
    return 0
  }
  if proc_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + grace))
    while proc_alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if proc_alive "$pid"; then
      log "$name: still running after ${grace}s, sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      while proc_alive "$pid"; do sleep 0.1; done
    fi
  fi
  rm -f "$RUN/$name.pid"
}

# ---------------------------------------------------------------- deno (probes and checks)

need_deno() {
  command -v deno >/dev/null || die "deno not found on PATH (the probes for FerretDB and Neo4j use it)"
}

probe() { (cd "$ROOT" && deno run --quiet --allow-net --allow-env --allow-read --allow-sys scripts/services/probe.ts "$@"); }

# ---------------------------------------------------------------- PostgreSQL

PG_BIN=/usr/lib/postgresql/$POSTGRES_MAJOR/bin

# PostgreSQL refuses to run as root, so as root its files belong to the OS user postgres, who must
# be able to reach them: when the state folder sits under a private one (a clone in /root, say),
# they live in /var/tmp instead, in a folder named after the state folder.
pg_home() {
  local probe=$SVC
  if is_root && id postgres >/dev/null 2>&1; then
    while [ ! -e "$probe" ] && [ "$probe" != / ]; do probe=$(dirname "$probe"); done
    if ! runuser -u postgres -- test -x "$probe" 2>/dev/null; then
      echo "/var/tmp/polystore-postgres-$(printf '%s' "$SVC" | sha256sum | cut -c1-12)"
      return
    fi
  fi
  echo "$SVC/postgres"
}
PG_HOME=$(pg_home)
PG_DATA=$PG_HOME/data
PG_SOCK=$PG_HOME/run
PG_LOG=$PG_HOME/postgres.log

# Runs a command as the postgres OS user when we are root (postgres refuses to run as root).
as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }

install_postgres() {
  if [ ! -x "$PG_BIN/pg_ctl" ]; then
    apt_install "postgresql-$POSTGRES_MAJOR" postgresql-client
  fi
  [ -x "$PG_BIN/pg_ctl" ] || die "postgres: $PG_BIN/pg_ctl missing after install"
  command -v psql >/dev/null || apt_install postgresql-client
  if is_root && ! id postgres >/dev/null 2>&1; then die "postgres: OS user 'postgres' is missing"; fi
}

pg_ready() {
  [ "$(psql "$DATABASE_URL" -XtAc 'select 1' 2>/dev/null)" = 1 ]
}

pg_running() { [ -s "$PG_DATA/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

pg_admin() { psql -X -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq "$@"; }

start_postgres() {
  install_postgres
  if pg_running && pg_ready; then
    log "postgres: already running"
    return 0
  fi
  mkdir -p "$PG_HOME" "$PG_SOCK"
  # Unix socket paths are limited to ~107 bytes.
  [ ${#PG_SOCK} -lt 90 ] || die "postgres: state path too long for a socket: $PG_SOCK (set POLYSTORE_SERVICES_DIR)"
  if is_root; then
    chown postgres: "$PG_HOME" "$PG_SOCK"
    runuser -u postgres -- test -x "$PG_HOME" ||
      die "postgres: OS user 'postgres' cannot reach $PG_HOME; set POLYSTORE_SERVICES_DIR to a folder it can traverse"
  fi
  # The log is written by the postgres user; the usual place points at it when it lives elsewhere.
  [ "$PG_LOG" = "$LOGS/postgres.log" ] || ln -sfn "$PG_LOG" "$LOGS/postgres.log"
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    log "postgres: initdb $PG_DATA"
    mkdir -p "$PG_DATA"
    if is_root; then chown postgres: "$PG_DATA"; fi
    chmod 700 "$PG_DATA"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >"$LOGS/postgres-initdb.log" 2>&1 ||
      {
        cat "$LOGS/postgres-initdb.log" >&2
        die "postgres: initdb failed"
      }
    # Test settings: loopback only, and durability traded for speed (data is disposable).
    cat >>"$PG_DATA/postgresql.conf" <<EOF

# --- polystore local test server (scripts/services.sh) ---
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
max_connections = 200
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  fi
  port_free_or_die postgres "$PG_PORT"
  : >"$PG_LOG"
  if is_root; then chown postgres: "$PG_LOG"; fi
  log "postgres: starting on 127.0.0.1:$PG_PORT"
  as_pg env POLYSTORE_SERVICES_OWNER="$SVC" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" \
    -w -t "$WAIT_POSTGRES" start >/dev/null 9>&- ||
    {
      tail -n 30 "$PG_LOG" >&2
      die "postgres: pg_ctl start failed"
    }
  # Superuser so migrations may create extensions; fine for a loopback dev/test server only.
  if [ "$(pg_admin -c "select 1 from pg_roles where rolname = '$PG_USER'")" != 1 ]; then
    pg_admin -c "create role $PG_USER login superuser password '$PG_PASSWORD'"
  fi
  if [ "$(pg_admin -c "select 1 from pg_database where datname = '$PG_DB'")" != 1 ]; then
    pg_admin -c "create database $PG_DB owner $PG_USER"
  fi
  wait_until postgres "$WAIT_POSTGRES" pg_ready
  local have
  have=$(psql "$DATABASE_URL" -XtAc "select count(*) from pg_available_extensions
    where name in ('pg_trgm', 'pgcrypto', 'uuid-ossp', 'btree_gin')")
  [ "$have" = 4 ] || die "postgres: extensions pg_trgm/pgcrypto/uuid-ossp/btree_gin not all available (contrib missing?)"
  log "postgres: ready ($(psql "$DATABASE_URL" -XtAc 'show server_version'))"
}

stop_postgres() {
  if pg_running; then
    log "postgres: stopping"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null ||
      as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null
  fi
}

postgres_pid() { [ -s "$PG_DATA/postmaster.pid" ] && head -n 1 "$PG_DATA/postmaster.pid"; }

# ---------------------------------------------------------------- Redis

install_redis() {
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    apt_install redis-server redis-tools
  fi
}

redis_ready() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

start_redis() {
  install_redis
  if pid_alive redis && redis_ready; then
    log "redis: already running"
    return 0
  fi
  port_free_or_die redis "$REDIS_PORT"
  mkdir -p "$SVC/redis"
  log "redis: starting on 127.0.0.1:$REDIS_PORT"
  # No persistence: test data is disposable and snapshots would only cost time.
  spawn redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --save "" --appendonly no --dir "$SVC/redis" --daemonize no
  wait_until redis "$WAIT_REDIS" redis_ready
  log "redis: ready ($(redis-server --version | grep -o 'v=[0-9.]*'))"
}

stop_redis() {
  if pid_alive redis; then
    log "redis: stopping"
    stop_pid redis 10
  fi
  rm -f "$RUN/redis.pid"
}

# ---------------------------------------------------------------- Go-built servers (MinIO, FerretDB)

need_go() {
  command -v go >/dev/null || die "go not found on PATH; MinIO and FerretDB are built with 'go' (1.22+)"
}

# Downloads <module>@<version> through the Go proxy and prints its (read-only) source folder.
# `go install pkg@version` is not used: it also fetches the module's version list to check for
# deprecation, and the proxy here answers that list with 403 for FerretDB.
go_module_dir() {
  local json
  json=$(cd "$CACHE" && go mod download -json "$1@$2") || return 1
  printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

MINIO_BIN=$CACHE/bin/minio-$MINIO_VERSION
FERRETDB_BIN=$CACHE/bin/ferretdb-$FERRETDB_VERSION

build_minio() {
  local dir
  dir=$(go_module_dir github.com/minio/minio "$MINIO_VERSION") || return 1
  [ -n "$dir" ] || return 1
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -o "$MINIO_BIN.tmp" .) && mv "$MINIO_BIN.tmp" "$MINIO_BIN"
}

build_ferretdb() {
  local dir src=$CACHE/src/ferretdb-$FERRETDB_VERSION
  dir=$(go_module_dir github.com/FerretDB/FerretDB "$FERRETDB_VERSION") || return 1
  [ -n "$dir" ] || return 1
  # A writable copy, so the version file FerretDB embeds can be written (it reports "unknown" otherwise).
  rm -rf "$src"
  mkdir -p "$(dirname "$src")"
  cp -R "$dir" "$src"
  chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb) &&
    mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
}

# ---------------------------------------------------------------- MinIO

minio_ready() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$MINIO_PORT/minio/health/ready"; }

start_minio() {
  [ -x "$MINIO_BIN" ] || die "minio: binary $MINIO_BIN missing (build failed; see $LOGS/minio-build.log)"
  command -v curl >/dev/null || apt_install curl ca-certificates
  if pid_alive minio && minio_ready; then
    log "minio: already running"
    return 0
  fi
  port_free_or_die minio "$MINIO_PORT"
  port_free_or_die minio-console "$MINIO_CONSOLE_PORT"
  mkdir -p "$SVC/minio/data" "$SVC/minio/config"
  log "minio: starting on 127.0.0.1:$MINIO_PORT (console $MINIO_CONSOLE_PORT)"
  spawn minio env MINIO_ROOT_USER="$S3_ACCESS_KEY" MINIO_ROOT_PASSWORD="$S3_SECRET_KEY" \
    MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off MINIO_REGION="$S3_REGION" \
    "$MINIO_BIN" server --quiet --anonymous --config-dir "$SVC/minio/config" \
    --address "127.0.0.1:$MINIO_PORT" --console-address "127.0.0.1:$MINIO_CONSOLE_PORT" "$SVC/minio/data"
  wait_until minio "$WAIT_MINIO" minio_ready
  log "minio: ready ($MINIO_VERSION)"
}

stop_minio() {
  if pid_alive minio; then
    log "minio: stopping"
    stop_pid minio 20
  fi
  rm -f "$RUN/minio.pid"
}

# ---------------------------------------------------------------- FerretDB

FERRETDB_URL="mongodb://127.0.0.1:$FERRETDB_PORT/"
FERRETDB_PG_DB=ferretdb

ferretdb_ready() { port_open "$FERRETDB_PORT" && probe mongo "$FERRETDB_URL"; }

start_ferretdb() {
  [ -x "$FERRETDB_BIN" ] || die "ferretdb: binary $FERRETDB_BIN missing (build failed; see $LOGS/ferretdb-build.log)"
  need_deno
  if pid_alive ferretdb && ferretdb_ready; then
    log "ferretdb: already running"
    return 0
  fi
  port_free_or_die ferretdb "$FERRETDB_PORT"
  # FerretDB keeps its documents in its own database on the shared PostgreSQL: its SQLite backend
  # has one writer and took ~19 ms per updateOne here (1.8 ms on PostgreSQL), which kept the insight
  # pipeline's p99 at 7-12 s at 20 writes/s (bench/insight_lag.ts).
  start_postgres
  if [ "$(pg_admin -c "select 1 from pg_database where datname = '$FERRETDB_PG_DB'")" != 1 ]; then
    pg_admin -c "create database $FERRETDB_PG_DB owner $PG_USER"
  fi
  mkdir -p "$SVC/ferretdb/state"
  log "ferretdb: starting on 127.0.0.1:$FERRETDB_PORT (PostgreSQL backend, database $FERRETDB_PG_DB)"
  spawn ferretdb "$FERRETDB_BIN" --handler=postgresql \
    --postgresql-url="postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$FERRETDB_PG_DB" \
    --state-dir="$SVC/ferretdb/state" --listen-addr="127.0.0.1:$FERRETDB_PORT" --debug-addr=- \
    --telemetry=disable --log-level=warn
  wait_until ferretdb "$WAIT_FERRETDB" ferretdb_ready
  log "ferretdb: ready ($("$FERRETDB_BIN" --version 2>/dev/null | sed -n 's/^version: //p'))"
}

stop_ferretdb() {
  if pid_alive ferretdb; then
    log "ferretdb: stopping"
    stop_pid ferretdb 15
  fi
  rm -f "$RUN/ferretdb.pid"
}

# ---------------------------------------------------------------- Neo4j (harness + Java launcher)

NEO4J_HOME=$CACHE/neo4j-$NEO4J_VERSION
NEO4J_LAUNCHER=$ROOT/scripts/services/neo4j/Launcher.java

install_java() {
  # javac compiles the launcher once; Neo4j 5.26 needs Java 17 or 21.
  if ! command -v javac >/dev/null || ! command -v mvn >/dev/null; then
    apt_install openjdk-17-jdk-headless maven
  fi
}

fetch_neo4j() {
  if [ ! -f "$NEO4J_HOME/lib/.complete" ]; then
    rm -rf "${NEO4J_HOME:?}/lib"
    mvn -B -q -f "$ROOT/scripts/services/neo4j/pom.xml" -Dmaven.repo.local="$CACHE/m2" \
      -Dneo4j.version="$NEO4J_VERSION" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$NEO4J_HOME/lib" || return 1
    touch "$NEO4J_HOME/lib/.complete"
  fi
  # Recompile only when the launcher source changed.
  local sum
  sum=$(sha256sum "$NEO4J_LAUNCHER" | cut -c1-16)
  if [ ! -f "$NEO4J_HOME/classes/Launcher.class" ] || [ "$(cat "$NEO4J_HOME/classes/.source" 2>/dev/null)" != "$sum" ]; then
    rm -rf "$NEO4J_HOME/classes"
    mkdir -p "$NEO4J_HOME/classes"
    javac -nowarn -d "$NEO4J_HOME/classes" -cp "$NEO4J_HOME/lib/*" "$NEO4J_LAUNCHER" || return 1
    echo "$sum" >"$NEO4J_HOME/classes/.source"
  fi
}

neo4j_ready() {
  [ -f "$RUN/neo4j.ready" ] && probe bolt "bolt://127.0.0.1:$NEO4J_BOLT_PORT" "$NEO4J_USER" "$NEO4J_PASSWORD"
}

start_neo4j() {
  [ -f "$NEO4J_HOME/classes/Launcher.class" ] ||
    die "neo4j: harness or launcher missing in $NEO4J_HOME (see $LOGS/neo4j-fetch.log)"
  need_deno
  if pid_alive neo4j && neo4j_ready; then
    log "neo4j: already running"
    return 0
  fi
  port_free_or_die neo4j "$NEO4J_BOLT_PORT"
  port_free_or_die neo4j-http "$NEO4J_HTTP_PORT"
  # The harness makes a fresh random store under this folder on every start.
  rm -rf "$SVC/neo4j"
  mkdir -p "$SVC/neo4j"
  rm -f "$RUN/neo4j.ready"
  log "neo4j: starting on 127.0.0.1:$NEO4J_BOLT_PORT (http $NEO4J_HTTP_PORT)"
  spawn neo4j env NEO4J_PASSWORD="$NEO4J_PASSWORD" java -Xms256m -Xmx1g -XX:+UseSerialGC \
    -cp "$NEO4J_HOME/classes:$NEO4J_HOME/lib/*" Launcher "$SVC/neo4j" \
    "127.0.0.1:$NEO4J_BOLT_PORT" "127.0.0.1:$NEO4J_HTTP_PORT" "$RUN/neo4j.ready"
  wait_until neo4j "$WAIT_NEO4J" neo4j_ready
  log "neo4j: ready ($NEO4J_VERSION)"
}

stop_neo4j() {
  if pid_alive neo4j; then
    log "neo4j: stopping"
    stop_pid neo4j 40
  fi
  rm -f "$RUN/neo4j.pid" "$RUN/neo4j.ready"
}

# ---------------------------------------------------------------- env file and status

# Cheap liveness (process + port) used for the env file and status; `up` did the real request.
is_up() {
  case $1 in
  postgres) pg_running && port_open "$PG_PORT" ;;
  redis) pid_alive redis && port_open "$REDIS_PORT" ;;
  minio) pid_alive minio && port_open "$MINIO_PORT" ;;
  ferretdb) pid_alive ferretdb && port_open "$FERRETDB_PORT" ;;
  neo4j) pid_alive neo4j && [ -f "$RUN/neo4j.ready" ] && port_open "$NEO4J_BOLT_PORT" ;;
  esac
}

ports_of() {
  case $1 in
  postgres) echo "$PG_PORT" ;;
  redis) echo "$REDIS_PORT" ;;
  minio) echo "$MINIO_PORT $MINIO_CONSOLE_PORT" ;;
  ferretdb) echo "$FERRETDB_PORT" ;;
  neo4j) echo "$NEO4J_BOLT_PORT $NEO4J_HTTP_PORT" ;;
  esac
}

# Rewrites the env file with the settings of the servers that are up now (none: file removed).
write_env() {
  local tmp=$ENV_FILE.tmp any=0
  {
    echo "# written by scripts/services.sh at $(date -u +%Y-%m-%dT%H:%M:%SZ); servers on 127.0.0.1 only"
    if is_up postgres; then
      any=1
      echo "DATABASE_URL=$DATABASE_URL"
    fi
    if is_up redis; then
      any=1
      echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
    fi
    if is_up ferretdb; then
      any=1
      echo "MONGODB_URL=$FERRETDB_URL"
      echo "MONGODB_DB=polystore"
    fi
    if is_up neo4j; then
      any=1
      echo "NEO4J_URL=bolt://127.0.0.1:$NEO4J_BOLT_PORT"
      echo "NEO4J_USER=$NEO4J_USER"
      echo "NEO4J_PASSWORD=$NEO4J_PASSWORD"
    fi
    if is_up minio; then
      any=1
      echo "S3_ENDPOINT=http://127.0.0.1:$MINIO_PORT"
      echo "S3_ACCESS_KEY=$S3_ACCESS_KEY"
      echo "S3_SECRET_KEY=$S3_SECRET_KEY"
      echo "S3_REGION=$S3_REGION"
    fi
    echo "JWT_SECRET=$JWT_SECRET"
  } >"$tmp"
  if [ "$any" = 1 ]; then mv "$tmp" "$ENV_FILE"; else rm -f "$tmp" "$ENV_FILE"; fi
}

status_line() {
  local name=$1 port pid=""
  case $name in
  postgres) port=$PG_PORT pid=$(postgres_pid 2>/dev/null || true) ;;
  redis) port=$REDIS_PORT ;;
  minio) port=$MINIO_PORT ;;
  ferretdb) port=$FERRETDB_PORT ;;
  neo4j) port=$NEO4J_BOLT_PORT ;;
  esac
  [ -n "$pid" ] || pid=$(pid_of "$name" 2>/dev/null || true)
  if is_up "$name"; then
    printf '%-9s %-5s %-12s 127.0.0.1:%s\n' "$name" up "pid $pid" "$port"
  else
    printf '%-9s %-5s %-12s 127.0.0.1:%s\n' "$name" down "" "$port"
  fi
}

# ---------------------------------------------------------------- commands

# Dies on a name that is not a server (in the main shell: select_names runs in a subshell).
check_names() {
  local n a ok
  for n in "$@"; do
    ok=0
    for a in "${ALL[@]}"; do [ "$a" = "$n" ] && ok=1; done
    [ "$ok" = 1 ] || die "unknown server '$n' (known: ${ALL[*]})"
  done
}

# Prints the chosen names (all by default) in start order.
select_names() {
  local n a
  if [ $# -eq 0 ]; then
    printf '%s\n' "${ALL[@]}"
    return
  fi
  for a in "${ALL[@]}"; do
    for n in "$@"; do [ "$a" = "$n" ] && echo "$a"; done
  done | uniq
}

# Runs "build_<name>"/"fetch_neo4j" in the background when its artefact is missing; records the job.
declare -A PREP_PID=()
prepare_async() {
  local name=$1
  case $name in
  minio)
    [ -x "$MINIO_BIN" ] && return 0
    need_go
    log "minio: building $MINIO_VERSION with $(go env GOVERSION) in the background (cold: minutes)"
    (build_minio) >"$LOGS/minio-build.log" 2>&1 &
    ;;
  ferretdb)
    [ -x "$FERRETDB_BIN" ] && return 0
    need_go
    log "ferretdb: building $FERRETDB_VERSION with $(go env GOVERSION) in the background"
    (build_ferretdb) >"$LOGS/ferretdb-build.log" 2>&1 &
    ;;
  neo4j)
    install_java
    [ -f "$NEO4J_HOME/lib/.complete" ] && [ "$(cat "$NEO4J_HOME/classes/.source" 2>/dev/null)" = "$(sha256sum "$NEO4J_LAUNCHER" | cut -c1-16)" ] && return 0
    log "neo4j: fetching harness $NEO4J_VERSION from Maven Central in the background"
    (fetch_neo4j) >"$LOGS/neo4j-fetch.log" 2>&1 &
    ;;
  *) return 0 ;;
  esac
  PREP_PID[$name]=$!
}

await_prepare() {
  local name=$1 pid=${PREP_PID[$1]:-}
  [ -n "$pid" ] || return 0
  if ! wait "$pid"; then
    tail -n 30 "$LOGS/$name-"*.log >&2 || true
    die "$name: install failed (log: $(ls "$LOGS/$name-"*.log))"
  fi
  log "$name: installed"
}

cmd_up() {
  local names n started=$SECONDS
  mapfile -t names < <(select_names "$@")
  mkdir -p "$SVC" "$LOGS" "$RUN" "$CACHE/bin"
  # Builds and downloads run while PostgreSQL and Redis start, so a cold start costs the slowest one.
  for n in "${names[@]}"; do prepare_async "$n"; done
  for n in "${names[@]}"; do
    await_prepare "$n"
    "start_$n"
    write_env
  done
  log "up: ${names[*]} in $((SECONDS - started))s; settings in $ENV_FILE"
}

cmd_down() {
  local names i pid n port
  mapfile -t names < <(select_names "$@")
  # All at once: each stop waits for its own process, and Neo4j's shutdown dominates the total.
  local pids=() failed=0
  for ((i = ${#names[@]} - 1; i >= 0; i--)); do
    "stop_${names[$i]}" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  if [ -d "$SVC" ]; then
    mkdir -p "$RUN"
    write_env
  fi
  [ "$failed" = 0 ] || die "down: a server did not stop cleanly (see above)"
  # A port still answering means a server we have no pid for (e.g. its state folder was deleted).
  for n in "${names[@]}"; do
    for port in $(ports_of "$n"); do
      if port_open "$port"; then die "down: $n's port 127.0.0.1:$port is still in use"; fi
    done
  done
}

# ---------------------------------------------------------------- private servers (run-private)

# One server outside the shared set, for tests that stop and restart a server under a running app:
# it runs in the foreground (exec, so the caller's child pid is the server's and a signal reaches
# it directly), listens on 127.0.0.1:<port> with its data in <dir>, and uses the binaries, jars and
# credentials of `up` (run `up NAME` once first). Starting again with the same <dir> reuses the
# data, except Neo4j's harness, which makes an empty store on every start. Stop it with SIGTERM
# (PostgreSQL: SIGINT, its fast shutdown). It is not recorded in the state folder: the caller owns it.
cmd_run_private() {
  if [ $# -lt 3 ] || [ $# -gt 4 ]; then die "usage: run-private NAME PORT DIR [PORT2]"; fi
  local name=$1 port=$2 dir=$3 port2=${4:-}
  check_names "$name"
  case $port in '' | *[!0-9]*) die "run-private: PORT must be a number, got '$port'" ;; esac
  [ -n "$port2" ] || port2=$((port + 1))
  case $port2 in *[!0-9]*) die "run-private: PORT2 must be a number, got '$port2'" ;; esac
  [ -d "$dir" ] || die "run-private: $dir is not a folder"
  dir=$(cd "$dir" && pwd)
  local p shared=" $PG_PORT $REDIS_PORT $FERRETDB_PORT $NEO4J_BOLT_PORT $NEO4J_HTTP_PORT $MINIO_PORT $MINIO_CONSOLE_PORT "
  for p in "$port" "$port2"; do
    case $shared in *" $p "*) die "run-private: port $p belongs to the shared servers; pick another" ;; esac
  done
  if port_open "$port"; then die "run-private: port 127.0.0.1:$port is already in use"; fi
  case $name in minio | neo4j) if port_open "$port2"; then die "run-private: port 127.0.0.1:$port2 is already in use"; fi ;; esac
  "run_private_$name" "$port" "$dir" "$port2"
}

run_private_postgres() {
  local port=$1 dir=$2 data=$2/data
  [ -x "$PG_BIN/postgres" ] || die "postgres: $PG_BIN/postgres missing; run: scripts/services.sh up postgres"
  if is_root; then
    chown postgres: "$dir"
    runuser -u postgres -- test -x "$dir" ||
      die "postgres: OS user 'postgres' cannot reach $dir; pick a folder it can traverse"
  fi
  if [ ! -s "$data/PG_VERSION" ]; then
    # initdb makes $PG_USER the superuser with its password, and single-user mode creates the
    # database, so the server never has to run before the exec below.
    printf '%s\n' "$PG_PASSWORD" >"$dir/pwfile"
    if is_root; then chown postgres: "$dir/pwfile"; fi
    as_pg "$PG_BIN/initdb" -D "$data" -U "$PG_USER" --pwfile="$dir/pwfile" --auth-local=trust \
      --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      {
        cat "$dir/initdb.log" >&2
        die "postgres: initdb failed"
      }
    rm -f "$dir/pwfile"
    as_pg "$PG_BIN/postgres" --single -D "$data" -c fsync=off postgres \
      <<<"CREATE DATABASE $PG_DB OWNER $PG_USER;" >"$dir/single.log" 2>&1 ||
      {
        cat "$dir/single.log" >&2
        die "postgres: creating database $PG_DB failed"
      }
  fi
  local run=()
  # setpriv drops to the postgres user without a watching parent (runuser would stay in between).
  if is_root; then run=(setpriv --reuid=postgres --regid=postgres --init-groups); fi
  exec "${run[@]}" "$PG_BIN/postgres" -D "$data" -c listen_addresses=127.0.0.1 -c port="$port" \
    -c unix_socket_directories= -c max_connections=50 -c fsync=off -c synchronous_commit=off \
    -c full_page_writes=off
}

run_private_redis() {
  install_redis
  exec redis-server --bind 127.0.0.1 --port "$1" --protected-mode yes --save "" --appendonly no \
    --dir "$2" --daemonize no
}

run_private_minio() {
  local port=$1 dir=$2 console=$3
  [ -x "$MINIO_BIN" ] || die "minio: binary $MINIO_BIN missing; run: scripts/services.sh up minio"
  mkdir -p "$dir/data" "$dir/config"
  exec env MINIO_ROOT_USER="$S3_ACCESS_KEY" MINIO_ROOT_PASSWORD="$S3_SECRET_KEY" MINIO_UPDATE=off \
    MINIO_CALLHOME_ENABLE=off MINIO_REGION="$S3_REGION" \
    "$MINIO_BIN" server --quiet --anonymous --config-dir "$dir/config" \
    --address "127.0.0.1:$port" --console-address "127.0.0.1:$console" "$dir/data"
}

# A private FerretDB stays on SQLite: it must not depend on the shared PostgreSQL its tests keep
# running, and it only serves a handful of documents.
run_private_ferretdb() {
  local port=$1 dir=$2
  [ -x "$FERRETDB_BIN" ] || die "ferretdb: binary $FERRETDB_BIN missing; run: scripts/services.sh up ferretdb"
  mkdir -p "$dir/data" "$dir/state"
  exec "$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$dir/data/" --state-dir="$dir/state" \
    --listen-addr="127.0.0.1:$port" --debug-addr=- --telemetry=disable --log-level=warn
}

# The launcher writes <dir>/ready once Bolt accepts the password, and removes it on shutdown. A
# private server lives for seconds, so only the quick JIT tier runs: it halves the start-up here.
run_private_neo4j() {
  local port=$1 dir=$2 http=$3
  [ -f "$NEO4J_HOME/classes/Launcher.class" ] ||
    die "neo4j: harness or launcher missing in $NEO4J_HOME; run: scripts/services.sh up neo4j"
  mkdir -p "$dir/work"
  exec env NEO4J_PASSWORD="$NEO4J_PASSWORD" java -Xms128m -Xmx512m -XX:+UseSerialGC \
    -XX:TieredStopAtLevel=1 -cp "$NEO4J_HOME/classes:$NEO4J_HOME/lib/*" Launcher "$dir/work" \
    "127.0.0.1:$port" "127.0.0.1:$http" "$dir/ready"
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  case $cmd in
  up | down | reset)
    check_names "$@"
    mkdir -p "$SVC"
    # One `up`/`down` at a time per state folder (parallel test jobs may both call `up`).
    exec 9>"$SVC/.lock"
    flock 9
    case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    reset)
      cmd_down
      rm -rf "$SVC"
      [ "$PG_HOME" = "$SVC/postgres" ] || rm -rf "$PG_HOME"
      log "reset: removed $SVC"
      ;;
    esac
    ;;
  status)
    for n in "${ALL[@]}"; do status_line "$n"; done
    ;;
  run-private) cmd_run_private "$@" ;;
  env)
    [ -f "$ENV_FILE" ] || die "no env file at $ENV_FILE; run: scripts/services.sh up"
    cat "$ENV_FILE"
    ;;
  *)
    awk 'NR > 1 && !/^#/ { exit } NR > 1' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    [ -z "$cmd" ] || [ "$cmd" = help ] || [ "$cmd" = -h ] || exit 2
    ;;
  esac
}

main "$@"
