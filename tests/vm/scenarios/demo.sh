# IKT-EXPECT: demo
# demo (make demo, not in the suite: tests/vm/run skips this name). Two acts,
# each its own VM (a fresh TPM), chosen by ikt.act=:
#   loss (default): the live monitor through a plain kexec with measurements
#     in the window, audit before, verify after: the list is lost.
#   cure: attach --guard, the same load and window; plain kexec -e refused,
#     `exec` carries the list to the virtio disk and kexecs; the next boot's
#     verify --prior matches, then ak create + evidence --nonce (ikt.nonce=,
#     drawn by scripts/demo), both dumped for the host's verify --evidence.
# Lines for the user start with "DEMO"; the monitor and exec print straight
# to the console; scripts/demo shows those and nothing else.
demo() { echo "DEMO $*"; }
act=$(ikt_arg act loss)
# the cure's next boot needs no list dump (the host checks the evidence)
[ "$act" = cure ] && IKT_NODUMP=1

loss1() {
	demo "boot 1: kernel $(uname -r) ($(ikt_arg accel '?')), IMA list has $(ikt_count) entries"
	# the next boot's initramfs, built before tracking starts (reading
	# every file to pack it is measured: not the point here)
	ikt_mkinitrd >/dev/null
	if ! "$TOOL" attach >/tmp/attach.out 2>&1; then
		sed 's/^/DEMO attach| /' /tmp/attach.out
		return
	fi
	demo "imakexec-trace attach: tracking pinned under /sys/fs/bpf/imakexec"
	"$TOOL" monitor 2>/dev/null &
	mon=$!
	sleep 2
	demo "kexec -s -l: loading the next kernel (where there is CONFIG_IMA_KEXEC, the IMA list is snapshotted now)"
	ikt_load first file || return
	demo "reading 5 new files AFTER the load: each is measured and extends PCR 10"
	ikt_measure 5 demo
	sleep 2
	kill -INT $mon
	wait $mon
	demo "imakexec-trace audit (what kexec -e would lose now):"
	"$TOOL" audit 2>&1 | sed -n '1,3p' | sed 's/^/DEMO audit| /'
	demo "kexec -e"
	ikt_execute
}
loss2() {
	demo "boot 2: the next kernel booted; entries in its IMA list: $(ikt_count)"
	demo "imakexec-trace verify (replay the list against the TPM's PCR 10):"
	"$TOOL" verify 2>&1 | grep -E '^(log |sha[0-9]+ |verdict)' | sed 's/^/DEMO verify| /'
}

cure1() {
	demo "boot 1: kernel $(uname -r) ($(ikt_arg accel '?')), a fresh TPM, IMA list has $(ikt_count) entries"
	ikt_disk /var/lib/imakexec >/dev/null || { demo "no virtio disk"; return; }
	demo "a virtio disk (ext4) is mounted on /var/lib/imakexec: it survives the kexec"
	ikt_mkinitrd >/dev/null
	if ! "$TOOL" attach --guard >/tmp/attach.out 2>&1; then
		sed 's/^/DEMO attach| /' /tmp/attach.out
		return
	fi
	demo "imakexec-trace attach --guard: the guard refuses a kexec whose next log would not replay PCR 10"
	ikt_load first file >/dev/null || { demo "kexec -s -l failed"; return; }
	demo "kexec -s -l: the next kernel is loaded; IMA list has $(ikt_count) entries"
	ikt_measure 5 cure >/dev/null
	demo "reading 5 new files after the load: IMA list has $(ikt_count) entries, all in PCR 10"
	demo "kexec -e (plain, as before):"
	kexec -e >/tmp/kexec.out 2>&1
	rc=$?
	sed 's/^/DEMO kexec| /' /tmp/kexec.out
	demo "kexec| exit $rc, still running boot 1"
	"$TOOL" status 2>&1 | grep -E '^ *(kexec guard|last)' | sed 's/^ */DEMO status| /'
	demo "imakexec-trace exec (the safe kexec -e): write the list to the disk, then kexec"
	sync
	"$TOOL" exec
	demo "exec returned $?: no kexec"
}
cure2() {
	demo "boot 2: the next kernel booted; entries in its IMA list: $(ikt_count) (no list came with the kexec)"
	ikt_disk /var/lib/imakexec >/dev/null || return
	f=$(ls /var/lib/imakexec/carry/*.bin | head -n 1)
	demo "imakexec-trace verify (this boot's list alone):"
	"$TOOL" verify 2>&1 | grep -E '^verdict' | sed 's/^/DEMO verify| /'
	demo "imakexec-trace verify --prior ${f#/var/lib/imakexec/} (boot 1's carried list first):"
	"$TOOL" verify --prior "$f" 2>&1 | grep -E '^(prior |log |sha[0-9]+ |verdict)' |
		sed 's/^/DEMO verify| /'
	nonce=$(ikt_arg nonce 00)
	if "$TOOL" ak create --out /tmp/ak.pem >/tmp/ak.out 2>&1; then
		demo "imakexec-trace ak create: an attestation key in the TPM, public part to ak.pem"
	else
		sed 's/^/DEMO ak create| /' /tmp/ak.out
	fi
	"$TOOL" evidence --nonce "$nonce" --out /tmp/ev.bin >/tmp/ev.out 2>&1
	ikt tool=evidence rc=$?
	demo "imakexec-trace evidence --nonce $nonce (the nonce the host chose):"
	sed 's/^/DEMO evidence| /' /tmp/ev.out
	demo "sending ak.pem and the evidence to the host over the serial line"
	ikt_dump ak /tmp/ak.pem
	ikt_dump ev /tmp/ev.bin
}

stage1() { if [ "$act" = cure ]; then cure1; else loss1; fi; }
stage2() { if [ "$act" = cure ]; then cure2; else loss2; fi; }
