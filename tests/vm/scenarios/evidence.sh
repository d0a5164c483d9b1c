# IKT-CHECK-KERNELS: stock,trixie,baseline,patched,mainline
# IKT-EXPECT: none snapshot full
# IKT-SET: light
# IKT-DISK: 64
# IKT-COST: 120
# IKT-RUNVM: --allow-reboot
# evidence (issue 24): what a remote verifier gets after the product's own
# kexec. Stage 1: attach --guard, load, N measurements, list dumped, `exec`
# (stock/unstable: carry on the virtio disk; baseline: reload; patched:
# execute). Stage 2: `ak create`, then `evidence` with the nonce the host
# chose for this run (ikt.nonce=, tests/vm/run), both dumped. The host
# (tests/vm/evidencejudge.py): `verify --evidence` exits 0 with the chain
# of boots it expects; tpm2_checkquote accepts the same quote, nonce and
# PCR values; its own replay of stage 1's list (the carry) and the quoted
# current list reaches the quoted values in sha1 and sha256; resetCount
# unchanged across the kexec (the same boot of the TPM); each crafted failure (another nonce, a flipped log byte,
# a PCR value changed, the attest changed, a carry left out, truncated, the
# quote of stage 1 with stage 2's log) fails for its own reason.
# Then a cold boot of the same disk and TPM (stage 2 reboots; QEMU resets
# the guest and its TPM: PCR 10 starts over): its evidence must verify as
# a one-boot chain (the carry on the disk no longer replays: left out) and
# its resetCount be above the kexec's.
# the cold boot: the same disk and TPM after stage 2's reboot
cold_boot() {
	ikt event=coldboot
	"$TOOL" ak create --out /tmp/ak.pem >/tmp/ak.out 2>&1
	ikt tool=ak_create_cold rc=$?
	"$TOOL" evidence --nonce "$(ikt_arg nonce 00)" --out /tmp/evc.bin >/tmp/ev.out 2>&1
	ikt tool=evidence_cold rc=$?
	sed 's/^/IKT tool_msg=/; s/ /_/g' /tmp/ev.out | head -n 6
	ikt_dump evcold /tmp/evc.bin
	ikt_finish
}
stage1() {
	if [ ! -x "$TOOL" ]; then
		ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	ikt_disk /var/lib/imakexec || return
	[ -f /var/lib/imakexec/ikt-coldboot ] && cold_boot
	"$TOOL" attach --guard >/dev/null 2>&1
	ikt tool=attach rc=$?
	ikt_load first file || return
	ikt_measure "$(ikt_arg n 4)" ev
	# a quote of this boot, made before the kexec (a must-fail case: this
	# quote with the next boot's log)
	"$TOOL" ak create --out /tmp/ak.pem >/tmp/ak.out 2>&1
	ikt tool=ak_create_s1 rc=$?
	"$TOOL" evidence --nonce "$(ikt_arg nonce 00)" --out /tmp/ev1.bin >/tmp/ev.out 2>&1
	ikt tool=evidence_s1 rc=$?
	ikt_dump evs1 /tmp/ev1.bin
	ikt_dump s1
	ikt event=execute count=$(ikt_count)
	"$TOOL" exec >/tmp/exec.out 2>&1
	ikt error=exec_returned rc=$?
	sed 's/^/IKT tool_msg=/; s/ /_/g' /tmp/exec.out | head -n 5
	ikt_finish
}
stage2() {
	ikt_disk /var/lib/imakexec || return
	"$TOOL" ak create --out /tmp/ak.pem >/tmp/ak.out 2>&1
	ikt tool=ak_create rc=$?
	sed 's/^/IKT tool_msg=/; s/ /_/g' /tmp/ak.out | head -n 3
	"$TOOL" evidence --nonce "$(ikt_arg nonce 00)" --out /tmp/ev.bin >/tmp/ev.out 2>&1
	ikt tool=evidence rc=$?
	sed 's/^/IKT tool_msg=/; s/ /_/g' /tmp/ev.out | head -n 6
	ikt_dump ak /tmp/ak.pem
	ikt_dump ev /tmp/ev.bin
	# a cold boot follows (QEMU restarts the guest: --allow-reboot)
	touch /var/lib/imakexec/ikt-coldboot
	sync
	umount /var/lib/imakexec
	reboot -f
	sleep 30
}
