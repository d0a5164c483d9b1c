# IKT-EXPECT: full
# mapfail (patched kernel only): the execute-time copy cannot map the IMA
# segment (kimage_map_segment() fails, as on -ENOMEM). Patches 0007 and
# 0010 promise that this path changes nothing: no kexec_execute record,
# measurements not suspended and no task left as the only one allowed to
# append, an error on the console, and the next kernel gets the list as of
# kexec load (the measurements after the load are lost, as before the
# series). The failure comes from the test-only module
# kernel/test/ikt_mapfail.c (built by scripts/build-kernel patched, in
# /lib/modules/ikt in the guest): a kretprobe makes kimage_map_segment()
# return NULL, and a reboot notifier that runs after IMA's measures one
# critical-data record from the rebooting task and one from another task.
# The host checks the module's and the kernel's lines, that the next
# kernel restored exactly the load-time list, and that PCR 10 holds stage
# 1, then both records (so the list was not suspended for anyone), then
# the next kernel's own list, and no kexec_execute record anywhere.
stage1() {
	ikt_test_module ikt_mapfail
	ikt_load first file || return
	ikt_insmod ikt_mapfail
	ikt mapfail_module=loaded
	ikt_measure 4 mf
	ikt_kexec_e
}
stage2() {
	ikt mapfail=1
}
