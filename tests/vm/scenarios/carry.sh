# IKT-EXPECT: none
# IKT-DISK: 64
# carry: `imakexec-trace exec` on a kernel without CONFIG_IMA_KEXEC (the
# list never reaches the next kernel). A virtio ext4 disk holds the carry
# directory across the kexec. attach --guard, load, N measurements: a plain
# kexec -e is refused; `exec --dry-run` plans a carry; after the list dump
# `exec` writes it to /var/lib/imakexec/carry/<boot id>.bin and executes;
# the disk is read-only then (as in systemd-shutdown): plain `exec` refuses
# with exit 2, `exec --remount` remounts it read-write for the write.
# Stage 2: `verify --prior CARRY` must match both banks (and fail without
# the prior), and so must `verify` of `log --combined`; the host checks the carry is byte for byte the dumped list,
# and its own replay of stage 1 + stage 2 against the TPM.
stage1() {
	if [ ! -x "$TOOL" ]; then
		ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	ikt_disk /var/lib/imakexec || return
	"$TOOL" attach --guard >/dev/null 2>&1
	ikt tool=attach rc=$?
	ikt_load first file || return
	ikt_measure "$(ikt_arg n 4)" ca
	kexec -e >/tmp/kexec.out 2>&1; rc=$?
	chk plain_kexec_refused $(( rc == 0 )) "rc=$rc"
	plan=$("$TOOL" exec --dry-run --json 2>/dev/null); rc=$?
	ikt tool=exec_dry rc=$rc
	printf '%s' "$plan" | grep -q '"plan":"carry"'
	chk exec_plan_carry $(( rc + $? )) "$(printf '%s' "$plan" | tr -d ' ' | head -c 160)"
	# a read-only carry file system (as in systemd-shutdown): refused
	# without --remount, remounted for the write with it
	sync
	mount -o remount,ro /var/lib/imakexec
	"$TOOL" exec >/tmp/exec.out 2>&1
	ikt tool=exec_ro rc=$?
	grep -q 'read-only file system' /tmp/exec.out
	chk exec_ro_says_why $? "$(head -c 200 /tmp/exec.out | tr ' ' '_')"
	plan=$("$TOOL" exec --dry-run --remount --json 2>/dev/null)
	printf '%s' "$plan" | grep -q '"carry_fs_readonly":true'
	chk exec_plan_sees_ro $? "$(printf '%s' "$plan" | tr -d ' ' | head -c 200)"
	ikt_dump s1
	ikt event=execute count=$(ikt_count)
	"$TOOL" exec --remount >/tmp/exec.out 2>&1
	ikt error=exec_returned rc=$?
	sed 's/^/IKT tool_msg=/; s/ /_/g' /tmp/exec.out | head -n 5
	ikt_finish
}
stage2() {
	ikt_disk /var/lib/imakexec || return
	n=$(ls /var/lib/imakexec/carry | wc -l)
	f=/var/lib/imakexec/carry/$(ls /var/lib/imakexec/carry | head -n 1)
	m=$(stat -c %a "$f")
	ikt carry=1 files=$n mode=$m bytes=$(wc -c <"$f") sha256=$(sha256sum "$f" | cut -d' ' -f1)
	out=$("$TOOL" verify --prior "$f" --json 2>/dev/null)
	ikt tool=verify rc=$?
	ikt verify_json=$(printf '%s' "$out" | base64 | tr -d '\n')
	"$TOOL" verify >/dev/null 2>&1
	ikt tool=verify_alone rc=$?
	# the chain as one list, for single-file verifiers
	"$TOOL" log --prior "$f" --combined /tmp/chain.bin >/dev/null 2>&1
	ikt tool=log_combined rc=$?
	"$TOOL" verify --log /tmp/chain.bin >/dev/null 2>&1
	ikt tool=verify_combined rc=$?
}
