#!/usr/bin/env bash
# Kills twin-service in the middle of a closed loop and checks that the loop recovers:
#  1. while twin-service is down, control-service rejects a proposal with UNAVAILABLE;
#  2. after twin-service restarts, the agent's proposals are applied again and the emulated
#     plant's facility clock moves on;
#  3. no acknowledged action is lost: every proposal the agent's log records as APPLIED is an
#     APPLIED action in control-service, and the audit trail verifies.
#
# It runs the four services on H2 in run/twin-restart/, the plant emulation at 100x, and
# `factoryctl agent run` with fixed policy parameters (no training, to keep it short).
# twin-service is killed with SIGKILL, the way a crashed process ends.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../../bin/factory
source bin/factory
# shellcheck source=../../bin/demo.sh
source bin/demo.sh
pick_java

for service in "${SERVICES[@]}"; do
  if [ -n "$(pid_of "$service")" ]; then
    echo "error: $service-service is running; stop it with 'bin/factory down' first" >&2
    exit 1
  fi
done
if [ -z "${FACTORYTWIN_DATA_DIR:-}" ]; then
  FACTORYTWIN_DATA_DIR="$(cd "$FACTORYTWIN_HOME/../shared/data" && pwd)"
fi
export FACTORYTWIN_DATA_DIR

DEMO_OUT="$FACTORYTWIN_HOME/out/twin-restart"
DEMO_STATE="$RUN/twin-restart"
CTL="$FACTORYTWIN_HOME/bin/factoryctl"
DEMO_STARTED=$SECONDS
DEMO_AGENT_PID=""
rm -rf "$DEMO_OUT" "$DEMO_STATE"
mkdir -p "$DEMO_OUT" "$DEMO_STATE"
LOG="$DEMO_OUT/agent-log.jsonl"
trap demo_cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

applied_count() {
  local count
  count=$(grep -c '"outcome":"APPLIED"' "$LOG" 2>/dev/null) || true
  echo "${count:-0}"
}

# Waits up to $2 seconds until the agent log contains at least $1 APPLIED proposals.
wait_applied() {
  local want=$1 deadline=$((SECONDS + $2))
  while [ "$(applied_count)" -lt "$want" ]; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 1
  done
}

simulated_time() {
  "$CTL" sim jobs -o json 2>/dev/null | sed -n 's/^ *"simulatedTime": "\([^"]*\)".*/\1/p' | head -n 1
}

demo_up
demo_import >/dev/null
demo_publish
demo_control_setup

cat >"$DEMO_OUT/parameters.json" <<'EOF'
{"algorithm": "predictive-liquid-cooling",
 "values": {"setpoint_c": 40, "setpoint_load_gain_k": 5, "lead_time_s": 0,
            "filter_time_s": 30, "pump_speed_min": 0.5, "pump_speed_load_gain": 0.4}}
EOF
emulation=$("$CTL" sim emulate --twin "$DEMO_TWIN" --workload "$DEMO_AGENT_WORKLOAD" \
  --weather "$DEMO_AGENT_WEATHER" --speed-up 100 --duration 12h --start "$DEMO_LOOP_START" \
  --telemetry-interval 10s -o json | demo_json_field name)
[ -n "$emulation" ] || fail "no emulation job"
FACTORYTWIN_AGENT_TOKEN="$(cat "$DEMO_STATE/agent.jwt")" "$CTL" agent run \
  --parameters "$DEMO_OUT/parameters.json" --twin "$DEMO_TWIN" --agent "agents/$DEMO_AGENT" \
  --interval 60s --log "$LOG" >"$DEMO_OUT/agent.out" 2>&1 &
DEMO_AGENT_PID=$!

wait_applied 96 180 || fail "the agent applied $(applied_count) proposals in 180 s, expected 96"
echo "before the kill: $(applied_count) proposals APPLIED"

kill -KILL "$(pid_of twin)"
echo "twin-service killed"
sleep 2
point="$DEMO_TWIN/points/hall-1.row-01.cdu-1.liquid-temperature-sp.secondary-supply"
set +e
FACTORYTWIN_AGENT_TOKEN="$(cat "$DEMO_STATE/agent.jwt")" "$CTL" control propose "$point" 38 \
  --unit C --heartbeat --rationale "twin-restart check" >"$DEMO_OUT/propose.out" 2>"$DEMO_OUT/propose.err"
code=$?
set -e
grep -q UNAVAILABLE "$DEMO_OUT/propose.err" ||
  fail "a proposal with twin-service down ended with exit $code, not UNAVAILABLE: $(cat "$DEMO_OUT/propose.err")"
echo "control-service answered UNAVAILABLE (exit $code)"
stalled=$(simulated_time)
sleep 5
[ "$(simulated_time)" = "$stalled" ] || echo "note: the facility clock moved while twin-service was down"
before=$(applied_count)

FACTORYTWIN_STATE_DIR="$DEMO_STATE" cmd_up >/dev/null
echo "twin-service restarted"
wait_applied $((before + 96)) 240 ||
  fail "after the restart the agent applied only $(($(applied_count) - before)) more proposals in 240 s"
[ "$(simulated_time)" != "$stalled" ] || fail "the emulated plant's facility clock did not move on"
echo "after the restart: $(($(applied_count) - before)) more proposals APPLIED"

# The job's etag changes with every progress report, so a cancel can meet a newer version
# (ABORTED); it reads the etag again on each try.
for attempt in 1 2 3 4 5; do
  "$CTL" sim cancel "$emulation" >/dev/null 2>"$DEMO_OUT/cancel.err" && break
  [ "$attempt" -lt 5 ] || fail "cannot cancel $emulation: $(cat "$DEMO_OUT/cancel.err")"
  sleep 0.5
done
kill -TERM "$DEMO_AGENT_PID"
wait "$DEMO_AGENT_PID" || true
DEMO_AGENT_PID=""
grep -q '"status":"UNAVAILABLE"' "$LOG" || fail "the agent log has no UNAVAILABLE error"

"$CTL" report --out "$DEMO_OUT" --agent "agents/$DEMO_AGENT" --agent-log "$LOG" >/dev/null
node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).closedLoop;
  const log = s.agentLog;
  console.log(`agent log: ${log.appliedInLog} APPLIED, ${log.appliedFoundInControl} found in control-service, audit valid: ${s.auditValid}`);
  if (!s.auditValid) { console.error("FAIL: the audit trail does not verify"); process.exit(1); }
  if (log.appliedMissingFromControl !== 0 || log.appliedInLog === 0) {
    console.error(`FAIL: ${log.appliedMissingFromControl} acknowledged actions are missing: ${log.missingExamples}`);
    process.exit(1);
  }' "$DEMO_OUT/summary.json"
demo_down >/dev/null
trap - EXIT
echo "twin restart during the closed loop: OK"
