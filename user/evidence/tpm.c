// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* ESAPI calls of `evidence` and `ak create`; see tpm.h. */
#include <string.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>
#include "errors.h"
#include "exitcodes.h"
#include "quote.h"
#include "tpm.h"

#define QUOTE_ATTEMPTS 10

static int tpm_fail(const char *what, TSS2_RC rc)
{
	p_err("%s: %s (0x%x)", what, Tss2_RC_Decode(rc), rc);
	return IKT_EXIT_ERROR;
}

int ikt_tpm_open(struct ikt_tpm *t, const char *tcti)
{
	TSS2_RC rc;

	memset(t, 0, sizeof(*t));
	if (!tcti)
		tcti = IKT_TPM_DEFAULT_TCTI;
	rc = Tss2_TctiLdr_Initialize(tcti, &t->tcti);
	if (rc) {
		p_err("cannot open the TPM through TCTI \"%s\": %s (0x%x); give --tcti", tcti,
		      Tss2_RC_Decode(rc), rc);
		return IKT_EXIT_ERROR;
	}
	rc = Esys_Initialize(&t->esys, t->tcti, NULL);
	if (rc) {
		Tss2_TctiLdr_Finalize(&t->tcti);
		return tpm_fail("Esys_Initialize", rc);
	}
	return 0;
}

void ikt_tpm_close(struct ikt_tpm *t)
{
	if (t->esys)
		Esys_Finalize(&t->esys);
	if (t->tcti)
		Tss2_TctiLdr_Finalize(&t->tcti);
}

static void ak_template(TPM2B_PUBLIC *p, bool ecc)
{
	TPMT_PUBLIC *a = &p->publicArea;

	memset(p, 0, sizeof(*p));
	a->type = ecc ? TPM2_ALG_ECC : TPM2_ALG_RSA;
	a->nameAlg = TPM2_ALG_SHA256;
	a->objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
		TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
		TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT;
	if (ecc) {
		a->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
		a->parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
		a->parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
		a->parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
		a->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
	} else {
		a->parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
		a->parameters.rsaDetail.scheme.scheme = TPM2_ALG_RSASSA;
		a->parameters.rsaDetail.scheme.details.rsassa.hashAlg = TPM2_ALG_SHA256;
		a->parameters.rsaDetail.keyBits = 2048;
		a->parameters.rsaDetail.exponent = 0;
	}
}

/* asked with TPM2_CAP_HANDLES, not by trying it: a failed
 * Esys_TR_FromTPMPublic has tpm2-tss log errors to stderr */
static bool handle_used(struct ikt_tpm *t, uint32_t handle)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	bool used;

	if (Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
			       TPM2_CAP_HANDLES, handle, 1, &more, &cap))
		return true;	/* then Esys_TR_FromTPMPublic says */
	used = cap->data.handles.count && cap->data.handles.handle[0] == handle;
	Esys_Free(cap);
	return used;
}

