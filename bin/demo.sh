# Sourced by bin/factory for `bin/factory demo`: the main job, from a fresh clone to a report.
# It defines functions only; demo_main runs the stages in order and stops the services at the end,
# also when a stage fails.
#
# Stages: build what is missing; start the four services on embedded H2 databases in a folder of
# their own (run/demo/, emptied first); import the reference catalog and hall; check, release and
# publish the hall to a twin; export its OpenUSD stage; compare the three alternatives over a year
# of their real weather and grid carbon; train the liquid-cooling agent and evaluate it against
# the baseline on held-out traces; run the closed loop (emulated plant, agent, control, twin) for
# a simulated day; write out/report.html and out/summary.json.
#
# --quick shortens the training, the evaluation and the closed loop for CI; the figures it reports
# are not the published ones.

DEMO_DESIGN=designs/reference-hall
DEMO_REVISION=$DEMO_DESIGN/revisions/a
DEMO_TWIN=twins/reference-hall
DEMO_POLICY=policies/liquid-cooling
DEMO_AGENT=lc-agent
DEMO_WORKLOAD=Alibaba_CPU_Data_Hourly_1.csv

# Training and evaluation: 10-minute episodes spread over the day of the closed loop, one starting
# in each hour, from a Phoenix summer afternoon, the hardest weather of the data sets for dry
# coolers. A policy and a baseline trained on one afternoon hour ran GPUs over their limit for an
# hour of the day, in the loads of hours they had not seen. Seeds pick the load swings of each
# episode; the held-out seeds must differ from the training seeds (simulation-service rejects
# any overlap).
DEMO_AGENT_WEATHER=USA_AZ_Phoenix-Sky.Harbor.epw
DEMO_AGENT_WORKLOAD=GoogleClusteData_CPU_Data_Hourly_1.csv
DEMO_TRAIN_SEEDS=$(seq -s, 1 24)
DEMO_EVAL_SEEDS=$(seq -s, 1001 1024)
DEMO_EPISODE=10m
DEMO_EPISODE_WINDOW=24h
DEMO_EPISODE_START=2022-07-10T21:00:00Z
DEMO_BUDGET=300
# Closed loop, on the facility clock: simulated length, speed-up over wall time, telemetry
# interval and the agent's decision interval. 400x with 10 s telemetry sends about 38,000 samples
# a second, a fifth of what twin-service kept pace with (docs/benchmarks.md). A decision every
# 5 minutes is 48 proposals (24 CDUs, two setpoints each) every 0.75 s of wall time. The policy
# is trained deciding every second; holding its decisions for 5 minutes changed neither its
# cooling energy nor its hottest GPU by more than 0.1 % in a simulated day (docs/benchmarks.md).
DEMO_LOOP_DURATION=1d
DEMO_LOOP_SPEEDUP=400
DEMO_LOOP_TELEMETRY=10s
DEMO_LOOP_AGENT_INTERVAL=5m
# twin-service takes a twin's first sample only within 400 days of the wall clock, so the closed
# loop starts on the last 10 July at 21:00 UTC (2 pm in Phoenix) before today.
if [ "$(date -u +%m%d)" -gt 0710 ]; then
  DEMO_LOOP_START="$(date -u +%Y)-07-10T21:00:00Z"
else
  DEMO_LOOP_START="$(($(date -u +%Y) - 1))-07-10T21:00:00Z"
fi

demo_usage() {
  cat <<'EOF'
usage: bin/factory demo [--quick]

Runs the main job from a fresh clone and writes out/report.html and out/summary.json.
  --quick   shorter training, evaluation and closed loop (for CI); not the published figures
Environment: FACTORYTWIN_DATA_DIR (default ../shared/data beside the repository).
EOF
}

