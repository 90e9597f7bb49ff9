# Shared set-up of the shell e2e tests (tmux + momentum-sim).  Source it
# after `set -euo pipefail`, then call `e2e_setup NAME`.
#
# Gives: $src $console $sim, fail MSG, $tmp (private dir) and $sock
# (private tmux socket) removed on exit, stop_sim, and wait_sim_port,
# which reads momentum-sim's first line "PORT n" from $tmp/sim.out into
# $port.  tmux is required: a failure under CI=true, a skip otherwise.

src=${MOMENTUM_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
console=${MOMENTUM_CONSOLE_BIN:-$src/build/momentum-console}
sim=${MOMENTUM_SIM_BIN:-$src/build/momentum-sim}

fail() { echo "FAIL: $*" >&2; exit 1; }

e2e_setup() {	# name
	if ! command -v tmux >/dev/null; then
		[[ ${CI:-} == true ]] && fail "tmux is required when CI=true"
		echo "SKIP: tmux is not installed"
		exit 0
	fi
	[[ -x $console ]] || fail "no console binary at $console"
	[[ -x $sim ]] || fail "no simulator binary at $sim"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/momentum-$1.XXXXXX")
	sock="momentum-$1-$$"
	sim_pid=
	trap e2e_cleanup EXIT
}

stop_sim() {
	if [[ -n $sim_pid ]]; then
		kill "$sim_pid" 2>/dev/null || true
		wait "$sim_pid" 2>/dev/null || true
		sim_pid=
	fi
}

e2e_cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	stop_sim
	rm -rf "$tmp"
}

wait_sim_port() {
	port=
	for _ in $(seq 100); do
		port=$(awk '$1 == "PORT" { print $2; exit }' "$tmp/sim.out" 2>/dev/null)
		[[ -n $port ]] && return 0
		sleep 0.1
	done
	fail "momentum-sim did not start: $(cat "$tmp/sim.err")"
}
