# IKT-SET: bench
# IKT-DISK: 512
# IKT-RUNVM: --timeout 3600 --mem 3072
# execcost (bench/exec-cost boots it at 1,000, 10,000 and 100,000 entries):
# the time `imakexec-trace exec` adds to a kexec with a list of ikt.n=
# entries. attach --guard, load, ikt-burst write until the list is that
# long, then exec: its own "<plan> done in X ms; executing" line (from its
# start to the reboot syscall: the reload, the carry with its fsyncs, or
# the fit check) is the figure. The next boot checks that its log replays
# (verify, with the carry where there is one); lists this long are not
# dumped over the serial line.
IKT_NODUMP=1
. /ikt/chain.sh	# chain_exec
stage1() {
	if [ ! -x "$TOOL" ] || ! command -v ikt-burst >/dev/null; then
		ikt error=tool_or_ikt-burst_missing
		return
	fi
	ikt_disk /var/lib/imakexec || return
	"$TOOL" attach --guard >/dev/null 2>&1
	ikt tool=attach rc=$?
	ikt_load first file || return
	n=$(ikt_arg n 1000)
	have=$(ikt_count)
	[ "$have" -lt "$n" ] && ikt-burst write $((n - have)) /tmp/w >/dev/null
	ikt event=execcost n=$n count=$(ikt_count) bytes=$(wc -c <$IMA/binary_runtime_measurements)
	sync
	# --kmsg: printk reaches the serial console before the reboot syscall
	# returns; a pipe's reader may not run again before the kexec
	echo 8 >/proc/sys/kernel/printk
	chain_exec 1 1 --kmsg
	ikt error=exec_returned
	ikt_finish
}
stage2() {
	ikt selfcheck=1
	ikt_disk /var/lib/imakexec || return
	prior=""
	for f in /var/lib/imakexec/carry/*.bin; do
		[ -f "$f" ] && prior="--prior $f"
	done
	"$TOOL" verify $prior >/tmp/v.out 2>&1
	rc=$?
	chk next_log_replays $rc "rc=$rc count=$(ikt_count) $(tr ' ' '_' </tmp/v.out | head -c 200)"
}
