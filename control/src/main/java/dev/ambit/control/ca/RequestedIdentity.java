package dev.ambit.control.ca;

import dev.ambit.api.identity.InvalidSpiffeIdException;
import dev.ambit.api.identity.PemException;
import dev.ambit.api.identity.SpiffeId;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The SPIFFE ID a certificate request asks for. A node agent holds many identities, so the request must say which
 * one; whether the caller may have it is decided separately, and {@code MeshCa} checks the rest of the request.
 */
final class RequestedIdentity {

    private RequestedIdentity() {
    }

    static SpiffeId of(String csrPem) {
        PKCS10CertificationRequest request;
        try {
            request = CertificateRequests.parse(csrPem, "certificate request");
        } catch (PemException e) {
            throw new CertificateRequestException(e.getMessage());
        }
        for (Attribute attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            if (attribute.getAttrValues().size() != 1) {
                continue;
            }
            try {
                GeneralNames names = GeneralNames.fromExtensions(
                        Extensions.getInstance(attribute.getAttrValues().getObjectAt(0)),
                        Extension.subjectAlternativeName);
                if (names != null) {
                    for (GeneralName name : names.getNames()) {
                        if (name.getTagNo() == GeneralName.uniformResourceIdentifier) {
                            return SpiffeId.parse(name.getName().toString());
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                String reason = e instanceof InvalidSpiffeIdException ? e.getMessage() : "malformed extensions";
                throw new CertificateRequestException("certificate request: " + reason);
            }
        }
        throw new CertificateRequestException("certificate request names no SPIFFE ID (URI SAN)");
    }
}
