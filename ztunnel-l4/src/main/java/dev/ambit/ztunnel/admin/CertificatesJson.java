package dev.ambit.ztunnel.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.tls.CertManager;
import dev.ambit.runtime.tls.WorkloadCertificate;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * The certificates the tunnel holds, one per identity, sorted by SPIFFE id: what each leaf says about itself and how
 * long its chain is. Public facts only: the key is never read here.
 */
record CertificatesJson(CertManager certificates, Clock clock) implements JsonSection {

    @Override
    public void write(JsonGenerator json) throws IOException {
        Instant now = clock.instant();
        json.writeStartArray();
        for (Map.Entry<SpiffeId, Optional<WorkloadCertificate>> held : certificates.held().entrySet().stream()
                .sorted(Comparator.comparing(entry -> entry.getKey().uri())).toList()) {
            json.writeStartObject();
            json.writeStringField("identity", held.getKey().uri());
            if (held.getValue().isPresent()) {
                writeCertificate(held.getValue().get(), now, json);
            } else {
                json.writeStringField("state", "awaiting");
            }
            Optional<Instant> rotation = certificates.nextRotation(held.getKey());
            if (rotation.isPresent()) {
                json.writeStringField("nextRotation", rotation.get().toString());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void writeCertificate(WorkloadCertificate certificate, Instant now, JsonGenerator json)
            throws IOException {
        X509Certificate leaf = certificate.leaf();
        json.writeStringField("state", now.isAfter(certificate.notAfter()) ? "expired" : "valid");
        json.writeStringField("serial", certificate.serial());
        json.writeStringField("notBefore", leaf.getNotBefore().toInstant().toString());
        json.writeStringField("notAfter", certificate.notAfter().toString());
        json.writeStringField("issuer", leaf.getIssuerX500Principal().getName());
        json.writeNumberField("chainLength", certificate.chain().size());
    }
}
