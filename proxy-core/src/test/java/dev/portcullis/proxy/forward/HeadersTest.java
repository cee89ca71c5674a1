package dev.portcullis.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import org.junit.jupiter.api.Test;

class HeadersTest {

    @Test
    void connectionNamedHeadersAreStrippedBeforeTheProxySetsItsOwn() {
        HeaderMap h = new HeaderMap();
        h.add(new HttpString("Connection"), "close, X-Forwarded-For, X-Custom");
        h.add(new HttpString("X-Custom"), "1");
        h.add(new HttpString("Keep-Alive"), "5");
        h.add(new HttpString("TE"), "trailers");
        h.add(new HttpString("Proxy-Authorization"), "Basic x");
        h.add(new HttpString("Accept"), "*/*");
        HopByHopHeaders.strip(h);
        ForwardedHeaders.apply(h, "10.0.0.1", "https", "proxy.example.com");
        assertThat(h.getHeaderNames()).extracting(HttpString::toString)
                .containsExactlyInAnyOrder("Accept", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host");
        assertThat(h.getFirst("X-Forwarded-For")).isEqualTo("10.0.0.1");
    }

    @Test
    void clientCopiesOfReservedHeadersGoInEverySpelling() {
        HeaderMap h = new HeaderMap();
        h.add(new HttpString("x-forwarded-for"), "6.6.6.6");
        h.add(new HttpString("X_Forwarded_Host"), "evil");
        h.add(new HttpString("X-Original-URL"), "/s/b/");
        h.add(new HttpString("X-Rewrite-URL"), "/s/b/");
        h.add(new HttpString("X-Forwarded-Uri"), "/s/b/");
        h.add(new HttpString("Portcullis-Session"), "b");
        h.add(new HttpString("Forwarded"), "for=1.2.3.4");
        ForwardedHeaders.apply(h, "127.0.0.1", "http", "h");
        assertThat(h.getHeaderNames()).extracting(HttpString::toString)
                .containsExactlyInAnyOrder("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host");
        assertThat(h.getFirst("X-Forwarded-For")).isEqualTo("127.0.0.1");
    }
}
