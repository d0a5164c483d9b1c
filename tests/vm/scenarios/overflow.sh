# IKT-EXPECT: full unknown
# IKT-CMDLINE: ima_kexec_extra_kb=0
# overflow (patched kernel only; SKIP unless --expect full|unknown): no
# margin beyond page rounding, then more measurements after the load than the
# rounding slack can hold (ikt.n=, default 80, ~100 bytes each). The copy at
# kexec -e must stop at a whole record with a true header: the second kernel
# restores exactly a prefix of the stage-1 list followed by its own
# boot_aggregate, the TPM equals stage 1 + the (lost) kexec_execute record +
# stage 2's new entries, and stage 1 printed the "does not fit" error.
stage1() {
	ikt_track
	ikt_load first file || return
	ikt_measure "$(ikt_arg n 80)" ovf
	ikt_execute
}
