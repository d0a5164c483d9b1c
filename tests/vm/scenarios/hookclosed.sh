# IKT-EXPECT: none snapshot full
# IKT-SET: light
# IKT-COST: 60
# IKT-CHECKS: hook_unloads_unguarded kexec_after_hook_fails hook_fail_open_keeps
# hookclosed: the systemd-shutdown hook fails closed (issue 23.6). One boot,
# no kexec: with an image loaded and no guard (attach failed at boot, or
# someone ran detach), the hook `make install` ships, run as systemd-shutdown
# runs it ("kexec"), executes nothing and unloads the image, so the kexec -e
# systemd-shutdown runs next fails (systemd then reboots fully); with
# IMAKEXEC_FAIL_OPEN=yes in /etc/default/imakexec-trace it leaves the image
# loaded (the documented opt-out).
HOOK=/usr/lib/systemd/system-shutdown/imakexec-trace
IKT_SELFCHECK=1
stage1() {
	if [ ! -x "$TOOL" ] || [ ! -x $HOOK ]; then
		ikt "skip=imakexec-trace_or_hook_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	"$TOOL" attach --guard >/dev/null 2>&1
	ikt_load first file || return
	"$TOOL" detach >/dev/null 2>&1
	$HOOK kexec >/tmp/h.out 2>&1; rc=$?
	loaded=$(cat /sys/kernel/kexec_loaded)
	chk hook_unloads_unguarded $(( rc == 0 || loaded != 0 )) \
		"rc=$rc loaded=$loaded msg=$(tail -c 160 /tmp/h.out | tr ' \n' '__')"
	out=$(ikt-burst kexec 1)
	printf '%s' "$out" | grep -q "errno=22"
	chk kexec_after_hook_fails $? "$(printf '%s' "$out" | tr ' ' '_')"
	mkdir -p /etc/default
	echo IMAKEXEC_FAIL_OPEN=yes >/etc/default/imakexec-trace
	ikt_load second file || return
	$HOOK kexec >/tmp/h.out 2>&1; rc=$?
	loaded=$(cat /sys/kernel/kexec_loaded)
	chk hook_fail_open_keeps $(( rc == 0 || loaded != 1 )) "rc=$rc loaded=$loaded"
	rm -f /etc/default/imakexec-trace
	ikt_unload

}
# no kexec may happen here: a second boot means one got past
stage2() { ikt error=a_kexec_happened_in_a_scenario_that_allows_none; }
