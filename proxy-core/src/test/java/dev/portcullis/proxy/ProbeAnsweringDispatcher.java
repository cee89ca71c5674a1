package dev.portcullis.proxy;

import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.RecordedRequest;

/**
 * The app behind the dashboard tests' agent: answers the dashboard's readiness probes ({@code HEAD} with
 * {@code User-Agent: portcullis-probe}) at once with 200, so the app is "ready", and gives every other request the
 * next enqueued response, as MockWebServer's default dispatcher does. {@link #appRequests()} counts only those
 * others: what a user's requests brought to the app.
 */
final class ProbeAnsweringDispatcher extends QueueDispatcher {
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger others = new AtomicInteger();

    /** A MockWebServer (not started) with a fresh dispatcher of this kind. */
    static MockWebServer server() {
        MockWebServer server = new MockWebServer();
        server.setDispatcher(new ProbeAnsweringDispatcher());
        return server;
    }

    /** The dispatcher of a {@link #server()}. */
    static ProbeAnsweringDispatcher of(MockWebServer server) {
        return (ProbeAnsweringDispatcher) server.getDispatcher();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        if ("HEAD".equals(request.getMethod()) && "portcullis-probe".equals(request.getHeaders().get("User-Agent"))) {
            probes.incrementAndGet();
            return new MockResponse.Builder().build();
        }
        others.incrementAndGet();
        return super.dispatch(request);
    }

    /** Requests other than probes. */
    int appRequests() {
        return others.get();
    }

    /** Probes answered. */
    int probes() {
        return probes.get();
    }
}
