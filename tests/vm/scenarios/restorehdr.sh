# IKT-EXPECT: full
# restorehdr (patched kernel only): the next kernel is handed an IMA kexec
# buffer whose header claims more bytes (buffer_size) than the buffer it is
# given. Since the IMA segment is left out of the purgatory digest (it is
# rewritten at kexec execute), nothing else checks it, and 6.1's restore
# would parse up to buf + buffer_size. The corruption comes from the
# test-only module kernel/test/ikt_khdr.c (built by scripts/build-kernel
# patched into <kernel>/modules, /lib/modules/ikt in the guest): a reboot
# notifier that runs after IMA's execute-time copy and sets buffer_size to
# the segment size + 4096. The next kernel must refuse the list with a
# clear message ("measurement list header claims ... not restored"),
# restore nothing and boot with a fresh list; its TPM is stage 1 + the
# kexec_execute record + its own list. The host checks all of that and
# that the module did rewrite the header (its "ikt_khdr: header" line).
stage1() {
	ikt_test_module ikt_khdr
	ikt_load first file || return
	ikt_measure 3 rh
	addr=$(awk '$3 == "kexec_image" { print $1; exit }' /proc/kallsyms)
	case $addr in
	''|0000000000000000)
		ikt error=no_kexec_image_address_in_kallsyms
		ikt_finish ;;
	esac
	ikt_insmod ikt_khdr kexec_image_addr=0x$addr grow=4096
	ikt khdr_module=loaded kexec_image=0x$addr
	ikt_kexec_e
}
stage2() {
	ikt restorehdr=1 \
		refused=$(dmesg | grep -c 'measurement list header claims') \
		failed=$(dmesg | grep -c 'Failed to restore the measurement list') \
		outside=$(dmesg | grep -c 'lies outside available memory')
	dmesg | grep -E 'ima: .*(header claims|restore)' | head -n 3 | sed 's/^/IKT kmsg=/; s/ /_/g'
}