demo_main() {
  local quick=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --quick) quick=1 ;;
      -h | --help) demo_usage; return 0 ;;
      *) demo_usage >&2; return 2 ;;
    esac
    shift
  done
  if [ "$quick" = 1 ]; then
    DEMO_TRAIN_SEEDS=1,2,3,4
    DEMO_EVAL_SEEDS=1001,1002
    DEMO_EPISODE=10m
    DEMO_EPISODE_WINDOW=3h
    DEMO_BUDGET=150
    DEMO_LOOP_DURATION=3h
  fi

  if [ -z "${FACTORYTWIN_DATA_DIR:-}" ]; then
    FACTORYTWIN_DATA_DIR="$FACTORYTWIN_HOME/../shared/data"
  fi
  if [ ! -d "$FACTORYTWIN_DATA_DIR/weather" ] || [ ! -d "$FACTORYTWIN_DATA_DIR/carbon-intensity" ] ||
    [ ! -d "$FACTORYTWIN_DATA_DIR/workload" ]; then
    echo "error: no data sets at $FACTORYTWIN_DATA_DIR: the demo needs its weather/, carbon-intensity/" \
      "and workload/ folders. Set FACTORYTWIN_DATA_DIR to a folder that has them (see the README," \
      "'Data sets')." >&2
    return 1
  fi
  FACTORYTWIN_DATA_DIR="$(cd "$FACTORYTWIN_DATA_DIR" && pwd)"
  export FACTORYTWIN_DATA_DIR
  local service
  for service in "${SERVICES[@]}"; do
    if [ -n "$(pid_of "$service")" ]; then
      echo "error: $service-service is running; the demo starts its own services on a fresh" \
        "database, so stop them first with 'bin/factory down'" >&2
      return 1
    fi
  done

  DEMO_OUT="$FACTORYTWIN_HOME/out"
  DEMO_STATE="$RUN/demo"
  CTL="$FACTORYTWIN_HOME/bin/factoryctl"
  rm -rf "$DEMO_STATE" "$DEMO_OUT"
  mkdir -p "$DEMO_STATE" "$DEMO_OUT"
  : >"$DEMO_OUT/stages.tsv"
  DEMO_STARTED=$SECONDS
  DEMO_AGENT_PID=""
  trap demo_cleanup EXIT

  pick_java
  demo_stage "build what is missing" build_if_missing
  demo_stage "start the four services" demo_up
  demo_stage "import the reference catalog and hall" demo_import
  demo_stage "check, release and publish the hall to its twin" demo_publish
  demo_stage "export the OpenUSD stage" \
    "$CTL" design export-usd "$DEMO_REVISION" -O "$DEMO_OUT/reference-hall.usda"
  demo_stage "compare the three alternatives over a year" demo_compare
  demo_stage "train the liquid-cooling agent" demo_train
  demo_stage "evaluate the agent against the baseline on held-out traces" demo_evaluate
  demo_stage "run the closed loop for $DEMO_LOOP_DURATION of facility time" demo_closed_loop
  demo_stage "write the report" demo_report
  demo_stage "stop the services" demo_down
  trap - EXIT
  echo
  echo "demo finished in $((SECONDS - DEMO_STARTED)) s: $DEMO_OUT/report.html, $DEMO_OUT/summary.json"
  cat "$DEMO_OUT/summary.txt"
}

# Runs one stage: prints its name, runs it, prints and records how long it took.
demo_stage() {
  local name=$1 start=$SECONDS
  shift
  DEMO_STAGE_INDEX=$((${DEMO_STAGE_INDEX:-0} + 1))
  printf '\n[%d] %s ...\n' "$DEMO_STAGE_INDEX" "$name"
  if ! "$@"; then
    echo "error: stage '$name' failed after $((SECONDS - start)) s; service logs are in run/" >&2
    return 1
  fi
  printf '[%d] %s: done in %d s (total %d s)\n' "$DEMO_STAGE_INDEX" "$name" \
    $((SECONDS - start)) $((SECONDS - DEMO_STARTED))
  printf '%s\t%d\n' "$name" $((SECONDS - start)) >>"$DEMO_OUT/stages.tsv"
}

