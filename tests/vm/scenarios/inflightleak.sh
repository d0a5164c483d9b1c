# IKT-SET: bench
# IKT-RUNVM: --smp 2
# IKT-CHECKS: storms_ran nothing_left_in_flight
# inflightleak (make bench; issue 23.5): attach --guard, then one storm of
# measurements per vCPU (ikt-burst write, ikt.n= each, default 20000) at the
# same time; when both are over nothing may be counted in flight. Reports
# the recursion misses of the in-flight programs (calls the BPF trampoline
# skipped because the program was running on that CPU: the way an exit is
# missed) and leaks_healed (records taken back at a thread's re-entry or
# exit).
IKT_SELFCHECK=1
stage1() {
	if [ ! -x "$TOOL" ] || ! command -v ikt-burst >/dev/null; then
		ikt "skip=imakexec-trace_or_ikt-burst_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	n=$(ikt_arg n 20000)
	"$TOOL" attach --guard >/dev/null 2>&1 || { chk storms_ran 1 "attach_failed"; return; }
	ikt-burst write "$n" /tmp/leak-a >/tmp/la.out 2>&1 &
	a=$!
	ikt-burst write "$n" /tmp/leak-b >/tmp/lb.out 2>&1 &
	b=$!
	wait $a; ra=$?
	wait $b; rb=$?
	chk storms_ran $(( ra + rb )) "$(tr ' ' '\n' </tmp/la.out | grep -E '^(n|per_s)=' | tr '\n' ',')"
	st=$("$TOOL" status --json 2>/dev/null)
	for p in add_entry_enter add_entry_enter2 add_entry_exit add_entry_exit2 measure_enter measure_enter2 measure_exit measure_exit2 preseal_exit; do
		m=$(printf '%s' "$st" | sed -n "s/.*\"program\":\"$p\",[^}]*\"recursion_misses\":\([0-9a-z]*\).*/\1/p")
		ikt event=misses program=$p recursion_misses=$m
	done
	g=$(printf '%s' "$st" | sed -n 's/.*"guard":{\([^}]*\)}.*/{\1}/p')
	ai=$(printf '%s' "$g" | jfield appends_inflight)
	me=$(printf '%s' "$g" | jfield measuring)
	li=$(printf '%s' "$g" | jfield loads_inflight)
	lh=$(printf '%s' "$g" | jfield leaks_healed)
	chk nothing_left_in_flight $(( ${ai:-1} + ${me:-1} + ${li:-1} != 0 )) \
		"appends_inflight=$ai measuring=$me loads_inflight=$li leaks_healed=$lh"
}