int ikt_tpm_ak_create(struct ikt_tpm *t, uint32_t handle, bool ecc, TPM2B_PUBLIC *pub,
		      bool *existed)
{
	TPM2B_SENSITIVE_CREATE sens = { 0 };
	TPM2B_DATA outside = { 0 };
	TPML_PCR_SELECTION none = { 0 };
	TPM2B_PUBLIC tmpl, *out = NULL, *old = NULL;
	TPM2B_NAME *name = NULL, *oldname = NULL;
	ESYS_TR obj = ESYS_TR_NONE, cur = ESYS_TR_NONE, pers = ESYS_TR_NONE;
	int ret = IKT_EXIT_ERROR;
	TSS2_RC rc;

	*existed = false;
	ak_template(&tmpl, ecc);
	rc = Esys_CreatePrimary(t->esys, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD, ESYS_TR_NONE,
				ESYS_TR_NONE, &sens, &tmpl, &outside, &none, &obj, &out, NULL,
				NULL, NULL);
	if (rc)
		return tpm_fail("TPM2_CreatePrimary (endorsement hierarchy)", rc);
	rc = Esys_TR_GetName(t->esys, obj, &name);
	if (rc) {
		tpm_fail("Esys_TR_GetName", rc);
		goto out;
	}
	if (handle_used(t, handle) &&
	    !Esys_TR_FromTPMPublic(t->esys, handle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				   &cur)) {
		rc = Esys_ReadPublic(t->esys, cur, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &old,
				     &oldname, NULL);
		if (rc) {
			tpm_fail("TPM2_ReadPublic of the persistent handle", rc);
			goto out;
		}
		if (oldname->size != name->size || memcmp(oldname->name, name->name, name->size)) {
			p_err("handle 0x%08x holds another key, not this AK; choose another "
			      "--handle or evict it (tpm2_evictcontrol -C o -c 0x%08x)", handle,
			      handle);
			goto out;
		}
		*existed = true;
	} else {
		rc = Esys_EvictControl(t->esys, ESYS_TR_RH_OWNER, obj, ESYS_TR_PASSWORD,
				       ESYS_TR_NONE, ESYS_TR_NONE, handle, &pers);
		if (rc) {
			tpm_fail("TPM2_EvictControl (owner hierarchy)", rc);
			goto out;
		}
	}
	*pub = *out;
	ret = 0;
out:
	Esys_FlushContext(t->esys, obj);
	if (cur != ESYS_TR_NONE)
		Esys_TR_Close(t->esys, &cur);
	if (pers != ESYS_TR_NONE)
		Esys_TR_Close(t->esys, &pers);
	Esys_Free(out);
	Esys_Free(old);
	Esys_Free(name);
	Esys_Free(oldname);
	return ret;
}

/* PCR 10 of the banks TPM2_CAP_PCRS shows it allocated in */
static int select_banks(struct ikt_tpm *t, TPML_PCR_SELECTION *sel)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;

	memset(sel, 0, sizeof(*sel));
	rc = Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				TPM2_CAP_PCRS, 0, 1, &more, &cap);
	if (rc)
		return tpm_fail("TPM2_GetCapability(PCRS)", rc);
	for (uint32_t i = 0; i < cap->data.assignedPCR.count; i++) {
		const TPMS_PCR_SELECTION *s = &cap->data.assignedPCR.pcrSelections[i];

		if (s->sizeofSelect < 2 || !(s->pcrSelect[1] & 0x04))
			continue;	/* allocated, but not PCR 10 (or not at all) */
		if (!ev_alg_size(s->hash) || !quote_md(s->hash)) {
			p_info("bank 0x%04x has PCR 10 but cannot be replayed here: not quoted",
			       s->hash);
			continue;
		}
		if (sel->count >= EV_MAX_BANKS)
			break;
		sel->pcrSelections[sel->count++] = (TPMS_PCR_SELECTION){
			.hash = s->hash, .sizeofSelect = 3, .pcrSelect = { 0, 0x04, 0 } };
	}
	Esys_Free(cap);
	if (!sel->count) {
		p_err("the TPM has PCR 10 allocated in no bank we can replay (TPM2_CAP_PCRS)");
		return IKT_EXIT_ERROR;
	}
	return 0;
}

/* one bank per call: a TPM returns at most 8 digests per TPM2_PCR_Read */
static int read_pcrs(struct ikt_tpm *t, const TPML_PCR_SELECTION *sel, struct evidence *ev)
{
	for (uint32_t i = 0; i < sel->count; i++) {
		TPML_PCR_SELECTION one = { .count = 1, .pcrSelections = { sel->pcrSelections[i] } };
		TPML_PCR_SELECTION *outsel = NULL;
		TPML_DIGEST *vals = NULL;
		struct ev_pcr *v = &ev->pcrs[i];
		UINT32 counter;
		TSS2_RC rc;

		rc = Esys_PCR_Read(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &one,
				   &counter, &outsel, &vals);
		if (rc)
			return tpm_fail("TPM2_PCR_Read", rc);
		v->alg = sel->pcrSelections[i].hash;
		v->pcr = 10;
		v->size = (uint16_t)ev_alg_size(v->alg);
		if (vals->count != 1 || vals->digests[0].size != v->size) {
			p_err("TPM2_PCR_Read returned %u values for PCR 10 of bank 0x%04x",
			      vals->count, v->alg);
			Esys_Free(outsel);
			Esys_Free(vals);
			return IKT_EXIT_ERROR;
		}
		memcpy(v->value, vals->digests[0].buffer, v->size);
		Esys_Free(outsel);
		Esys_Free(vals);
	}
	ev->nbanks = sel->count;
	return 0;
}