demo_cleanup() {
  local rc=$?
  if [ -n "${DEMO_AGENT_PID:-}" ] && kill -0 "$DEMO_AGENT_PID" 2>/dev/null; then
    kill -TERM "$DEMO_AGENT_PID" 2>/dev/null || true
  fi
  cmd_down >/dev/null 2>&1 || true
  if [ "$rc" != 0 ]; then
    echo "demo failed (exit $rc) after $((SECONDS - DEMO_STARTED)) s" >&2
  fi
}

demo_up() {
  # The services read their development tokens from run/tokens/ under their working folder.
  mkdir -p "$DEMO_STATE/run"
  "$CTL" dev init --dir "$RUN" >/dev/null
  ln -sfn "$RUN/tokens" "$DEMO_STATE/run/tokens"
  ln -sfn "$RUN/jwt" "$DEMO_STATE/run/jwt"
  FACTORYTWIN_STATE_DIR="$DEMO_STATE" cmd_up
}

demo_down() {
  cmd_down
}

# Prints the value of a top-level string field of the JSON that factoryctl -o json prints.
demo_json_field() {
  sed -n "s/^  \"$1\": \"\\([^\"]*\\)\",\\{0,1\\}\$/\\1/p" | head -n 1
}

demo_import() {
  "$CTL" design import "$FACTORYTWIN_HOME/examples/catalog.yaml" >/dev/null &&
    "$CTL" design import "$FACTORYTWIN_HOME/examples/reference-hall.yaml" >/dev/null &&
    "$CTL" design list
}

demo_publish() {
  "$CTL" design check "$DEMO_REVISION" &&
    "$CTL" design submit "$DEMO_REVISION" >/dev/null &&
    "$CTL" design release "$DEMO_REVISION" --timeout=120 >/dev/null || return 1
  local publication state deadline=$((SECONDS + 120))
  publication=$("$CTL" design publish "$DEMO_REVISION" --twin "$DEMO_TWIN" -o json | demo_json_field name)
  [ -n "$publication" ] || { echo "error: publish printed no publication name" >&2; return 1; }
  while [ $SECONDS -lt $deadline ]; do
    state=$("$CTL" design publish-status "$publication" -o json | demo_json_field state)
    case "$state" in
      STATE_DELIVERED) echo "published to $DEMO_TWIN"; return 0 ;;
      STATE_FAILED) echo "error: publication $publication FAILED" >&2; return 1 ;;
    esac
    sleep 1
  done
  echo "error: publication $publication not delivered after 120 s" >&2
  return 1
}

demo_compare() {
  DEMO_COMPARISON=$("$CTL" sim compare "$DEMO_REVISION" --workload "$DEMO_WORKLOAD" --no-watch \
    -o json | demo_json_field name)
  [ -n "$DEMO_COMPARISON" ] || return 1
  "$CTL" sim watch "$DEMO_COMPARISON" --progress lines && "$CTL" sim result "$DEMO_COMPARISON"
}

demo_train() {
  DEMO_TRAINING=$("$CTL" sim train --design-revision "$DEMO_REVISION" \
    --weather "$DEMO_AGENT_WEATHER" --workload "$DEMO_AGENT_WORKLOAD" \
    --start "$DEMO_EPISODE_START" --duration "$DEMO_EPISODE" \
    --episode-window "$DEMO_EPISODE_WINDOW" --seed "$DEMO_TRAIN_SEEDS" \
    --search-budget "$DEMO_BUDGET" --policy "$DEMO_POLICY" -o json | demo_json_field name)
  [ -n "$DEMO_TRAINING" ] || return 1
  "$CTL" sim watch "$DEMO_TRAINING" --progress lines && "$CTL" sim result "$DEMO_TRAINING" || return 1
  DEMO_POLICY_VERSION=$("$CTL" sim result "$DEMO_TRAINING" -o json |
    sed -n 's/^ *"policyVersion": "\([^"]*\)".*/\1/p' | head -n 1)
  [ -n "$DEMO_POLICY_VERSION" ] || { echo "error: the training stored no policy version" >&2; return 1; }
  echo "trained $DEMO_POLICY_VERSION"
}

