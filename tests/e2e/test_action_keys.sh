#!/usr/bin/env bash
# e2e: action keys in read-only mode.  Every action key in every view is
# refused with a message (or, where the view has no such action, does
# nothing), and no mutating request reaches momentum-sim.  With
# read_only = yes on prod only, prod refuses while staging still opens
# the confirmation dialog.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
e2e_setup keys

rw_id=AKIAKEYSTESTRW000001
rw_secret=keys-test-rw-secret-00000000000000000001
printf 'rw %s %s\n' "$rw_id" "$rw_secret" >"$tmp/credentials"
"$sim" --port 0 --speed 20 --credentials "$tmp/credentials" \
	--request-log "$tmp/requests.jsonl" >"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!
wait_sim_port

# The default deployment, refreshed fast, optionally with prod read-only.
write_config() {
	sed -e 's/^services = .*/services = 1/' -e 's/^alarms = .*/alarms = 2/' \
	    -e 's/^metrics = .*/metrics = 5/' "$src/config/momentum.conf" |
	awk -v ro="$1" '
		/^\[env / { env = $2; sub(/\]/, "", env) }
		/^read_only/ && env == ro { print "read_only = yes"; next }
		{ print }' >"$tmp/console.conf"
}

run=0
start_console() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	run=$((run + 1))
	sock="momentum-keys-$$-$run"
	tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 40 \
	    "env AWS_ACCESS_KEY_ID=$rw_id AWS_SECRET_ACCESS_KEY=$rw_secret \
	    AWS_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:$port \
	    AWS_CONFIG_FILE=$tmp/none AWS_SHARED_CREDENTIALS_FILE=$tmp/none \
	    XDG_STATE_HOME=$tmp/state XDG_CACHE_HOME=$tmp/cache TERM=xterm-256color \
	    LANG=C.UTF-8 $console --config $tmp/console.conf --no-mouse $*; \
	    echo CONSOLE-EXITED \$?; sleep 60"
}

screen() { tmux -L "$sock" capture-pane -p -t 0; }
send() { tmux -L "$sock" send-keys -t 0 "$@"; }
wait_screen() {	# text [seconds]
	local i
	for i in $(seq $((${2:-10} * 10))); do
		if screen | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	screen >&2
	fail "screen never showed: $1"
}
quit_console() {
	send Escape
	send ":q" Enter
	wait_screen "CONSOLE-EXITED 0" 10
}
wait_screen_re() {	# extended regex [seconds]
	local i
	for i in $(seq $((${2:-10} * 10))); do
		if screen | grep -qE -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	screen >&2
	fail "screen never showed: $1"
}
mutations() {
	grep -E '"operation":"(UpdateService|CreateAutoScalingConfiguration|PauseService|ResumeService|StartDeployment|PutImage)"' \
	    "$tmp/requests.jsonl" || true
}

# key action views-where-bound (from ui/keys.c)
keys=(
	"s scale overview,service,compare"
	"+ scale-up overview,service"
	"- scale-down overview,service"
	"p pause-resume overview,service"
	"R rollback overview,service"
	"P promote overview,service,compare"
)
views=("overview" "compare" "service api" "alarms" "logs api" "cost" "help")

# --- 1. --read-only: every key in every view -----------------------------
write_config none
start_console --read-only
wait_screen "dev services" 15
for v in "${views[@]}"; do
	send Escape
	send ":$v" Enter
	name=${v%% *}
	sleep 0.5
	for k in "${keys[@]}"; do
		read -r key action where <<<"$k"
		send -l "$key"
		if [[ ",$where," == *",$name,"* ]]; then
			wait_screen "$action is disabled" 5
		else
			sleep 0.3
		fi
		if screen | grep -qE "Enter confirm|Type '"; then
			screen >&2
			fail "a dialog opened for $action in $name (read-only)"
		fi
	done
	echo "ok: read-only $name"
done
quit_console
[[ -z $(mutations) ]] || fail "mutating requests in read-only mode: $(mutations)"

# --- 2. read_only = yes on prod only -------------------------------------
write_config prod
start_console
wait_screen "dev services" 15
send -l 3
wait_screen "prod services" 10
for k in "${keys[@]}"; do
	read -r key action where <<<"$k"
	send -l "$key"
	wait_screen "$action is disabled" 5
	screen | grep -qF "prod is read_only" || fail "no reason for $action"
done
echo "ok: prod refuses every action key"
# staging is writable: pause opens the confirmation, Esc sends nothing.
send -l 2
wait_screen "staging services" 10
send -l p
wait_screen "Enter to go ahead" 15
screen | grep -qF "PauseService" || fail "the dialog does not show the API call"
send Escape
wait_screen "cancelled; nothing was sent" 5
echo "ok: staging opens the confirmation"
quit_console
[[ -z $(mutations) ]] || fail "mutating requests: $(mutations)"

# --- 3. writable: + on prod api, the typed name, the tracked operation ----
write_config none
start_console
wait_screen "dev services" 15
send -l 3
wait_screen "prod services" 10
send -l j		# frontend -> api
sleep 0.3
send -l +
wait_screen "Type 'prod' to confirm" 15
screen | grep -qF "CreateAutoScalingConfiguration" || fail "no API calls shown"
send -l yes
send Enter
wait_screen "type 'prod' exactly" 5
[[ -z $(mutations) ]] || fail "a wrong confirmation sent: $(mutations)"
send BSpace BSpace BSpace
send -l prod
send Enter
send Enter		# key repeat: must not submit twice
wait_screen_re "scale momentum-prod-api in prod: operation [0-9a-f-]+ SUCCEEDED" 30
quit_console
n=$(mutations | grep -c '"UpdateService"' || true)
[[ $n -eq 1 ]] || fail "expected one UpdateService, got $n: $(mutations)"
audit=$tmp/state/momentum/audit.log
[[ -f $audit ]] || fail "no audit log"
grep -q '"phase":"intent".*"action":"scale"\|"action":"scale".*"phase":"intent"' "$audit" ||
    fail "no intent record: $(cat "$audit")"
grep -q '"result":"SUCCEEDED"' "$audit" || fail "no completed record: $(cat "$audit")"
echo "ok: scale through the keys, confirmed, audited, tracked"
echo "PASS"
