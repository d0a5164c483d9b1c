# IKT-EXPECT: snapshot
# IKT-COST: 30
# IKT-CHECKS: reload_plan reload_cmdline_kernel_copy reload_refuses_ctime_change
# reloadsame (issue 23.8; kernels that snapshot at load, where exec
# reloads): exec reloads only the very files kexec_file_load read, with the
# command line the kernel copied. One boot, no kexec: load a copy of the
# kernel with a known command line; `exec --dry-run` plans a reload of that
# file with exactly that command line; a chmod of the file (its ctime
# changes, its mtime, size and inode do not) makes exec refuse (exit 2).
IKT_SELFCHECK=1
stage1() {
	if [ ! -x "$TOOL" ]; then
		ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	"$TOOL" attach --guard >/dev/null 2>&1
	cp /boot/bzImage /tmp/k.bz
	cl="ikt.reload=same console=ttyS0 quiet"
	kexec -s -l /tmp/k.bz --append="$cl" >/tmp/kexec.out 2>&1
	ikt event=load rc=$?
	plan=$("$TOOL" exec --dry-run --json 2>/tmp/plan.err); rc=$?
	printf '%s' "$plan" | grep -q '"plan":"reload"' && printf '%s' "$plan" | grep -q '"kernel":"/tmp/k.bz"'
	chk reload_plan $(( rc + $? )) "rc=$rc $(printf '%s' "$plan" | tr -d ' ' | head -c 200)"
	printf '%s' "$plan" | grep -q "\"cmdline\":\"$cl\""
	chk reload_cmdline_kernel_copy $? "$(printf '%s' "$plan" | sed -n 's/.*\("cmdline":"[^"]*"\).*/\1/p' | tr ' ' '_')"
	sleep 1
	chmod 600 /tmp/k.bz
	"$TOOL" exec --dry-run >/tmp/exec.out 2>&1; rc=$?
	grep -q "changed since it was loaded" /tmp/exec.out
	chk reload_refuses_ctime_change $(( (rc != 2) + $? )) "rc=$rc $(head -c 200 /tmp/exec.out | tr ' \n' '__')"
	kexec -s -u >/dev/null 2>&1
}
# no kexec may happen here
stage2() { ikt error=a_kexec_happened_in_a_scenario_that_allows_none; }
