package dev.portcullis.tunnel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.tunnel.TunnelHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestHeadTest {

    private static Http2Headers valid() {
        return TunnelHeaders.request("GET", "/s/A/lab?x=1", "https", "proxy.example", "A", "lab", 8888, null);
    }

    @Test
    void validHeadBecomesAnHttp11RequestWithHostFromAuthority() throws Exception {
        Http2Headers h = valid();
        h.add("accept", "*/*");
        h.add("host", "evil.example");
        h.add("portcullis-extra", "x");
        RequestHead head = RequestHead.parse(h);
        HttpRequest req = head.toHttp1(false);

        assertThat(req.method().name()).isEqualTo("GET");
        assertThat(req.uri()).isEqualTo("/s/A/lab?x=1");
        assertThat(req.headers().getAll("host")).containsExactly("proxy.example");
        assertThat(req.headers().get("accept")).isEqualTo("*/*");
        assertThat(req.headers().names()).noneMatch(n -> n.startsWith("portcullis-"));
        assertThat(head.port()).isEqualTo(8888);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a b", "/a\r\nX: y", "/a\u0000", "a/b", "/\u007f", "/\u00e9"})
    void pathsThatCouldSplitTheRequestLineAreRefused(String path) {
        Http2Headers h = new DefaultHttp2Headers(false).method("GET").path(path).scheme("https").authority("x");
        h.set(TunnelHeaders.SESSION, "A").set(TunnelHeaders.APP, "lab").set(TunnelHeaders.PORT, "1");
        assertThatThrownBy(() -> RequestHead.parse(h)).isInstanceOf(RequestHead.InvalidRequestException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GE T", "GET\r\n", "", "G(T"})
    void methodsThatAreNotTokensAreRefused(String method) {
        Http2Headers h = new DefaultHttp2Headers(false).method(method).path("/").scheme("https").authority("x");
        h.set(TunnelHeaders.SESSION, "A").set(TunnelHeaders.APP, "lab").set(TunnelHeaders.PORT, "1");
        assertThatThrownBy(() -> RequestHead.parse(h)).isInstanceOf(RequestHead.InvalidRequestException.class);
    }

    @Test
    void headerValuesWithCrLfAreRefused() {
        Http2Headers h = new DefaultHttp2Headers(false).method("GET").path("/").scheme("https").authority("x");
        h.set(TunnelHeaders.SESSION, "A").set(TunnelHeaders.APP, "lab").set(TunnelHeaders.PORT, "1");
        h.add("x-a", "1\r\nX-Injected: 2");
        assertThatThrownBy(() -> RequestHead.parse(h)).isInstanceOf(RequestHead.InvalidRequestException.class);
    }

    @Test
    void authorityWithUserinfoOrPathIsRefused() {
        for (String authority : new String[] {"a@b", "a/b", "a b"}) {
            Http2Headers h = new DefaultHttp2Headers(false).method("GET").path("/").scheme("https").authority(authority);
            h.set(TunnelHeaders.SESSION, "A").set(TunnelHeaders.APP, "lab").set(TunnelHeaders.PORT, "1");
            assertThatThrownBy(() -> RequestHead.parse(h)).isInstanceOf(RequestHead.InvalidRequestException.class);
        }
    }

    @Test
    void missingTargetHeadersAreRefused() {
        Http2Headers h = new DefaultHttp2Headers().method("GET").path("/").scheme("https").authority("x");
        assertThatThrownBy(() -> RequestHead.parse(h)).isInstanceOf(RequestHead.InvalidRequestException.class);
    }

    @Test
    void duplicateContentLengthIsRefused() {
        Http2Headers h = valid();
        h.add("content-length", "1");
        h.add("content-length", "2");
        assertThatThrownBy(() -> RequestHead.parse(h)).isInstanceOf(RequestHead.InvalidRequestException.class);
    }

    @Test
    void upgradeRequestCarriesConnectionAndUpgradeButNoBodyFraming() throws Exception {
        Http2Headers h = TunnelHeaders.request("GET", "/ws", "https", "x", "A", "term", 1, "websocket");
        h.add("sec-websocket-key", "k");
        HttpRequest req = RequestHead.parse(h).toHttp1(true);
        assertThat(req.headers().get("connection")).isEqualTo("upgrade");
        assertThat(req.headers().get("upgrade")).isEqualTo("websocket");
        assertThat(req.headers().get("sec-websocket-key")).isEqualTo("k");
        assertThat(req.headers().contains("transfer-encoding")).isFalse();
    }

    @Test
    void bodyWithoutLengthIsChunked() throws Exception {
        HttpRequest req = RequestHead.parse(TunnelHeaders.request("POST", "/", "https", "x", "A", "l", 1, null))
                .toHttp1(true);
        assertThat(req.headers().get("transfer-encoding")).isEqualTo("chunked");
    }
}
