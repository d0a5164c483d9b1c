# IKT-EXPECT: snapshot
# stagedexec: the image's file system is gone when exec runs, as a separate
# /boot is by the time systemd-shutdown runs its hooks. attach --guard, load
# from a tmpfs mounted on /mnt/boot, N measurements, `exec --stage` (what
# imakexec-trace-stage.service runs at shutdown) copies kernel and initramfs
# to /run/imakexec/stage, /mnt/boot is unmounted, and the system-shutdown
# hook's `exec` reloads from the copies. The host expects the whole stage-1
# list in the next kernel's log, replaying both banks. (This guest's policy
# measures tmpfs, so the copies are read once before the dump; on a real
# host /run is tmpfs, which the tcb policy does not measure.)
stage1() {
	if [ ! -x "$TOOL" ]; then
		ikt "skip=imakexec-trace_not_in_initramfs(run_make_first)"
		ikt_finish
	fi
	"$TOOL" attach --guard >/dev/null 2>&1
	ikt tool=attach rc=$?
	ikt_mkinitrd
	mkdir -p /mnt/boot
	mount -t tmpfs tmpfs /mnt/boot
	cp /boot/bzImage /tmp/ikt-initrd.gz /mnt/boot/
	before=$(ikt_count)
	kexec -s -l /mnt/boot/bzImage --initrd=/mnt/boot/ikt-initrd.gz --append="$(ikt_next_cmdline)" >/tmp/kexec.out 2>&1
	rc=$?
	ikt event=load name=first mode=file rc=$rc before=$before count=$(ikt_count) loaded=$(cat /sys/kernel/kexec_loaded)
	[ $rc = 0 ] || return
	ikt_measure "$(ikt_arg n 4)" st
	"$TOOL" exec --stage >/tmp/stage.out 2>&1
	ikt tool=exec_stage rc=$?
	chk staged_both $(( $(ls /run/imakexec/stage | wc -l) != 2 )) "$(tr ' ' '_' </tmp/stage.out | head -c 200)"
	umount /mnt/boot
	chk boot_unmounted $? "$(ls /mnt/boot | wc -l)_files_left"
	cat /run/imakexec/stage/* >/dev/null
	plan=$("$TOOL" exec --dry-run --json 2>/dev/null); rc=$?
	ikt tool=exec_dry rc=$rc
	printf '%s' "$plan" | grep -q '"from_staged_copy":true'
	chk plan_uses_the_copies $(( rc + $? )) "$(printf '%s' "$plan" | tr -d ' ' | head -c 200)"
	ikt_hook_execute
}
stage2() {
	"$TOOL" verify >/dev/null 2>&1
	ikt tool=verify rc=$?
}
