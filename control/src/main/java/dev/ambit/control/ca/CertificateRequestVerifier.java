package dev.ambit.control.ca;

import dev.ambit.api.identity.PemException;
import dev.ambit.api.identity.SpiffeId;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Checks a PKCS#10 request before the CA signs it: proof of possession (the signature verifies), the key type
 * (ECDSA P-256 only) and that nothing beyond the authorized identity is asked for.
 */
final class CertificateRequestVerifier {

    private static final ECParameterSpec P256 =
            ((ECPublicKey) dev.ambit.api.identity.WorkloadKeys.generate().getPublic()).getParams();

    /** @return the public key to certify */
    PublicKey verify(String csrPem, SpiffeId authorizedIdentity) {
        JcaPKCS10CertificationRequest request;
        PublicKey key;
        try {
            request = new JcaPKCS10CertificationRequest(CertificateRequests.parse(csrPem, "certificate request"));
            key = request.getPublicKey();
        } catch (PemException e) {
            throw new CertificateRequestException(e.getMessage());
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            throw new CertificateRequestException("certificate request has an unreadable public key: " + e.getMessage());
        }
        requireP256(key);
        requireValidSignature(request, key);
        Extensions extensions = requestedExtensions(request);
        if (extensions != null) {
            requireNotCa(extensions);
            requireOnlyIdentity(extensions, authorizedIdentity);
        }
        return key;
    }

    private static void requireP256(PublicKey key) {
        if (!(key instanceof ECPublicKey ec) || !sameCurve(ec.getParams(), P256)) {
            throw new CertificateRequestException("certificate request key must be ECDSA P-256, got "
                    + key.getAlgorithm());
        }
    }

    private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
        return a.getCurve().equals(b.getCurve()) && a.getGenerator().equals(b.getGenerator())
                && a.getOrder().equals(b.getOrder());
    }

    private static void requireValidSignature(JcaPKCS10CertificationRequest request, PublicKey key) {
        boolean valid;
        try {
            valid = request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
        } catch (OperatorCreationException | PKCSException e) {
            throw new CertificateRequestException("certificate request signature cannot be checked: " + e.getMessage());
        }
        if (!valid) {
            throw new CertificateRequestException(
                    "certificate request signature does not verify (the request was altered or not signed by its key)");
        }
    }

    private static Extensions requestedExtensions(JcaPKCS10CertificationRequest request) {
        Attribute[] attributes = request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest);
        if (attributes.length == 0) {
            return null;
        }
        if (attributes.length > 1 || attributes[0].getAttrValues().size() != 1) {
            throw new CertificateRequestException("certificate request has more than one extension request");
        }
        ASN1Encodable value = attributes[0].getAttrValues().getObjectAt(0);
        try {
            return Extensions.getInstance(value);
        } catch (IllegalArgumentException e) {
            throw new CertificateRequestException("certificate request has malformed extensions: " + e.getMessage());
        }
    }

    private static void requireNotCa(Extensions extensions) {
        BasicConstraints constraints = BasicConstraints.fromExtensions(extensions);
        if (constraints != null && constraints.isCA()) {
            throw new CertificateRequestException("certificate request asks for CA:true; workload certificates cannot"
                    + " be CAs");
        }
    }

    private static void requireOnlyIdentity(Extensions extensions, SpiffeId authorizedIdentity) {
        GeneralNames names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
        if (names == null) {
            return;
        }
        for (GeneralName name : names.getNames()) {
            String asked = name.getName().toString();
            if (name.getTagNo() != GeneralName.uniformResourceIdentifier || !asked.equals(authorizedIdentity.uri())) {
                throw new CertificateRequestException("certificate request asks for '" + asked
                        + "' but the caller is authorized only for " + authorizedIdentity);
            }
        }
    }
}
