# IKT-EXPECT: full unknown
# IKT-CMDLINE: ima_kexec_margin_kb=0
# overflow (execute-copy kernels only; SKIP unless --expect full|unknown):
# no margin beyond page rounding (ima_kexec_margin_kb=0 for our patch;
# upstream ignores the parameter and keeps its CONFIG margin, half a page
# at 0), then enough measurements after the load to outgrow the segment.
# How many is computed here, from the parameters in force (IKT ovf_* lines):
#   page     the kernel's page size (KernelPageSize of this shell's mappings)
#   margin   ima_kexec_margin_kb= when this kernel took it (it is not in
#            init's environment, where unknown parameters end up), else
#            CONFIG_IMA_KEXEC_MARGIN_KB (our patch: 0 = none), else
#            upstream's CONFIG_IMA_KEXEC_EXTRA_MEMORY_KB (0 = half a page),
#            both from the kernel's config in /boot/config
#   reserve  our patch's room for its kexec_load and kexec_execute records
#            (2 * 512 bytes, IMA_KEXEC_EVENT_MAX_SIZE in patch 0010; the
#            kernel config has CONFIG_IMA_KEXEC_MARGIN_KB), upstream: none
#   segment  ALIGN(list at the segment's sizing + 24-byte header + margin
#            + reserve, page); the list at the sizing is the list right after the load
#            minus the kexec_load record measured after it (its size from
#            its ascii line), and is checked against that record's own
#            kexec_segment_size
#   record   the growth of the list by one probe file whose name is shorter
#            than any of the measured ones
#   n        (segment - header - list now) / record + 1 records outgrow it;
#            plus ikt.safety= (default 8)
# The judge recomputes the segment and the bytes still free from the dumped
# list and fails a run whose n did not outgrow it, or whose figures differ.
# The copy at kexec -e must stop at a whole record with a true header: the
# second kernel restores exactly a prefix of the stage-1 list followed by
# its own boot_aggregate, the TPM equals stage 1 + the (lost) kexec_execute
# record + stage 2's new entries, and stage 1 printed the "does not fit"
# error (our patch; upstream's behaviour is reported).
HDR=24	# struct ima_kexec_hdr
OURS_RESERVE=1024	# 2 * IMA_KEXEC_EVENT_MAX_SIZE (kernel/patches/6.1/0010)

stage1() {
	page=$(awk '$1 == "KernelPageSize:" { print $2 * 1024; exit }' /proc/self/smaps)
	kb=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^ima_kexec_margin_kb=//p' | tail -n 1)
	cfg=$(sed -n 's/^CONFIG_IMA_KEXEC_EXTRA_MEMORY_KB=//p' /boot/config 2>/dev/null)
	ours=$(sed -n 's/^CONFIG_IMA_KEXEC_MARGIN_KB=//p' /boot/config 2>/dev/null)
	if [ -n "$kb" ] && ! tr '\0' '\n' </proc/1/environ | grep -q '^ima_kexec_margin_kb='; then
		margin=$((kb * 1024)) src=cmdline
	elif [ -n "$ours" ]; then	# our patch: 0 = no margin
		margin=$((ours * 1024)) src=config_margin_kb
	elif [ -n "$cfg" ]; then
		margin=$(( cfg > 0 ? cfg * 1024 : page / 2 )) src=config_upstream_meaning
	else
		margin=$((page / 2)) src=unknown_assumed_half_page
	fi
	reserve=0
	[ -z "$ours" ] || reserve=$OURS_RESERVE
	ikt ovf_params=1 page=$page margin=$margin margin_source=$src reserve=$reserve cmdline_kb=${kb:-none} config_kb=${cfg:-none}
	ikt_track
	ikt_load first file || return
	after=$(wc -c <$IMA/binary_runtime_measurements)
	sizing=$after krec=0 kseg=none
	if last=$(ikt_kexec_load_line); then
		krec=$(echo "$last" | ikt_record_bytes)
		sizing=$((after - krec))
		kseg=$(echo "$last" | ikt_payload_field kexec_segment_size)
	fi
	seg=$(( (sizing + HDR + margin + reserve + page - 1) / page * page ))
	[ "$kseg" = none ] || [ "$kseg" = "$seg" ]
	chk segment_predicted $? "predicted=$seg kexec_load_record_says=$kseg"
	# one probe file, its name shorter than any /tmp/m-ovf-I: the smallest record
	b=$(wc -c <$IMA/binary_runtime_measurements)
	ikt_measure 1 p
	now=$(wc -c <$IMA/binary_runtime_measurements)
	rec=$((now - b))
	free=$((seg - HDR - now))
	need=$(( free >= 0 && rec > 0 ? free / rec + 1 : 1 ))
	n=$((need + $(ikt_arg safety 8)))
	ikt ovf_plan=1 list_after_load=$after kexec_load_record=$krec list_at_sizing=$sizing segment=$seg kernel_segment=$kseg list_now=$now record=$rec free=$free need=$need n=$n
	ikt_measure "$n" ovf
	ikt_execute
}
