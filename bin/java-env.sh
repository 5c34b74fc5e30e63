# Sourced by bin/factory and bin/factoryctl: sets FACTORYTWIN_HOME and JAVA_HOME (a JDK 21 or
# newer: $JAVA_HOME if it qualifies, else Temurin 25 where it is installed, else java on PATH).

FACTORYTWIN_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export FACTORYTWIN_HOME

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}

pick_java() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate")" -ge 21 ]; then
      JAVA_HOME="$candidate"
      export JAVA_HOME
      return 0
    fi
  done
  if command -v java >/dev/null; then
    candidate="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    if [ "$(java_major "$candidate")" -ge 21 ]; then
      JAVA_HOME="$candidate"
      export JAVA_HOME
      return 0
    fi
  fi
  echo "error: Factory Twin needs a JDK 21 or newer; set JAVA_HOME to one" >&2
  return 1
}

# Prints the JVM options of one service: $FACTORYTWIN_JAVA_OPTS when set, else the defaults.
# Serial GC and a bounded heap suit services that each get a fraction of a small machine. The
# class data sharing archive (one per service, created at the first clean exit and reused
# after) cuts start-up time by about a third; FACTORYTWIN_CDS=false turns it off.
service_java_opts() {
  local service=$1 dir=$2
  if [ -n "${FACTORYTWIN_JAVA_OPTS:-}" ]; then
    echo "$FACTORYTWIN_JAVA_OPTS"
    return
  fi
  local opts="-XX:+UseSerialGC -Xms64m -Xmx512m -XX:+ExitOnOutOfMemoryError"
  if [ "${FACTORYTWIN_CDS:-true}" != false ]; then
    opts="$opts -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$dir/$service.jsa"
  fi
  echo "$opts"
}
