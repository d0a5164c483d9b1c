# IKT-EXPECT: demo
# demo (make demo, not in the suite): the live monitor through a kexec with
# measurements in the window, audit before, verify after. Lines for the user
# start with "DEMO"; the monitor prints straight to the console.
demo() { echo "DEMO $*"; }
stage1() {
	demo "stage 1: kernel $(uname -r), IMA list has $(ikt_count) entries"
	if ! "$TOOL" attach >/tmp/attach.out 2>&1; then
		sed 's/^/DEMO attach| /' /tmp/attach.out
		return
	fi
	demo "imakexec-trace attach: tracking pinned under /sys/fs/bpf/imakexec"
	"$TOOL" monitor 2>/dev/null &
	mon=$!
	sleep 2
	demo "kexec -s -l: loading the next kernel (the IMA list is snapshotted now)"
	ikt_load first file || return
	demo "reading 5 new files AFTER the load: each is measured and extends PCR 10"
	ikt_measure 5 demo
	sleep 2
	kill -INT $mon
	wait $mon
	demo "imakexec-trace audit (what kexec -e would lose now):"
	"$TOOL" audit 2>&1 | sed 's/^/DEMO audit| /'
	demo "kexec -e"
	ikt_execute
}
stage2() {
	demo "stage 2: the next kernel booted; its IMA list has $(ikt_count) entries"
	demo "imakexec-trace verify (replay the list against the TPM's PCRs):"
	"$TOOL" verify 2>&1 | grep -v '^boundary' | sed 's/^/DEMO verify| /'
}
