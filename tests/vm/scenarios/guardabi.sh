# IKT-EXPECT: none snapshot full
# IKT-SET: light
# IKT-COST: 120
# IKT-CHECKS: armed abi_hooks nr_high_bits_judged x32_form_judged nr_high_bits_refused ia32_judged ia32_seal_lifted unpriv_reboot_not_judged seal_held_against_others ia32_load_tracked ia32_load_refused hashing_counted hashing_record_named hashing_refused hashing_drained records_drained
# guardabi: the raw syscall forms that walked around the guard (issue 23),
# with the static test program ikt-abi; one boot, no kexec. Each step is an
# "IKT check=" line (the judge fails on any ok=0 or a missing one):
#  - reboot(KEXEC) with high bits in the syscall number (0x1000000a9: x86_64
#    dispatches on the low 32 bits) and in x32 form is judged like the plain
#    call, and refused where the plain one is (no kexec gets past)
#  - an ia32 reboot (int 0x80) the guard lets through and that returns
#    (wrong magic2: EINVAL) does not leave the system sealed
#  - an unprivileged reboot() is not judged, and does not lift a seal that
#    another task's kexec holds (the seal is set in the pinned state map)
#  - an ia32 kexec_load replacing a file-loaded image is tracked (state
#    loaded-legacy) and judged legacy-load where the kernel would carry
#  - a file being hashed (IMA's process_measurement, after its LSM check) is
#    counted in flight and the guard refuses ("hashing") until it is appended
# Decisions are probed with a wrong magic2, so an allowed call never kexecs.
decisions() { # allowed + refused
	g=$("$TOOL" status --json 2>/dev/null | sed -n 's/.*"guard":{\([^}]*\)}.*/{\1}/p')
	echo $(( $(printf '%s' "$g" | jfield allowed) + $(printf '%s' "$g" | jfield refused) ))
}
gfield() { # gfield KEY: a string or boolean field of status --json
	"$TOOL" status --json 2>/dev/null | sed -n "s/.*\"$1\":\"\{0,1\}\([a-z0-9-]*\).*/\1/p"
}
sealed_after() { # SEALED OPEN: status says sealed, and whether a file opens
	o=1; cat /proc/version >/dev/null 2>&1 || o=0
	echo "sealed=$(gfield sealed) open_ok=$o"
}
IKT_SELFCHECK=1
stage1() {
	if [ ! -x "$TOOL" ] || [ ! -x /bin/ikt-abi ]; then
		ikt "skip=imakexec-trace_or_ikt-abi_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	ikt-abi >/dev/null 2>&1	# measured now, not after a load
	"$TOOL" attach --guard --json >/tmp/a.json 2>/tmp/a.err; rc=$?
	chk armed $rc "rc=$rc $(head -c 200 /tmp/a.err | tr ' \n' '__')"
	kmode=$(gfield carry_mode)
	missing=""
	for p in reboot_exit reboot_ia32_exit kexec_load_ia32_exit measure_enter measure_exit load_cmdline; do
		grep -q "\"program\":\"$p\",\"function\":\"[^\"]*\",\"traces\":\"[^\"]*\",\"status\":\"attached\"" \
			/tmp/a.json || missing="$missing+$p"
	done
	chk abi_hooks $([ -z "$missing" ]; echo $?) "mode=$kmode missing=${missing:-none}"

	ikt_load first file || return
	# 1. the syscall number's high bits
	d0=$(decisions); out=$(ikt-abi reboot64 0x1000000a9 bad); d1=$(decisions)
	chk nr_high_bits_judged $(( d1 != d0 + 1 )) "decisions=$d0->$d1 $(echo $out | tr ' ' '_') $(sealed_after)"
	out=$(ikt-abi reboot64 0x400000a9 bad); d2=$(decisions)
	case "$out" in
	*errno=38*) chk x32_form_judged 0 "na:x32_disabled($(echo $out | tr ' ' '_'))" ;;
	*) chk x32_form_judged $(( d2 != d1 + 1 )) "decisions=$d1->$d2 $(echo $out | tr ' ' '_')" ;;
	esac
	if [ "$kmode" = execute-copy ]; then
		chk nr_high_bits_refused 0 "na:execute-copy_allows_a_fitting_list"
	else
		ikt_measure 1 abi
		out=$(ikt-abi reboot64 0x1000000a9 good)
		case "$out" in *errno=1) r=0 ;; *) r=1 ;; esac
		chk nr_high_bits_refused $r "$(echo $out | tr ' ' '_') last=$(gfield last_decision)"
	fi
	# 2. ia32 reboot: judged, and its return lifts the seal it took
	ikt_load second file || return
	d0=$(decisions); out=$(ikt-abi reboot32 bad); d1=$(decisions)
	chk ia32_judged $(( d1 != d0 + 1 )) "decisions=$d0->$d1 $(echo $out | tr ' ' '_') last=$(gfield last_decision)"
	s=$(sealed_after)
	[ "$s" = "sealed=false open_ok=1" ]
	chk ia32_seal_lifted $? "$(echo $s | tr ' ' '_') last=$(gfield last_decision)"
	# 3. other users cannot lift a seal
	d0=$(decisions); out=$(ikt-abi unpriv-reboot); d1=$(decisions)
	case "$out" in *errno=1) r=0 ;; *) r=1 ;; esac
	chk unpriv_reboot_not_judged $(( r + (d1 != d0) )) "decisions=$d0->$d1 $(echo $out | tr ' ' '_')"
	out=$(ikt-abi sealtest)
	case "$out" in *"child=0 sealed_after=1 "*"open_errno=1"*) r=0 ;; *) r=1 ;; esac
	chk seal_held_against_others $r "$(echo $out | tr ' ' '_') $(sealed_after)"
	# 4. ia32 kexec_load over a file-loaded image
	ikt_load third file || return
	out=$(ikt-abi load32)
	st=$(gfield kexec_state)
	case "$out" in
	*errno=38*) chk ia32_load_tracked 0 "na:no_ia32($(echo $out | tr ' ' '_'))"
		    chk ia32_load_refused 0 "na:no_ia32" ;;
	*)
		[ "$st" = loaded-legacy ]
		chk ia32_load_tracked $? "$(echo $out | tr ' ' '_') state=$st loaded=$(cat /sys/kernel/kexec_loaded)"
		ikt-abi reboot64 a9 bad >/dev/null
		last=$(gfield last_decision)
		want=legacy-load
		[ "$kmode" = none ] && want=not-carried
		[ "$last" = "$want" ]
		chk ia32_load_refused $? "last=$last want=$want" ;;
	esac
	ikt_unload
	# 5. a measurement being taken: 128 MiB read (and hashed) on rootfs
	ikt_load fourth file || return
	dd if=/dev/urandom of=/tmp/big bs=1M count=128 2>/dev/null
	t0=$(cut -d' ' -f1 /proc/uptime)
	cat /tmp/big >/dev/null &
	cpid=$!
	i=0 m=0
	while [ $i -lt 30 ] && [ "${m:-0}" = 0 ]; do
		js=$("$TOOL" status --json 2>/dev/null)
		m=$(printf '%s' "$js" | jfield measuring)
		i=$((i + 1))
	done
	ikt-abi reboot64 a9 bad >/dev/null
	last=$(gfield last_decision)
	chk hashing_counted $([ "${m:-0}" -ge 1 ]; echo $?) "measuring=$m polls=$i"
	# the record names the thread hashing: cat, alive, with its age
	rec=$(printf '%s' "$js" | grep -o '"kind":"file-measurement","tid":[0-9]*,"pid":[0-9]*,"age_ms":[0-9]*,"thread_alive":true,"comm":"[^"]*","state":"[A-Z]"' | head -n1)
	printf '%s' "$rec" | grep -q "\"pid\":$cpid,.*\"comm\":\"cat\""
	chk hashing_record_named $? "record=$(printf '%s' "$rec" | tr -d '"' | tr ',' ';') cat_pid=$cpid"
	[ "$last" = hashing ]
	chk hashing_refused $? "last=$last"
	wait $cpid
	t1=$(cut -d' ' -f1 /proc/uptime)
	st=$("$TOOL" status --json 2>/dev/null)
	m=$(printf '%s' "$st" | jfield measuring)
	a=$(printf '%s' "$st" | jfield appends_inflight)
	chk hashing_drained $(( ${m:-1} != 0 || ${a:-1} != 0 )) "measuring=$m appends_inflight=$a read_s=$t0-$t1"
	printf '%s' "$st" | grep -q '"inflight_records":\[\],"inflight_records_total":0'
	chk records_drained $? "records=$(printf '%s' "$st" | grep -o '"inflight_records_total":[0-9]*' | tr -d '"')"
	rm -f /tmp/big
	ikt_unload

}
# no kexec may happen here: a second boot means one got past
stage2() { ikt error=a_kexec_happened_in_a_scenario_that_allows_none; }
