# IKT-CHECK-KERNELS: stock,unstable
# features: one boot, no kexec. Fault and environment behaviour of the tool
# in a real IMA kernel, each reported as "IKT check=NAME ok=0|1 ..." (the
# host fails the scenario on any ok=0):
#  - attach twice is harmless; pins are root-only (dir 0700, files 0600)
#  - SIGKILL of a monitor while measurements flow: the pinned counts stay
#    exact (status ima_count == runtime_measurements_count)
#  - unprivileged user: exit 77; bpffs not mounted: attach exit 78 with the
#    mount hint, monitor still runs unpinned
#  - detach leaves nothing behind
# feed_until_exit PID TAG: measure a new file every second until the
# monitor PID has its event and exits (at most 60 s: a monitor still loading
# its programs under TCG would miss a single measurement), then reap it
feed_until_exit() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 60 ]; do
		echo "$2 $i" >/tmp/k-$2-$i; cat /tmp/k-$2-$i >/dev/null
		sleep 1
		i=$((i + 1))
	done
	kill "$1" 2>/dev/null
	wait "$1"
}
stage1() {
	if [ ! -x "$TOOL" ]; then
		ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	# an image loaded before tracking: its snapshot is unknown, so audit
	# says UNKNOWN (exit 2) until the image is loaded again while attached
	ikt_load early file || return
	"$TOOL" attach >/dev/null 2>&1; a1=$?
	"$TOOL" audit --json >/tmp/au0.json 2>/dev/null; r0=$?
	v0=$(sed -n 's/.*"verdict":"\([A-Z-]*\)".*/\1/p' /tmp/au0.json)
	ikt_load again file || return
	"$TOOL" audit --json >/tmp/au1.json 2>/dev/null; r1=$?
	v1=$(sed -n 's/.*"verdict":"\([A-Z-]*\)".*/\1/p' /tmp/au1.json)
	[ $r0 = 2 ] && [ "$v0" = UNKNOWN ] && [ "$v1" != UNKNOWN ] && [ $r1 != 2 ]
	chk unknown_until_reloaded $? "before_attach=$v0/rc$r0 reloaded=$v1/rc$r1"
	kexec -s -u >/dev/null 2>&1
	"$TOOL" attach >/tmp/a2.out 2>&1; a2=$?
	grep -q "already attached" /tmp/a2.out
	chk attach_twice $((a1 + a2 + $?)) "rc1=$a1 rc2=$a2"
	d=$(stat -c %a /sys/fs/bpf/imakexec)
	bad=$(find /sys/fs/bpf/imakexec -type f ! -perm 600 | wc -l)
	[ "$d" = 700 ] && [ "$bad" = 0 ]; chk pin_modes $? "dir=$d files_not_0600=$bad"

	"$TOOL" monitor --json >/dev/null 2>&1 &
	mon=$!
	sleep 1
	i=0
	while [ $i -lt 30 ]; do echo "k $i" >/tmp/k-$i; cat /tmp/k-$i >/dev/null; i=$((i + 1)); done &
	load=$!
	sleep 1
	kill -9 $mon
	wait $load
	st=$("$TOOL" status --json 2>/dev/null)
	g=$(ikt_count)
	c=$(printf '%s' "$st" | jfield ima_count)
	k=$(printf '%s' "$st" | jfield kernel_count)
	[ -n "$c" ] && [ "$c" = "$g" ] && [ "$k" = "$g" ]
	chk count_exact_after_sigkill $? "tracker=$c bpf_kernel_count=$k guest=$g"
	"$TOOL" monitor --count 1 >/dev/null 2>&1 &
	mon=$!
	feed_until_exit $mon again; chk monitor_restart $? "pinned monitor got an event after the kill"

	# --count N stops after exactly N events even inside one batch
	"$TOOL" monitor --json --count 3 >/tmp/c3.json 2>/dev/null &
	mon=$!
	sleep 1
	i=0
	while [ $i -lt 10 ]; do echo "c $i" >/tmp/c-$i; cat /tmp/c-$i >/dev/null; i=$((i + 1)); done
	wait $mon; rc=$?
	lines=$(grep -c '"type":"measure"' /tmp/c3.json)
	ev=$(grep '"type":"summary"' /tmp/c3.json | jfield events)
	[ $rc = 0 ] && [ "$lines" = 3 ] && [ "$ev" = 3 ]; chk monitor_count_exact $? "rc=$rc measure_lines=$lines summary_events=$ev"

	# a monitor whose reader stopped reading: once the pipe is full its
	# writes block; SIGTERM must still end it promptly (no hang at reboot)
	mkfifo /tmp/stuck
	sleep 600 </tmp/stuck &
	reader=$!
	"$TOOL" monitor --json >/tmp/stuck 2>/tmp/stuck.err &
	mon=$!
	sleep 1
	ikt-burst write 2000 /tmp/st >/dev/null 2>&1	# ~600 KB of events, the pipe holds 64 KiB
	sleep 1
	alive=1
	kill -0 $mon 2>/dev/null && alive=0	# still writing into the full pipe
	kill -TERM $mon
	i=0
	while kill -0 $mon 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	gone=1
	kill -0 $mon 2>/dev/null && gone=0
	kill -9 $mon $reader 2>/dev/null
	wait $mon; rc=$?
	wait $reader 2>/dev/null
	# gone within a second of the signal (tenths counted by this loop)
	[ $alive = 0 ] && [ $gone = 1 ] && [ $i -le 10 ] && [ $rc = 2 ]
	chk monitor_sigterm_with_unread_pipe $? "running_before_term=$((1 - alive)) exited=$gone rc=$rc after_tenths=$i"

	# --prometheus rewrites its file at most once a second (each rewrite is
	# a rename: a new inode), however fast the list grows
	"$TOOL" monitor --prometheus /tmp/m.prom --duration 4 >/dev/null 2>&1 &
	mon=$!
	( i=0; while [ $i -lt 400 ]; do echo "p $i" >/tmp/pm-$i; cat /tmp/pm-$i >/dev/null; i=$((i + 1)); done ) &
	load=$!
	: >/tmp/inodes
	i=0
	while kill -0 $mon 2>/dev/null && [ $i -lt 100 ]; do
		stat -c %i /tmp/m.prom >>/tmp/inodes 2>/dev/null
		sleep 0.05
		i=$((i + 1))
	done
	wait $mon; rc=$?
	wait $load
	stat -c %i /tmp/m.prom >>/tmp/inodes 2>/dev/null
	n=$(sort -u /tmp/inodes | wc -l)
	[ $rc = 0 ] && [ "$n" -ge 2 ] && [ "$n" -le 6 ]
	chk prometheus_at_most_once_a_second $? "rc=$rc files_seen_in_4s=$n"

	su nobody -c "$TOOL status" >/tmp/u.out 2>&1; rc=$?
	[ $rc = 77 ] && grep -q "not root" /tmp/u.out; chk unprivileged $? "rc=$rc msg=$(head -n1 /tmp/u.out | tr " " "_")"

	"$TOOL" detach >/dev/null 2>&1; rc=$?
	left=$(ls -A /sys/fs/bpf | wc -l)
	[ $rc = 0 ] && [ "$left" = 0 ]; chk detach_clean $? "rc=$rc entries_left=$left"

	umount /sys/fs/bpf
	"$TOOL" attach >/tmp/b.out 2>&1; rc=$?
	[ $rc = 78 ] && grep -q "mount -t bpf" /tmp/b.out; chk no_bpffs_attach $? "rc=$rc"
	"$TOOL" monitor --count 1 >/dev/null 2>&1 &
	mon=$!
	feed_until_exit $mon nb; chk no_bpffs_monitor $? "monitor unpinned without bpffs"
}
