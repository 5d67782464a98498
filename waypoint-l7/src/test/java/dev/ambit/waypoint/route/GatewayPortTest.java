package dev.ambit.waypoint.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.waypoint.process.IngressListenerSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which listener of a shared port a host belongs to, and the --listener flags the controller writes. */
class GatewayPortTest {

    private static final NamespacedName GATEWAY = NamespacedName.of("edge", "public");

    @Test
    void aHostBelongsToTheListenerNamingItMostSpecifically() {
        GatewayListener any = new GatewayListener(GATEWAY, "any", 443, Optional.empty());
        GatewayListener wild = new GatewayListener(GATEWAY, "wild", 443, Optional.of("*.example.com"));
        GatewayListener deep = new GatewayListener(GATEWAY, "deep", 443, Optional.of("*.api.example.com"));
        GatewayListener shop = new GatewayListener(GATEWAY, "shop", 443, Optional.of("shop.example.com"));
        GatewayPort port = new GatewayPort(GATEWAY, 443, List.of(any, wild, deep, shop));
        assertEquals(Optional.of(shop), port.listenerFor("shop.example.com"));
        assertEquals(Optional.of(deep), port.listenerFor("v1.api.example.com"));
        assertEquals(Optional.of(wild), port.listenerFor("www.example.com"));
        assertEquals(Optional.of(any), port.listenerFor("example.org"));
        assertEquals(Optional.empty(), new GatewayPort(GATEWAY, 443, List.of(shop)).listenerFor("www.example.com"));
        assertEquals("shop.example.com", GatewayListener.hostOf("Shop.Example.com:8443"));
        assertEquals("[::1]", GatewayListener.hostOf("[::1]:80"));
    }

    @Test
    void listenerFlagsParseAsTheControllerWritesThem() {
        IngressListenerSpec https = IngressListenerSpec.parse(
                "api,HTTPS,443,*.api.example.com,/var/run/ambit-tls/api-cert,/var/run/ambit-tls/api-cert-rsa");
        assertEquals(new IngressListenerSpec("api", "HTTPS", 443, Optional.of("*.api.example.com"),
                List.of(Path.of("/var/run/ambit-tls/api-cert"), Path.of("/var/run/ambit-tls/api-cert-rsa"))), https);
        assertEquals(Optional.empty(), IngressListenerSpec.parse("http,HTTP,80,*").hostname());
        assertEquals("listener web: protocol TCP is not HTTP or HTTPS", assertThrows(IllegalArgumentException.class,
                () -> IngressListenerSpec.parse("web,TCP,80,*")).getMessage());
        assertEquals("listener tls: HTTPS needs a certificate directory", assertThrows(
                IllegalArgumentException.class, () -> IngressListenerSpec.parse("tls,HTTPS,443,*")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> IngressListenerSpec.parse("http,HTTP,eighty,*"));
        assertThrows(IllegalArgumentException.class, () -> IngressListenerSpec.parse("http,HTTP,80"));
    }
}
