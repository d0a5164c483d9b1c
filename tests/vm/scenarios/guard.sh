# IKT-EXPECT: none snapshot
# IKT-SET: light
# guard: the in-kernel kexec guard on kernels whose next log would not
# replay (stock: no CONFIG_IMA_KEXEC; baseline: load snapshot). One boot, no
# kexec happens; each step is an "IKT check=" line:
#  - attach without --guard, then attach --guard: refused with the fix
#  - attach --guard arms it (status guard.armed, guard hooks attached)
#  - kexec loads still work while armed
#  - after measurements, kexec -e fails with EPERM; status counts the
#    refusal with the kernel's reason and the list length the guest reads;
#    monitor shows the guard event; nothing stays sealed (files still open
#    and get measured)
#  - with no image loaded, reboot(KEXEC) gets the kernel's own EINVAL
#  - detach disarms; the final poweroff runs with the guard armed again
stage1() {
	if [ ! -x "$TOOL" ]; then
		ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	"$TOOL" attach >/dev/null 2>&1
	"$TOOL" attach --guard >/tmp/g.out 2>&1; rc=$?
	grep -q "detach.*attach --guard" /tmp/g.out
	chk guard_needs_fresh_attach $(( ($rc != 2) + $? )) "rc=$rc"
	"$TOOL" detach >/dev/null 2>&1

	"$TOOL" attach --guard --json >/tmp/g.json 2>/tmp/g.err; rc=$?
	grep -q '"guard":{"armed":true' /tmp/g.json
	armed=$?
	att=$(grep -o '"program":"guard_capable","function":"[^"]*","traces":"[^"]*","status":"attached"' /tmp/g.json | wc -l)
	chk guard_armed $(( rc + armed + (att != 1) )) "rc=$rc armed=$armed guard_capable_attached=$att"
	[ $rc = 0 ] || sed 's/^/IKT tool_msg=/; s/ /_/g' /tmp/g.err | head -n 3

	ikt_load first file; rc=$?
	chk load_while_armed $rc "rc=$rc"
	ikt_measure 3 g
	"$TOOL" monitor --json --duration 4 >/tmp/mon.json 2>/dev/null &
	mon=$!
	sleep 1
	before=$(ikt_count)
	kexec -e >/tmp/kexec.out 2>&1; rc=$?
	grep -q "Operation not permitted" /tmp/kexec.out
	chk kexec_refused $(( ($rc == 0) + $? )) "rc=$rc msg=$(head -c 80 /tmp/kexec.out | tr ' \n' '__')"
	wait $mon
	st=$("$TOOL" status --json 2>/dev/null)
	g=$(printf '%s' "$st" | sed -n 's/.*"guard":{\([^}]*\)}.*/\1/p')
	ikt guard_status=$(printf '%s' "$g" | tr -d '" ')
	refused=$(printf '{%s}' "$g" | jfield refused)
	last=$(printf '%s' "$g" | sed -n 's/.*"last_decision":"\([^"]*\)".*/\1/p')
	lc=$(printf '{%s}' "$g" | jfield last_count)
	want=not-carried
	printf '%s' "$st" | grep -q '"carry_mode":"load-snapshot"' && want=gap
	[ "$refused" = 1 ] && [ "$last" = "$want" ] && [ "$lc" = "$before" ]
	chk refusal_counted $? "refused=$refused last=$last want=$want last_count=$lc guest_count=$before"
	printf '%s' "$g" | grep -q '"sealed":false'
	chk not_sealed_after_refusal $? "$(printf '%s' "$g" | grep -o '"sealed":[a-z]*')"
	ev=$(grep '"type":"guard"' /tmp/mon.json | head -n 1)
	printf '%s' "$ev" | grep -q '"refused":true,"decision":"'"$want"'"'
	chk monitor_guard_event $? "$(printf '%s' "$ev" | tr -d ' ' | head -c 200)"
	c0=$(ikt_count)
	echo after >/tmp/g-after; cat /tmp/g-after >/dev/null
	c1=$(ikt_count)
	[ "$c1" -gt "$c0" ]; chk measuring_after_refusal $? "before=$c0 after=$c1"

	ikt_unload
	out=$(ikt-burst kexec 1)
	printf '%s' "$out" | grep -q "errno=22"
	chk no_image_gets_kernel_error $? "$(printf '%s' "$out" | tr ' ' '_')"

	"$TOOL" detach >/dev/null 2>&1
	"$TOOL" status >/dev/null 2>&1; rc=$?
	chk detach_disarms $(( rc == 0 )) "status_rc=$rc"
	"$TOOL" attach --guard >/dev/null 2>&1
	chk rearm $? "attach --guard again before the final poweroff"
}
