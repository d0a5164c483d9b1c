# IKT-CHECK-KERNELS: stock,unstable
# pintrust: the pin directory is trusted only as attach makes it (root-owned
# 0700 on bpffs, root-owned 0600 pins). With bpffs at mode 1777, as a plain
# mount is, another user plants a symlink or a directory: attach refuses
# with the path and the fix, follows nothing and deletes nothing; a pinned
# map that is missing is refused; two attaches at once leave one
# tracker. One boot, no kexec; "IKT check=" lines.
stage1() {
	if [ ! -x "$TOOL" ]; then
		ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	chmod 1777 /sys/fs/bpf
	mkdir -p /tmp/victim && echo keep >/tmp/victim/keep && chmod 777 /tmp/victim
	su nobody -c "ln -s /tmp/victim /sys/fs/bpf/imakexec"
	"$TOOL" attach >/tmp/p.out 2>&1; rc=$?
	grep -q "refusing /sys/fs/bpf/imakexec" /tmp/p.out
	chk attach_refuses_symlink $(( (rc != 2) + $? )) "rc=$rc"
	"$TOOL" detach >/tmp/p.out 2>&1; rc=$?
	[ $rc = 2 ] && [ -f /tmp/victim/keep ] && [ -L /sys/fs/bpf/imakexec ]
	chk detach_follows_nothing $? "rc=$rc"
	rm -f /sys/fs/bpf/imakexec

	su nobody -c "mkdir /sys/fs/bpf/imakexec"
	"$TOOL" attach >/tmp/p.out 2>&1; rc=$?
	grep -q "owned by uid 65534" /tmp/p.out
	chk attach_refuses_user_dir $(( (rc != 2) + $? )) "rc=$rc $(head -c 100 /tmp/p.out | tr ' \n' '__')"
	"$TOOL" status >/dev/null 2>&1; rc=$?
	chk status_refuses_user_dir $(( rc != 2 )) "rc=$rc"
	rmdir /sys/fs/bpf/imakexec

	# two attaches at once: serialised, one tracker, both succeed
	"$TOOL" attach >/tmp/a1.out 2>&1 &
	p1=$!
	"$TOOL" attach >/tmp/a2.out 2>&1 &
	p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	n=$(cat /tmp/a1.out /tmp/a2.out | grep -c "already attached")
	st=$("$TOOL" status --json 2>/dev/null); rs=$?
	printf '%s' "$st" | grep -q '"status":"failed"'; nofail=$?
	[ $r1 = 0 ] && [ $r2 = 0 ] && [ "$n" = 1 ] && [ $rs = 0 ] && [ $nofail = 1 ]
	chk concurrent_attach $? "rc1=$r1 rc2=$r2 already=$n status_rc=$rs"
	m=$(stat -c %a /sys/fs/bpf/imakexec); o=$(stat -c %u /sys/fs/bpf/imakexec)
	[ "$m" = 700 ] && [ "$o" = 0 ]; chk pin_dir_root_0700 $? "mode=$m uid=$o"

	# a program that feeds the verdict lost its link: audit says UNKNOWN
	# (exit 2) with the reason, not a verdict from stale state
	rm /sys/fs/bpf/imakexec/kexec_file_load_exit
	"$TOOL" audit >/tmp/p.out 2>&1; rc=$?
	grep -q "UNKNOWN" /tmp/p.out && grep -q "kexec_file_load_exit is no longer attached" /tmp/p.out
	chk audit_unknown_without_links $(( (rc != 2) + $? )) "rc=$rc $(head -c 160 /tmp/p.out | tr ' \n' '__')"

	# a pinned map gone (bpffs allows no rename or link to swap one in)
	rm /sys/fs/bpf/imakexec/config
	"$TOOL" status >/tmp/p.out 2>&1; rc=$?
	grep -q "incomplete (no config)" /tmp/p.out
	chk missing_pin_refused $(( (rc != 2) + $? )) "rc=$rc $(head -c 120 /tmp/p.out | tr ' \n' '__')"
	"$TOOL" detach >/dev/null 2>&1; rc=$?
	[ ! -e /sys/fs/bpf/imakexec ]; chk detach_cleans $(( rc + $? )) "rc=$rc"
}
