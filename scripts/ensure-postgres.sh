#!/usr/bin/env bash
# Make sure the local PostgreSQL answers on 127.0.0.1:5432, starting its cluster if it is down.
set -eu
ready() { pg_isready -q -h 127.0.0.1 -p 5432; }
if ready; then exit 0; fi
echo "Starting the local PostgreSQL cluster…" >&2
version=$(ls /etc/postgresql | sort -V | tail -n 1)
pg_ctlcluster --skip-systemctl-redirect "$version" main start
for _ in $(seq 1 30); do
  if ready; then exit 0; fi
  sleep 1
done
echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2
exit 1
