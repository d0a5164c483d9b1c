# attach: imakexec-trace attach in stage 1, load, measurements, then
# `imakexec-trace status --json` right before kexec -e; the host compares its
# "gap" with the loss observed in stage 2. Skipped without the binary.
stage1() {
	if [ ! -x "$TOOL" ]; then
		ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	"$TOOL" attach >/tmp/attach.out 2>&1
	rc=$?
	ikt tool=attach rc=$rc
	if [ $rc != 0 ]; then
		sed 's/^/IKT tool_msg=/; s/ /_/g' /tmp/attach.out | head -n 5
	fi
	ikt_load first file || return
	ikt_measure "$(ikt_arg n 4)" att
	st=$("$TOOL" status --json 2>/dev/null)
	rc=$?
	ikt tool=status rc=$rc
	ikt status_json=$(printf '%s' "$st" | base64 | tr -d '\n')
	ikt_execute
}
