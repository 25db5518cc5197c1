package authz

import (
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/asn1"
	"math/big"
	"strings"

	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/wipo-das/dasim/simulators/protocol"
)

// ecdsaSigLen is RFC 7518 §3.4: "the JWS Signature value ... is the
// concatenation of the two 32-octet big-endian unsigned integers R and S ...
// a 64-octet sequence"; "if the signature is not of this length, the
// validation MUST fail".
const ecdsaSigLen = 64

const seedsHint = "the seeds' openssl asn1parse + sed conversion drops leading zero bytes about 1 time in 128: left-pad R and S to 32 bytes each"

// checkSignature verifies the assertion with the selected registered key
// (jwx), diagnosing the encoding mistakes ES256 signers make (N32-N34) and a
// signature made with another client's key (N26).
func checkSignature(e *evaluation) *protocol.OAuthError {
	sig := e.jws.sig
	if e.key.alg.String() == "ES256" {
		if len(sig) != ecdsaSigLen {
			return diagnoseLength(e)
		}
		if msg := rsRange(sig); msg != "" {
			return reject(protocol.ErrInvalidClient, "N34", "%s: such a signature never verifies (FIPS 186-5 section 6.4.2; CVE-2022-21449)", msg)
		}
	} else if n := e.key.pub.(*rsa.PublicKey).Size(); len(sig) != n {
		return reject(protocol.ErrInvalidClient, "N31", "PS256 signature is %d bytes: the registered RSA key makes %d-byte signatures (RFC 8017 section 8.1.2)", len(sig), n)
	}
	if verifies(e.key, e.jws.raw) {
		return nil
	}
	if other := signedByOther(e); other != "" {
		return reject(protocol.ErrInvalidClient, "N26", "signature verifies with the key of client '%s', not with the key registered for '%s': sign with your own private key", other, e.client.id)
	}
	return reject(protocol.ErrInvalidClient, "N31", "%s signature does not verify with the registered key kid '%s' of client '%s': the header or payload changed after signing, or another private key signed it (RFC 7515 section 5.2)", e.key.alg, e.key.kid, e.client.id)
}

func verifies(k *clientKey, compact string) bool {
	_, err := jws.VerifyCompactFast(k.pub, []byte(compact), k.alg)
	return err == nil
}

// diagnoseLength explains a signature that is not 64 bytes: DER (N32), a
// dropped or extra leading zero (N33), or something else (N33).
func diagnoseLength(e *evaluation) *protocol.OAuthError {
	sig, n := e.jws.sig, len(e.jws.sig)
	if r, s, ok := parseDER(sig); ok {
		verdict := "and even re-encoded it does not verify with the registered key"
		if fixed, ok := rawRS(r, s); ok && verifies(e.key, resign(e.jws.raw, fixed)) {
			verdict = "re-encoded as R||S it verifies, so only the encoding is wrong"
		}
		return reject(protocol.ErrInvalidClient, "N32", "ES256 signature is DER-encoded (%d bytes starting 0x30, as openssl dgst -sign writes): RFC 7518 section 3.4 wants the 64-byte R||S concatenation; %s", n, verdict)
	}
	for _, c := range repairs(sig) {
		if verifies(e.key, resign(e.jws.raw, c.sig)) {
			return reject(protocol.ErrInvalidClient, "N33", "ES256 signature is %d bytes, RFC 7518 section 3.4 wants 64: %s, and with that fixed it verifies (%s)", n, c.what, seedsHint)
		}
	}
	if n == 63 || n == 65 {
		return reject(protocol.ErrInvalidClient, "N33", "ES256 signature is %d bytes, RFC 7518 section 3.4 wants 64: a leading zero byte of R or S was probably dropped or added, but no such repair verifies with the registered key (%s)", n, seedsHint)
	}
	return reject(protocol.ErrInvalidClient, "N33", "ES256 signature is %d bytes: RFC 7518 section 3.4 wants exactly 64 (32-byte R then 32-byte S)", n)
}

type repair struct {
	what string
	sig  []byte
}

// repairs lists the fixes of a 62-65-byte R||S that buggy signers need.
func repairs(sig []byte) []repair {
	ins := func(at, k int) []byte {
		out := append([]byte(nil), sig[:at]...)
		out = append(out, make([]byte, k)...)
		return append(out, sig[at:]...)
	}
	del := func(at int) []byte { return append(append([]byte(nil), sig[:at]...), sig[at+1:]...) }
	switch len(sig) {
	case 63:
		return []repair{{"R lost its leading zero byte (R was 31 bytes)", ins(0, 1)},
			{"S lost its leading zero byte (S was 31 bytes)", ins(32, 1)}}
	case 62:
		return []repair{{"R and S each lost a leading zero byte", append(ins(0, 1)[:32], ins(31, 1)[31:]...)},
			{"R lost two leading zero bytes", ins(0, 2)}, {"S lost two leading zero bytes", ins(32, 2)}}
	case 65:
		var out []repair
		if sig[0] == 0 {
			out = append(out, repair{"R carries an extra leading zero (the DER sign byte)", del(0)})
		}
		if sig[32] == 0 {
			out = append(out, repair{"S carries an extra leading zero (the DER sign byte)", del(32)})
		}
		return out
	}
	return nil
}

func parseDER(sig []byte) (r, s *big.Int, ok bool) {
	if len(sig) < 8 || sig[0] != 0x30 {
		return nil, nil, false
	}
	var v struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(sig, &v)
	if err != nil || len(rest) != 0 || v.R == nil || v.S == nil {
		return nil, nil, false
	}
	return v.R, v.S, true
}

func rawRS(r, s *big.Int) ([]byte, bool) {
	if r.Sign() < 0 || s.Sign() < 0 || r.BitLen() > 256 || s.BitLen() > 256 {
		return nil, false
	}
	out := make([]byte, ecdsaSigLen)
	r.FillBytes(out[:32])
	s.FillBytes(out[32:])
	return out, true
}

// rsRange checks 0 < r, s < n (FIPS 186-5 §6.4.2 step 1).
func rsRange(sig []byte) string {
	n := elliptic.P256().Params().N
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:])
	switch {
	case r.Sign() == 0 && s.Sign() == 0:
		return "ES256 signature is all zero bytes (r = s = 0)"
	case r.Sign() == 0 || s.Sign() == 0:
		return "ES256 signature has r = 0 or s = 0"
	case r.Cmp(n) >= 0 || s.Cmp(n) >= 0:
		return "ES256 signature has r or s not below the P-256 group order n"
	}
	return ""
}

// resign replaces the signature segment of compact.
func resign(compact string, sig []byte) string {
	i := strings.LastIndexByte(compact, '.')
	return compact[:i+1] + b64.EncodeToString(sig)
}

// signedByOther returns the id of another registered client whose key
// verifies the signature (N26, the suite's ensure-client-id-in-token-endpoint).
func signedByOther(e *evaluation) string {
	if e.others == nil {
		return ""
	}
	for _, r := range e.others() {
		for i := range r.keys {
			if r.keys[i].alg.String() == e.jws.alg && verifies(&r.keys[i], e.jws.raw) {
				return r.id
			}
		}
	}
	return ""
}
