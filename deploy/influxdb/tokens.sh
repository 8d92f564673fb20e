#!/bin/sh
# Run once by the influxdb image after its initial setup (docker-entrypoint-initdb.d): a
# write-only token for the processor and a read-only one for Grafana, both scoped to the
# bucket, written where those services read them (the admin token stays with InfluxDB).
set -eu
umask 077
mkdir -p /influx-tokens
new_token() {
  # $1: description, then the permission flags; prints the token (third column).
  description=$1
  shift
  influx auth create --org "$DOCKER_INFLUXDB_INIT_ORG" --description "$description" "$@" \
    --hide-headers | cut -f3
}
new_token "dozor processor: write ${DOCKER_INFLUXDB_INIT_BUCKET}" \
  --write-bucket "$DOCKER_INFLUXDB_INIT_BUCKET_ID" > /influx-tokens/processor.token
new_token "grafana: read ${DOCKER_INFLUXDB_INIT_BUCKET}" \
  --read-bucket "$DOCKER_INFLUXDB_INIT_BUCKET_ID" > /influx-tokens/grafana.token
# Both services run as other users than InfluxDB: they read, nobody writes.
chmod 0444 /influx-tokens/processor.token /influx-tokens/grafana.token
