# IKT-CHECK-KERNELS: stock,unstable
# busyattach: attach while every vCPU keeps appending measurements. One
# ikt-burst storm per vCPU (ikt.storms=) runs throughout; ROUNDS rounds of attach (timed in the
# guest), then detach except after the last. When the storms are over the
# host compares status --json's ima_count with the guest's own read of
# runtime_measurements_count and with the length of the dumped list.
# IKT-RUNVM: --smp 2
# IKT-COST: 45
stage1() {
	if [ ! -x "$TOOL" ] || ! command -v ikt-burst >/dev/null; then
		ikt "skip=imakexec-trace_or_ikt-burst_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	ikt event=accel name=$(ikt_arg accel unknown) cpus=$(grep -c '^processor' /proc/cpuinfo)
	rounds=$(ikt_arg rounds 3)
	n=$(ikt_arg n 200)
	# the reference for the attach's cost: the same attach while both
	# vCPUs spin in loops that measure nothing (under TCG, vCPU sharing and
	# cross-CPU code patching cost the same as under the storms below; only
	# the measurements differ), twice, and once on a quiet machine
	tm=$(ikt-burst time 1 "$TOOL" attach)
	ikt event=quietattach rc=$(echo "$tm" | sed -n 's/.* rc=\([0-9]*\).*/\1/p') ms=$(( $(echo "$tm" | sed -n 's/.* max_us=\([0-9]*\).*/\1/p') / 1000 ))
	"$TOOL" detach >/dev/null 2>&1
	# one spinner and one storm per vCPU (ikt.storms=, default: the vCPUs)
	storms=$(ikt_arg storms "$(grep -c '^processor' /proc/cpuinfo)")
	spin() { while [ ! -e /tmp/spun ]; do :; done; }
	spins=""
	i=0
	while [ $i -lt "$storms" ]; do spin & spins="$spins $!"; i=$((i + 1)); done
	before=$(ikt_count)
	for q in 1 2; do
		tm=$(ikt-burst time 1 "$TOOL" attach)
		ikt event=spinattach round=$q rc=$(echo "$tm" | sed -n 's/.* rc=\([0-9]*\).*/\1/p') ms=$(( $(echo "$tm" | sed -n 's/.* max_us=\([0-9]*\).*/\1/p') / 1000 ))
		"$TOOL" detach >/dev/null 2>&1
	done
	touch /tmp/spun
	wait $spins
	ikt event=spun grew=$(( $(ikt_count) - before ))
	# each storm measures until /tmp/stop appears (whatever the guest's speed)
	storm() {
		while [ ! -e /tmp/stop ]; do
			ikt-burst write "$n" "$1" >/dev/null 2>&1 || { echo fail >"$1.rc"; return; }
		done
		echo ok >"$1.rc"
	}
	pids=""
	i=1
	while [ $i -le "$storms" ]; do storm /tmp/storm$i & pids="$pids $!"; i=$((i + 1)); done
	ikt event=storms n=$storms
	sleep 1
	r=1
	while [ "$r" -le "$rounds" ]; do
		before=$(ikt_count)
		# ikt-burst times the command and reports its exit status
		tm=$(ikt-burst time 1 "$TOOL" attach)
		after=$(ikt_count)
		rc=$(echo "$tm" | sed -n 's/.* rc=\([0-9]*\).*/\1/p')
		us=$(echo "$tm" | sed -n 's/.* max_us=\([0-9]*\).*/\1/p')
		busy=1
		for p in $pids; do kill -0 $p 2>/dev/null || busy=0; done
		ikt event=attach round=$r rc=${rc:-none} ms=$(( ${us:-999999999} / 1000 )) before=$before after=$after storms_running=$busy
		[ "$rc" = 0 ] || "$TOOL" attach 2>&1 | sed 's/^/IKT tool_msg=/; s/ /_/g' | head -n 3
		if [ "$r" -lt "$rounds" ]; then
			sleep 0.3
			"$TOOL" detach >/dev/null 2>&1
			ikt event=detach round=$r rc=$?
		fi
		r=$((r + 1))
	done
	# measured after the last attach too, so its counters move
	sleep 1
	touch /tmp/stop
	wait $pids
	i=1
	while [ $i -le "$storms" ]; do
		ikt event=storm id=$i rc=$([ "$(cat /tmp/storm$i.rc)" = ok ] && echo 0 || echo 1)
		i=$((i + 1))
	done
	st=$("$TOOL" status --json 2>/dev/null)
	ikt tool=status rc=$?
	ikt event=settled count=$(ikt_count)
	ikt status_json=$(printf '%s' "$st" | base64 | tr -d '\n')
}
