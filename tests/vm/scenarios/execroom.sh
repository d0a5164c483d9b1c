# IKT-EXPECT: full unknown
# IKT-CMDLINE: ima_kexec_margin_kb=0
# execroom (execute-copy kernels only; SKIP unless --expect full|unknown):
# the list still fits the segment sized at load, but the kexec_execute
# record the kernel appends right before its copy does not. A guard that
# checks the list alone lets the kexec through and the next log lacks a
# record the TPM has. With no margin (ima_kexec_margin_kb=0; upstream keeps
# its CONFIG margin), attach --guard and load, then files are measured one
# at a time until the room left in the segment (its size from the
# kexec_load record's payload, minus the list and the 24-byte header) is
# less than the kexec_load record plus 3 (kexec_execute's longer name), and
# not below 0 (each file's record is smaller than that). Then audit must say
# OVERFLOW, a plain kexec -e must be refused, and exec (the system-shutdown
# hook) reloads the image, which sizes a segment for the list, and
# executes. The host checks the room from the dumped list (the list fits,
# the kexec_execute record as the kernel would write it does not) and that
# the next log holds every stage-1 record, kexec_execute after them, and
# replays.
HDR=24	# struct ima_kexec_hdr

stage1() {
	if [ ! -x "$TOOL" ]; then
		ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	ikt_warm	# what the dump runs is measured now, not after the load
	"$TOOL" attach --guard >/dev/null 2>&1
	ikt tool=attach rc=$?
	ikt_load first file || return
	last=$(ikt_kexec_load_line) || { ikt error=no_kexec_load_record_after_the_load; return 1; }
	krec=$(echo "$last" | ikt_record_bytes)
	seg=$(echo "$last" | ikt_payload_field kexec_segment_size)
	i=0
	while :; do
		list=$(( $(wc -c <$IMA/binary_runtime_measurements) + HDR ))
		room=$((seg - list))
		[ $room -lt $((krec + 3)) ] && break
		[ $i -lt 400 ] || { ikt error=room_never_below_record room=$room record=$krec; return 1; }
		ikt_measure 1 er$i >/dev/null
		i=$((i + 1))
	done
	ikt er_plan=1 segment=$seg list=$list room=$room kexec_load_record=$krec files=$i
	[ $room -ge 0 ]
	chk list_fits $? "room=$room"
	out=$("$TOOL" audit --json 2>/dev/null)
	echo "$out" | grep -q '"verdict":"OVERFLOW"'
	chk audit_overflow $? "$(echo "$out" | tr -d ' ' | head -c 160)"
	ikt_dump s1	# before a kexec -e that a guard checking the list alone lets through
	IKT_DUMPED=1
	kexec -e >/tmp/kexec.out 2>&1; rc=$?
	chk plain_kexec_refused $(( rc == 0 )) "rc=$rc"
	reason=$("$TOOL" status --json 2>/dev/null | sed -n 's/.*"last_decision":"\([^"]*\)".*/\1/p')
	[ "$reason" = overflow ]
	chk guard_reason_overflow $? "reason=$reason"
	ikt_hook_execute
}
stage2() {
	out=$("$TOOL" verify --json 2>/dev/null)
	ikt tool=verify rc=$?
}