demo_evaluate() {
  # --hourly-oracle: the report states the ceiling of the saving beside the agent's own.
  DEMO_EVALUATION=$("$CTL" sim evaluate "$DEMO_POLICY_VERSION" --seed "$DEMO_EVAL_SEEDS" \
    --hourly-oracle -o json |
    demo_json_field name)
  [ -n "$DEMO_EVALUATION" ] || return 1
  "$CTL" sim watch "$DEMO_EVALUATION" --progress lines && "$CTL" sim result "$DEMO_EVALUATION"
}

# The closed loop: guardrails and an autonomous agent in control-service, the plant emulated by
# simulation-service in facility time, and the trained policy run by `factoryctl agent run` as an
# external agent would run it.
demo_control_setup() {
  local points="$DEMO_TWIN/points/*.cdu-*"
  # The supply range is the trained policy's search range; the safe default is the twin's design
  # setpoint. NOTE: demo values chosen for the emulated hall, not taken from an equipment spec.
  "$CTL" control guardrails create tcs-supply --pattern "$points.liquid-temperature-sp.secondary-supply" \
    --unit C --min 25 --max 60 --rate 5 --safe-default 30 >/dev/null &&
    "$CTL" control guardrails create pump-speed --pattern "$points.pump-speed-sp" \
      --unit % --min 30 --max 100 --rate 50 --safe-default 100 >/dev/null &&
    "$CTL" control register "$DEMO_AGENT" --owner demo@factorytwin.io --mode autonomous \
      --scope "$points.liquid-temperature-sp.secondary-supply" --scope "$points.pump-speed-sp" \
      --enabled --lease-seconds 30 >/dev/null || return 1
  "$CTL" dev token --subject "$DEMO_AGENT" --role agent >"$DEMO_STATE/agent.jwt" || return 1
}

demo_closed_loop() {
  demo_control_setup || return 1

  DEMO_EMULATION=$("$CTL" sim emulate --twin "$DEMO_TWIN" --workload "$DEMO_AGENT_WORKLOAD" \
    --weather "$DEMO_AGENT_WEATHER" \
    --speed-up "$DEMO_LOOP_SPEEDUP" --duration "$DEMO_LOOP_DURATION" \
    --start "$DEMO_LOOP_START" --telemetry-interval "$DEMO_LOOP_TELEMETRY" -o json |
    demo_json_field name)
  [ -n "$DEMO_EMULATION" ] || return 1
  echo "plant emulation $DEMO_EMULATION at ${DEMO_LOOP_SPEEDUP}x"
  FACTORYTWIN_AGENT_TOKEN="$(cat "$DEMO_STATE/agent.jwt")" "$CTL" agent run \
    --policy-version "$DEMO_POLICY_VERSION" --twin "$DEMO_TWIN" --agent "agents/$DEMO_AGENT" \
    --interval "$DEMO_LOOP_AGENT_INTERVAL" --log "$DEMO_OUT/agent-log.jsonl" \
    >"$DEMO_OUT/agent.out" 2>&1 &
  DEMO_AGENT_PID=$!
  "$CTL" sim watch "$DEMO_EMULATION" --progress lines || return 1
  kill -TERM "$DEMO_AGENT_PID" 2>/dev/null || true
  wait "$DEMO_AGENT_PID" 2>/dev/null || true
  DEMO_AGENT_PID=""
  tail -n 3 "$DEMO_OUT/agent.out"
}

demo_report() {
  "$CTL" report --out "$DEMO_OUT" --stages "$DEMO_OUT/stages.tsv" \
    --comparison "$DEMO_COMPARISON" --evaluation "$DEMO_EVALUATION" \
    --emulation "$DEMO_EMULATION" --twin "$DEMO_TWIN" --agent "agents/$DEMO_AGENT" \
    --agent-log "$DEMO_OUT/agent-log.jsonl" | tee "$DEMO_OUT/summary.txt"
}
