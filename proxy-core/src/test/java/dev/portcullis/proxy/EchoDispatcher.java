package dev.portcullis.proxy;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * The "echo backend" of the threat-table tests: answers every request with what it received (request line, headers,
 * body), so a test can assert what reached the app through the proxy, and the MockWebServer also records it.
 */
final class EchoDispatcher extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String body = request.getRequestLine() + "\n" + request.getHeaders() + "\n" + (request.getBody() == null ? "" : request.getBody().string(java.nio.charset.StandardCharsets.ISO_8859_1));
        return new MockResponse.Builder().addHeader("Content-Type", "text/plain").body(body).build();
    }
}
