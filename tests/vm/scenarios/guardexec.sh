# IKT-EXPECT: snapshot full
# guardexec: `imakexec-trace exec` under the armed guard on kernels that
# carry the list (baseline: snapshot at load; patched: copy at execute).
# attach --guard, load, N measurements (after the snapshot: a plain kexec -e
# is refused on baseline), `exec --dry-run --json` states the plan, then the
# list is dumped and the system-shutdown hook `make install` ships runs as
# systemd-shutdown runs it ("kexec" argument), which runs `exec`. The host
# expects the
# whole stage-1 list in the next kernel's log on both kernels, replaying
# both banks (the reload re-snapshots it; nothing new is measured since the
# files, the tool and the command line are measured already).
stage1() {
	if [ ! -x "$TOOL" ]; then
		ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	"$TOOL" attach --guard >/dev/null 2>&1
	ikt tool=attach rc=$?
	ikt_load first file || return
	ikt_measure "$(ikt_arg n 4)" ge
	mode=$("$TOOL" status --json 2>/dev/null | sed -n 's/.*"carry_mode":"\([^"]*\)".*/\1/p')
	if [ "$mode" = load-snapshot ]; then
		kexec -e >/tmp/kexec.out 2>&1; rc=$?
		chk plain_kexec_refused $(( rc == 0 )) "rc=$rc"
	fi
	plan=$("$TOOL" exec --dry-run --json 2>/tmp/e.err); rc=$?
	ikt tool=exec_dry rc=$rc
	want=reload
	[ "$mode" = execute-copy ] && want=execute
	printf '%s' "$plan" | grep -q "\"plan\":\"$want\""
	chk exec_plan $(( rc + $? )) "mode=$mode $(printf '%s' "$plan" | tr -d ' ' | head -c 200)"
	ikt_hook_execute
}
stage2() {
	out=$("$TOOL" verify --json 2>/dev/null)
	ikt tool=verify rc=$?
}
