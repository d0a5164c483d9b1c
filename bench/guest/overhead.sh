# bench/guest/overhead.sh (sourced by the guest's /init, see bench/vm):
# tracer overhead and CLI latency, all in one boot without a TPM.
# Workloads (tests/vm/ikt-burst.c): "exec" creates and runs distinct tiny
# executables (one BPRM_CHECK entry each), "write" rewrites and reads one
# file (one FILE_CHECK entry each: the cheapest measurement there is).
# Modes: off (not attached), attach (pinned tracking, no consumer), guard
# (attach --guard: also the guard's LSM capable hook and the seal's
# bprm/mmap/open/kernel-read hooks, which run on every exec and open),
# monitor (attached + `monitor --json` writing to a tmpfs file). Rounds
# run the modes in ABC CBA ... order so a drift along the boot (the IMA
# hash table fills up) weighs on every mode alike.
IKT_SELFCHECK=1
ROUNDS=$(ikt_arg rounds 5)
NEXEC=$(ikt_arg nexec 1000)
NWRITE=$(ikt_arg nwrite 5000)

mode_on() {
	case $1 in
	off) ;;
	attach) $TOOL attach >/dev/null 2>&1 || ikt error=attach_failed ;;
	guard) $TOOL attach --guard >/dev/null 2>&1 || ikt error=attach_guard_failed ;;
	monitor)
		$TOOL attach >/dev/null 2>&1 || ikt error=attach_failed
		$TOOL monitor --json >/tmp/mon.json 2>/dev/null &
		MON=$!
		sleep 1 ;;
	esac
}

mode_off() {
	if [ "$1" = monitor ]; then
		kill -INT $MON; wait $MON
		tail -n 1 /tmp/mon.json | grep -q '"type":"summary"' || ikt error=monitor_no_summary
		rm -f /tmp/mon.json
	fi
	[ "$1" = off ] || $TOOL detach >/dev/null 2>&1 || ikt error=detach_failed
}

latency() { # latency RUNS: CLI wall times at the current list length;
	# audit without and with a kexec image loaded (then it reads the list)
	$TOOL attach >/dev/null 2>&1
	n=$(ikt_count)
	ikt bench=latency entries=$n cmd=status $(ikt-burst time "$1" $TOOL status | cut -d' ' -f3-)
	ikt bench=latency entries=$n cmd=audit $(ikt-burst time "$1" $TOOL audit | cut -d' ' -f3-)
	if kexec -s -l /boot/bzImage --append=ikt.bench >/dev/null 2>&1; then
		n=$(ikt_count)
		v=$($TOOL audit 2>/dev/null | sed -n 's/^verdict: \([A-Z-]*\).*/\1/p')
		ikt bench=latency entries=$n cmd=audit-$v $(ikt-burst time "$1" $TOOL audit | cut -d' ' -f3-)
		ikt bench=latency entries=$n cmd=audit-$v-json $(ikt-burst time "$1" $TOOL audit --json | cut -d' ' -f3-)
		kexec -s -u >/dev/null 2>&1
	else
		ikt error=kexec_load_failed
	fi
	$TOOL detach >/dev/null 2>&1
}

stage1() {
	[ -x "$TOOL" ] && command -v ikt-burst >/dev/null || { ikt error=tool_or_ikt-burst_missing; return; }
	latency 20
	ikt-burst write $((1000 - $(ikt_count))) /tmp/w >/dev/null
	latency 20
	ikt-burst write 9000 /tmp/w >/dev/null
	latency 10
	# warm-up, not counted: first-run costs (page cache, TCG translation)
	ikt-burst exec "$NEXEC" /tmp/x >/dev/null
	ikt-burst write "$NWRITE" /tmp/w >/dev/null
	r=1
	while [ $r -le "$ROUNDS" ]; do
		if [ $((r % 2)) = 1 ]; then order="off attach guard monitor"; else order="monitor guard attach off"; fi
		for m in $order; do
			mode_on $m
			ikt bench=overhead round=$r mode=$m work=exec $(ikt-burst exec "$NEXEC" /tmp/x | cut -d' ' -f3-)
			ikt bench=overhead round=$r mode=$m work=write $(ikt-burst write "$NWRITE" /tmp/w | cut -d' ' -f3-)
			mode_off $m
		done
		r=$((r + 1))
	done
	latency 3
	# CPU-bound reference, also timed on the host with the same busybox
	# binary and input: how much slower the guest runs plain integer code
	ikt bench=reference $(ikt-burst time 5 /bin/busybox md5sum /boot/bzImage | cut -d' ' -f3-)
	ikt check=overhead_ran ok=1
}