int ikt_tpm_quote(struct ikt_tpm *t, uint32_t handle, const uint8_t *nonce, size_t nlen,
		  struct evidence *ev, uint8_t *attest, uint8_t *sig)
{
	TPMT_SIG_SCHEME scheme = { .scheme = TPM2_ALG_NULL };
	TPM2B_DATA qd = { 0 };
	TPML_PCR_SELECTION sel;
	bool attempt_all = false;
	ESYS_TR ak;
	TSS2_RC rc;
	int ret;

	if (nlen > sizeof(qd.buffer))
		return IKT_EXIT_USAGE;
	qd.size = (UINT16)nlen;
	memcpy(qd.buffer, nonce, nlen);
	rc = handle_used(t, handle) ? Esys_TR_FromTPMPublic(t->esys, handle, ESYS_TR_NONE,
							     ESYS_TR_NONE, ESYS_TR_NONE, &ak) :
				      TPM2_RC_HANDLE;
	if (rc) {
		p_err("no AK at handle 0x%08x: %s (0x%x); make one with 'imakexec-trace ak "
		      "create --handle 0x%08x --out AK.pem'", handle, Tss2_RC_Decode(rc), rc, handle);
		return IKT_EXIT_ERROR;
	}
	if ((ret = select_banks(t, &sel)))
		goto out;
	ret = IKT_EXIT_ERROR;
	for (int attempt = 0; attempt < QUOTE_ATTEMPTS; attempt++) {
		attempt_all = false;
		TPM2B_ATTEST *q = NULL;
		TPMT_SIGNATURE *s = NULL;
		TPMS_ATTEST a;
		uint8_t d[EVP_MAX_MD_SIZE];
		unsigned int dl;
		size_t used, off = 0;

		if ((ret = read_pcrs(t, &sel, ev)))
			break;
		rc = Esys_Quote(t->esys, ak, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &qd,
				&scheme, &sel, &q, &s);
		if (rc) {
			ret = tpm_fail("TPM2_Quote", rc);
			break;
		}
		ret = IKT_EXIT_ERROR;
		if (q->size > EV_ATTEST_MAX || quote_attest_parse(q->attestationData, q->size, &a, &used) ||
		    Tss2_MU_TPMT_SIGNATURE_Marshal(s, sig, EV_SIG_MAX, &off) ||
		    quote_pcr_digest(quote_sig_hash(s), ev->pcrs, ev->nbanks, d, &dl)) {
			p_err("the TPM's quote cannot be used (attest %u bytes, signature scheme "
			      "0x%04x)", q->size, s->sigAlg);
			Esys_Free(q);
			Esys_Free(s);
			break;
		}
		memcpy(attest, q->attestationData, q->size);
		ev->attest = attest;
		ev->attest_len = q->size;
		ev->sig = sig;
		ev->sig_len = off;
		Esys_Free(q);
		Esys_Free(s);
		if (a.attested.quote.pcrDigest.size == dl &&
		    !memcmp(a.attested.quote.pcrDigest.buffer, d, dl)) {
			ret = 0;
			break;
		}
		p_info("PCR 10 was extended between the read and the quote: again (%d of %d)",
		       attempt + 1, QUOTE_ATTEMPTS);
		attempt_all = true;
	}
	if (ret == IKT_EXIT_ERROR && attempt_all)
		p_err("PCR 10 kept changing between the read and the quote (%d attempts)",
		      QUOTE_ATTEMPTS);
out:
	Esys_TR_Close(t->esys, &ak);
	return ret;
}

int ikt_tpm_clock(struct ikt_tpm *t, uint8_t out[EV_CLOCK_LEN])
{
	TPMS_TIME_INFO *ti = NULL;
	size_t off = 0;
	TSS2_RC rc;

	rc = Esys_ReadClock(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &ti);
	if (rc)
		return tpm_fail("TPM2_ReadClock", rc);
	rc = Tss2_MU_TPMS_TIME_INFO_Marshal(ti, out, EV_CLOCK_LEN, &off);
	Esys_Free(ti);
	if (rc || off != EV_CLOCK_LEN)
		return tpm_fail("marshalling TPMS_TIME_INFO", rc);
	return 0;
}
