# IKT-CHECK-KERNELS: stock,baseline,patched,mainline
# IKT-DISK: 64
# auditverify: attach, load, N measurements, then `imakexec-trace audit
# --json --save RECORD` right before kexec -e, RECORD on a virtio ext4 disk
# that survives the kexec (the pre-reboot record, README "audit"): it must
# be a regular file, mode 0600, owned by root. After the kexec, `imakexec-trace
# verify --record RECORD --json` against the TPM, then the list again (dump
# s2v: the list verify read, plus nothing). The host checks that audit's
# at-risk entries are, entry for entry (seq order, template digest), the
# ones the next kernel's list lost; that verify's verdict agrees (mismatch
# iff anything lost); that the record verify read holds exactly those
# entries, from stage 1's boot (boot_id), and that the entries it names
# absent are the lost ones the list verify read does not hold again (a
# file measured again the same way in the next boot has the same template
# digest: verify matches by digest, duplicates counted).
REC=/var/lib/ikt/pre-kexec.record

record_line() { # record_line LABEL: the record file as this boot sees it
	if [ -f "$REC" ] && [ ! -L "$REC" ]; then
		ikt record=$1 exists=1 mode=$(stat -c %a "$REC") uid=$(stat -c %u "$REC") gid=$(stat -c %g "$REC") bytes=$(stat -c %s "$REC") files=$(ls /var/lib/ikt | grep -vc "^lost+found$") boot_id=$(cat /proc/sys/kernel/random/boot_id)
	else
		ikt record=$1 exists=0 files=$(ls /var/lib/ikt | grep -vc "^lost+found$") boot_id=$(cat /proc/sys/kernel/random/boot_id)
	fi
}

stage1() {
	if [ ! -x "$TOOL" ]; then
		ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	ikt_disk /var/lib/ikt || return
	"$TOOL" attach >/dev/null 2>&1
	ikt tool=attach rc=$?
	ikt_load first file || return
	ikt_measure "$(ikt_arg n 4)" av
	# audit right before the execute, the record written (not read: a
	# read would itself be measured after the audit)
	ikt_audit --save "$REC"
	record_line s1
	sync
	ikt_kexec_e
}
stage2() {
	ikt_disk /var/lib/ikt || return
	record_line s2
	out=$("$TOOL" verify --record "$REC" --json 2>/dev/null)
	ikt tool=verify rc=$?
	ikt verify_json=$(printf '%s' "$out" | base64 | tr -d '\n')
	ikt_dump s2v
}
