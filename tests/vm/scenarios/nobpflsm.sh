# IKT-CHECK-KERNELS: stock,unstable
# IKT-CMDLINE: lsm=lockdown,capability,integrity
# nobpflsm: booted without bpf in lsm= (the later lsm= wins). attach must
# warn, skip only the two LSM programs, attach the rest and still count
# exactly; status must say what is not traced.
stage1() {
	if [ ! -x "$TOOL" ]; then
		ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	"$TOOL" attach >/tmp/a.out 2>&1; rc=$?
	grep -q "bpf not in /sys/kernel/security/lsm: boot with lsm=...,bpf; LSM programs skipped" /tmp/a.out
	chk attach_warns $((rc + $?)) "rc=$rc"
	ikt_measure 3 nl
	st=$("$TOOL" status --json 2>/dev/null)
	lsm_missing=$(printf '%s' "$st" | grep -o '"program":"\(read_file\|load_data\)","function":"[^"]*","traces":"[^"]*","status":"missing"' | wc -l)
	others_ok=$(printf '%s' "$st" | grep -c '"program":"add_entry_exit","function":"ima_add_template_entry","traces":"IMA appends","status":"attached"')
	[ "$lsm_missing" = 2 ] && [ "$others_ok" = 1 ]; chk lsm_programs_skipped $? "lsm_missing=$lsm_missing appends_attached=$others_ok"
	g=$(ikt_count)
	c=$(printf '%s' "$st" | jfield ima_count)
	k=$(printf '%s' "$st" | jfield kernel_count)
	[ -n "$c" ] && [ "$c" = "$g" ] && [ "$k" = "$g" ]
	chk count_exact $? "tracker=$c bpf_kernel_count=$k guest=$g"
	"$TOOL" detach >/dev/null 2>&1
	# the guard never runs silently unguarded: exit 78 with the fix, and
	# nothing is left attached
	"$TOOL" attach --guard >/tmp/g.out 2>&1; rc=$?
	grep -q "bpf not in /sys/kernel/security/lsm: boot with lsm=...,bpf.*guard cannot run" /tmp/g.out
	chk guard_needs_bpf_lsm $(( (rc != 78) + $? )) "rc=$rc"
	"$TOOL" status >/dev/null 2>&1; rc=$?
	chk guard_left_nothing $(( rc != 79 )) "status_rc=$rc"
}
