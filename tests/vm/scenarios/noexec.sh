# IKT-CHECK-KERNELS: stock,baseline,patched,mainline
# noexec: no kexec at all. A few files are measured, then the list is dumped;
# the host replays it and it must match TPM PCR 10 in both banks (sha1 and
# sha256). Validates the policy, the dump and the replayer.
stage1() {
	ikt_measure 3 ne
}
