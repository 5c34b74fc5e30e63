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
