# IKT-EXPECT: full unknown
# IKT-CMDLINE: ima_kexec_margin_kb=0
# zeromargin (execute-copy kernels only; SKIP unless --expect full|unknown):
# no margin (ima_kexec_margin_kb=0; upstream ignores it and keeps its CONFIG
# margin) and a list that ends closer to a page boundary than one
# kexec_load record, when kexec_file_load sizes the segment. Nothing is
# measured between the load and kexec -e but the two ima_kexec records, so
# the segment must hold both (issue 13.3.1: a segment sized for the list
# alone could not hold the kexec_load record even at load).
#   1. a first load and unload: the kernel, initrd and command line are
#      measured once (a second load with the same files adds only its
#      kexec_load record; the command line's record is a duplicate);
#   2. one file at a time until the room left to the next page boundary,
#      ALIGN(list + 24-byte header, page) - (list + header), is less than
#      the first kexec_load record minus 8 bytes (the second's payload may
#      be a few digits longer); each file's record is smaller than that;
#   3. the second load, then kexec -e.
# The host checks the room from the dumped list against the kexec_load
# record's own size (else the run proves nothing), the segment size, that
# the next kernel got everything with kexec_execute right after it, and
# that no "does not fit" error was printed.
HDR=24	# struct ima_kexec_hdr

stage1() {
	ikt_warm	# what the dump runs is measured now, not after the load
	page=$(awk '$1 == "KernelPageSize:" { print $2 * 1024; exit }' /proc/self/smaps)
	kb=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^ima_kexec_margin_kb=//p' | tail -n 1)
	ikt zm_params=1 page=$page cmdline_kb=${kb:-none}
	ikt_load first file || return
	last=$(ikt_kexec_load_line) || { ikt error=no_kexec_load_record_after_the_first_load; return 1; }
	krec=$(echo "$last" | ikt_record_bytes)
	ikt_unload
	i=0
	while :; do
		list=$(( $(wc -c <$IMA/binary_runtime_measurements) + HDR ))
		room=$(( (list + page - 1) / page * page - list ))
		[ $room -lt $((krec - 8)) ] && break
		[ $i -lt 200 ] || { ikt error=room_never_below_record room=$room record=$krec; return 1; }
		ikt_measure 1 zm$i >/dev/null
		i=$((i + 1))
	done
	ikt zm_plan=1 list_at_sizing=$list room=$room first_kexec_load_record=$krec files=$i
	ikt_load second file || return
	ikt_execute
}
