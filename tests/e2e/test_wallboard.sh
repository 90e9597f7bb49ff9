#!/usr/bin/env bash
# e2e: the wallboard.  Every environment on one screen, firing alarms in a
# banner, data age shown, the detail pane rotating, every key but q
# ignored (no dialog, no prompt, no mutating request), and it survives
# the simulator going away and recovers by itself when it returns.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
e2e_setup wallboard

rw_id=AKIAWALLTESTRW000001
rw_secret=wall-test-rw-secret-00000000000000000001
printf 'rw %s %s\n' "$rw_id" "$rw_secret" >"$tmp/credentials"
start_sim() {	# port
	: >"$tmp/sim.out"
	"$sim" --port "$1" --speed 60 --scenario incident \
	    --credentials "$tmp/credentials" \
	    --request-log "$tmp/requests.jsonl" >"$tmp/sim.out" 2>"$tmp/sim.err" &
	sim_pid=$!
	wait_sim_port
}
start_sim 0

sed -e 's/^services = .*/services = 1/' -e 's/^alarms = .*/alarms = 1/' \
    -e 's/^metrics = .*/metrics = 2/' -e 's/^background = .*/background = 1/' \
    "$src/config/momentum.conf" >"$tmp/console.conf"

tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 40 \
    "env AWS_ACCESS_KEY_ID=$rw_id AWS_SECRET_ACCESS_KEY=$rw_secret \
    AWS_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:$port \
    AWS_CONFIG_FILE=$tmp/none AWS_SHARED_CREDENTIALS_FILE=$tmp/none \
    XDG_STATE_HOME=$tmp/state XDG_CACHE_HOME=$tmp/cache TERM=xterm-256color \
    LANG=C.UTF-8 $console --config $tmp/console.conf \
    --wallboard --rotate 2; echo CONSOLE-EXITED \$?; sleep 60"

screen() { tmux -L "$sock" capture-pane -p -t 0; }
send() { tmux -L "$sock" send-keys -t 0 "$@"; }
wait_screen() {	# extended regex [seconds]
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
wait_gone() {	# extended regex [seconds]
	local i
	for i in $(seq $((${2:-10} * 10))); do
		if ! screen | grep -qE -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	screen >&2
	fail "screen still shows: $1"
}
mutations() {
	grep -E '"operation":"(UpdateService|CreateAutoScalingConfiguration|PauseService|ResumeService|StartDeployment|PutImage)"' \
	    "$tmp/requests.jsonl" || true
}
detail() { screen | grep -oE '(dev|staging|prod) / [a-z-]+' | head -1; }

# Every environment, with a status word and the age of its data.
wait_screen "MOMENTUM WALLBOARD" 10
for env in DEV STAGING PROD; do
	wait_screen "$env" 10
done
wait_screen "svc [0-9]+s ago|svc now" 15
echo "ok: all environments with data age"

# The incident fires alarms in prod: a banner that cannot be missed.
wait_screen "ALARMS? FIRING" 90
wait_screen "prod: momentum-prod-api" 5
echo "ok: firing alarms in the banner"

# The detail pane rotates through the services.
first=$(detail)
[[ -n $first ]] || fail "no rotating detail pane"
for _ in $(seq 60); do
	sleep 0.1
	[[ $(detail) != "$first" ]] && break
done
[[ $(detail) != "$first" ]] || fail "the detail pane did not rotate from $first"
echo "ok: rotation ($first -> $(detail))"

# Hands off: no key opens anything or sends anything.
for k in s + - p R P : / '?' Enter Escape 1 2 3 Tab r a L; do
	send "$k"
done
sleep 1
screen | grep -qE "Enter confirm|Type '|^:" && { screen >&2; fail "a key did something"; }
screen | grep -qF "MOMENTUM WALLBOARD" || fail "left the wallboard"
[[ -z $(mutations) ]] || fail "mutating requests: $(mutations)"
echo "ok: keys ignored"

# Network loss: the data goes stale, the wallboard stays up...
sim_port=$port
stop_sim
wait_screen "stale|no data" 20
screen | grep -q CONSOLE-EXITED && fail "the console exited without the network"
echo "ok: stale data shown while the simulator is gone"
# ...and recovers by itself when the endpoint returns.
start_sim "$sim_port"
wait_gone "stale|no data" 30
echo "ok: recovered"

send q
wait_screen "CONSOLE-EXITED 0" 10
[[ -z $(mutations) ]] || fail "mutating requests: $(mutations)"
echo PASS
