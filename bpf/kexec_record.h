/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The kexec_execute record an execute-copy kernel (our 6.1 patch, upstream
 * since 6.16) appends right before it copies the list: the copy must hold
 * it too, or the next log lacks a record the TPM has. Its size follows
 * from the kexec_load record of the same image (BPF: state.kexec_rec_*):
 * the same ima-buf record with a name 3 bytes longer ("kexec_execute" vs
 * "kexec_load") and a payload
 *   kexec_segment_size=S;ima_binary_runtime_size=B;ima_runtime_measurements_count=C;
 * whose S is the same and whose B and C are the list at execute. Shared by
 * the guard (BPF) and audit (user space): plain integer code only. */
#ifndef IKT_KEXEC_RECORD_H
#define IKT_KEXEC_RECORD_H

#define IKT_KEXEC_NAME_GROWTH 3	/* strlen("kexec_execute") - strlen("kexec_load") */
#define IKT_KEXEC_PAYLOAD_MAX 160	/* the kernels' own buffer for it */

static __inline unsigned int ikt_decimal_digits(unsigned long long v)
{
	unsigned int d = 1;

	for (int i = 0; i < 20 && v >= 10; i++) {
		v /= 10;
		d++;
	}
	return d;
}

/* fixed characters of the payload: everything but its three numbers */
#define IKT_KEXEC_PAYLOAD_FIXED 77

/* bytes of the kexec_execute record for a segment of `segment` bytes and a
 * list of `bytes` (header included) and `count` records, from the
 * kexec_load record (rec bytes, digits: the digits of its three numbers);
 * 0 when no kexec_load record was seen (the policy measures no ima_kexec
 * critical data: none will be appended) */
static __inline unsigned long long ikt_exec_record_bytes(unsigned long long rec,
							 unsigned int digits,
							 unsigned long long segment,
							 unsigned long long bytes,
							 unsigned long long count)
{
	long long n;

	if (!rec)
		return 0;
	n = (long long)rec + IKT_KEXEC_NAME_GROWTH - (long long)digits +
	    (long long)(ikt_decimal_digits(segment) + ikt_decimal_digits(bytes) +
			ikt_decimal_digits(count));
	return n > 0 ? (unsigned long long)n : 0;
}

#endif
