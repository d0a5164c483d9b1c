# auditverify: attach, load, N measurements, then `imakexec-trace audit
# --json` right before kexec -e; after the kexec, `imakexec-trace verify
# --json` against the TPM. The host checks that audit's at-risk entries are,
# entry for entry (seq order, template digest), the ones the next kernel's
# list lost, and that verify's verdict agrees (mismatch iff anything lost).
stage1() {
	if [ ! -x "$TOOL" ]; then
		ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	"$TOOL" attach >/dev/null 2>&1
	ikt tool=attach rc=$?
	ikt_load first file || return
	ikt_measure "$(ikt_arg n 4)" av
	ikt_execute	# audits first
}
stage2() {
	out=$("$TOOL" verify --json 2>/dev/null)
	ikt tool=verify rc=$?
	ikt verify_json=$(printf '%s' "$out" | base64 | tr -d '\n')
}
