#!/usr/bin/env bash
# Native-image check without GraalVM: runs the Quarkus native build of every service up to the
# point where native-image would start (-Pnative with quarkus.native.sources-only), for the
# PostgreSQL build that the container images use. That run fails on what Quarkus can detect before
# compilation, such as a build step that rejects the configuration for native mode. It cannot
# find reflection that is missing at run time; only a real native build and a run of it can.
#
# One Maven run builds the services and the DSX bridge together with the modules they depend on
# (-am), so the result never depends on stale snapshots in the local Maven repository. The
# native-image inputs go to target/native-sources/ of each service. The same build rewrites
# target/quarkus-app/ as a PostgreSQL build, so the script puts the previous target/quarkus-app/
# back afterwards, and 'bin/factory up' keeps finding the build it had.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
source bin/java-env.sh
pick_java

services=(lifecycle-service twin-service simulation-service control-service dsx-bridge)
saved_suffix=".before-native-check"
saved_items=(quarkus-app quarkus-artifact.properties)

# Moves each service's JVM build back into place, where one was set aside.
restore_jvm_builds() {
  local service item
  for service in "${services[@]}"; do
    for item in "${saved_items[@]}"; do
      if [ -e "$service/target/$item$saved_suffix" ]; then
        rm -rf "$service/target/$item"
        mv "$service/target/$item$saved_suffix" "$service/target/$item"
      fi
    done
  done
}
trap restore_jvm_builds EXIT

for service in "${services[@]}"; do
  rm -rf "$service/target/native-sources"
  for item in "${saved_items[@]}"; do
    rm -rf "$service/target/$item$saved_suffix"
    if [ -e "$service/target/$item" ]; then
      mv "$service/target/$item" "$service/target/$item$saved_suffix"
    fi
  done
done

echo "== native build steps (sources only) of ${services[*]}"
start=$(date +%s)
modules="$(IFS=,; echo "${services[*]}")"
maven_status=0
./mvnw -B -q --fail-at-end -pl "$modules" -am package -DskipTests -Ppostgresql,native \
  -Dquarkus.native.sources-only=true || maven_status=$?
echo "Maven finished with status $maven_status in $(($(date +%s) - start)) s"

failed=()
for service in "${services[@]}"; do
  args="$service/target/native-sources/native-image.args"
  if [ -s "$args" ]; then
    echo "$service: native-image inputs written to $service/target/native-sources/"
  else
    echo "error: $service: no $args was written. Check the Maven output above, and that the" \
      "'native' profile in $service/pom.xml sets quarkus.native.enabled=true." >&2
    failed+=("$service")
  fi
done

# Paho creates its logger, message catalog and network modules by name. The bridge registers them
# in PahoNativeSupport and its resource-config.json, so check that both reach the inputs.
bridge_jar="$(ls dsx-bridge/target/native-sources/*-runner.jar 2>/dev/null | head -n 1)"
if [ -n "$bridge_jar" ]; then
  reflect="$(unzip -p "$bridge_jar" META-INF/native-image/reflect-config.json)"
  for class in logging.JSR47Logger internal.ResourceBundleCatalog \
    internal.TCPNetworkModuleFactory internal.SSLNetworkModuleFactory; do
    if ! grep -q "\"org.eclipse.paho.client.mqttv3.$class\"" <<<"$reflect"; then
      echo "error: dsx-bridge: Paho's $class is not registered for reflection" >&2
      failed+=("dsx-bridge")
    fi
  done
  if ! unzip -p "$bridge_jar" 'META-INF/native-image/io.factorytwin/dsx-bridge/resource-config.json' |
    grep -q 'org.eclipse.paho.client.mqttv3.internal.nls.logcat'; then
    echo "error: dsx-bridge: Paho's resource bundles are not in the native-image inputs" >&2
    failed+=("dsx-bridge")
  fi
fi

if [ ${#failed[@]} -gt 0 ] || [ "$maven_status" -ne 0 ]; then
  echo "native check failed for: ${failed[*]:-(see the Maven output)}" >&2
  exit 1
fi
echo "native check passed for all ${#services[@]} services"
